"""Inferneo's Python client reference, every example re-typed: `InferneoClient` is
`Gatewise`, `AsyncInferneoClient` `AsyncGatewise`, its errors gatewise's; nothing else
changed (the positional base_url, `headers=`, `**kwargs` and `model.parameters` as they are)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from gatewise import APIError, APITimeoutError, AsyncGatewise, Gatewise, GatewiseError
from gatewise.testing import MockGateway


def test_quick_start(gateway: MockGateway) -> None:
    # Create client
    client = Gatewise(gateway.url, api_key=gateway.api_key)

    # Make a request
    response = client.chat.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf", messages=[{"role": "user", "content": "Hello!"}]
    )
    assert response.choices[0].message.content == "Hello!"
    client.close()


def test_client_configuration(gateway: MockGateway) -> None:
    client = Gatewise(base_url=gateway.url, api_key=gateway.api_key, timeout=60.0, max_retries=5)
    assert client.base_url == gateway.url
    client.close()


def test_text_completions(client: Gatewise, gateway: MockGateway) -> None:
    response = client.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf",
        prompt="The future of artificial intelligence is",
        max_tokens=100,
        temperature=0.7,
        top_p=0.9,
    )

    print(response.choices[0].text)
    assert response.choices[0].text


def test_completions_kwargs_reach_the_body(client: Gatewise, gateway: MockGateway) -> None:
    client.completions.create(  # type: ignore[call-arg]
        model="meta-llama/Llama-2-7b-chat-hf", prompt="Hi", best_of=2, repetition_penalty=1.1
    )
    assert gateway.requests.last.json["best_of"] == 2
    assert gateway.requests.last.json["repetition_penalty"] == 1.1


def test_streaming_completions(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    stream = client.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf", prompt="Write a story about a robot:", stream=True
    )

    for chunk in stream:
        if chunk.choices[0].text:
            print(chunk.choices[0].text, end="")
    assert capsys.readouterr().out


def test_chat_completions(client: Gatewise) -> None:
    response = client.chat.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is machine learning?"},
        ],
        max_tokens=150,
        temperature=0.7,
    )

    print(response.choices[0].message.content)
    assert response.choices[0].message.content == "What is machine learning?"


def test_streaming_chat_completions(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    stream = client.chat.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf",
        messages=[{"role": "user", "content": "Tell me a story"}],
        stream=True,
    )

    for chunk in stream:
        if chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="")
    assert capsys.readouterr().out == "Tell me a story"


def test_list_and_get_models(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    models = client.models.list()
    for model in models:
        print(f"Model: {model.id}")
        print(f"Parameters: {model.parameters}")
        print(f"Format: {model.format}")

    model = client.models.get("meta-llama/Llama-2-7b-chat-hf")
    print(f"Model ID: {model.id}")
    print(f"Parameters: {model.parameters}")
    print(f"Format: {model.format}")
    assert "Parameters: 7B" in capsys.readouterr().out


def test_server_info(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    info = client.info()
    print(f"Server version: {info.version}")
    print(f"Models loaded: {info.models}")
    print(f"GPU memory: {info.gpu_memory}")
    assert "Server version:" in capsys.readouterr().out


def test_error_handling(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        response = client.chat.completions.create(
            model="invalid-model", messages=[{"role": "user", "content": "Hello"}]
        )
    except APIError as e:
        print(f"API Error: {e.message}")
        print(f"Status Code: {e.status_code}")
    except APITimeoutError as e:
        print(f"Timeout Error: {e.message}")
    except GatewiseError as e:
        print(f"General Error: {e.message}")
    else:
        raise AssertionError(response)
    assert "Status Code: 404" in capsys.readouterr().out


def test_custom_headers(gateway: MockGateway) -> None:
    client = Gatewise(
        base_url=gateway.url,
        api_key=gateway.api_key,
        headers={"User-Agent": "MyApp/1.0", "X-Custom-Header": "custom-value"},
    )
    client.models.list()
    assert gateway.requests.last.headers["x-custom-header"] == "custom-value"
    assert gateway.requests.last.headers["user-agent"] == "MyApp/1.0"
    client.close()


def test_request_logging(gateway: MockGateway, caplog: pytest.LogCaptureFixture) -> None:
    # Enable debug logging
    caplog.set_level(logging.DEBUG)

    client = Gatewise(gateway.url, api_key=gateway.api_key)
    client.chat.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf", messages=[{"role": "user", "content": "Hello"}]
    )
    assert any(record.name == "gatewise" for record in caplog.records)
    client.close()


async def test_batch_processing(gateway: MockGateway) -> None:
    async def batch_process(client: AsyncGatewise, prompts: list[str]) -> list[object]:
        tasks = []
        for prompt in prompts:
            task = client.completions.create(
                model="meta-llama/Llama-2-7b-chat-hf", prompt=prompt, max_tokens=100
            )
            tasks.append(task)

        responses = await asyncio.gather(*tasks)
        return list(responses)

    # Usage
    async_client = AsyncGatewise(gateway.url, api_key=gateway.api_key)
    prompts = ["Hello", "How are you?", "What is AI?"]
    responses = await batch_process(async_client, prompts)
    assert len(responses) == 3
    await async_client.close()


async def test_the_examples_on_the_async_client(
    async_client: AsyncGatewise, gateway: MockGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await async_client.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf",
        prompt="The future of artificial intelligence is",
        max_tokens=100,
        temperature=0.7,
        top_p=0.9,
        best_of=2,  # type: ignore[call-arg]
    )
    print(response.choices[0].text)
    assert gateway.requests.last.json["best_of"] == 2

    stream = await async_client.chat.completions.create(
        model="meta-llama/Llama-2-7b-chat-hf",
        messages=[{"role": "user", "content": "Tell me a story"}],
        stream=True,
    )
    async for chunk in stream:
        if chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="")

    model = await async_client.models.get("meta-llama/Llama-2-7b-chat-hf")
    print(f"Parameters: {model.parameters}")
    info = await async_client.info()
    print(f"Server version: {info.version}")
    try:
        await async_client.chat.completions.create(
            model="invalid-model", messages=[{"role": "user", "content": "Hello"}]
        )
    except APIError as e:
        print(f"Status Code: {e.status_code}")
    out = capsys.readouterr().out
    assert "Tell me a story" in out
    assert "Parameters: 7B" in out
    assert "Status Code: 404" in out
