"""The mock's handlers, registered by the operationId (openapi.yaml) each one serves.

The routes themselves come from the spec (`MOCK_ROUTES` in gatewise._generated); a spec
operation without a handler here answers 501.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from ._call import Call

Handler = Callable[[Call], Awaitable[Response]]

HANDLERS: dict[str, Handler] = {}


def handles(*operation_ids: str) -> Callable[[Handler], Handler]:
    """Register the decorated handler as the one serving each of `operation_ids`."""

    def register(handler: Handler) -> Handler:
        for operation_id in operation_ids:
            if operation_id in HANDLERS:
                raise RuntimeError(f"two mock handlers serve {operation_id}")
            HANDLERS[operation_id] = handler
        return handler

    return register
