"""Everything one MockGateway remembers, behind one lock.

The server thread mutates it while tests read it from the main thread, so every
access to the stores (keys, config, logs, videos), the served files, the response
cache and the recorded requests happens under `State.lock`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from . import _clock
from ._config import ConfigStore
from ._keys import KeyStore
from ._logs import LogStore
from ._video import VideoStore


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the gateway received it (headers lower-cased)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    body: bytes = field(repr=False)


class State:
    """The stores of one gateway; hold `lock` while touching any of them."""

    def __init__(self, admin_key: str) -> None:
        self.lock = threading.Lock()
        self.keys = KeyStore(admin_key)
        self.config = ConfigStore()
        self.logs = LogStore()
        self.videos = VideoStore()
        self.files: dict[str, tuple[bytes, str]] = {}
        self.cache: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.started = time.monotonic()
        self.started_at = _clock.now()
        # Lifetime counters for the dashboard: deleting logs does not reset them.
        self.calls_total = 0
        self.cost_total = 0.0
        self.model_calls: Counter[str] = Counter()
        self._counter = 0

    def next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:06d}"

    def uptime(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def cache_lookup(self, key: str) -> bool:
        """Whether an identical request was answered before (then a hit), remembering it."""
        if self.config.setting("cache", "enabled") is False:
            return False
        if key in self.cache:
            return True
        self.cache.add(key)
        return False


class RecordedRequests(Sequence[RecordedRequest]):
    """A live, thread-safe view of the requests a gateway received, oldest first."""

    def __init__(self, state: State) -> None:
        self._state = state

    def _snapshot(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...
    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...
    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        return self._snapshot()[index]

    def __len__(self) -> int:
        with self._state.lock:
            return len(self._state.requests)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self._snapshot())

    def __repr__(self) -> str:
        return f"RecordedRequests({self._snapshot()!r})"

    @property
    def last(self) -> RecordedRequest:
        """The most recent request; IndexError when there is none."""
        return self._snapshot()[-1]

    def to(self, path: str) -> list[RecordedRequest]:
        """The requests whose path is `path`."""
        return [r for r in self._snapshot() if r.path == path]

    def clear(self) -> None:
        with self._state.lock:
            self._state.requests.clear()
