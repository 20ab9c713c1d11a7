"""End-to-end fixtures: gatewise clients of both kinds against a real MockGateway.

The gateway is the `gateway` fixture of gatewise's own pytest plugin (a fresh
MockGateway on 127.0.0.1 per test: it starts in a few milliseconds, and every test
gets a gateway whose keys, config, logs and cache no other test touched). Options come
from `@pytest.mark.mock_gateway(...)`.

Every test that takes `client` or `make_client` runs twice, with `Gatewise` and with
`AsyncGatewise`; the test body is written once:
`await resolve(client.models.list())` awaits what the async client returns and passes the
sync client's answers through, and `await items(...)` / `await first(...)` read sync and
async iterators alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gatewise.testing import MockGateway

from .helpers import ClientFactory


@pytest.fixture(params=["sync", "async"])
async def make_client(
    request: pytest.FixtureRequest, gateway: MockGateway
) -> AsyncIterator[ClientFactory]:
    factory = ClientFactory(request.param, gateway)
    yield factory
    await factory.close_all()


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    """A client holding the gateway's admin key."""
    return make_client()
