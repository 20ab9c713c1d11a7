"""Idempotency keys along a fallback chain: each hop sends another model, so each hop is
another request with its own key (one per hop, reused by that hop's retries)."""

from __future__ import annotations

from typing import Any

from gatewise import AsyncGatewise, Gatewise, RetryConfig
from tests import answers
from tests.support import MESSAGES

from .conftest import API_KEY, RecordingServer

DOWN = {"error": {"message": "upstream down", "type": "server_error"}}
ONE_RETRY = RetryConfig(max_retries=1, initial_delay=0.0, jitter=0.0)
CHAIN = {"best": ["openai/gpt-4o", "openai/gpt-4o-mini", "mistral/mistral-large"]}


def _keys(server: RecordingServer) -> list[tuple[str, str]]:
    return [(r.json()["model"], r.headers["Idempotency-Key"]) for r in server.requests]


def _client(server: RecordingServer, **options: Any) -> Gatewise:
    return Gatewise(api_key=API_KEY, base_url=server.url, retry=ONE_RETRY, models=CHAIN, **options)


def test_a_callers_key_is_derived_per_hop(server: RecordingServer) -> None:
    server.then(DOWN, 503).then(DOWN, 503).then(DOWN, 503).then(DOWN, 503).then(answers.CHAT)
    with _client(server) as client:
        client.chat.completions.create(
            model="best",
            messages=MESSAGES,  # type: ignore[arg-type]
            extra_headers={"Idempotency-Key": "order-42"},
        )
    assert [key for _, key in _keys(server)] == [
        "order-42",
        "order-42",
        "order-42-hop1",
        "order-42-hop1",
        "order-42-hop2",
    ]


def test_a_default_headers_key_is_derived_per_hop_too(server: RecordingServer) -> None:
    server.then(DOWN, 503).then(DOWN, 503).then(answers.CHAT)
    with _client(server, default_headers={"idempotency-key": "k"}) as client:
        client.chat.completions.create(model="best", messages=MESSAGES)  # type: ignore[arg-type]
    assert [key for _, key in _keys(server)] == ["k", "k", "k-hop1"]


def test_the_sdk_generates_one_key_per_hop(server: RecordingServer) -> None:
    server.then(DOWN, 503).then(DOWN, 503).then(answers.CHAT)
    with _client(server) as client:
        client.chat.completions.create(model="best", messages=MESSAGES)  # type: ignore[arg-type]
    (m0, k0), (m0_retry, k0_retry), (m1, k1) = _keys(server)
    assert m0 == m0_retry != m1
    assert k0 == k0_retry != k1


async def test_async_streams_derive_the_key_per_hop(server: RecordingServer) -> None:
    server.then(DOWN, 503).then(DOWN, 503).then(
        b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n",
        headers={"Content-Type": "text/event-stream"},
    )
    async with AsyncGatewise(
        api_key=API_KEY, base_url=server.url, retry=ONE_RETRY, models=CHAIN
    ) as client:
        stream = await client.chat.completions.create(
            model="best",
            messages=MESSAGES,  # type: ignore[arg-type]
            stream=True,
            extra_headers={"Idempotency-Key": "s"},
        )
        await stream.collect()
    assert [key for _, key in _keys(server)] == ["s", "s", "s-hop1"]
