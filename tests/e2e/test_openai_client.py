"""A second, independent client: the official `openai` package, unchanged, pointed at the
mock gateway's `/v1`. What it reads must be OpenAI's wire format (plus extra fields it
ignores), or OpenAI-compatible clients could not use the gateway."""

from __future__ import annotations

import array
import base64
import math
from collections.abc import AsyncIterator, Iterator

import openai
import pytest

from gatewise.testing import MockGateway

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def oai(gateway: MockGateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.url + "/v1", api_key=gateway.api_key, max_retries=0) as c:
        yield c


@pytest.fixture
async def async_oai(gateway: MockGateway) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=gateway.url + "/v1", api_key=gateway.api_key, max_retries=0
    ) as client:
        yield client


def test_openai_chat_completion_reads_the_answer_and_usage(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "Hello from openai-python"}]
    )

    assert completion.object == "chat.completion"
    assert completion.model == "openai/gpt-4o"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == "Hello from openai-python"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (3, 3)
    assert completion.usage.total_tokens == 6


def test_openai_chat_tool_calls_come_back_parsed(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "Weather in Oslo?"}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                },
            }
        ],
    )

    (call,) = completion.choices[0].message.tool_calls or []
    assert call.type == "function"
    assert call.function.name == "get_weather"
    assert call.function.arguments == '{"city": "example city"}'
    assert completion.choices[0].finish_reason == "tool_calls"


def test_openai_streamed_chat_yields_the_text_then_usage(oai: openai.OpenAI) -> None:
    with oai.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "Stream these words please"}],
        stream=True,
        stream_options={"include_usage": True},
    ) as stream:
        chunks = list(stream)

    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "Stream these words please"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 4


async def test_openai_async_streamed_chat_reads_the_same_text(
    async_oai: openai.AsyncOpenAI,
) -> None:
    stream = await async_oai.chat.completions.create(
        model="openai/gpt-4o",
        messages=[{"role": "user", "content": "async words"}],
        stream=True,
    )
    async with stream:
        text = "".join([chunk.choices[0].delta.content or "" async for chunk in stream])

    assert text == "async words"


def test_openai_embeddings_as_floats_and_as_base64_carry_the_same_vector(
    oai: openai.OpenAI,
) -> None:
    def embed(**options: object) -> openai.types.CreateEmbeddingResponse:
        return oai.embeddings.create(
            model="openai/text-embedding-3-small", input=["alpha", "beta"], **options
        )

    as_floats = embed(encoding_format="float", dimensions=16)
    as_base64 = embed(encoding_format="base64", dimensions=16)
    decoded_by_openai = embed(dimensions=16)  # openai-python asks for base64 and decodes it

    assert [item.index for item in as_floats.data] == [0, 1]
    vector = as_floats.data[0].embedding
    assert len(vector) == 16
    assert math.fsum(x * x for x in vector) == pytest.approx(1.0, rel=1e-5)
    raw = as_base64.data[0].embedding
    assert isinstance(raw, str)
    assert array.array("f", base64.b64decode(raw)).tolist() == vector
    assert [item.embedding for item in decoded_by_openai.data] == [
        item.embedding for item in as_floats.data
    ]
    assert as_floats.usage.prompt_tokens == 2


def test_openai_images_generate_returns_base64_pngs_and_urls(oai: openai.OpenAI) -> None:
    as_b64 = oai.images.generate(
        model="openai/dall-e-3", prompt="A lighthouse", size="1024x1024", response_format="b64_json"
    )
    as_url = oai.images.generate(model="openai/dall-e-3", prompt="A lighthouse", n=2)

    assert as_b64.data is not None
    assert base64.b64decode(as_b64.data[0].b64_json or "").startswith(PNG_SIGNATURE)
    assert as_b64.data[0].revised_prompt == "A lighthouse"
    assert as_url.data is not None
    assert len(as_url.data) == 2
    assert all((image.url or "").endswith(".png") for image in as_url.data)


def test_openai_models_list_pages_through_the_catalogue(oai: openai.OpenAI) -> None:
    models = list(oai.models.list())
    one = oai.models.retrieve("gpt-4o")

    ids = {model.id for model in models}
    assert {"openai/gpt-4o", "anthropic/claude-3-5-sonnet-20241022", "byteplus/seedance"} <= ids
    assert all(model.object == "model" and model.owned_by for model in models)
    assert one.id == "openai/gpt-4o"
    assert one.owned_by == "openai"
