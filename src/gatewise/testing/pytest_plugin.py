"""pytest plugin: the `gateway` fixture, a running MockGateway per test.

Registered as a `pytest11` entry point (or `-p gatewise.testing.pytest_plugin`); it
imports the server only when a test asks for `gateway`, so pytest runs where the
`mock` extra is missing still start. Options: `@pytest.mark.mock_gateway(video_seconds=0.2)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._server import MockGateway


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mock_gateway(**options): keyword arguments for the MockGateway of the `gateway` fixture",
    )


@pytest.fixture
def gateway(request: pytest.FixtureRequest) -> Iterator[MockGateway]:
    """A MockGateway serving on a free port for the duration of the test."""
    from . import MockGateway

    marker = request.node.get_closest_marker("mock_gateway")
    options = dict(marker.kwargs) if marker is not None else {}
    with MockGateway(**options) as gw:
        yield gw
