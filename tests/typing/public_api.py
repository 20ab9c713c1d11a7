"""Static checks of the public API's types: `make typecheck` runs mypy --strict on this file.

Never executed; each `assert_type` fails the type check if an overload or return type drifts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from typing_extensions import assert_type

from gatewise import (
    AsyncGatewise,
    AsyncJob,
    AsyncStream,
    AsyncStreamedResponse,
    Gatewise,
    Job,
    Page,
    RawResponse,
    Stream,
    StreamedResponse,
)
from gatewise.params import ChatMessage
from gatewise.types import (
    APIKey,
    ChatCompletion,
    ChatCompletionChunk,
    Completion,
    CompletionChunk,
    CreatedAPIKey,
    EmbeddingResponse,
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
