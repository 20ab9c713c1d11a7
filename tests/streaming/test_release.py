"""A stream gives its connection back however it ends: read, closed, or dropped unread."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from typing import Any

import httpx
import pytest

import gatewise
from gatewise import AsyncGatewise
from tests.rawserver import Script, scripted_server
from tests.streaming.test_streams import HELLO, MESSAGES, client_for


def one_connection_pool() -> httpx.Client:
    # A pool of one connection: a stream that kept its connection would make the next call
    # wait for the pool and fail with a pool timeout.
    return httpx.Client(
        limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5.0, pool=0.5)
    )


def test_streams_dropped_unread_give_their_connection_back_to_a_pool_of_one() -> None:
    with (
        scripted_server(Script(HELLO)) as server,
        one_connection_pool() as pool,
        client_for(server.url, http_client=pool) as client,
    ):
        for _ in range(3):
            with pytest.warns(ResourceWarning, match="without being read or closed"):
                client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert stream.collect().content == "Hello world"


def test_streams_dropped_unread_close_their_connection_in_the_sdks_own_pool() -> None:
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        for _ in range(3):
            with pytest.warns(ResourceWarning):
                client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        # The server sees each connection end long before its own 5 s idle timeout.
        deadline = time.monotonic() + 3
        while server.closed < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.closed == 3
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert stream.collect().content == "Hello world"


async def test_async_streams_dropped_unread_give_their_connection_back() -> None:
    with scripted_server(Script(HELLO)) as server:
        pool = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5.0, pool=0.5)
        )
        async with (
            pool,
            AsyncGatewise(
                api_key="k", base_url=server.url, max_retries=0, http_client=pool
            ) as client,
        ):
            for _ in range(3):
                with pytest.warns(ResourceWarning, match="without being read or closed"):
                    await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
                await asyncio.sleep(0.01)  # the close was scheduled on this loop
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            assert (await stream.collect()).content == "Hello world"


def test_stream_read_to_its_end_or_closed_warns_nothing() -> None:
    # pytest turns any warning into an error: no ResourceWarning may come from these.
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))
        client.chat.completions.create(model="m", messages=MESSAGES, stream=True).close()
        with client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
            pass
        for _ in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
            break
        gc.collect()


def test_iterating_a_closed_stream_raises_stream_closed_error() -> None:
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        next(stream)
        stream.close()
        with pytest.raises(gatewise.StreamClosedError):
            next(stream)
        with pytest.raises(gatewise.StreamClosedError):
            list(stream)
        with pytest.raises(gatewise.StreamClosedError):
            stream.collect()
        with client.chat.completions.create(model="m", messages=MESSAGES, stream=True) as unread:
            pass
        with pytest.raises(gatewise.StreamClosedError):
            list(unread.text_stream)


async def test_iterating_a_closed_async_stream_raises_stream_closed_error() -> None:
    with scripted_server(Script(HELLO)) as server:
        async with AsyncGatewise(api_key="k", base_url=server.url, max_retries=0) as client:
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            await stream.aclose()
            with pytest.raises(gatewise.StreamClosedError):
                async for _ in stream:
                    pass
            with pytest.raises(gatewise.StreamClosedError):
                await stream.collect()


def test_async_stream_dropped_unread_after_its_loop_ended_ends_its_connection() -> None:
    with scripted_server(Script(HELLO)) as server:

        async def open_unread() -> tuple[AsyncGatewise, Any]:
            client = AsyncGatewise(api_key="k", base_url=server.url, max_retries=0)
            return client, await client.chat.completions.create(
                model="m", messages=MESSAGES, stream=True
            )

        client, stream = asyncio.run(open_unread())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            del stream  # no loop runs now: nothing can be awaited
            deadline = time.monotonic() + 3
            while server.closed < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            ended = server.closed
            del client  # never closed in its loop: asyncio warns about its transport too
            gc.collect()
    assert ended == 1
    assert any("without being read or closed" in str(w.message) for w in caught)
