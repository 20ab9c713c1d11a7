"""Scripted faults: `gw.faults.add(path, ...)` makes the next matching requests fail.

A rule matches a request whose path equals `path` exactly, before authentication.
Error rules answer with `status`; stream rules (`stream_cut_after`, `stream_error_after`,
`stall_after`) only match streaming requests and damage the stream; `delay` waits first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FaultRule:
    """One scripted fault; see `Faults.add` for the meaning of each field."""

    path: str
    status: int | None = None
    times: int | None = 1
    retry_after: float | None = None
    delay: float = 0.0
    error_code: str | None = None
    message: str | None = None
    stream_cut_after: int | None = None
    stream_error_after: int | None = None
    stall_after: int | None = None

    @property
    def is_stream_fault(self) -> bool:
        """Whether the rule damages a stream rather than answering with an error."""
        return (
            self.stream_cut_after is not None
            or self.stream_error_after is not None
            or self.stall_after is not None
        )

    @property
    def error_status(self) -> int | None:
        """The HTTP error status to answer with, or None to answer normally (after `delay`)."""
        if self.is_stream_fault:
            return None
        if self.status is not None:
            return self.status
        # A rule that only delays answers normally; a bare rule is a plain 503.
        return None if self.delay > 0 else 503

    @property
    def headers(self) -> dict[str, str]:
        """Extra headers of the error answer: Retry-After and its precise retry-after-ms."""
        return retry_headers(self.retry_after) if self.retry_after is not None else {}


def retry_headers(seconds: float) -> dict[str, str]:
    """`Retry-After` (whole seconds when whole) and `retry-after-ms`."""
    whole = seconds == int(seconds)
    return {
        "Retry-After": str(int(seconds)) if whole else f"{seconds:g}",
        "retry-after-ms": str(round(seconds * 1000)),
    }


@dataclass
class _Entry:
    rule: FaultRule
    remaining: int | None = field(default=None)


class Faults:
    """The scripted faults of one MockGateway; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_Entry] = []

    def add(
        self,
        path: str,
        status: int | None = None,
        *,
        times: int | None = 1,
        retry_after: float | None = None,
        delay: float = 0.0,
        error_code: str | None = None,
        message: str | None = None,
        stream_cut_after: int | None = None,
        stream_error_after: int | None = None,
        stall_after: int | None = None,
    ) -> FaultRule:
        """Script a fault for requests to `path` (exact match, e.g. "/v1/chat/completions").

        `status`: answer with this HTTP error (default 503, unless the rule only delays or
        is a stream rule); `times`: how many matching requests it hits (None: forever);
        `retry_after`: the Retry-After header in seconds; `delay`: seconds to wait before
        answering; `error_code`: the envelope's `error.code`; `message`: its message.
        Stream rules, matching only `"stream": true` requests, answer 200 and then:
        `stream_cut_after=N` ends the body after N events without the terminal one,
        `stream_error_after=N` sends an in-band error event after N events,
        `stall_after=N` stops sending after N events and holds the connection open
        until the client goes away or the gateway stops.
        """
        if not path.startswith("/"):
            raise ValueError("path must start with '/'")
        if status is not None and not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None")
        if delay < 0 or (retry_after is not None and retry_after < 0):
            raise ValueError("delay and retry_after must be >= 0")
        for value in (stream_cut_after, stream_error_after, stall_after):
            if value is not None and value < 0:
                raise ValueError("stream fault counts must be >= 0")
        rule = FaultRule(
            path=path,
            status=status,
            times=times,
            retry_after=retry_after,
            delay=delay,
            error_code=error_code,
            message=message,
            stream_cut_after=stream_cut_after,
            stream_error_after=stream_error_after,
            stall_after=stall_after,
        )
        with self._lock:
            self._entries.append(_Entry(rule, times))
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._entries.clear()

    @property
    def rules(self) -> list[FaultRule]:
        """The rules still active, oldest first."""
        with self._lock:
            return [entry.rule for entry in self._entries]

    def take(self, path: str, *, streaming: bool) -> FaultRule | None:
        """The first rule matching this request, counting one hit against it."""
        with self._lock:
            for entry in self._entries:
                rule = entry.rule
                if rule.path != path or (rule.is_stream_fault and not streaming):
                    continue
                if entry.remaining is not None:
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        self._entries.remove(entry)
                return rule
        return None

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
