"""`with_raw_response` and the Anthropic Messages passthrough (`client.anthropic.messages`)."""

from __future__ import annotations

from typing import Any

import pytest

from gatewise import NotFoundError, RawResponse
from gatewise.testing import MockGateway
from gatewise.types import AnthropicMessage, AnthropicStreamEvent, ChatCompletion, CreatedAPIKey
from tests.support import resolve

from .helpers import chat_message, items

CLAUDE = "claude-3-5-sonnet-20241022"


async def test_a_raw_chat_response_has_status_headers_and_parses_to_the_completion(
    client: Any,
) -> None:
    raw = await resolve(
        client.chat.completions.with_raw_response.create(
            model="openai/gpt-4o", messages=chat_message("raw please")
        )
    )

    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/json"
    assert raw.headers["x-request-id"].startswith("req_")
    parsed = raw.parse()
    assert isinstance(parsed, ChatCompletion)
    assert parsed.content == "raw please"
    assert parsed.trace_id == raw.headers["x-trace-id"]
    assert raw.parse() is parsed


async def test_a_raw_streamed_chat_response_is_a_raw_response_too(client: Any) -> None:
    raw = await resolve(
        client.chat.completions.with_raw_response.create(
            model="openai/gpt-4o", messages=chat_message("raw stream"), stream=True
        )
    )
    try:
        assert isinstance(raw, RawResponse)
        assert raw.status_code == 200
        assert "".join(await items(raw.parse().text_stream)) == "raw stream"
    finally:
        close = getattr(raw, "close", None)  # today a Stream comes back: release it
        if close is not None:
            await resolve(close())


async def test_raw_responses_of_admin_and_client_level_calls(client: Any) -> None:
    created = await resolve(client.admin.keys.with_raw_response.create(name="raw"))
    info = await resolve(client.with_raw_response.info())

    assert created.status_code == 201
    assert isinstance(created.parse(), CreatedAPIKey)
    assert created.parse().name == "raw"
    assert info.status_code == 200
    assert info.http_response.request.url.path == "/v1/info"
    assert "openai/gpt-4o" in info.parse().models


async def test_an_anthropic_message_comes_back_in_the_messages_shape(
    client: Any, gateway: MockGateway
) -> None:
    message = await resolve(
        client.anthropic.messages.create(
            model=CLAUDE,
            max_tokens=64,
            system="You are terse.",
            messages=[{"role": "user", "content": "Hello Claude"}],
        )
    )

    assert isinstance(message, AnthropicMessage)
    assert (message.type, message.role, message.model) == ("message", "assistant", CLAUDE)
    assert [(block.type, block.text) for block in message.content] == [("text", "Hello Claude")]
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (5, 2)
    sent = gateway.requests.last
    assert sent.path == "/anthropic/v1/messages"
    assert sent.json == {
        "model": CLAUDE,
        "max_tokens": 64,
        "system": "You are terse.",
        "messages": [{"role": "user", "content": "Hello Claude"}],
    }


async def test_an_anthropic_stream_yields_the_raw_typed_events(client: Any) -> None:
    stream = await resolve(
        client.anthropic.messages.create(
            model=CLAUDE,
            max_tokens=64,
            messages=[{"role": "user", "content": "Stream me, Claude"}],
            stream=True,
        )
    )
    events = await items(stream)

    assert all(isinstance(event, AnthropicStreamEvent) for event in events)
    types = [event.type for event in events]
    assert types[:2] == ["message_start", "content_block_start"]
    assert types[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert "ping" not in types
    assert events[0].message.id.startswith("msg_")
    deltas = [event.delta.text for event in events if event.type == "content_block_delta"]
    assert "".join(deltas) == "Stream me, Claude"
    final = events[-2]
    assert final.delta.stop_reason == "end_turn"
    assert final.usage.output_tokens == 3


async def test_an_anthropic_tool_use_streams_its_input_as_json_pieces(client: Any) -> None:
    stream = await resolve(
        client.anthropic.messages.create(
            model=CLAUDE,
            max_tokens=64,
            messages=[{"role": "user", "content": "Weather in Rome?"}],
            tools=[
                {
                    "name": "get_weather",
                    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
                }
            ],
            tool_choice={"type": "tool", "name": "get_weather"},
            stream=True,
        )
    )
    events = await items(stream)

    starts = [event.content_block for event in events if event.type == "content_block_start"]
    assert [(block.type, block.name) for block in starts] == [("tool_use", "get_weather")]
    pieces = [event.delta.partial_json for event in events if event.type == "content_block_delta"]
    assert "".join(pieces) == '{"city": "example city"}'
    assert events[-2].delta.stop_reason == "tool_use"


async def test_the_passthrough_sends_anthropic_version_unless_the_caller_sets_one(
    client: Any, gateway: MockGateway
) -> None:
    hello = [{"role": "user", "content": "Hello Claude"}]
    raw = await resolve(
        client.anthropic.messages.with_raw_response.create(
            model=CLAUDE, max_tokens=64, messages=hello
        )
    )
    own = await resolve(
        client.anthropic.messages.with_raw_response.create(
            model=CLAUDE,
            max_tokens=64,
            messages=hello,
            extra_headers={"Anthropic-Version": "2023-01-01"},
        )
    )

    assert raw.http_response.request.headers.get_list("anthropic-version") == ["2023-06-01"]
    assert own.http_response.request.headers.get_list("anthropic-version") == ["2023-01-01"]
    assert own.status_code == 200
    assert raw.headers["request-id"] == raw.headers["x-request-id"]


async def test_the_readmes_chain_reaches_claude_through_its_family_alias(
    make_client: Any, gateway: MockGateway
) -> None:
    client = make_client(
        models={"smart": ["openai/gpt-4o", "anthropic/claude-3-5-sonnet"]}, max_retries=0
    )
    gateway.faults.add("/v1/chat/completions", status=503, times=None)

    answer = await resolve(
        client.chat.completions.create(model="smart", messages=chat_message("hi Claude"))
    )

    assert answer.content == "hi Claude"
    sent = gateway.requests.last
    assert (sent.path, sent.json["model"]) == ("/anthropic/v1/messages", "claude-3-5-sonnet")
    assert sent.headers["anthropic-version"] == "2023-06-01"


async def test_a_claude_model_anthropic_does_not_have_is_not_found(client: Any) -> None:
    with pytest.raises(NotFoundError) as missing:
        await resolve(
            client.chat.completions.create(
                model="anthropic/claude-9-opus", messages=chat_message("hi")
            )
        )

    assert missing.value.status_code == 404
    assert "claude-9-opus" in str(missing.value)


async def test_a_chat_temperature_is_clamped_into_the_bounds_the_passthrough_enforces(
    client: Any, gateway: MockGateway
) -> None:
    # The translation's 0-1 clamp must agree with openapi.yaml's bounds, which the mock checks.
    for temperature, sent in ((2.0, 1), (0.5, 0.5), (0, 0)):
        answer = await resolve(
            client.chat.completions.create(
                model="anthropic/claude-3-5-sonnet",
                messages=chat_message("warm"),
                temperature=temperature,
            )
        )

        assert answer.content == "warm"
        assert gateway.requests.last.json["temperature"] == sent
