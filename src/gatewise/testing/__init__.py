"""gatewise.testing: a mock gateway implementing the whole gatewise API in-process.

`with MockGateway() as gw:` serves it on 127.0.0.1 (needs the `mock` extra: starlette
and uvicorn, imported on first use so the pytest plugin loads without them);
`python -m gatewise.testing` serves it from the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._faults import FaultRule, Faults
    from ._server import DEFAULT_API_KEY, MockGateway
    from ._state import RecordedRequest, RecordedRequests

__all__ = [
    "DEFAULT_API_KEY",
    "FaultRule",
    "Faults",
    "MockGateway",
    "RecordedRequest",
    "RecordedRequests",
]

_HOMES = {
    "DEFAULT_API_KEY": "._server",
    "MockGateway": "._server",
    "FaultRule": "._faults",
    "Faults": "._faults",
    "RecordedRequest": "._state",
    "RecordedRequests": "._state",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = importlib.import_module(home, __name__)
    except ModuleNotFoundError as exc:
        if exc.name in ("starlette", "uvicorn"):
            raise ImportError(
                "gatewise.testing needs the mock extra: pip install 'gatewise[mock]'"
            ) from exc
        raise
    return getattr(module, name)
