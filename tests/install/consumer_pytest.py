"""A consumer's test using the `gateway` fixture of the installed wheel's pytest plugin.

tests/install/run.py copies it into an empty folder as test_consumer.py and runs it with
the fresh venv's pytest (the wheel installed with the `mock` extra); it is also
type-checked there with mypy --strict.
"""

from __future__ import annotations

import pytest

from gatewise import Gatewise, RateLimitError
from gatewise.testing import MockGateway


def test_chat_against_the_fixture(gateway: MockGateway) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        reply = client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "Hi"}]
        )
    assert reply.content


def test_scripted_faults(gateway: MockGateway) -> None:
    gateway.faults.add("/v1/chat/completions", status=429, times=1)
    with (
        Gatewise(base_url=gateway.url, api_key=gateway.api_key, max_retries=0) as client,
        pytest.raises(RateLimitError),
    ):
        client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "Hi"}]
        )
