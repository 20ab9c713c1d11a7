"""`with_streaming_response` (openai-python's name): the same call, answered as soon as the
head is in, with the body left unread until the caller reads it.

`with client.chat.completions.with_streaming_response.create(...) as response:` sends the
request on entering (an error status raises there, its body read), yields a
StreamedResponse, and closes the connection on leaving; `.iter_lines()`, `.iter_bytes()`
and `.iter_text()` read the body piece by piece, `.read()` / `.text()` / `.json()` whole,
and `.parse()` gives what the call would have returned (a stream for `stream=True`).
As with_raw_response, the wrappers set a context flag that the pipeline reads.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Generic, TypeVar, cast

import httpx
from typing_extensions import ParamSpec

from ._errors import error_from_httpx
from ._parsing import parse_response
from ._raw import ResponseAnswer

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

streaming_mode: ContextVar[bool] = ContextVar("gatewise_streaming_response", default=False)


class StreamedResponse(ResponseAnswer[T]):
    """The answer of a `with_streaming_response` call on `Gatewise`; its body is read on demand."""

    __slots__ = ()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body's bytes as they arrive."""
        with _TypedErrors():
            yield from self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body's text as it arrives."""
        with _TypedErrors():
            yield from self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """The body's lines as they arrive (an event stream's `data: ...` lines included)."""
        with _TypedErrors():
            yield from self.http_response.iter_lines()

    def read(self) -> bytes:
        """The whole body."""
        with _TypedErrors():
            return self.http_response.read()

    def text(self) -> str:
        """The whole body, decoded."""
        self.read()
        return self.http_response.text

    def json(self) -> Any:
        """The whole body, as JSON."""
        return json.loads(self.read())

    def parse(self) -> T:
        """What the call would have returned (the body read first), parsed once and kept."""
        if self._parsed is None:
            self.read()
            self._parsed = (parse_response(self._decode, self.http_response),)
        return self._parsed[0]

    def close(self) -> None:
        """Release the connection (the context manager does it on leaving)."""
        self.http_response.close()


class AsyncStreamedResponse(ResponseAnswer[T]):
    """The answer of a `with_streaming_response` call on `AsyncGatewise`."""

    __slots__ = ()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive."""
        with _TypedErrors():
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body's text as it arrives."""
        with _TypedErrors():
            async for text in self.http_response.aiter_text(chunk_size):
                yield text

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body's lines as they arrive."""
        with _TypedErrors():
            async for line in self.http_response.aiter_lines():
                yield line

    async def read(self) -> bytes:
        """The whole body."""
        with _TypedErrors():
            return await self.http_response.aread()

    async def text(self) -> str:
        """The whole body, decoded."""
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        """The whole body, as JSON."""
        return json.loads(await self.read())

    async def parse(self) -> T:
        """What the call would have returned (the body read first), parsed once and kept."""
        if self._parsed is None:
            await self.read()
            self._parsed = (parse_response(self._decode, self.http_response),)
        return self._parsed[0]

    async def close(self) -> None:
        """Release the connection (the context manager does it on leaving)."""
        await self.http_response.aclose()


class _TypedErrors:
    """Turns an httpx failure while reading the body into its GatewiseError."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(error, httpx.HTTPError):
            raise error_from_httpx(error)


class ResponseContextManager(Generic[R]):
    """Sends the call on entering; closes its response on leaving."""

    __slots__ = ("_call", "_response")

    def __init__(self, call: Callable[[], R]) -> None:
        self._call = call
        self._response: R | None = None

    def __enter__(self) -> R:
        token = streaming_mode.set(True)
        try:
            self._response = self._call()
        finally:
            streaming_mode.reset(token)
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if self._response is not None:
            cast(StreamedResponse[Any], self._response).close()


class AsyncResponseContextManager(Generic[R]):
    """Sends the call on entering (`async with`); closes its response on leaving."""

    __slots__ = ("_call", "_response")

    def __init__(self, call: Callable[[], Awaitable[R]]) -> None:
        self._call = call
        self._response: R | None = None

    async def __aenter__(self) -> R:
        token = streaming_mode.set(True)
        try:
            self._response = await self._call()
        finally:
            streaming_mode.reset(token)
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if self._response is not None:
            await cast(AsyncStreamedResponse[Any], self._response).close()


def streaming_response_wrapper(
    method: Callable[P, T],
) -> Callable[P, ResponseContextManager[StreamedResponse[T]]]:
    """Wrap a sync resource method so that it returns a context manager of its StreamedResponse."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[StreamedResponse[T]]:
        return ResponseContextManager(lambda: cast(StreamedResponse[T], method(*args, **kwargs)))

    return wrapped


def async_streaming_response_wrapper(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, AsyncResponseContextManager[AsyncStreamedResponse[T]]]:
    """Wrap an async resource method so that it returns an async context manager of its
    AsyncStreamedResponse."""

    @functools.wraps(method)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[AsyncStreamedResponse[T]]:
        async def call() -> AsyncStreamedResponse[T]:
            return cast(AsyncStreamedResponse[T], await method(*args, **kwargs))

        return AsyncResponseContextManager(call)

    return wrapped
