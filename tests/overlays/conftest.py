"""A real MockGateway on loopback per test, and clients for it: every test built on
`make_client` runs twice, against `Gatewise` and against `AsyncGatewise`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway
from tests.support import RETRY_ONCE, resolve

# Short enough for fast tests, long enough that a 0.2 s timeout clearly fires first.
GATEWAY_DEFAULTS: dict[str, Any] = {"video_seconds": 0.3, "slow_seconds": 1.0}

ClientFactory = Callable[..., Any]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "gateway(**options): MockGateway options for the overlay tests' `gw` fixture"
    )


@pytest.fixture
def gw(request: pytest.FixtureRequest) -> Iterator[MockGateway]:
    marker = request.node.get_closest_marker("gateway")
    options = {**GATEWAY_DEFAULTS, **(marker.kwargs if marker is not None else {})}
    with MockGateway(**options) as gateway:
        yield gateway


async def _clients(gw: MockGateway, cls: type[Any]) -> AsyncIterator[ClientFactory]:
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("retry", RETRY_ONCE)
        client = cls(base_url=gw.url, api_key=gw.api_key, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await resolve(client.close())


@pytest.fixture(params=["sync", "async"])
async def make_client(request: pytest.FixtureRequest, gw: MockGateway) -> AsyncIterator[Any]:
    """`make_client(**options)`: a Gatewise or an AsyncGatewise for `gw`, closed afterwards."""
    cls = Gatewise if request.param == "sync" else AsyncGatewise
    async for factory in _clients(gw, cls):
        yield factory


@pytest.fixture
async def make_async_client(gw: MockGateway) -> AsyncIterator[Any]:
    """Like `make_client`, for the tests that only make sense on the async client."""
    async for factory in _clients(gw, AsyncGatewise):
        yield factory
