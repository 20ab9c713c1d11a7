"""Streaming chat and completions over a real loopback server, sync and async."""

from __future__ import annotations

import gc
import json
import warnings
from typing import Any

import httpx
import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise
from tests.rawserver import Script, scripted_server
from tests.support import MESSAGES


def chunk(
    content: str | None = None, finish: str | None = None, role: str | None = None, **delta: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if role:
        body["role"] = role
    if content is not None:
        body["content"] = content
    body.update(delta)
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "openai/gpt-4o",
        "choices": [{"index": 0, "delta": body, "finish_reason": finish}],
    }


def event(payload: Any, end: bytes = b"\n\n") -> bytes:
    return b"data: " + json.dumps(payload).encode() + end


HELLO = [
    event(chunk(role="assistant", content="")),
    event(chunk("Hello")),
    event(chunk(" world")),
    event(chunk(finish="stop")),
    b"data: [DONE]\n\n",
]


def client_for(url: str, **kwargs: Any) -> Gatewise:
    return Gatewise(api_key="k", base_url=url, max_retries=0, **kwargs)


def test_stream_yields_typed_chunks_and_ends_at_done() -> None:
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        texts = [c.choices[0].delta.content for c in stream]
    assert texts == ["", "Hello", " world", None]
    assert json.loads(server.requests[0].split(b"\r\n\r\n", 1)[1])["stream"] is True


def _new_tool_call(index: int, call_id: str, name: str, arguments: str) -> dict[str, Any]:
    """The delta that opens a streamed tool call (later deltas add `arguments` pieces)."""
    return {
        "index": index,
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def test_collect_accumulates_text_and_tool_calls() -> None:
    tool_events = [
        event(chunk(role="assistant")),
        event(chunk(tool_calls=[_new_tool_call(0, "call_1", "get_weather", "")])),
        event(chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"city": '}}])),
        event(chunk(tool_calls=[_new_tool_call(1, "call_2", "get_time", "{}")])),
        event(chunk(tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}])),
        event(
            {
                **chunk(finish="tool_calls"),
                "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
            }
        ),
        b"data: [DONE]\n\n",
    ]
    with scripted_server(Script(tool_events)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        final = stream.collect()
    calls = final.choices[0].message.tool_calls
    assert calls is not None
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        ("call_1", "get_weather", '{"city": "Paris"}'),
        ("call_2", "get_time", "{}"),
    ]
    assert final.choices[0].finish_reason == "tool_calls"
    assert final.usage is not None
    assert final.usage.total_tokens == 7
    assert final.id == "chatcmpl-1"


def test_text_stream_yields_only_text() -> None:
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        assert list(stream.text_stream) == ["Hello", " world"]


def test_collect_of_text_completion_stream() -> None:
    events = [
        event(
            {
                "id": "c1",
                "object": "text_completion",
                "created": 1,
                "model": "m",
                "choices": [{"index": 0, "text": "The", "finish_reason": None}],
            }
        ),
        event(
            {
                "id": "c1",
                "object": "text_completion",
                "created": 1,
                "model": "m",
                "choices": [{"index": 0, "text": " end", "finish_reason": "stop"}],
            }
        ),
        b"data: [DONE]\n\n",
    ]
    with scripted_server(Script(events)) as server, client_for(server.url) as client:
        stream = client.completions.create(model="m", prompt="x", stream=True)
        final = stream.collect()
    assert final.choices[0].text == "The end"
    assert final.choices[0].finish_reason == "stop"


def test_truncated_stream_raises_incomplete_stream_error() -> None:
    with scripted_server(Script(HELLO[:3])) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        with pytest.raises(gatewise.IncompleteStreamError):
            list(stream)


def test_connection_dropped_mid_stream_raises_incomplete_stream_error() -> None:
    with scripted_server(Script([*HELLO[:2], None])) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        with pytest.raises(gatewise.IncompleteStreamError):
            list(stream)


def test_last_event_without_blank_line_raises() -> None:
    with (
        scripted_server(Script([*HELLO[:3], event(chunk(finish="stop"), end=b"\n")])) as server,
        client_for(server.url) as client,
    ):
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        with pytest.raises(gatewise.IncompleteStreamError, match="unterminated"):
            list(stream)


def test_stream_without_done_may_end_after_finish_reason() -> None:
    with scripted_server(Script(HELLO[:4])) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        assert len(list(stream)) == 4


def test_in_band_error_raises_the_matching_api_error() -> None:
    error = {
        "error": {"message": "provider overloaded", "type": "provider_unavailable", "code": "503"}
    }
    with (
        scripted_server(Script([*HELLO[:2], event(error)])) as server,
        client_for(server.url) as client,
    ):
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        seen = [next(stream), next(stream)]
        with pytest.raises(gatewise.ProviderUnavailableError, match="provider overloaded"):
            next(stream)
    assert len(seen) == 2


def test_http_error_before_the_stream_raises_as_any_call() -> None:
    body = json.dumps({"error": {"message": "bad", "type": "invalid_request_error"}}).encode()
    with (
        scripted_server(Script([body], status=400, content_type="application/json")) as server,
        client_for(server.url) as client,
        pytest.raises(gatewise.BadRequestError, match="bad"),
    ):
        client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, stream=True)


def test_chunk_that_does_not_fit_raises_response_validation_error() -> None:
    with (
        scripted_server(Script([event({"id": 1, "choices": "nope"})])) as server,
        client_for(server.url) as client,
    ):
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        with pytest.raises(gatewise.ResponseValidationError) as caught:
            list(stream)
    assert b'"choices": "nope"' in caught.value.body


def test_stall_raises_api_timeout_error_after_the_idle_timeout() -> None:
    with (
        scripted_server(Script([*HELLO[:2], 3.0, *HELLO[2:]])) as server,
        client_for(server.url, stream_idle_timeout=0.2) as client,
    ):
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        with pytest.raises(gatewise.APITimeoutError, match="stalled"):
            list(stream)


def test_idle_timeout_per_call_overrides_the_client() -> None:
    with (
        scripted_server(Script([*HELLO[:2], 3.0, *HELLO[2:]])) as server,
        client_for(server.url) as client,
    ):
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True, stream_idle_timeout=0.2
        )
        with pytest.raises(gatewise.APITimeoutError):
            list(stream)


def test_slow_first_byte_within_the_request_timeout_is_fine_with_a_short_idle_timeout() -> None:
    with (
        scripted_server(Script([*HELLO[:2], 0.05, *HELLO[2:]])) as server,
        client_for(server.url, stream_idle_timeout=1.0) as client,
    ):
        assert (
            len(list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True)))
            == 4
        )


def test_crlf_framing_split_across_network_writes_and_bom() -> None:
    raw = b"\xef\xbb\xbf" + b"".join(HELLO).replace(b"\n", b"\r\n")
    pieces: list[bytes | float | None] = []
    for i in range(0, len(raw), 7):
        pieces += [raw[i : i + 7], 0.001]
    with scripted_server(Script(pieces)) as server, client_for(server.url) as client:
        texts = list(
            client.chat.completions.create(model="m", messages=MESSAGES, stream=True).text_stream
        )
    assert texts == ["Hello", " world"]


def test_two_hundred_sequential_streams_reuse_one_connection() -> None:
    with (
        scripted_server(Script([*HELLO, b": trailing comment\n\n"])) as server,
        client_for(server.url) as client,
    ):
        for _ in range(200):
            for _ in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
                pass
    assert server.connections == 1


def test_breaking_out_early_releases_the_connection() -> None:
    # A pool of one connection: a stream that kept its connection would make the next call
    # wait for the pool and fail with a pool timeout.
    pool = httpx.Client(
        limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5.0, pool=0.5)
    )
    with (
        scripted_server(Script(HELLO)) as server,
        client_for(server.url, http_client=pool) as client,
    ):
        for _ in range(5):
            with client.chat.completions.create(
                model="m", messages=MESSAGES, stream=True
            ) as stream:
                for _ in stream:
                    break
        for _ in range(3):
            for _ in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
                break
        assert (
            client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            .collect()
            .content
            == "Hello world"
        )
    pool.close()


def test_abandoned_stream_leaks_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
            stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            next(iter(stream))
            del stream
            gc.collect()
            assert (
                len(list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True)))
                == 4
            )
        gc.collect()


def test_stream_is_iterable_once() -> None:
    with scripted_server(Script(HELLO)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert len(list(stream)) == 4
        assert list(stream) == []
        assert stream.response.status_code == 200


async def test_async_stream_collect_and_text() -> None:
    with scripted_server(Script(HELLO)) as server:
        async with AsyncGatewise(api_key="k", base_url=server.url, max_retries=0) as client:
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            async with stream:
                final = await stream.collect()
            assert final.content == "Hello world"
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            assert [t async for t in stream.text_stream] == ["Hello", " world"]


async def test_async_truncated_stream_raises() -> None:
    with scripted_server(Script(HELLO[:2])) as server:
        async with AsyncGatewise(api_key="k", base_url=server.url, max_retries=0) as client:
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            with pytest.raises(gatewise.IncompleteStreamError):
                async for _ in stream:
                    pass


async def test_async_stall_raises_timeout() -> None:
    with scripted_server(Script([*HELLO[:2], 3.0, *HELLO[2:]])) as server:
        async with AsyncGatewise(
            api_key="k", base_url=server.url, max_retries=0, stream_idle_timeout=0.2
        ) as client:
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            with pytest.raises(gatewise.APITimeoutError):
                async for _ in stream:
                    pass


async def test_async_streams_reuse_one_connection() -> None:
    with scripted_server(Script(HELLO)) as server:
        async with AsyncGatewise(api_key="k", base_url=server.url, max_retries=0) as client:
            for _ in range(50):
                stream = await client.chat.completions.create(
                    model="m", messages=MESSAGES, stream=True
                )
                async for _ in stream:
                    pass
    assert server.connections == 1
