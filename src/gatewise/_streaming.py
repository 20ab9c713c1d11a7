"""Streamed answers: Stream / AsyncStream of typed chunks over server-sent events.

`ChunkReader` is the pure part (bytes in, typed chunks out, and whether the stream ended
properly); the two stream classes only move bytes from the network into it. A stream that
ends before its terminal event raises IncompleteStreamError, never ends quietly.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import httpx
import pydantic_core
from pydantic_core import ValidationError

from ._accumulate import ChunkAccumulator
from ._errors import (
    APITimeoutError,
    IncompleteStreamError,
    ResponseValidationError,
    error_from_event,
)
from ._parsing import validation_error
from ._sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._generated.models import ChatCompletion, ChatCompletionChunk, Completion, CompletionChunk
    from ._routing import EventTranslator

C = TypeVar("C", bound="BaseModel")

# After the terminal event, read at most this much more so the connection can be reused.
_DRAIN_LIMIT = 64 * 1024
_TERMINAL_EVENTS = frozenset({"message_stop"})
_SKIPPED_EVENTS = frozenset({"ping"})


class ChunkReader(Generic[C]):
    """Turns the bytes of one event stream into typed chunks (pure, no I/O).

    With `events`, each event is first translated (another provider's stream format, e.g.
    Anthropic's) into chunk dicts, and only the translator's terminal event ends the stream.
    """

    __slots__ = ("_events", "_finished", "_model", "_response", "_sse", "_validate", "done")

    def __init__(
        self, model: type[C], response: httpx.Response | None, events: EventTranslator | None = None
    ) -> None:
        self._model = model
        self._validate: Callable[[str], C] = model.__pydantic_validator__.validate_json
        self._response = response
        self._events = events
        self._sse = SSEDecoder()
        self._finished = False
        self.done = False

    def feed(self, data: bytes) -> list[C]:
        if self._events is not None:
            return self._feed_translated(data)
        chunks: list[C] = []
        validate = self._validate
        for event in self._sse.feed(data):
            # The hot path (one chunk per token): a plain data event that is not [DONE].
            if event.event == "message" and event.data != "[DONE]":
                try:
                    chunks.append(validate(event.data))
                except ValidationError as exc:
                    raise self._error(event.data, exc) from exc
                continue
            chunks.extend(self._on_event(event))
            if self.done:
                break
        for chunk in reversed(chunks):
            choices = getattr(chunk, "choices", None)
            if choices:
                self._finished = all(getattr(c, "finish_reason", None) is not None for c in choices)
                break
        return chunks

    def _feed_translated(self, data: bytes) -> list[C]:
        chunks: list[C] = []
        for event in self._sse.feed(data):
            chunks.extend(self._on_translated_event(event))
            if self.done:
                break
        return chunks

    def end(self) -> None:
        """The body ended: fine after the terminal event, else IncompleteStreamError."""
        self._sse.end()
        if self.done:
            return
        if self._finished and not self._sse.pending:
            return  # a server that sends no [DONE] may stop after every choice finished
        detail = (
            "inside an unterminated event" if self._sse.pending else "before its terminal event"
        )
        raise IncompleteStreamError(f"the stream ended {detail}")

    def _on_event(self, event: ServerSentEvent) -> list[C]:
        data = event.data
        if data == "[DONE]":
            self.done = True
            return []
        if event.event in _SKIPPED_EVENTS:
            return []
        if event.event == "error":
            raise self._error(data)
        try:
            chunk = self._validate(data)
        except ValidationError as exc:
            raise self._error(data, exc) from exc
        if event.event in _TERMINAL_EVENTS:
            self.done = True
        return [chunk]

    def _on_translated_event(self, event: ServerSentEvent) -> list[C]:
        assert self._events is not None
        try:
            payload = pydantic_core.from_json(event.data)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ResponseValidationError(
                f"a stream event is not a JSON object: {event.data[:200]!r}",
                body=event.data.encode(),
                response=self._response,
            )
        translated = self._events.feed(event.event, payload)
        self.done = self._events.done
        try:
            return [self._model.model_validate(chunk) for chunk in translated]
        except ValidationError as exc:
            raise validation_error(exc, event.data.encode(), self._response) from exc

    def _error(self, data: str, cause: ValidationError | None = None) -> Exception:
        try:
            payload = pydantic_core.from_json(data)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and "error" in payload:
            return error_from_event(payload, self._response)
        if cause is None:
            return error_from_event({"error": {"message": data or "stream error"}}, self._response)
        return validation_error(cause, data.encode(), self._response)


def has_content(chunk: BaseModel) -> bool:
    """Whether a chunk carries output (text or a tool call), not just a role or keep-alive."""
    for choice in getattr(chunk, "choices", None) or ():
        delta = getattr(choice, "delta", None)
        if delta is None:
            if getattr(choice, "text", None):
                return True
        elif getattr(delta, "content", None) or getattr(delta, "tool_calls", None):
            return True
    return False


async def _prepend(ahead: list[C], rest: AsyncIterator[C]) -> AsyncGenerator[C, None]:
    for chunk in ahead:
        yield chunk
    async for chunk in rest:
        yield chunk


def _text_of(chunk: BaseModel) -> str | None:
    for choice in getattr(chunk, "choices", None) or ():
        if getattr(choice, "index", 0) != 0:
            continue
        delta = getattr(choice, "delta", None)
        text = (
            getattr(delta, "content", None) if delta is not None else getattr(choice, "text", None)
        )
        return text if isinstance(text, str) and text else None
    return None


class _StreamBase(Generic[C]):
    def __init__(
        self,
        response: httpx.Response,
        model: type[C],
        final: Callable[[bytes], Any],
        idle_timeout: float | None,
        events: EventTranslator | None = None,
    ) -> None:
        self.response = response
        self._reader = ChunkReader(model, response, events)
        self._final = final
        # Body reads (the gaps between chunks) wait at most the idle timeout; the wait for the
        # answer's head used the request's own read timeout.
        timeouts = response.request.extensions.get("timeout")
        if isinstance(timeouts, dict):
            timeouts["read"] = idle_timeout

    def _collect(self, chunks: list[C]) -> Any:
        accumulator = ChunkAccumulator()
        for chunk in chunks:
            accumulator.add(chunk)
        content = pydantic_core.to_json(accumulator.result())
        try:
            return self._final(content)
        except ValidationError as exc:
            raise validation_error(exc, content, self.response) from exc


def _drain(body: Iterator[bytes]) -> None:
    drained = 0
    for rest in body:
        drained += len(rest)
        if drained > _DRAIN_LIMIT:
            return


def _map_transport_error(exc: httpx.TransportError) -> Exception:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError("the stream stalled: no data within the idle timeout")
    return IncompleteStreamError(f"the stream broke off ({type(exc).__name__}: {exc})")


class Stream(_StreamBase[C]):
    """A streamed answer of `Gatewise`: the chunks of one `stream=True` call.

    Iterate it once (`for chunk in stream`), or read `.text_stream` (the text deltas) or
    `.collect()` (the whole answer). Use it as a context manager, or call `close()`, to
    release the connection when you stop early.

    A stream ends at the server's terminal event; any other end raises
    `IncompleteStreamError`, an error event raises its `APIError` subclass, a silence
    longer than the stream idle timeout raises `APITimeoutError`, and iterating a closed
    stream raises `StreamClosedError`.

    Attributes:
        response: The `httpx.Response` being read.
    """

    def __init__(
        self,
        response: httpx.Response,
        model: type[C],
        final: Callable[[bytes], Any],
        idle_timeout: float | None,
        events: EventTranslator | None = None,
    ) -> None:
        super().__init__(response, model, final, idle_timeout, events)
        self._chunks = self._iterate(response, self._reader)
        self._iterator: Iterator[C] = self._chunks

    def primed(self) -> Stream[C]:
        """Read ahead to the first chunk with content, so that a failure before it raises now
        (and a fallback chain can still move on) while the caller sees every chunk later."""
        ahead: list[C] = []
        for chunk in self._chunks:
            ahead.append(chunk)
            if has_content(chunk):
                break
        self._iterator = itertools.chain(ahead, self._chunks)
        return self

    @staticmethod
    def _iterate(response: httpx.Response, reader: ChunkReader[C]) -> Generator[C, None, None]:
        # A static method: the generator must not hold the Stream, or a caller who breaks out
        # of `for chunk in client...create(stream=True)` would leave a cycle for the GC to
        # collect instead of releasing the connection at once.
        body = response.iter_bytes()
        try:
            for data in body:
                yield from reader.feed(data)
                if reader.done:
                    break
            else:
                reader.end()
            if reader.done:
                _drain(body)
        except httpx.TransportError as exc:
            raise _map_transport_error(exc) from exc
        finally:
            response.close()

    def __iter__(self) -> Iterator[C]:
        return self._iterator

    def __next__(self) -> C:
        return next(self._iterator)

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text deltas of the first choice."""
        for chunk in self._iterator:
            text = _text_of(chunk)
            if text is not None:
                yield text

    @overload
    def collect(self: Stream[ChatCompletionChunk]) -> ChatCompletion: ...
    @overload
    def collect(self: Stream[CompletionChunk]) -> Completion: ...
    @overload
    def collect(self) -> Any: ...
    def collect(self) -> Any:
        """Read the rest of the stream and return the accumulated answer.

        Returns:
            The `ChatCompletion` (or `Completion`) that `stream=False` would have given:
            the text, tool calls assembled by index, `finish_reason` and `usage`.
        """
        return self._collect(list(self._iterator))

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._chunks.close()
        self.response.close()

    def __enter__(self) -> Stream[C]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncStream(_StreamBase[C]):
    """A streamed answer of `AsyncGatewise`: the async twin of `Stream`.

    Iterate it with `async for`, await `.collect()`, use `async with`, or
    `await stream.close()` (also `aclose()`). It ends and fails as `Stream` does.

    Attributes:
        response: The `httpx.Response` being read.
    """

    def __init__(
        self,
        response: httpx.Response,
        model: type[C],
        final: Callable[[bytes], Any],
        idle_timeout: float | None,
        events: EventTranslator | None = None,
    ) -> None:
        super().__init__(response, model, final, idle_timeout, events)
        self._chunks = self._iterate(response, self._reader)
        self._iterator: AsyncIterator[C] = self._chunks

    async def primed(self) -> AsyncStream[C]:
        """Read ahead to the first chunk with content (see Stream.primed)."""
        ahead: list[C] = []
        async for chunk in self._chunks:
            ahead.append(chunk)
            if has_content(chunk):
                break
        self._iterator = _prepend(ahead, self._chunks)
        return self

    @staticmethod
    async def _iterate(response: httpx.Response, reader: ChunkReader[C]) -> AsyncGenerator[C, None]:
        body = response.aiter_bytes()
        try:
            async for data in body:
                for chunk in reader.feed(data):
                    yield chunk
                if reader.done:
                    break
            else:
                reader.end()
            if reader.done:
                drained = 0
                async for rest in body:
                    drained += len(rest)
                    if drained > _DRAIN_LIMIT:
                        break
        except httpx.TransportError as exc:
            raise _map_transport_error(exc) from exc
        finally:
            await response.aclose()

    def __aiter__(self) -> AsyncIterator[C]:
        return self._iterator

    async def __anext__(self) -> C:
        return await self._iterator.__anext__()

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """Only the text deltas of the first choice."""
        async for chunk in self._iterator:
            text = _text_of(chunk)
            if text is not None:
                yield text

    @overload
    async def collect(self: AsyncStream[ChatCompletionChunk]) -> ChatCompletion: ...
    @overload
    async def collect(self: AsyncStream[CompletionChunk]) -> Completion: ...
    @overload
    async def collect(self) -> Any: ...
    async def collect(self) -> Any:
        """Read the rest of the stream and return the accumulated answer."""
        return self._collect([chunk async for chunk in self._iterator])

    async def aclose(self) -> None:
        """Stop reading and release the connection."""
        await self._chunks.aclose()
        await self.response.aclose()

    close = aclose

    async def __aenter__(self) -> AsyncStream[C]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
