"""Hooks (Speakeasy's shape): objects whose optional `before_request`, `after_success` and
`after_error` methods the pipeline calls around every attempt, in the order given.

`Hooks` checks them once, when the client is made. Each call of a hook is guarded: its own
exception becomes HookError (cause chained) and a wrong return value is named, so a hook
never leaves the pipeline half-done. The sync and async runners differ only in awaiting.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._errors import GatewiseError, HookError
from ._fallback import fallback_hop
from ._headers import check_hook_headers
from ._operation import Operation

if TYPE_CHECKING:
    from ._tracing import Trace

T = TypeVar("T")

_STAGES = ("before_request", "after_success", "after_error")


@dataclass(frozen=True, slots=True)
class HookContext:
    """What a hook knows about the attempt it sees.

    Attributes:
        operation_id: The spec's operationId of the call (`"createChatCompletion"`).
        model: The model of this attempt (the hop's model in a fallback chain), if any.
        attempt: 1 for the first attempt, counting again from 1 on each fallback hop.
        hop: The position of `model` in its fallback chain: 0, 1, ...
    """

    operation_id: str
    model: str | None
    attempt: int
    hop: int


@dataclass(frozen=True, slots=True)
class CallSite:
    """The call an attempt belongs to: what hooks name it by, and its trace, if traced."""

    operation_id: str
    model: str | None
    hop: int
    trace: Trace | None

    @classmethod
    def of(
        cls, op: Operation[Any], body: Mapping[str, object] | None, trace: Trace | None
    ) -> CallSite:
        model = body.get("model") if body is not None else None
        model = model if isinstance(model, str) else None
        return cls(op.operation_id, model, fallback_hop.get(), trace)

    def context(self, attempt: int) -> HookContext:
        return HookContext(self.operation_id, self.model, attempt, self.hop)


# A registered hook method and its name for messages ("Audit.before_request").
Method = tuple[str, Callable[..., Any]]


def _methods(hooks: Sequence[object], stage: str, is_async: bool) -> list[Method]:
    found = []
    for hook in hooks:
        method = getattr(hook, stage, None)
        if method is None:
            continue
        name = f"{type(hook).__name__}.{stage}"
        if not callable(method):
            raise TypeError(f"{name} must be a method")
        if not is_async and inspect.iscoroutinefunction(method):
            raise TypeError(f"{name} is async: async hooks need AsyncGatewise")
        found.append((name, method))
    return found


def check_hooks(hooks: object, is_async: bool) -> Hooks | None:
    """The client's hooks (None when there are none), checked once."""
    if hooks is None:
        return None
    if isinstance(hooks, (str, bytes)) or not isinstance(hooks, Sequence):
        raise TypeError(f"hooks must be a list of hook objects, got {type(hooks).__name__}")
    for hook in hooks:
        if not any(hasattr(hook, stage) for stage in _STAGES):
            raise TypeError(
                f"hook {hook!r} defines none of {', '.join(_STAGES)}: nothing would call it"
            )
    return Hooks(*(_methods(hooks, stage, is_async) for stage in _STAGES)) if hooks else None


def _failed(name: str, exc: Exception) -> HookError:
    return HookError(f"hook {name} raised {type(exc).__name__}: {exc}", hook=name)


def _returned(name: str, result: object, expected: str) -> HookError:
    return HookError(
        f"hook {name} returned {type(result).__name__}; it must return {expected} or None",
        hook=name,
    )


def _call(method: Method, *args: object) -> Any:
    name, function = method
    try:
        result = function(*args)
    except Exception as exc:
        raise _failed(name, exc) from exc
    if inspect.iscoroutine(result):
        result.close()  # nothing on the sync client could await it
        raise HookError(
            f"hook {name} returned a coroutine: async hooks need AsyncGatewise", hook=name
        )
    return result


async def _acall(method: Method, *args: object) -> Any:
    name, function = method
    try:
        result = function(*args)
        if inspect.isawaitable(result):
            result = await result
    except Exception as exc:
        raise _failed(name, exc) from exc
    return result


def _kept(method: Method, result: object, current: T, kind: type[T]) -> T:
    """What a hook's result means: None keeps `current`; else it must be a `kind`."""
    if result is None:
        return current
    if not isinstance(result, kind):
        raise _returned(method[0], result, f"an {kind.__module__}.{kind.__name__}")
    return result


def _sent(request: httpx.Request) -> tuple[str, httpx.URL, list[tuple[str, str]]]:
    """What a before_request hook may not change, or only with checks (it may do so in
    place, so this is a copy)."""
    return request.method, request.url, request.headers.multi_items()


def _checked_request(
    method: Method, sent: tuple[str, httpx.URL, list[tuple[str, str]]], request: httpx.Request
) -> httpx.Request:
    """`request` as a hook returned it, its headers checked like the caller's own."""
    name = method[0]
    if (request.method, request.url) != sent[:2]:
        raise HookError(f"hook {name} may change headers, not the method or URL", hook=name)
    try:
        check_hook_headers(sent[2], request.headers.multi_items())
    except ValueError as exc:
        raise _failed(name, exc) from exc
    return request


class Hooks:
    """The registered hook methods per stage, in order, with their sync and async runners.

    A successful answer whose hook fails (or is replaced) is closed here, so that a stream's
    connection is released whatever a hook does.
    """

    __slots__ = ("_after_error", "_after_success", "_before_request")

    def __init__(
        self,
        before_request: list[Method],
        after_success: list[Method],
        after_error: list[Method],
    ) -> None:
        self._before_request = before_request
        self._after_success = after_success
        self._after_error = after_error

    def before_request(self, ctx: HookContext, request: httpx.Request) -> httpx.Request:
        for method in self._before_request:
            sent = _sent(request)
            changed = _kept(method, _call(method, ctx, request), request, httpx.Request)
            request = _checked_request(method, sent, changed)
        return request

    async def abefore_request(self, ctx: HookContext, request: httpx.Request) -> httpx.Request:
        for method in self._before_request:
            sent = _sent(request)
            changed = _kept(method, await _acall(method, ctx, request), request, httpx.Request)
            request = _checked_request(method, sent, changed)
        return request

    def after_success(self, ctx: HookContext, response: httpx.Response) -> httpx.Response:
        answer = response
        try:
            for method in self._after_success:
                answer = _kept(method, _call(method, ctx, answer), answer, httpx.Response)
        except HookError:
            response.close()
            raise
        if answer is not response:
            response.close()
        return answer

    async def aafter_success(self, ctx: HookContext, response: httpx.Response) -> httpx.Response:
        answer = response
        try:
            for method in self._after_success:
                result = await _acall(method, ctx, answer)
                answer = _kept(method, result, answer, httpx.Response)
        except HookError:
            await response.aclose()
            raise
        if answer is not response:
            await response.aclose()
        return answer

    def after_error(
        self, ctx: HookContext, response: httpx.Response | None, error: GatewiseError
    ) -> None:
        for method in self._after_error:
            _call(method, ctx, response, error)

    async def aafter_error(
        self, ctx: HookContext, response: httpx.Response | None, error: GatewiseError
    ) -> None:
        for method in self._after_error:
            await _acall(method, ctx, response, error)
