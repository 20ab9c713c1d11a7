"""What `http_client=` accepts: an `httpx.Client` (`httpx.AsyncClient`), or any object with
their `send` and `build_request` methods, such as a wrapper adding headers or logging
(Aerostack's `HttpClient` / `AsyncHttpClient` protocols).

The SDK calls `build_request(method, url, params=, headers=, content=, data=, files=,
timeout=)` and `send(request, stream=True, follow_redirects=False)`, nothing else; it never
closes a client it was given.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import httpx


class RequestBuilder(Protocol):
    """The method both kinds of client share: `httpx.Client.build_request`'s shape."""

    def build_request(
        self,
        method: str,
        url: httpx.URL,
        *,
        content: Any = ...,
        data: Any = ...,
        files: Any = ...,
        params: Any = ...,
        headers: Any = ...,
        timeout: Any = ...,
    ) -> httpx.Request: ...


@runtime_checkable
class HttpClient(RequestBuilder, Protocol):
    """A synchronous HTTP client: `httpx.Client`, or a wrapper with the same two methods."""

    def send(
        self, request: httpx.Request, *, stream: bool = ..., follow_redirects: bool = ...
    ) -> httpx.Response: ...


@runtime_checkable
class AsyncHttpClient(RequestBuilder, Protocol):
    """An asynchronous HTTP client: `httpx.AsyncClient`, or a wrapper with the same methods."""

    async def send(
        self, request: httpx.Request, *, stream: bool = ..., follow_redirects: bool = ...
    ) -> httpx.Response: ...


__all__ = ["AsyncHttpClient", "HttpClient"]
