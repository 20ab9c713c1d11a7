"""Static checks of the public API's types: `make typecheck` runs mypy --strict on this file.

Never executed; each `assert_type` fails the type check if an overload or return type drifts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator

import httpx
from pydantic import BaseModel
from typing_extensions import assert_type

import gatewise
import gatewise.errors
from gatewise import (
    AsyncGatewise,
    AsyncJob,
    AsyncParsedStream,
    AsyncStream,
    AsyncStreamedResponse,
    BackoffStrategy,
    BatchResult,
    Gatewise,
    Job,
    OutputValidationError,
    Page,
    ParsedChatCompletion,
    ParsedStream,
    RawResponse,
    RetryConfig,
    Stream,
    StreamedResponse,
    ToolRun,
    pydantic_function_tool,
)
from gatewise.params import ChatMessage, Tool
from gatewise.types import (
    APIKey,
    ChatCompletion,
    ChatCompletionChunk,
    Completion,
    CompletionChunk,
    CreatedAPIKey,
    EmbeddingResponse,
    ErrorDetail,
    ImagesResponse,
    LogEntry,
    LogStats,
    ModelInfo,
    ServerInfo,
    VideoTask,
)


def sync_client(client: Gatewise) -> None:
    messages: list[ChatMessage] = [{"role": "user", "content": "hi"}]
    with client.chat.completions.with_streaming_response.create(
        model="m", messages=messages
    ) as response:
        assert_type(response, StreamedResponse[ChatCompletion])
        assert_type(response.parse(), ChatCompletion)
        assert_type(response.iter_lines(), Iterator[str])
    assert_type(client.stats(group_by="attr.feature"), LogStats)
    assert_type(Gatewise("http://localhost:8000", headers={"X-A": "1"}), Gatewise)
    chat = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert_type(chat, ChatCompletion)
    assert_type(chat.content, str | None)
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    assert_type(stream, Stream[ChatCompletionChunk])
    assert_type(stream.collect(), ChatCompletion)
    assert_type(stream.text_stream, Iterator[str])
    assert_type(client.completions.create(model="m", prompt="p"), Completion)
    assert_type(
        client.completions.create(model="m", prompt="p", stream=True), Stream[CompletionChunk]
    )
    assert_type(client.completions.create(model="m", prompt="p", stream=True).collect(), Completion)
    assert_type(client.embeddings.create(model="m", input="x"), EmbeddingResponse)
    assert_type(client.images.generate(model="m", prompt="p"), ImagesResponse)
    assert_type(client.models.list(), list[ModelInfo])
    assert_type(client.models.get("gpt-4o"), ModelInfo)
    assert_type(client.info(), ServerInfo)
    assert_type(client.video.submit(model="m", prompt="p"), Job[VideoTask])
    assert_type(client.video.generate(model="m", prompt="p"), VideoTask)
    assert_type(client.admin.keys.list(), Page[APIKey])
    assert_type(client.admin.keys.iter(), Iterator[APIKey])
    assert_type(client.admin.keys.rotate("k"), CreatedAPIKey)
    assert_type(client.admin.keys.delete("k"), None)
    assert_type(client.models.with_raw_response.retrieve("m"), RawResponse[ModelInfo])
    client.chat.completions.create(
        model="m", messages=messages, temperature=0.1, timeout=3.0, attribution={"t": "v"}
    )
    client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], fallbacks=["b"]
    )
    client.chat.completions.create(model="m", messages=[{"role": "user", "contnet": "hi"}])  # type: ignore[typeddict-unknown-key]
    client.chat.completions.create(model="m", messages=[], temprature=0.1)  # type: ignore[call-overload]


async def async_client(client: AsyncGatewise) -> None:
    async with client.models.with_streaming_response.retrieve("m") as answer:
        assert_type(answer, AsyncStreamedResponse[ModelInfo])
        assert_type(await answer.parse(), ModelInfo)
        assert_type(answer.iter_lines(), AsyncIterator[str])
    chat = await client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    assert_type(chat, ChatCompletion)
    stream = await client.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(stream, AsyncStream[ChatCompletionChunk])
    assert_type(await stream.collect(), ChatCompletion)
    assert_type(client.admin.logs.iter(), AsyncIterator[LogEntry])
    assert_type(await client.video.submit(model="m", prompt="p"), AsyncJob[VideoTask])
    assert_type(await client.admin.keys.list(), Page[APIKey])


def seed_shapes(error: gatewise.errors.SDKBaseError) -> None:
    """Aerostack's shapes type-check beside gatewise's own."""
    RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False)
    RetryConfig(max_retries=2, initial_delay=0.5, retry_connection_errors=False)
    RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False, max_retries=2)  # type: ignore[call-overload]
    RetryConfig("exponential", BackoffStrategy(1, 50, 1.1, 100), False)  # type: ignore[call-overload]
    assert_type(error.raw_response, httpx.Response | None)
    assert_type(error.data, ErrorDetail | None)
    assert_type(error, gatewise.ErrorResponse)
    Gatewise(server_idx=1, debug_logger=logging.getLogger("aerostack"))
    Gatewise(server_url="http://localhost:8787/v1", http_client=httpx.Client())


class Weather(BaseModel):
    city: str


def sync_structured(client: Gatewise) -> None:
    result = client.chat.completions.parse(model="m", messages=[], response_format=Weather)
    assert_type(result, ParsedChatCompletion[Weather])
    assert_type(result.choices[0].message.parsed, Weather | None)
    assert_type(result.choices[0].message.refusal, str | None)
    assert_type(result.validation_retries, int)
    stream = client.chat.completions.parse(
        model="m", messages=[], response_format=Weather, stream=True
    )
    assert_type(stream, ParsedStream[Weather])
    assert_type(stream.collect().choices[0].message.parsed, Weather | None)
    assert_type(pydantic_function_tool(Weather, name="w"), Tool)
    try:
        pass
    except OutputValidationError as error:
        assert_type(error.text, str)

    def get_weather(city: str) -> str:
        return city

    run = client.chat.completions.run_tools(
        model="m", messages=[], tools=[get_weather, (Weather, get_weather)], max_rounds=2
    )
    assert_type(run, ToolRun)
    assert_type(run.completion, ChatCompletion)
    assert_type(run.finished, bool)


async def async_structured(client: AsyncGatewise) -> None:
    result = await client.chat.completions.parse(model="m", messages=[], response_format=Weather)
    assert_type(result.choices[0].message.parsed, Weather | None)
    stream = await client.chat.completions.parse(
        model="m", messages=[], response_format=Weather, stream=True
    )
    assert_type(stream, AsyncParsedStream[Weather])
    assert_type((await stream.collect()).choices[0].message.parsed, Weather | None)
    run = await client.chat.completions.run_tools(model="m", messages=[], tools=[])
    assert_type(run, ToolRun)


def sync_batch(client: Gatewise) -> None:
    requests = [{"model": "m", "messages": [{"role": "user", "content": "hi"}]}]
    results = client.batch(client.chat.completions.create, requests, concurrency=4)
    assert_type(results, list[BatchResult[ChatCompletion]])
    assert_type(results[0].value, ChatCompletion)
    assert_type(results[0].error, Exception | None)
    assert_type(results[0].ok, bool)
    assert_type(results[0].index, int)
    embedded = client.iter_batch(client.embeddings.create, iter([{"model": "m", "input": "x"}]))
    assert_type(embedded, Generator[BatchResult[EmbeddingResponse], None, None])


async def async_batch(client: AsyncGatewise) -> None:
    requests = [{"model": "m", "messages": [{"role": "user", "content": "hi"}]}]
    results = await client.batch(client.chat.completions.create, requests, on_progress=print)
    assert_type(results, list[BatchResult[ChatCompletion]])
    embedded = client.iter_batch(client.embeddings.create, [{"model": "m", "input": "x"}])
    assert_type(embedded, AsyncGenerator[BatchResult[EmbeddingResponse], None])
