"""Fallback chains: a model alias or per-call `fallbacks=` becomes an ordered list of models,
tried one after another while failures are retryable (pure decisions; the pipeline does I/O).

Each model first gets its own retries (RetryConfig). Then a retryable failure moves on;
a terminal one (400/404/422, 401/403, quota exhausted) is raised at once, unwrapped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import TypeVar

from ._errors import AllProvidersFailed, APIConnectionError, APIError, GatewiseError
from ._numbers import check_number
from ._retry import QUOTA_EXHAUSTED_CODES

T = TypeVar("T")


def resolve_chain(
    model: object, fallbacks: Sequence[str] | None, aliases: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...] | None:
    """The models to try, in order; None when the call has no chain (a plain model name)."""
    if not isinstance(model, str) or (model not in aliases and not fallbacks):
        return None
    if isinstance(fallbacks, str):
        raise TypeError("fallbacks must be a list of model names, not a str")
    chain: list[str] = []
    for name in (model, *(fallbacks or ())):
        if not isinstance(name, str) or not name:
            raise TypeError(f"fallbacks must hold model names, got {name!r}")
        for candidate in aliases.get(name, (name,)):
            if candidate not in chain:
                chain.append(candidate)
    return tuple(chain)


def falls_back(error: GatewiseError) -> bool:
    """Whether `error` lets the chain move on to the next model."""
    if isinstance(error, APIConnectionError):  # network failures, timeouts, broken streams
        return True
    if isinstance(error, APIError):
        if error.status_code == 429:
            return error.code not in QUOTA_EXHAUSTED_CODES
        return error.status_code >= 500 or error.status_code in (408, 409)
    return False


class Cooldowns:
    """Models that failed retryably lately, skipped by later calls until their cooldown ends."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = None if seconds is None else check_number("fallback_cooldown", seconds)
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def cooling(self, model: str) -> bool:
        with self._lock:
            return self._until.get(model, 0.0) > time.monotonic()

    def start(self, model: str) -> None:
        if self.seconds:
            with self._lock:
                self._until[model] = time.monotonic() + self.seconds


class FallbackRun:
    """One call's walk along its chain: iterate the models, report each failure."""

    def __init__(
        self, chain: tuple[str, ...], cooldowns: Cooldowns, logger: logging.Logger
    ) -> None:
        self._chain = chain
        self._cooldowns = cooldowns
        self._logger = logger
        self.errors: list[tuple[str, GatewiseError]] = []
        self._order: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[str]:
        ready = [model for model in self._chain if not self._cooldowns.cooling(model)]
        # When every model is cooling down, trying them beats failing without a request.
        self._order = tuple(ready or self._chain)
        return iter(self._order)

    def failed(self, model: str, error: GatewiseError) -> None:
        """Record a failure; re-raise it when it is terminal."""
        if not falls_back(error):
            raise error
        self.errors.append((model, error))
        self._cooldowns.start(model)
        last = not self._order or model == self._order[-1]
        self._logger.debug(
            "fallback: %s failed (%s: %s); %s",
            model,
            type(error).__name__,
            error,
            "no model left" if last else "trying the next model",
        )

    def exhausted(self) -> AllProvidersFailed:
        return AllProvidersFailed(self.errors)


# The position of the model being tried in its chain (0 outside one). A hop's request is
# built deep inside the attempt (routing, retries), so it reads the hop here.
fallback_hop: ContextVar[int] = ContextVar("gatewise_fallback_hop", default=0)


def hop_idempotency_key(key: str, hop: int) -> str:
    """A caller's Idempotency-Key for fallback hop `hop`: each hop sends another model, so it
    is another request to de-duplicate; hop 0 keeps the caller's key unchanged."""
    return key if hop == 0 else f"{key}-hop{hop}"


def call_chain(run: FallbackRun, attempt: Callable[[str], T]) -> T:
    """`attempt(model)` for each model of the chain until one succeeds."""
    for hop, model in enumerate(run):
        token = fallback_hop.set(hop)
        try:
            return attempt(model)
        except GatewiseError as exc:
            run.failed(model, exc)
        finally:
            fallback_hop.reset(token)
    raise run.exhausted()


async def acall_chain(run: FallbackRun, attempt: Callable[[str], Awaitable[T]]) -> T:
    """`await attempt(model)` for each model of the chain until one succeeds."""
    for hop, model in enumerate(run):
        token = fallback_hop.set(hop)
        try:
            return await attempt(model)
        except GatewiseError as exc:
            run.failed(model, exc)
        finally:
            fallback_hop.reset(token)
    raise run.exhausted()
