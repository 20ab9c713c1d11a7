"""Contract for the streamed answers, which schemathesis cannot judge (their body is declared
`type: string`): every event the mock streams must fit the spec's chunk schema, and the
stream must end the way the spec says. Each event is also read by the SDK's generated
model, so the SDK and the spec agree on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

import gatewise.types
from gatewise.testing import MockGateway
from gatewise.types import AnthropicStreamEvent, ChatCompletionChunk, CompletionChunk

from .spec import load_spec, parse_sse, stream_events, stream_problems

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city"],
        },
    },
}
USER = {"role": "user", "content": "What is the weather in Paris today?"}

STREAMS: dict[str, tuple[str, dict[str, Any]]] = {
    "chat": ("/v1/chat/completions", {"model": "openai/gpt-4o", "messages": [USER]}),
    "chat-two-choices-with-usage": (
        "/v1/chat/completions",
        {
            "model": "openai/gpt-4o-mini",
            "messages": [USER],
            "n": 2,
            "stream_options": {"include_usage": True},
        },
    ),
    "chat-tool-call": (
        "/v1/chat/completions",
        {"model": "openai/gpt-4o", "messages": [USER], "tools": [WEATHER_TOOL]},
    ),
    "chat-cut-by-max-tokens": (
        "/v1/chat/completions",
        {"model": "openai/gpt-4o", "messages": [USER], "max_tokens": 2},
    ),
    "completion": (
        "/v1/completions",
        {"model": "openai/gpt-3.5-turbo-instruct", "prompt": "The future is"},
    ),
    "completion-two-prompts-echoed-with-usage": (
        "/v1/completions",
        {
            "model": "meta-llama/Llama-2-7b-chat-hf",
            "prompt": ["One", "Two words"],
            "echo": True,
            "stream_options": {"include_usage": True},
        },
    ),
    "anthropic": (
        "/anthropic/v1/messages",
        {
            "model": "claude-3-5-sonnet-20241022",
            "max_tokens": 64,
            "system": "Be brief.",
            "messages": [{"role": "user", "content": "Hello Claude"}],
        },
    ),
    "anthropic-tool-use": (
        "/anthropic/v1/messages",
        {
            "model": "claude-3-5-sonnet-20241022",
            "max_tokens": 64,
            "messages": [USER],
            "tools": [
                {
                    "name": "get_weather",
                    "input_schema": WEATHER_TOOL["function"]["parameters"],  # type: ignore[index]
                }
            ],
        },
    ),
    "anthropic-stop-sequence": (
        "/anthropic/v1/messages",
        {
            "model": "claude-3-5-haiku-20241022",
            "max_tokens": 64,
            "stop_sequences": ["Paris"],
            "messages": [USER],
        },
    ),
}


def sdk_model(path: str) -> type[BaseModel]:
    """The SDK's model of the events the spec's `x-events` declares for `path`."""
    model: type[BaseModel] = getattr(
        gatewise.types, stream_events(path)["data"]["$ref"].removeprefix("#/components/schemas/")
    )
    return model


@pytest.fixture
def http(gateway: MockGateway) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {gateway.api_key}", "anthropic-version": "2023-06-01"}
    with httpx.Client(base_url=gateway.url, headers=headers, timeout=10) as client:
        yield client


def stream(http: httpx.Client, path: str, body: dict[str, Any]) -> bytes:
    with http.stream("POST", path, json={**body, "stream": True}) as answer:
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        return answer.read()


@pytest.mark.parametrize("name", list(STREAMS))
def test_every_streamed_event_fits_the_spec_chunk_schema(http: httpx.Client, name: str) -> None:
    path, body = STREAMS[name]
    raw = stream(http, path, body)

    assert stream_problems(path, raw) == []
    frames, _ = parse_sse(raw)
    payloads = [
        frame.data for frame in frames if frame.data != stream_events(path).get("terminator")
    ]
    assert len(payloads) >= 3
    for data in payloads:
        sdk_model(path).model_validate_json(data)


def test_openai_style_streams_end_with_done_after_every_choice_finished(
    http: httpx.Client,
) -> None:
    path, body = STREAMS["chat-two-choices-with-usage"]
    frames, _ = parse_sse(stream(http, path, body))

    assert frames[-1].data == "[DONE]"
    chunks = [json.loads(frame.data) for frame in frames[:-1]]
    finished = {
        choice["index"]
        for chunk in chunks
        for choice in chunk["choices"]
        if choice["finish_reason"] is not None
    }
    assert finished == {0, 1}
    usage_chunk = chunks[-1]
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["total_tokens"] > 0


def test_anthropic_events_run_from_message_start_to_message_stop(http: httpx.Client) -> None:
    path, body = STREAMS["anthropic-tool-use"]
    frames, _ = parse_sse(stream(http, path, body))

    names = [frame.event for frame in frames]
    assert names[0] == "message_start"
    assert names[-2:] == ["message_delta", "message_stop"]
    assert {"content_block_start", "content_block_delta", "content_block_stop"} <= set(names)
    partial_json = "".join(
        event["delta"].get("partial_json", "")
        for event in map(json.loads, (frame.data for frame in frames))
        if event["type"] == "content_block_delta"
    )
    answered = http.post(path, json=body).json()
    (tool_use,) = [block for block in answered["content"] if block["type"] == "tool_use"]
    assert json.loads(partial_json) == tool_use["input"]


@pytest.mark.parametrize("name", ["chat", "completion", "anthropic"])
def test_an_in_band_stream_error_fits_the_spec_error_schema(
    gateway: MockGateway, http: httpx.Client, name: str
) -> None:
    path, body = STREAMS[name]
    gateway.faults.add(path, stream_error_after=2, status=503, message="upstream went away")

    raw = stream(http, path, body)

    assert stream_problems(path, raw) == []
    frames, _ = parse_sse(raw)
    assert len(frames) == 3
    last = json.loads(frames[-1].data)
    assert last["error"]["message"] == "upstream went away"


def test_the_spec_declares_the_events_of_every_stream() -> None:
    # x-gatewise.stream names the SDK's chunk model; x-events the same schema for outside tools.
    for path, item in load_spec()["paths"].items():
        for operation in item.values():
            chunk = operation.get("x-gatewise", {}).get("stream")
            if chunk is not None:
                assert stream_events(path)["data"] == {"$ref": f"#/components/schemas/{chunk}"}
    models = {sdk_model(path) for path, _ in STREAMS.values()}
    assert models == {AnthropicStreamEvent, ChatCompletionChunk, CompletionChunk}


def test_the_stream_oracle_flags_malformed_chunks_and_a_missing_terminal_event() -> None:
    # The checks above are only as good as the oracle: it must fail bad streams.
    good_chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunk_without_choices = json.dumps(good_chunk).encode()
    cut = b"data: " + json.dumps({**good_chunk, "choices": []}).encode() + b"\n\n"

    assert stream_problems("/v1/chat/completions", b"data: " + chunk_without_choices + b"\n\n")
    assert stream_problems("/v1/chat/completions", cut)
    assert stream_problems("/v1/chat/completions", cut + b"data: [DONE]\n\n") == []
    assert stream_problems("/anthropic/v1/messages", b'event: ping\ndata: {"type": "ping"}\n\n')
