"""Where a call goes on the wire. A chat call (the spec's TRANSLATED_OPERATION) whose
model's provider has its own API behind the gateway (TRANSLATED_PROVIDERS) is sent to that
API's generated operation (its path and header defaults from the spec), translated both
ways by that provider's overlay module, loaded on first use; every other call goes out as
it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ._operation import Operation

T = TypeVar("T")

# The operationId of the calls the overlays translate (a test checks it against the spec).
TRANSLATED_OPERATION = "createChatCompletion"
# The gateway serves the Anthropic Messages API under this prefix; `anthropic_base_url`
# replaces it (another gateway's Messages endpoint is `{its root}/v1/messages`).
ANTHROPIC_PREFIX = "/anthropic/"

# Provider prefixes whose models the gateway serves in their own API's request shape.
TRANSLATED_PROVIDERS = frozenset({"anthropic"})


def translated_provider(model: str) -> str | None:
    """The provider whose native API `model` ("anthropic/claude-...") is sent to, else None."""
    provider, slash, name = model.partition("/")
    return provider if slash and name and provider in TRANSLATED_PROVIDERS else None


class EventTranslator(Protocol):
    """Turns one named stream event into chunk dicts; `done` after the terminal event."""

    @property
    def done(self) -> bool: ...

    def feed(self, event_type: str, payload: Mapping[str, Any]) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Route(Generic[T]):
    """Where one call goes: the wire operation (its decoder gives the caller's type), the
    body, and for a translated stream how to turn its events into the caller's chunks."""

    op: Operation[T]
    body: Mapping[str, object] | None
    events: Callable[[], EventTranslator] | None = None


def operation_url(base_url: str, anthropic_base_url: str, path: str) -> str:
    """The URL of a filled operation path: the Anthropic API's own paths go under
    `anthropic_base_url`, every other path under `base_url`."""
    if path.startswith(ANTHROPIC_PREFIX):
        return anthropic_base_url + path[len(ANTHROPIC_PREFIX) - 1 :]
    return base_url + path


def route(op: Operation[T], body: Mapping[str, object] | None, logger: logging.Logger) -> Route[T]:
    """The wire route of one call (one hop of a fallback chain)."""
    if body is None or op.operation_id != TRANSLATED_OPERATION:
        return Route(op, body)
    model = body.get("model")
    provider = translated_provider(model) if isinstance(model, str) else None
    if provider is None or not isinstance(model, str):
        return Route(op, body)
    from ._anthropic import messages_route  # only callers of Anthropic models pay its import

    return messages_route(op, body, model, logger)
