"""Streamed answers: Stream / AsyncStream of typed chunks over server-sent events.

`ChunkReader` is the pure part (bytes in, typed chunks out, and whether the stream ended
properly); the two stream classes only move bytes from the network into it. A stream that
ends before its terminal event raises IncompleteStreamError, never ends quietly.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import sys
import time
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

import httpx
import pydantic_core
from pydantic_core import ValidationError

from ._accumulate import ChunkAccumulator
from ._errors import (
    APITimeoutError,
    IncompleteStreamError,
    ResponseTooLargeError,
    ResponseValidationError,
    StreamClosedError,
    detached,
    error_from_event,
)
from ._parsing import validation_error
from ._sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop, Task

    from pydantic import BaseModel

    from ._generated.models import ChatCompletion, ChatCompletionChunk, Completion, CompletionChunk
    from ._routing import EventTranslator

C = TypeVar("C", bound="BaseModel")

# After the terminal event, read at most this much more so the connection can be reused.
_DRAIN_LIMIT = 64 * 1024
# Reads are decoded in slices of at most this many bytes (see ChunkReader.feed).
_SLICE = 16 * 1024
_TERMINAL_EVENTS = frozenset({"message_stop"})
_SKIPPED_EVENTS = frozenset({"ping"})


class ChunkReader(Generic[C]):
    """Turns the bytes of one event stream into typed chunks (pure, but for the idle clock).

    `feed` yields chunk by chunk, so no batch of typed chunks is ever alive at once: a batch
    outlives young-generation GC passes, gets promoted and makes full collections run.
    Without a terminal event, the stream is complete once each of the `choices` the request
    asked for (indexes 0 to choices-1) has a finish_reason. With `events`, each event is first
    translated (another provider's stream format, e.g. Anthropic's) into chunk dicts, and only
    the translator's terminal event ends the stream. A JSON answer (an error envelope where a
    stream was expected) is collected whole and raised at the end.
    """

    __slots__ = (
        "_events",
        "_idle_timeout",
        "_json_body",
        "_last_line",
        "_limit",
        "_model",
        "_response",
        "_sse",
        "_unfinished",
        "_validate",
        "done",
    )

    def __init__(
        self,
        model: type[C],
        response: httpx.Response | None,
        events: EventTranslator | None = None,
        *,
        choices: int = 1,
        max_event_bytes: int | None = None,
        idle_timeout: float | None = None,
    ) -> None:
        self._model = model
        self._validate: Callable[[str], C] = model.__pydantic_validator__.validate_json
        self._response = response
        self._events = events
        self._sse = SSEDecoder(max_event_bytes)
        self._limit = max_event_bytes
        # Choices still without a finish_reason; None for models without choices (e.g.
        # Anthropic's own events), which end only at their terminal event.
        self._unfinished = set(range(choices)) if "choices" in model.model_fields else None
        self._json_body = bytearray() if response is not None and _is_json(response) else None
        self._idle_timeout = idle_timeout
        self._last_line = time.monotonic()
        self.done = False

    def feed(self, data: bytes) -> Iterator[C]:
        """The chunks `data` completes, one at a time; checks the idle timeout first."""
        if self._idle_timeout is not None:
            self._check_idle(data)
        if self._json_body is not None:
            self._collect_json(data)
            return
        # Slices bound how many decoded events (not typed chunks) one read holds at once.
        for start in range(0, len(data), _SLICE):
            if self._events is not None:
                yield from self._feed_translated(data[start : start + _SLICE])
            else:
                yield from self._feed_events(data[start : start + _SLICE])
            if self.done:
                return

    def _feed_events(self, data: bytes) -> Iterator[C]:
        validate = self._validate
        unfinished = self._unfinished
        for event in self._sse.feed(data):
            # The hot path (one chunk per token): a plain data event that is not [DONE].
            if event.event == "message" and event.data != "[DONE]":
                try:
                    chunk = validate(event.data)
                except ValidationError as exc:
                    raise self._error(event.data, exc) from exc
            else:
                other = self._on_event(event)
                if other is None:
                    if self.done:
                        return
                    continue
                if self.done:
                    yield other
                    return
                chunk = other
            if unfinished:
                for choice in chunk.choices:  # type: ignore[attr-defined]
                    if choice.finish_reason is not None:
                        unfinished.discard(choice.index)
            yield chunk

    def _feed_translated(self, data: bytes) -> Iterator[C]:
        for event in self._sse.feed(data):
            yield from self._on_translated_event(event)
            if self.done:
                return

    def _check_idle(self, data: bytes) -> None:
        # Idle means no complete line (an event's line or a keep-alive comment): a server
        # trickling bytes without ever finishing a line must not keep the stream alive.
        now = time.monotonic()
        if 0x0A in data or 0x0D in data:
            self._last_line = now
        elif now - self._last_line > self._idle_timeout:  # type: ignore[operator]
            raise _stalled()

    def _collect_json(self, data: bytes) -> None:
        assert self._json_body is not None
        self._json_body += data
        if self._limit is not None and len(self._json_body) > self._limit:
            raise ResponseTooLargeError(
                f"the JSON answer to a stream is larger than max_event_bytes ({self._limit} bytes)",
                limit=self._limit,
            )

    def end(self) -> None:
        """The body ended: fine after the terminal event, else IncompleteStreamError."""
        self._sse.end()
        if self._json_body is not None:
            raise self._json_answer(bytes(self._json_body))
        if self.done:
            return
        if self._unfinished == set() and self._events is None and not self._sse.pending:
            return  # a server that sends no [DONE] may stop after every choice finished
        detail = (
            "inside an unterminated event" if self._sse.pending else "before its terminal event"
        )
        raise IncompleteStreamError(f"the stream ended {detail}")

    def _json_answer(self, body: bytes) -> Exception:
        """What a JSON answer to stream=True means: the error its envelope names, if it is one."""
        try:
            payload = pydantic_core.from_json(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and "error" in payload:
            return error_from_event(payload, self._response)
        return ResponseValidationError(
            "expected an event stream (text/event-stream) but the server answered JSON: "
            f"{body[:200]!r}",
            body=body,
            response=self._response,
        )

    def _on_event(self, event: ServerSentEvent) -> C | None:
        data = event.data
        if data == "[DONE]":
            self.done = True
            return None
        if event.event in _SKIPPED_EVENTS:
            return None
        if event.event == "error":
            raise self._error(data)
        try:
            chunk = self._validate(data)
        except ValidationError as exc:
            raise self._error(data, exc) from exc
        if event.event in _TERMINAL_EVENTS:
            self.done = True
        return chunk

    def _on_translated_event(self, event: ServerSentEvent) -> Iterator[C]:
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
        for chunk in translated:
            try:
                yield self._model.model_validate(chunk)
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


def _is_json(response: httpx.Response) -> bool:
    media_type: str = response.headers.get("content-type", "")
    media_type = media_type.split(";", 1)[0].strip().lower()
    return media_type.endswith(("/json", "+json"))


def _stalled() -> APITimeoutError:
    return APITimeoutError("the stream stalled: no complete line within the idle timeout")


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


@dataclass(frozen=True, slots=True)
class StreamSettings:
    """What a stream takes from its call: limits, translator, and the `n` choices to finish."""

    idle_timeout: float | None
    max_event_bytes: int | None = None
    choices: int = 1
    events: EventTranslator | None = None


class StreamWatcher(Protocol):
    """Told each chunk and, once, the end of a stream (its error, None when it ended well or
    was closed): how a trace span ends with its stream."""

    def note(self, chunk: object) -> None: ...

    def end(self, error: BaseException | None) -> None: ...


def _watched(chunks: Iterator[C], watcher: StreamWatcher) -> Generator[C, None, None]:
    error: BaseException | None = None
    try:
        for chunk in chunks:
            watcher.note(chunk)
            yield chunk
    except Exception as exc:
        error = exc
        raise
    finally:
        watcher.end(error)


async def _awatched(chunks: AsyncIterator[C], watcher: StreamWatcher) -> AsyncGenerator[C, None]:
    error: BaseException | None = None
    try:
        async for chunk in chunks:
            watcher.note(chunk)
            yield chunk
    except Exception as exc:
        error = exc
        raise
    finally:
        watcher.end(error)


class _StreamBase(Generic[C]):
    _watcher: StreamWatcher | None = None

    def __init__(
        self,
        response: httpx.Response,
        model: type[C],
        final: Callable[[bytes], Any],
        settings: StreamSettings,
    ) -> None:
        self.response = response
        self._reader = ChunkReader(
            model,
            response,
            settings.events,
            choices=settings.choices,
            max_event_bytes=settings.max_event_bytes,
            idle_timeout=settings.idle_timeout,
        )
        self._final = final
        self._closed = False
        # Each body read waits at most the idle timeout (the reader also ends a stream whose
        # reads bring bytes but no complete line); the head waited the request's read timeout.
        timeouts = response.request.extensions.get("timeout")
        if isinstance(timeouts, dict):
            timeouts["read"] = settings.idle_timeout
        self._begin(response)

    def _begin(self, response: httpx.Response) -> None:
        raise NotImplementedError

    def _check_open(self) -> None:
        if self._closed:
            raise StreamClosedError("the stream was closed; it cannot be iterated any more")

    def _result(self, accumulator: ChunkAccumulator) -> Any:
        content = pydantic_core.to_json(accumulator.result())
        try:
            return self._final(content)
        except ValidationError as exc:
            raise validation_error(exc, content, self.response) from exc


class _Unread:
    """Holds a stream's response inside its generator, so that a stream dropped before it was
    ever read (its generator never started, so no `finally` runs) still gives back its
    connection. A generator that started closes the response itself when it is collected."""

    __slots__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __del__(self) -> None:
        if not self.response.is_closed:
            self._release()
            warnings.warn(
                "a gatewise stream was garbage-collected without being read or closed; "
                "its connection was released (use `with` or call close())",
                ResourceWarning,
                stacklevel=1,
            )

    def _release(self) -> None:
        self.response.close()


class _AsyncUnread(_Unread):
    __slots__ = ()

    def _release(self) -> None:
        loop = _running_loop()
        if loop is None:
            # No loop, so nothing can be awaited: shutting the socket down (a system call, no
            # I/O on a loop) ends the connection for the server; the rest goes with its client.
            network = self.response.extensions.get("network_stream")
            sock = network.get_extra_info("socket") if network is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            return
        task = loop.create_task(self.response.aclose())
        _CLOSING.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(_CLOSING.discard)


_CLOSING: set[Task[None]] = set()


def _running_loop() -> AbstractEventLoop | None:
    # asyncio is not imported at the top (~20 ms): when no one has imported it, no loop runs.
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return None
    try:
        loop: AbstractEventLoop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop


def _drain(body: Iterator[bytes]) -> None:
    drained = 0
    for rest in body:
        drained += len(rest)
        if drained > _DRAIN_LIMIT:
            return


def _map_transport_error(exc: httpx.HTTPError) -> Exception:
    """The typed error for a failed body read (a garbled gzip body included); `exc` is
    chained without its traceback, whose frames hold the request's headers."""
    detached(exc)
    if isinstance(exc, httpx.TimeoutException):
        return _stalled()
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

    def _begin(self, response: httpx.Response) -> None:
        self._chunks = self._iterate(_Unread(response), self._reader)
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
    def _iterate(unread: _Unread, reader: ChunkReader[C]) -> Generator[C, None, None]:
        # A static method: the generator must not hold the Stream, or a caller who breaks out
        # of `for chunk in client...create(stream=True)` would leave a cycle for the GC to
        # collect instead of releasing the connection at once.
        response = unread.response
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
        except httpx.HTTPError as exc:
            raise _map_transport_error(exc) from exc
        finally:
            response.close()

    def watch(self, watcher: StreamWatcher) -> None:
        """Report the chunks the caller reads, and the stream's end, to `watcher`."""
        self._watcher = watcher
        self._iterator = _watched(self._iterator, watcher)

    def __iter__(self) -> Iterator[C]:
        self._check_open()
        return self._iterator

    def __next__(self) -> C:
        self._check_open()
        return next(self._iterator)

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text deltas of the first choice."""
        for chunk in self:
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
        accumulator = ChunkAccumulator()
        for chunk in self:
            accumulator.add(chunk)
        return self._result(accumulator)

    def close(self) -> None:
        """Stop reading and release the connection; iterating afterwards raises
        StreamClosedError."""
        self._closed = True
        self.response.close()  # first: the generator, closed unstarted, would count it dropped
        self._chunks.close()
        if self._watcher is not None:
            self._watcher.end(None)

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

    def _begin(self, response: httpx.Response) -> None:
        self._chunks = self._iterate(_AsyncUnread(response), self._reader)
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
    async def _iterate(unread: _Unread, reader: ChunkReader[C]) -> AsyncGenerator[C, None]:
        response = unread.response
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
        except httpx.HTTPError as exc:
            raise _map_transport_error(exc) from exc
        finally:
            await response.aclose()

    def watch(self, watcher: StreamWatcher) -> None:
        """Report the chunks the caller reads, and the stream's end, to `watcher`."""
        self._watcher = watcher
        self._iterator = _awatched(self._iterator, watcher)

    def __aiter__(self) -> AsyncIterator[C]:
        self._check_open()
        return self._iterator

    async def __anext__(self) -> C:
        self._check_open()
        return await self._iterator.__anext__()

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """Only the text deltas of the first choice."""
        async for chunk in self:
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
        accumulator = ChunkAccumulator()
        async for chunk in self:
            accumulator.add(chunk)
        return self._result(accumulator)

    async def aclose(self) -> None:
        """Stop reading and release the connection; iterating afterwards raises
        StreamClosedError."""
        self._closed = True
        await self.response.aclose()  # first, as in Stream.close
        await self._chunks.aclose()
        if self._watcher is not None:
            self._watcher.end(None)

    close = aclose

    async def __aenter__(self) -> AsyncStream[C]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
