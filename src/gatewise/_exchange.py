"""One attempt's exchange with the server: send, follow same-origin redirects, read the body.

`Exchange` is the pure part (which redirect to follow, the body's size limit, the attempt's
deadline); `exchange` and `aexchange` are thin I/O shells around it. Redirects are followed
here, never by httpx, so that a caller's own http_client cannot carry the API key, the body
or the Idempotency-Key to another origin.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx

from ._errors import APIError, ResponseTooLargeError
from .httpclient import AsyncHttpClient, HttpClient

MAX_REDIRECTS = 10

# 303 always, and 301/302 after a POST, turn into a GET without a body (as browsers and
# httpx do); 307/308 repeat the request as it was.
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS = ("content-length", "content-type", "transfer-encoding")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


class Exchange:
    """The decisions of one attempt (pure): redirects, body limit, deadline."""

    __slots__ = ("_deadline", "_hops", "_seconds", "_stream", "limit")

    def __init__(self, *, stream: bool, limit: int | None, deadline: float | None) -> None:
        self._stream = stream
        self.limit = limit
        self._seconds = deadline
        self._deadline = None if deadline is None else time.monotonic() + deadline
        self._hops = 0

    def seconds_left(self) -> float | None:
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def _time_left(self, request: httpx.Request) -> float | None:
        """What is left of the deadline for the next read; a timeout when nothing is (a read
        timeout of 0 would make the socket non-blocking, a connection error, not a timeout)."""
        left = self.seconds_left()
        if left == 0.0:
            raise self.timed_out(request)
        return left

    def redirects(self, response: httpx.Response) -> bool:
        return response.status_code in _REDIRECT_STATUSES and "location" in response.headers

    def follow(self, response: httpx.Response) -> httpx.Request:
        """The request a same-origin redirect asks for; an APIError for any other redirect."""
        request = response.request
        location = response.headers["location"]
        try:
            url = request.url.join(location)
        except httpx.InvalidURL:
            raise self._refused(response, f"redirected to an invalid URL {location!r}") from None
        if _origin(url) != _origin(request.url):
            raise self._refused(
                response,
                f"redirected to another origin ({location}); gatewise follows same-origin "
                "redirects only, so the API key and the request never leave the gateway",
            )
        self._hops += 1
        if self._hops > MAX_REDIRECTS:
            raise self._refused(
                response, f"more than {MAX_REDIRECTS} redirects (last to {location})"
            )
        method = request.method
        status = response.status_code
        headers = httpx.Headers(request.headers)
        stream: Any = request.stream
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            method, stream = "GET", None
            for name in _BODY_HEADERS:
                headers.pop(name, None)
        return httpx.Request(
            method,
            url,
            headers=headers,
            stream=stream,
            extensions={**request.extensions, "timeout": self._timeouts(request)},
        )

    def _refused(self, response: httpx.Response, why: str) -> APIError:
        return APIError(
            f"HTTP {response.status_code}: {why}",
            status_code=response.status_code,
            code="redirect_refused",
            headers=response.headers,
            response=response,
        )

    def _timeouts(self, request: httpx.Request) -> dict[str, float | None]:
        """The request's per-phase timeouts, none longer than what is left of the deadline."""
        timeouts: dict[str, float | None] = dict(request.extensions.get("timeout") or {})
        left = self._time_left(request)
        if left is not None:
            for phase, seconds in timeouts.items():
                timeouts[phase] = left if seconds is None else min(seconds, left)
        return timeouts

    def reads_body(self, response: httpx.Response) -> bool:
        """Whether the body is read here: always but for a stream's successful answer."""
        return not self._stream or response.status_code >= 400

    def start_body(self, response: httpx.Response) -> BodyReader:
        """Refuse a body announced over the limit; reads wait at most the time left."""
        length = response.headers.get("content-length", "")
        if self.limit is not None and length.isdigit() and int(length) > self.limit:
            raise self.too_large(f"announced {length} bytes")
        left = self._time_left(response.request)
        timeouts = response.request.extensions.get("timeout")
        if left is not None and isinstance(timeouts, dict):
            # httpcore fixes a body read's timeout when the body's iteration starts.
            timeouts["read"] = left
        return BodyReader(self, response)

    def too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"the answer is larger than max_response_bytes={self.limit} ({what})",
            limit=self.limit or 0,
        )

    def timed_out(self, request: httpx.Request) -> httpx.ReadTimeout:
        return httpx.ReadTimeout(
            f"no complete answer within the timeout of {self._seconds} s", request=request
        )


class BodyReader:
    """Collects a body chunk by chunk, stopping at the size limit or the deadline."""

    __slots__ = ("_chunks", "_exchange", "_response", "_size")

    def __init__(self, exchange: Exchange, response: httpx.Response) -> None:
        self._exchange = exchange
        self._response = response
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        exchange = self._exchange
        self._size += len(chunk)
        if exchange.limit is not None and self._size > exchange.limit:
            raise exchange.too_large(f"{self._size} bytes read so far")
        if exchange.seconds_left() == 0.0:
            raise exchange.timed_out(self._response.request)
        self._chunks.append(chunk)

    def finish(self) -> None:
        """Make the collected body the response's content, as `response.read()` would."""
        self._response._content = b"".join(self._chunks)


def exchange(client: HttpClient, request: httpx.Request, plan: Exchange) -> httpx.Response:
    # The head is bounded per read, not by the deadline: httpcore takes a read's timeout from
    # the request, and httpx 0.28's HTTPTransport has no public way to give its pool a
    # network backend that would shorten each read to the time left.
    response = client.send(request, stream=True, follow_redirects=False)
    while plan.redirects(response):
        response.close()
        response = client.send(plan.follow(response), stream=True, follow_redirects=False)
    if plan.reads_body(response):
        try:
            body = plan.start_body(response)
            for chunk in response.iter_bytes():
                body.add(chunk)
        finally:
            response.close()
        body.finish()
    return response


async def aexchange(
    client: AsyncHttpClient, request: httpx.Request, plan: Exchange
) -> httpx.Response:
    try:
        # Async code can bound the whole attempt, a head trickled byte by byte included.
        with anyio.fail_after(plan.seconds_left()):
            response = await client.send(request, stream=True, follow_redirects=False)
            while plan.redirects(response):
                await response.aclose()
                response = await client.send(
                    plan.follow(response), stream=True, follow_redirects=False
                )
            if plan.reads_body(response):
                try:
                    body = plan.start_body(response)
                    async for chunk in response.aiter_bytes():
                        body.add(chunk)
                finally:
                    await response.aclose()
                body.finish()
            return response
    except TimeoutError:
        raise plan.timed_out(request) from None
