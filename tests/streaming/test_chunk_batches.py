"""No batch of typed chunks is built: one read holding a whole stream still yields one by one.

A batch (every chunk of one read decoded before the first is yielded) outlives young GC
passes and makes full collections run, so the cost grows with the application's heap. The
whole body comes in one read here, through an httpx transport (the server side, not our code).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from gatewise import AsyncGatewise, Gatewise
from tests.streaming.test_streams import MESSAGES, chunk, event

CHUNKS = 500


def chat_body() -> bytes:
    events = [event(chunk(role="assistant", content=""))]
    events += [event(chunk(f"w{i} ")) for i in range(CHUNKS - 2)]
    events += [event(chunk(finish="stop")), b"data: [DONE]\n\n"]
    return b"".join(events)


def anthropic_event(name: str, payload: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps({'type': name, **payload})}\n\n".encode()


def anthropic_body() -> bytes:
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-sonnet-20241022",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1},
    }
    events = [
        anthropic_event("message_start", {"message": message}),
        anthropic_event(
            "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
        ),
    ]
    events += [
        anthropic_event(
            "content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": f"w{i} "}}
        )
        for i in range(CHUNKS - 2)
    ]
    events += [
        anthropic_event("content_block_stop", {"index": 0}),
        anthropic_event(
            "message_delta",
            {
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 9},
            },
        ),
        anthropic_event("message_stop", {}),
    ]
    return b"".join(events)


class OneRead(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        yield self._body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


def whole_body_transport(body: bytes) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=OneRead(body)
        )

    return httpx.MockTransport(answer)


class LiveChunks:
    """Tracks chunks the caller has seen; `peak` is the most alive at once while iterating."""

    def __init__(self) -> None:
        self._refs: list[weakref.ref[Any]] = []
        self.alive = 0
        self.peak = 0

    def saw(self, item: Any) -> None:
        self._refs.append(weakref.ref(item, self._died))
        self.alive += 1
        self.peak = max(self.peak, self.alive)

    def _died(self, ref: weakref.ref[Any]) -> None:
        self.alive -= 1

    @property
    def count(self) -> int:
        return len(self._refs)


KINDS = [
    pytest.param("openai/gpt-4o", chat_body(), id="chat"),
    pytest.param("anthropic/claude-3-5-sonnet-20241022", anthropic_body(), id="anthropic"),
]


@pytest.mark.parametrize(("model", "body"), KINDS)
def test_one_read_of_a_whole_stream_keeps_one_typed_chunk_alive(model: str, body: bytes) -> None:
    live = LiveChunks()
    http = httpx.Client(transport=whole_body_transport(body))
    with Gatewise(api_key="k", base_url="http://gateway.test", http_client=http) as client:
        for item in client.chat.completions.create(model=model, messages=MESSAGES, stream=True):
            live.saw(item)
    assert live.count >= CHUNKS - 2
    assert live.peak == 1


@pytest.mark.parametrize(("model", "body"), KINDS)
async def test_async_one_read_of_a_whole_stream_keeps_one_typed_chunk_alive(
    model: str, body: bytes
) -> None:
    live = LiveChunks()
    http = httpx.AsyncClient(transport=whole_body_transport(body))
    async with AsyncGatewise(
        api_key="k", base_url="http://gateway.test", http_client=http
    ) as client:
        stream = await client.chat.completions.create(model=model, messages=MESSAGES, stream=True)
        async for item in stream:
            live.saw(item)
    assert live.count >= CHUNKS - 2
    assert live.peak == 1
