"""Tests of an application using the `gateway` fixture (a running MockGateway per test)."""

# The install test runs this file as a consumer's test_consumer.py with pytest and
# mypy --strict; the docs' mock gateway page shows it.

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


@pytest.mark.mock_gateway(video_seconds=0.2)
def test_video_job(gateway: MockGateway) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        result = client.video.generate(model="byteplus/seedance", prompt="Waves", poll_interval=0.1)
    assert result.url
