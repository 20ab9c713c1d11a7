"""Incremental Server-Sent Events decoder: bytes chunks in, events out, no I/O.

Implements the WHATWG HTML "event stream" parsing rules (UTF-8 with U+FFFD replacement, one
leading BOM, LF/CR/CRLF line ends, fields, comments, blank-line dispatch, sticky last event ID).
With `max_event_bytes`, a line or an event's data larger than that raises ResponseTooLargeError
as soon as the bytes held for it pass the limit, so a hostile stream cannot grow memory.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass

from ._errors import ResponseTooLargeError

__all__ = ["SSEDecoder", "ServerSentEvent", "aiter_events", "iter_events"]

_BOM = b"\xef\xbb\xbf"


# Not frozen: a frozen dataclass builds each instance through object.__setattr__, about 3.5x
# slower, and one event is built per streamed token.
@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event.

    `id` is the stream's last event ID at dispatch time (it persists across events; None until
    the server sends an `id` field). `retry` is the valid `retry` field of this event's own
    block, if any; the decoder's `retry` property keeps the latest one across blocks.
    """

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


class SSEDecoder:
    """Feed it the bytes of one stream as they arrive; it returns the events they complete.

    At EOF call `end()`, then read `pending`: True means the stream stopped inside an event
    (a field line since the last blank line, or an unterminated line), which the spec discards
    and a caller expecting more will want to report as an incomplete stream.

    Lines are split as bytes and only field values are decoded. That equals decoding the
    stream first: CR and LF never occur inside a UTF-8 sequence and always end an invalid one,
    so each line decodes the same alone as in place. It is cheaper on non-ASCII text: one wide
    character makes a whole decoded chunk a wide str, whose every line must then be rescanned
    and narrowed, while as bytes only the lines holding such a character pay.
    """

    __slots__ = (
        "_block_retry",
        "_data",
        "_data_bytes",
        "_ended",
        "_event_type",
        "_has_fields",
        "_head",
        "_id_buffer",
        "_last_event_id",
        "_limit",
        "_retry",
        "_skip_lf",
        "_tail",
        "_tail_bytes",
    )

    def __init__(self, max_event_bytes: int | None = None) -> None:
        self._limit = sys.maxsize if max_event_bytes is None else max_event_bytes
        # Stream start: bytes that may still turn out to be a BOM split across chunks. None
        # once the first 3 bytes (or a non-BOM byte) have been seen.
        self._head: bytes | None = b""
        self._skip_lf = False  # the last chunk ended in CR: an LF opening the next is its pair
        self._ended = False
        # Pieces of the line not yet terminated; a list, so a long line arriving in many chunks
        # is joined once rather than re-copied on each chunk.
        self._tail: list[bytes] = []
        self._tail_bytes = 0
        # Per-block state, reset by every blank line.
        self._data: list[bytes] = []
        self._data_bytes = 0  # held in `_data`, for the limit
        self._event_type = ""
        self._block_retry: int | None = None
        self._has_fields = False  # a non-data field line since the last blank line
        # Per-stream state. The spec keeps two IDs: the buffer, set by each `id` field, and the
        # last event ID proper, copied from the buffer at each blank line. Only the latter is
        # safe to resume from, since an `id` in a discarded trailing block was never dispatched.
        self._id_buffer: str | None = None
        self._last_event_id: str | None = None
        self._retry: int | None = None

    @property
    def last_event_id(self) -> str | None:
        """The ID to resume from (the `Last-Event-ID` header), None if never set."""
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The latest reconnection time in milliseconds the server sent, None if never."""
        return self._retry

    @property
    def pending(self) -> bool:
        """True while the bytes fed so far end inside an event that has not been dispatched.

        Counts an unterminated line (even a comment: its end is unknown) and any field line
        since the last blank line. Comment lines alone and a block's closing blank line leave
        it False.
        """
        return bool(self._tail or self._head or self._data or self._has_fields)

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Parse one chunk; return the events it completes, in order (often none)."""
        if self._ended:
            raise RuntimeError("SSEDecoder.feed() called after end()")
        if self._head is not None:
            chunk = self._head + chunk
            if len(chunk) < 3 and _BOM.startswith(chunk):
                self._head = chunk
                return []
            self._head = None
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
                if not chunk:
                    return []
        # An int operand: `b"\r" in chunk` first tries the bytes as an int and pays for the
        # TypeError.
        if 0x0D in chunk:
            # A trailing CR already ends a line (CR alone is a line end), so dispatch now
            # instead of waiting a chunk for a possible LF, and swallow that LF if it comes.
            if chunk[-1] == 0x0D:
                self._skip_lf = True
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        last_lf = chunk.rfind(b"\n")
        tail = self._tail
        if last_lf < 0:
            tail.append(chunk)
            self._tail_bytes += len(chunk)
            if self._tail_bytes + self._data_bytes > self._limit:
                raise self._too_large("line")
            return []
        if tail:
            tail.append(chunk[:last_lf])
            body = b"".join(tail)
            tail.clear()
        else:
            body = chunk[:last_lf]
        self._tail_bytes = 0
        if last_lf + 1 < len(chunk):
            tail.append(chunk[last_lf + 1 :])
            self._tail_bytes = len(chunk) - last_lf - 1
        # Split on LF only: unlike str.splitlines, U+2028, U+0085, VT, FF, ... stay in the line.
        lines = body.split(b"\n")
        # Only a body this long can hold a line over the limit (a data line is counted below).
        if len(body) > self._limit and max(map(len, lines)) > self._limit:
            raise self._too_large("line")
        return self._process(lines)

    def _too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"a stream {what} is larger than max_event_bytes ({self._limit} bytes)",
            limit=self._limit,
        )

    def end(self) -> list[ServerSentEvent]:
        """Mark EOF. Always returns [] (a list so it composes like `feed`): per the spec an
        event without its closing blank line is discarded. Check `pending` afterwards."""
        self._ended = True
        return []

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        # Block state lives in locals for the loop and is written back once at the end.
        events: list[ServerSentEvent] = []
        data = self._data
        data_bytes = self._data_bytes
        limit = self._limit
        event_type = self._event_type
        id_buffer = self._id_buffer
        last_event_id = self._last_event_id
        block_retry = self._block_retry
        has_fields = self._has_fields
        new_event = ServerSentEvent  # locals: the loop runs once per line of the stream
        add_event = events.append
        for line in lines:
            # Fast path: a token stream is `data: {json}` lines and blank lines, tested first.
            if not line:
                last_event_id = id_buffer
                if data:
                    # Joining bytes, then decoding once, is safe for the same reason as
                    # splitting bytes; for the usual single line, join returns it as is.
                    add_event(
                        new_event(
                            event_type or "message",
                            b"\n".join(data).decode("utf-8", "replace"),
                            last_event_id,
                            block_retry,
                        )
                    )
                    data = []
                    data_bytes = 0
                event_type = ""
                block_retry = None
                has_fields = False
                continue
            if line.startswith(b"data: "):
                data.append(line[6:])
                data_bytes += len(line)
                if data_bytes > limit:
                    raise self._too_large("event")
                continue
            colon = line.find(b":")
            if colon == 0:
                continue  # comment
            if colon < 0:
                name = line
                value = b""
            else:
                name = line[:colon]
                # Exactly one space after the colon is syntax; any further spaces are value.
                value = line[colon + 2 :] if line.startswith(b" ", colon + 1) else line[colon + 1 :]
            # Byte names compare as their text would: replacement only makes U+FFFD, never ASCII.
            if name == b"data":
                data.append(value)
                data_bytes += len(line)
                if data_bytes > limit:
                    raise self._too_large("event")
            elif name == b"event":
                has_fields = True
                event_type = _text(value)
            elif name == b"id":
                has_fields = True
                if 0 not in value:  # NUL
                    id_buffer = _text(value)
            elif name == b"retry":
                has_fields = True
                # bytes.isdigit is ASCII-only, as the spec wants ("٣" is a digit to str.isdigit).
                # int() refuses digit strings beyond sys.get_int_max_str_digits(); such a delay
                # is unusable anyway, so the field is ignored like any invalid retry.
                if value.isdigit():
                    with contextlib.suppress(ValueError):
                        block_retry = self._retry = int(value)
            else:
                has_fields = True  # unknown field: ignored, but it still opens a block
        self._data = data
        self._data_bytes = data_bytes
        self._event_type = event_type
        self._id_buffer = id_buffer
        self._last_event_id = last_event_id
        self._block_retry = block_retry
        self._has_fields = has_fields
        return events


def iter_events(
    chunks: Iterable[bytes], *, decoder: SSEDecoder | None = None
) -> Iterator[ServerSentEvent]:
    """Decode a stream of byte chunks. Pass your own `decoder` to read its `pending`,
    `last_event_id` and `retry` once the iterator is exhausted."""
    dec = SSEDecoder() if decoder is None else decoder
    for chunk in chunks:
        yield from dec.feed(chunk)
    yield from dec.end()


async def aiter_events(
    chunks: AsyncIterable[bytes], *, decoder: SSEDecoder | None = None
) -> AsyncIterator[ServerSentEvent]:
    """Async twin of `iter_events`, over the same `SSEDecoder`."""
    dec = SSEDecoder() if decoder is None else decoder
    async for chunk in chunks:
        for event in dec.feed(chunk):
            yield event
    for event in dec.end():
        yield event
