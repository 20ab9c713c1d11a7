"""Bounded memory and time against a misbehaving stream server: event size and idle time."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise
from tests.rawserver import Script, Step, scripted_server
from tests.streaming.test_streams import HELLO, MESSAGES, client_for

MIB = 2**20
PIECE = b"x" * (64 * 1024)


def endless_line(mib: int) -> list[Step]:
    """`mib` MiB of one line that never ends, in 64 KiB writes (the same bytes object)."""
    return [b"data: ", *[PIECE] * (mib * 16)]


def test_a_line_over_max_event_bytes_raises_without_buffering_it() -> None:
    with (
        scripted_server(Script([*HELLO[:2], *endless_line(40)])) as server,
        client_for(server.url, max_event_bytes=MIB) as client,
    ):
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        tracemalloc.start()
        try:
            with pytest.raises(gatewise.ResponseTooLargeError) as caught:
                list(stream)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert caught.value.limit == MIB
    assert "max_event_bytes" in str(caught.value)
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB while refusing a 40 MiB line"


def test_an_event_of_many_lines_over_the_limit_raises() -> None:
    line = b"data: " + b"y" * 1000 + b"\n"
    with (
        scripted_server(Script([*HELLO[:2], line * 300, b"\n"])) as server,
        client_for(server.url) as client,
    ):
        stream = client.chat.completions.create(
            model="m", messages=MESSAGES, stream=True, max_event_bytes=100_000
        )
        with pytest.raises(gatewise.ResponseTooLargeError):
            list(stream)


def test_events_within_the_limit_and_no_limit_pass() -> None:
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        for limit in (None, 4096):
            stream = client.chat.completions.create(
                model="m", messages=MESSAGES, stream=True, max_event_bytes=limit
            )
            assert stream.collect().content == "Hello world"


def trickle(seconds: int, step: float) -> list[Step]:
    """One byte every `step` seconds, never a complete line."""
    steps: list[Step] = [b"data: "]
    for _ in range(int(seconds / step)):
        steps += [step, b"x"]
    return steps


def test_a_server_trickling_bytes_without_a_line_hits_the_idle_timeout() -> None:
    with (
        scripted_server(Script([*HELLO[:2], *trickle(30, 0.2)])) as server,
        client_for(server.url, stream_idle_timeout=1.0) as client,
    ):
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        started = time.monotonic()
        with pytest.raises(gatewise.APITimeoutError, match="no complete line"):
            list(stream)
    assert time.monotonic() - started < 15  # the trickle itself lasts 30 s


async def test_async_trickle_hits_the_idle_timeout() -> None:
    with scripted_server(Script([*HELLO[:2], *trickle(30, 0.2)])) as server:
        async with AsyncGatewise(
            api_key="k", base_url=server.url, max_retries=0, stream_idle_timeout=1.0
        ) as client:
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            started = time.monotonic()
            with pytest.raises(gatewise.APITimeoutError):
                async for _ in stream:
                    pass
    assert time.monotonic() - started < 15


def test_keep_alive_comments_keep_a_slow_stream_alive() -> None:
    pings: list[Step] = []
    for _ in range(8):
        pings += [0.25, b": ping\n"]  # 2 s of pause, a comment line every 0.25 s
    with (
        scripted_server(Script([*HELLO[:2], *pings, *HELLO[2:]])) as server,
        client_for(server.url, stream_idle_timeout=1.0) as client,
    ):
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert stream.collect().content == "Hello world"


@pytest.mark.parametrize(
    ("value", "error"), [(0, ValueError), (-1.0, ValueError), ("x", TypeError)]
)
def test_invalid_stream_idle_timeout_is_refused_before_anything_is_sent(
    value: Any, error: type[Exception]
) -> None:
    with (
        scripted_server(Script(HELLO)) as server,
        client_for(server.url) as client,
    ):
        with pytest.raises(error, match="stream_idle_timeout"):
            Gatewise(api_key="k", base_url=server.url, stream_idle_timeout=value)
        with pytest.raises(error, match="stream_idle_timeout"):
            AsyncGatewise(api_key="k", base_url=server.url, stream_idle_timeout=value)
        with pytest.raises(error, match="stream_idle_timeout"):
            client.with_options(stream_idle_timeout=value)
        with pytest.raises(error, match="stream_idle_timeout"):
            client.chat.completions.create(
                model="m", messages=MESSAGES, stream=True, stream_idle_timeout=value
            )
    assert server.requests == []


def test_no_idle_timeout_is_allowed() -> None:
    with (
        scripted_server(Script([*HELLO[:2], 0.3, *HELLO[2:]])) as server,
        client_for(server.url, stream_idle_timeout=None) as client,
    ):
        stream = client.chat.completions.create(
            model="m", messages=MESSAGES, stream=True, stream_idle_timeout=None
        )
        assert stream.collect().content == "Hello world"
