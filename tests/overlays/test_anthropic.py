"""The Anthropic translation end to end: `client.chat.completions.create` with an
`anthropic/` model against the mock's /anthropic/v1/messages, sync and async.

The request side is read from what the mock received (`gw.requests`); the answer side
from what the caller gets: ChatCompletion, ChatCompletionChunk, text_stream, collect().
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from gatewise import (
    ChatCompletion,
    ChatCompletionChunk,
    IncompleteStreamError,
    ProviderUnavailableError,
    RateLimitError,
)
from gatewise.testing import MockGateway
from tests.support import NO_RETRY, resolve

from .conftest import ClientFactory
from .support import CHAT, CLAUDE, HELLO, MESSAGES, read_all, read_into, read_text, text_of, wire

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
ASK_WEATHER = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "What is the weather in Paris?"},
]
# What the mock answers to ASK_WEATHER with the WEATHER tool: a sentence, then a tool_use.
PREAMBLE = "I will use the get_weather tool."
ARGUMENTS = {"city": "example city"}


def create(client: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("model", CLAUDE)
    kwargs.setdefault("messages", HELLO)
    return resolve(client.chat.completions.create(**kwargs))


def sent(gw: MockGateway) -> dict[str, Any]:
    """The body of the one Messages request the gateway received."""
    (request,) = gw.requests.to(MESSAGES)
    body: dict[str, Any] = request.json
    return body


# --------------------------------------------------------------------- request


async def test_request_reaches_the_messages_endpoint_in_messages_shape(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "developer", "content": "Answer in English."},
    ]

    await create(client, messages=messages, tools=[WEATHER], stop="END", temperature=0.5)

    assert [request.path for request in gw.requests] == [MESSAGES]
    body = sent(gw)
    assert body["model"] == "claude-3-5-sonnet-20241022"
    assert body["system"] == "Be brief.\n\nAnswer in English."
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "What is the weather in Paris?"}]}
    ]
    assert body["max_tokens"] == 4096
    assert body["stop_sequences"] == ["END"]
    assert body["temperature"] == 0.5
    assert body["tools"] == [
        {
            "name": "get_weather",
            "description": "Weather for a city",
            "input_schema": WEATHER["function"]["parameters"],
        }
    ]
    assert "stream" not in body
    assert gw.requests.last.headers["authorization"] == f"Bearer {gw.api_key}"


async def test_caller_max_tokens_replaces_the_default(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    answer = await create(client, max_tokens=2)

    assert sent(gw)["max_tokens"] == 2
    assert answer.content == "Tell me"
    assert answer.choices[0].finish_reason == "length"


async def test_tool_round_trip_sends_tool_use_and_one_user_message_of_tool_results(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    first = await create(client, messages=ASK_WEATHER, tools=[WEATHER])
    (call,) = first.choices[0].message.tool_calls
    # A second, parallel call, so that two consecutive tool messages must merge.
    extra = {"id": "toolu_extra", "type": "function"}
    extra["function"] = {"name": "get_weather", "arguments": '{"city": "Lyon"}'}
    history = [
        *ASK_WEATHER,
        {
            "role": "assistant",
            "content": first.content,
            "tool_calls": [call.model_dump(exclude_none=True), extra],
        },
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
        {"role": "tool", "tool_call_id": "toolu_extra", "content": "rainy"},
    ]
    gw.requests.clear()

    second = await create(client, messages=history, tools=[WEATHER])

    assert sent(gw)["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": PREAMBLE},
                {"type": "tool_use", "id": call.id, "name": "get_weather", "input": ARGUMENTS},
                {
                    "type": "tool_use",
                    "id": "toolu_extra",
                    "name": "get_weather",
                    "input": {"city": "Lyon"},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": call.id, "content": "sunny"},
                {"type": "tool_result", "tool_use_id": "toolu_extra", "content": "rainy"},
            ],
        },
    ]
    assert second.content == "Tool results: sunny; rainy"
    assert second.choices[0].finish_reason == "stop"
    assert not second.choices[0].message.tool_calls


@pytest.mark.parametrize("stream", [False, True], ids=["answer", "stream"])
async def test_untranslatable_parameter_raises_value_error_before_anything_is_sent(
    gw: MockGateway, make_client: ClientFactory, stream: bool
) -> None:
    client = make_client()

    with pytest.raises(ValueError, match="'n'"):
        await create(client, n=2, stream=stream)

    assert len(gw.requests) == 0


async def test_untranslatable_parameter_for_a_later_anthropic_hop_raises_before_sending(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models={"mixed": ["mock/always-503", CLAUDE]})

    with pytest.raises(ValueError, match="'n'"):
        await create(client, model="mixed", n=2)

    assert len(gw.requests) == 0


# ---------------------------------------------------------------------- answer


async def test_answer_is_a_chat_completion_with_content_finish_reason_and_usage(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    answer = await create(client, messages=[{"role": "system", "content": "Be brief."}, *HELLO])

    assert isinstance(answer, ChatCompletion)
    assert answer.object == "chat.completion"
    assert answer.model == CLAUDE
    assert answer.provider == "anthropic"
    assert answer.id.startswith("msg_")
    assert answer.content == "Tell me a short story please"
    assert answer.choices[0].message.role == "assistant"
    assert answer.choices[0].finish_reason == "stop"
    # The mock counts words: 2 of system + 6 of the user turn in, 6 out.
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (8, 6)
    assert answer.usage.total_tokens == 14


async def test_tool_use_answer_becomes_tool_calls(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    answer = await create(client, messages=ASK_WEATHER, tools=[WEATHER])

    assert answer.content == PREAMBLE
    assert answer.choices[0].finish_reason == "tool_calls"
    (call,) = answer.choices[0].message.tool_calls
    assert call.id.startswith("toolu_")
    assert call.type == "function"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == ARGUMENTS


# ---------------------------------------------------------------------- stream


async def test_stream_yields_chat_completion_chunks_ending_with_finish_reason_and_usage(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    chunks = await read_all(await create(client, stream=True))

    assert sent(gw)["stream"] is True
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert {chunk.model for chunk in chunks} == {CLAUDE}
    assert {chunk.provider for chunk in chunks} == {"anthropic"}
    assert len({chunk.id for chunk in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert text_of(chunks) == "Tell me a short story please"
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (6, 6)


async def test_stream_text_stream_yields_only_the_text(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    texts = await read_text(await create(client, stream=True))

    assert texts == ["Tell", " me", " a", " short", " story", " please"]


async def test_streamed_tool_calls_arrive_as_tool_call_deltas(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    chunks = await read_all(
        await create(client, messages=ASK_WEATHER, tools=[WEATHER], stream=True)
    )

    assert text_of(chunks) == PREAMBLE
    deltas = [call for c in chunks for call in (c.choices[0].delta.tool_calls or ())]
    assert {delta.index for delta in deltas} == {0}
    assert deltas[0].id is not None
    assert deltas[0].id.startswith("toolu_")
    assert deltas[0].function.name == "get_weather"
    arguments = "".join(delta.function.arguments or "" for delta in deltas)
    assert json.loads(arguments) == ARGUMENTS
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


@pytest.mark.parametrize("with_tools", [False, True], ids=["text", "tool-call"])
async def test_stream_collect_returns_the_accumulated_chat_completion(
    gw: MockGateway, make_client: ClientFactory, with_tools: bool
) -> None:
    client = make_client()
    request: dict[str, Any] = {"messages": ASK_WEATHER, "tools": [WEATHER]} if with_tools else {}
    expected = await create(client, **request)

    collected = await resolve((await create(client, stream=True, **request)).collect())

    assert isinstance(collected, ChatCompletion)
    assert (collected.model, collected.provider) == (CLAUDE, "anthropic")
    assert collected.content == expected.content
    assert collected.choices[0].finish_reason == expected.choices[0].finish_reason
    assert collected.choices[0].message.tool_calls == expected.choices[0].message.tool_calls
    assert collected.usage is not None
    assert collected.usage.completion_tokens == expected.usage.completion_tokens


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        pytest.param({"stream_cut_after": 4}, IncompleteStreamError, id="cut"),
        pytest.param(
            {"stream_error_after": 4, "status": 529}, ProviderUnavailableError, id="error"
        ),
    ],
)
async def test_stream_broken_after_content_raises(
    gw: MockGateway, make_client: ClientFactory, fault: dict[str, int], error: type[Exception]
) -> None:
    client = make_client()
    gw.faults.add(MESSAGES, **fault)  # message_start, ping, block start, "Tell", then broken

    received: list[Any] = []
    with pytest.raises(error):
        await read_into(await create(client, stream=True), received)

    assert text_of(received) == "Tell"


# -------------------------------------------------------------------- fallback


@pytest.mark.parametrize(
    ("first", "fault", "stream"),
    [
        pytest.param(CLAUDE, {"status": 529, "times": 2}, False, id="529-answer"),
        pytest.param(CLAUDE, {"status": 529, "times": 2}, True, id="529-stream"),
        pytest.param("anthropic/mock/overloaded", None, False, id="overloaded-model-answer"),
        pytest.param("anthropic/mock/overloaded", None, True, id="overloaded-model-stream"),
    ],
)
async def test_overloaded_anthropic_model_falls_back_to_an_openai_model(
    gw: MockGateway,
    make_client: ClientFactory,
    first: str,
    fault: dict[str, int] | None,
    stream: bool,
) -> None:
    client = make_client(models={"chain": [first, "openai/gpt-4o-mini"]})
    if fault is not None:
        gw.faults.add(MESSAGES, **fault)
    messages = [{"role": "system", "content": "Be brief."}, *HELLO]

    answer = await create(client, model="chain", messages=messages, stream=stream)
    chunks = await read_all(answer) if stream else None

    name = first.removeprefix("anthropic/")
    assert wire(gw) == [(MESSAGES, name), (MESSAGES, name), (CHAT, "openai/gpt-4o-mini")]
    # The OpenAI hop gets the caller's own request, not the translated one.
    openai_body = gw.requests.last.json
    assert openai_body["messages"] == messages
    assert "max_tokens" not in openai_body
    if chunks is not None:
        assert {chunk.model for chunk in chunks} == {"openai/gpt-4o-mini"}
        assert text_of(chunks) == "Tell me a short story please"
    else:
        assert (answer.model, answer.provider) == ("openai/gpt-4o-mini", "openai")
        assert answer.content == "Tell me a short story please"


async def test_in_band_overloaded_error_before_content_falls_back_to_an_openai_model(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models={"chain": [CLAUDE, "openai/gpt-4o-mini"]})
    gw.faults.add(MESSAGES, stream_error_after=2, status=529)  # after message_start and ping

    chunks = await read_all(await create(client, model="chain", stream=True))

    assert wire(gw) == [(MESSAGES, "claude-3-5-sonnet-20241022"), (CHAT, "openai/gpt-4o-mini")]
    assert {chunk.model for chunk in chunks} == {"openai/gpt-4o-mini"}
    assert [c.choices[0].delta.role for c in chunks].count("assistant") == 1


async def test_anthropic_errors_map_onto_the_error_tree_after_their_retries(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    gw.faults.add(MESSAGES, status=429, retry_after=0.01, times=2)

    with pytest.raises(RateLimitError) as caught:
        await create(client)

    assert caught.value.type == "rate_limit_error"
    assert caught.value.retry_after == 0.01
    assert len(gw.requests.to(MESSAGES)) == 2
    # A 529 (overloaded_error) without retries left: ProviderUnavailableError, once.
    gw.faults.add(MESSAGES, status=529)
    with pytest.raises(ProviderUnavailableError) as overloaded:
        await create(client, retry=NO_RETRY)
    assert overloaded.value.type == "overloaded_error"
