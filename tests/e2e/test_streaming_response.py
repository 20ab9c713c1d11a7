"""`with_streaming_response` (openai-python's name): the head first, the body read on demand,
the connection released on leaving the block."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gatewise import NotFoundError
from gatewise.types import ChatCompletion

from .helpers import ClientFactory, chat_message


async def enter(make_client: ClientFactory, manager: Any) -> Any:
    return await manager.__aenter__() if make_client.is_async else manager.__enter__()


async def leave(make_client: ClientFactory, manager: Any) -> None:
    if make_client.is_async:
        await manager.__aexit__(None, None, None)
    else:
        manager.__exit__(None, None, None)


async def lines_of(make_client: ClientFactory, response: Any) -> list[str]:
    if make_client.is_async:
        return [line async for line in response.iter_lines()]
    return list(response.iter_lines())


async def call(make_client: ClientFactory, result: Any) -> Any:
    return await result if make_client.is_async else result


async def test_a_call_answers_before_its_body_is_read_and_parses_on_demand(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    manager = client.chat.completions.with_streaming_response.create(
        model="openai/gpt-4o", messages=chat_message("hello")
    )
    response = await enter(make_client, manager)
    try:
        assert response.status_code == 200
        assert response.headers["x-request-id"]
        assert not response.http_response.is_stream_consumed
        completion = await call(make_client, response.parse())
        assert isinstance(completion, ChatCompletion)
        assert completion.content == "hello"
        assert json.loads(await call(make_client, response.read()))["choices"]
    finally:
        await leave(make_client, manager)
    assert response.http_response.is_closed


async def test_a_stream_reads_line_by_line(make_client: ClientFactory) -> None:
    client = make_client()
    manager = client.chat.completions.with_streaming_response.create(
        model="openai/gpt-4o", messages=chat_message("hi"), stream=True
    )
    response = await enter(make_client, manager)
    try:
        lines = [line for line in await lines_of(make_client, response) if line]
    finally:
        await leave(make_client, manager)

    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in lines)


async def test_a_stream_parses_to_the_stream(make_client: ClientFactory) -> None:
    client = make_client()
    manager = client.completions.with_streaming_response.create(
        model="openai/gpt-4o", prompt="hi", stream=True
    )
    response = await enter(make_client, manager)
    try:
        stream = await call(make_client, response.parse())
        text = (await call(make_client, stream.collect())).choices[0].text
    finally:
        await leave(make_client, manager)
    assert text == "The prompt has 1 word."


async def test_an_error_status_raises_on_entering(make_client: ClientFactory) -> None:
    client = make_client()
    manager = client.models.with_streaming_response.retrieve("no/such-model")
    with pytest.raises(NotFoundError):
        await enter(make_client, manager)


def test_every_resource_and_the_client_have_the_view() -> None:
    from gatewise import Gatewise

    client = Gatewise(base_url="http://127.0.0.1:1")
    for view in (
        client.with_streaming_response,
        client.admin.keys.with_streaming_response,
        client.with_streaming_response.admin.config,
        client.embeddings.with_streaming_response,
    ):
        assert type(view).__name__.endswith("WithStreamingResponse")
    assert callable(client.with_streaming_response.stats)
