"""Chat, text completions and embeddings, streamed and not, over real HTTP."""

from __future__ import annotations

import math
from typing import Any

import pytest

from gatewise import AsyncStream, Stream, StreamClosedError
from gatewise.testing import MockGateway
from gatewise.types import ChatCompletion, ChatCompletionChunk, Completion
from tests.support import resolve

from .helpers import chat_message, first, items

GPT_4O_PRICES = (2.5e-6, 1e-5)  # USD per prompt / completion token, as the mock's catalogue


async def test_chat_answers_with_content_usage_cost_provider_trace_and_latency(
    client: Any,
) -> None:
    answer = await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o", messages=chat_message("Say hello to gatewise")
        )
    )

    assert isinstance(answer, ChatCompletion)
    assert answer.content == "Say hello to gatewise"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.model == "openai/gpt-4o"
    assert answer.provider == "openai"
    assert answer.trace_id is not None
    assert answer.trace_id.startswith("trace_")
    assert answer.latency_ms is not None
    assert answer.latency_ms >= 0
    usage = answer.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (4, 4, 8)
    assert usage.cost_usd == pytest.approx(4 * GPT_4O_PRICES[0] + 4 * GPT_4O_PRICES[1])
    assert usage.cache_hit is False


async def test_a_repeated_identical_chat_request_is_a_free_cache_hit(client: Any) -> None:
    def ask() -> Any:
        return client.chat.completions.create(
            model="openai/gpt-4o-mini", messages=chat_message("Cache me if you can")
        )

    fresh = await resolve(ask())
    repeated = await resolve(ask())

    assert fresh.usage.cache_hit is False
    assert fresh.usage.cost_usd > 0
    assert repeated.usage.cache_hit is True
    assert repeated.usage.cost_usd == 0
    assert repeated.content == fresh.content
    assert repeated.trace_id != fresh.trace_id


async def test_a_chat_stream_yields_the_text_deltas_of_the_answer(client: Any) -> None:
    stream = await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=chat_message("Stream these words one by one"),
            stream=True,
        )
    )
    try:
        texts = await items(stream.text_stream)
    finally:
        await resolve(stream.close())

    assert isinstance(stream, (AsyncStream, Stream))
    assert texts == ["Stream", " these", " words", " one", " by", " one"]


async def test_a_chat_stream_iterates_typed_chunks(client: Any) -> None:
    stream = await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o", messages=chat_message("two words"), stream=True
        )
    )
    chunks = await items(stream)

    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == "two words"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert {chunk.trace_id for chunk in chunks} == {chunks[0].trace_id}


async def test_a_collected_chat_stream_is_the_whole_completion_with_usage(client: Any) -> None:
    stream = await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o",
            messages=chat_message("Collect this answer"),
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    collected = await resolve(stream.collect())

    assert isinstance(collected, ChatCompletion)
    assert collected.content == "Collect this answer"
    assert collected.choices[0].finish_reason == "stop"
    assert collected.usage is not None
    assert collected.usage.completion_tokens == 3


async def test_a_collected_stream_assembles_tool_calls(client: Any) -> None:
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    stream = await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o",
            messages=chat_message("Weather in Paris?"),
            tools=[weather],
            stream=True,
        )
    )
    collected = await resolve(stream.collect())

    (call,) = collected.choices[0].message.tool_calls
    assert call.function.name == "get_weather"
    assert call.function.arguments == '{"city": "example city"}'
    assert collected.choices[0].finish_reason == "tool_calls"


async def test_closing_a_chat_stream_early_stops_it_and_frees_the_connection(
    client: Any,
) -> None:
    stream = await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o",
            messages=chat_message(" ".join(f"word{n}" for n in range(200))),
            stream=True,
        )
    )
    head = await first(stream)
    await resolve(stream.close())

    assert head.choices[0].delta.role == "assistant"
    with pytest.raises(StreamClosedError):
        await items(stream)
    # The client is still usable: the closed stream gave its connection back.
    after = await resolve(
        client.chat.completions.create(model="openai/gpt-4o", messages=chat_message("still here"))
    )
    assert after.content == "still here"


async def test_a_chat_with_an_anthropic_model_comes_back_as_a_chat_completion(
    client: Any, gateway: MockGateway
) -> None:
    answer = await resolve(
        client.chat.completions.create(
            model="anthropic/claude-3-5-sonnet-20241022",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hello Claude"},
            ],
        )
    )

    assert answer.content == "Hello Claude"
    assert answer.choices[0].finish_reason == "stop"
    sent = gateway.requests.last
    assert sent.path == "/anthropic/v1/messages"
    assert sent.json["model"] == "claude-3-5-sonnet-20241022"
    assert sent.json["system"] == "Be brief."


async def test_a_text_completion_answers_and_streams_the_same_text(client: Any) -> None:
    answer = await resolve(
        client.completions.create(model="openai/gpt-3.5-turbo-instruct", prompt="The future is")
    )
    stream = await resolve(
        client.completions.create(
            model="openai/gpt-3.5-turbo-instruct", prompt="The future is", stream=True
        )
    )
    texts = await items(stream.text_stream)

    assert isinstance(answer, Completion)
    assert answer.choices[0].text == "The prompt has 3 words."
    assert answer.choices[0].finish_reason == "stop"
    assert answer.provider == "openai"
    assert answer.usage.cost_usd > 0
    assert "".join(texts) == answer.choices[0].text
    assert len(texts) > 1


async def test_a_collected_completion_stream_is_a_completion(client: Any) -> None:
    stream = await resolve(
        client.completions.create(
            model="meta-llama/Llama-2-7b-chat-hf", prompt="Count my words", stream=True
        )
    )
    collected = await resolve(stream.collect())

    assert isinstance(collected, Completion)
    assert collected.choices[0].text == "The prompt has 3 words."


async def test_embeddings_come_back_as_unit_vectors_one_per_input(client: Any) -> None:
    answer = await resolve(
        client.embeddings.create(model="openai/text-embedding-3-small", input=["a", "b"])
    )

    assert [item.index for item in answer.data] == [0, 1]
    for item in answer.data:
        assert len(item.embedding) == 8  # the mock's default dimensions
        assert math.fsum(x * x for x in item.embedding) == pytest.approx(1.0, rel=1e-5)
    assert answer.data[0].embedding != answer.data[1].embedding
    assert answer.usage.prompt_tokens == 2


@pytest.mark.parametrize("dimensions", [4, 256])
async def test_base64_embeddings_reach_the_caller_as_the_same_floats(
    client: Any, gateway: MockGateway, dimensions: int
) -> None:
    def embed(encoding_format: str) -> Any:
        return client.embeddings.create(
            model="openai/text-embedding-3-small",
            input="the same text",
            dimensions=dimensions,
            encoding_format=encoding_format,
        )

    as_floats = await resolve(embed("float"))
    from_base64 = await resolve(embed("base64"))

    assert gateway.requests.last.json["encoding_format"] == "base64"
    vector = from_base64.data[0].embedding
    assert all(isinstance(x, float) for x in vector)
    assert len(vector) == dimensions
    assert vector == as_floats.data[0].embedding
