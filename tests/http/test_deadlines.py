"""Time and size bounds of a non-streamed answer against raw-socket servers on 127.0.0.1 that
trickle or stall: a float timeout is a deadline per attempt, max_response_bytes stops reading,
a caller's own http_client keeps its timeouts."""

from __future__ import annotations

import gzip
import json
import time
from typing import Any

import httpx
import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise, RetryConfig
from tests import answers
from tests.rawserver import Raw, Script, raw_answer, scripted_server
from tests.support import NO_RETRY

from .conftest import API_KEY

BODY = json.dumps({"object": "list", "data": []}).encode()
# Generous: the point is "not after the trickle's 10 s", on a loaded machine.
BOUND = 7.0


def _head(length: int) -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def trickled_body(gap: float = 0.25) -> Raw:
    """The head at once, then the body one byte per `gap` seconds (10 s in all)."""
    body = BODY.ljust(40)
    steps: list[Any] = [_head(len(body))]
    for byte in body:
        steps += [gap, bytes([byte])]
    return Raw(steps)


def trickled_head(gap: float = 0.25) -> Raw:
    """The head itself one byte per `gap` seconds."""
    whole = _head(len(BODY)) + BODY
    steps: list[Any] = []
    for byte in whole[:40]:
        steps += [bytes([byte]), gap]
    return Raw([*steps, whole[40:]])


def test_a_float_timeout_bounds_a_trickled_body() -> None:
    with (
        scripted_server(trickled_body()) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY, timeout=1.0) as client,
    ):
        started = time.monotonic()
        with pytest.raises(gatewise.APITimeoutError):
            client.models.list()
        assert time.monotonic() - started < BOUND


async def test_async_a_float_timeout_bounds_a_trickled_body_and_head() -> None:
    for answer in (trickled_body(), trickled_head()):
        with scripted_server(answer) as server:
            async with AsyncGatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY) as c:
                started = time.monotonic()
                with pytest.raises(gatewise.APITimeoutError):
                    await c.models.list(timeout=1.0)
                assert time.monotonic() - started < BOUND


def test_sync_a_head_trickled_past_the_deadline_is_a_timeout() -> None:
    # Sync code bounds the head per read only; the body then has no time left.
    with (
        scripted_server(trickled_head(gap=0.05)) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY, timeout=0.5) as client,
        pytest.raises(gatewise.APITimeoutError),
    ):
        client.models.list()


def test_a_deadline_timeout_is_retried_like_any_timeout() -> None:
    with (
        scripted_server(trickled_body(), raw_answer(200, BODY)) as server,
        Gatewise(
            api_key=API_KEY,
            base_url=server.url,
            timeout=1.0,
            retry=RetryConfig(max_retries=1, initial_delay=0.0),
        ) as client,
    ):
        assert client.models.list() == []
    assert len(server.requests) == 2


def test_an_httpx_timeout_keeps_its_per_read_meaning() -> None:
    gap_answer = Raw([_head(len(BODY)), 0.6, BODY[:5], 0.6, BODY[5:]])
    with (
        scripted_server(gap_answer) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY) as client,
    ):
        # 1.2 s in all but each read within 1 s: fine per phase.
        assert client.models.list(timeout=httpx.Timeout(1.0)) == []


def test_a_callers_http_client_keeps_its_own_timeouts() -> None:
    slow = Raw([1.5, _head(len(BODY)) + BODY])
    with scripted_server(slow) as server, httpx.Client(timeout=0.3) as http_client:
        client = Gatewise(
            api_key=API_KEY, base_url=server.url, retry=NO_RETRY, http_client=http_client
        )
        with pytest.raises(gatewise.APITimeoutError):
            client.models.list()
        # Unless the call (or the client) names a timeout.
        assert client.models.list(timeout=5.0) == []
        assert client.with_options(timeout=5.0).models.list() == []


async def test_async_callers_http_client_keeps_its_own_timeouts() -> None:
    slow = Raw([1.5, _head(len(BODY)) + BODY])
    with scripted_server(slow) as server:
        async with httpx.AsyncClient(timeout=0.3) as http_client:
            client = AsyncGatewise(
                api_key=API_KEY, base_url=server.url, retry=NO_RETRY, http_client=http_client
            )
            with pytest.raises(gatewise.APITimeoutError):
                await client.models.list()


def test_a_body_announced_over_the_limit_fails_before_reading() -> None:
    # The head promises 100 MB, then the server stalls: reading would hang, not fail.
    stalled = Raw([_head(100_000_000), BODY, 30.0])
    with (
        scripted_server(stalled) as server,
        Gatewise(
            api_key=API_KEY, base_url=server.url, retry=NO_RETRY, max_response_bytes=1000
        ) as client,
    ):
        started = time.monotonic()
        with pytest.raises(gatewise.ResponseTooLargeError) as caught:
            client.models.list()
        assert time.monotonic() - started < BOUND
    assert caught.value.limit == 1000


@pytest.mark.parametrize("where", ["client", "call"])
def test_a_chunked_body_over_the_limit_stops_reading(where: str) -> None:
    # 2 MiB arrive, then the server stalls: only a reader that stops at the limit returns.
    endless = Script([b"x" * 65536] * 32 + [30.0], content_type="application/json")
    limit = {"max_response_bytes": 1_000_000}
    with (
        scripted_server(endless) as server,
        Gatewise(
            api_key=API_KEY,
            base_url=server.url,
            retry=NO_RETRY,
            **(limit if where == "client" else {}),  # type: ignore[arg-type]
        ) as client,
        pytest.raises(gatewise.ResponseTooLargeError, match="1000000"),
    ):
        client.models.list(**(limit if where == "call" else {}))  # type: ignore[arg-type]


async def test_async_gzip_bomb_is_measured_decoded() -> None:
    bomb = gzip.compress(b"0" * 5_000_000)
    answer = raw_answer(200, bomb, "Content-Encoding: gzip", "Content-Type: application/json")
    with scripted_server(answer) as server:
        async with AsyncGatewise(
            api_key=API_KEY, base_url=server.url, retry=NO_RETRY, max_response_bytes=1_000_000
        ) as client:
            with pytest.raises(gatewise.ResponseTooLargeError):
                await client.models.list()


def test_a_body_within_the_limit_is_parsed() -> None:
    body = json.dumps(answers.CHAT).encode()
    answer = raw_answer(200, body, "Content-Type: application/json")
    with (
        scripted_server(answer) as server,
        Gatewise(
            api_key=API_KEY, base_url=server.url, retry=NO_RETRY, max_response_bytes=len(body)
        ) as client,
    ):
        result = client.chat.completions.create(
            model="openai/gpt-4o",
            messages=[{"role": "user", "content": "hi"}],
        )
    assert result.content == "hello"
