"""`with_raw_response`: the same call, answered with the HTTP response and a lazy `.parse()`.

The wrappers set a context flag that the pipeline reads when the call starts, so each
resource method serves both the parsed and the raw form with one body of code.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Generic, TypeVar, cast

import httpx
from typing_extensions import ParamSpec

from ._parsing import parse_response

T = TypeVar("T")
P = ParamSpec("P")

raw_mode: ContextVar[bool] = ContextVar("gatewise_raw_response", default=False)


class ResponseAnswer(Generic[T]):
    """What RawResponse and StreamedResponse share: the HTTP answer, how to decode its body,
    and the parsed result once there is one."""

    __slots__ = ("_decode", "_parsed", "http_response")

    def __init__(
        self,
        http_response: httpx.Response,
        decode: Callable[[bytes], T],
        *,
        parsed: tuple[T] | None = None,
    ) -> None:
        self.http_response = http_response
        self._decode = decode
        # A stream is parsed already: its body is read only by iterating it.
        self._parsed = parsed

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers (`x-request-id`, `x-trace-id`, ...)."""
        return self.http_response.headers

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}]>"


class RawResponse(ResponseAnswer[T]):
    """The HTTP answer of one call; `.parse()` gives what the call would have returned."""

    __slots__ = ()

    @property
    def content(self) -> bytes:
        """The raw body."""
        return self.http_response.content

    def parse(self) -> T:
        """What the call would have returned, parsed once and then kept."""
        if self._parsed is None:
            self._parsed = (parse_response(self._decode, self.http_response),)
        return self._parsed[0]


def raw_response_wrapper(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """Wrap a sync resource method so that it returns a RawResponse."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = raw_mode.set(True)
        try:
            return cast(RawResponse[T], method(*args, **kwargs))
        finally:
            raw_mode.reset(token)

    return wrapped


def async_raw_response_wrapper(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[RawResponse[T]]]:
    """Wrap an async resource method so that it returns a RawResponse."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = raw_mode.set(True)
        try:
            return cast(RawResponse[T], await method(*args, **kwargs))
        finally:
            raw_mode.reset(token)

    return wrapped
