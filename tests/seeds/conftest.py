"""Seed examples re-typed with gatewise names, against a fresh MockGateway per test.

`client` is a `Gatewise`, `async_client` an `AsyncGatewise`, both holding the gateway's
admin key (the seeds' examples pass their own keys; the mock needs a valid one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway


@pytest.fixture
def client(gateway: MockGateway) -> Iterator[Gatewise]:
    with Gatewise(gateway.url, api_key=gateway.api_key) as client:
        yield client


@pytest.fixture
async def async_client(gateway: MockGateway) -> AsyncIterator[AsyncGatewise]:
    async with AsyncGatewise(gateway.url, api_key=gateway.api_key) as client:
        yield client
