"""The connection pool of a client, created on first use (client construction stays cheap)
and shared by the copies `with_options()` makes; only a pool the SDK created is closed by it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import httpx

from .httpclient import AsyncHttpClient, HttpClient

H = TypeVar("H", bound=HttpClient | AsyncHttpClient)

DEFAULT_LIMITS = httpx.Limits(
    max_connections=1000, max_keepalive_connections=100, keepalive_expiry=30.0
)


class HttpClientHolder(Generic[H]):
    """Holds the caller's HTTP client, or the httpx client the SDK makes lazily and owns."""

    def __init__(self, factory: Callable[[], H], given: H | None) -> None:
        self._factory = factory
        self._client = given
        self.owned = given is None
        self._lock = threading.Lock()

    def get(self) -> H:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._factory()
                client = self._client
        return client

    def created(self) -> H | None:
        """The owned client if it was made, for closing; None for a caller's or an unmade one."""
        return self._client if self.owned else None
