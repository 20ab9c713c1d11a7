"""Seed and openai-python call shapes: positional base_url, aliases, OPENAI_BASE_URL, a
trailing /v1, backend-specific keywords, answers read by key, anthropic_base_url, /gw/stats."""

from __future__ import annotations

from typing import Any

import pytest

from gatewise import APIConnectionError, AsyncGatewise, Gatewise
from gatewise.testing import MockGateway
from tests.rawserver import Script, scripted_server
from tests.support import resolve

from .helpers import ClientFactory, chat_message, items


def client_class(make_client: ClientFactory) -> Any:
    return AsyncGatewise if make_client.is_async else Gatewise


async def chat(client: Any, **arguments: Any) -> Any:
    return await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o", messages=chat_message("hi"), **arguments
        )
    )


async def test_base_url_is_the_one_positional_argument(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    client = client_class(make_client)(gateway.url, api_key=gateway.api_key)
    try:
        assert (await chat(client)).content == "hi"
    finally:
        await resolve(client.close())
    with pytest.raises(TypeError):
        client_class(make_client)(gateway.url, gateway.api_key)


async def test_headers_is_an_alias_of_default_headers(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    await chat(make_client(headers={"X-Team": "search"}))

    assert gateway.requests.last.headers["x-team"] == "search"
    with pytest.raises(TypeError, match="not both"):
        make_client(headers={"X-A": "1"}, default_headers={"X-A": "2"})


@pytest.mark.parametrize("suffix", ["/v1", "/v1/", "/"])
async def test_a_base_url_ending_in_v1_is_the_root(
    make_client: ClientFactory, gateway: MockGateway, suffix: str
) -> None:
    client = make_client(base_url=gateway.url + suffix)

    assert client.base_url == gateway.url
    assert (await chat(client)).content == "hi"
    assert gateway.requests.last.path == "/v1/chat/completions"


async def test_openai_base_url_is_the_last_environment_fallback(
    make_client: ClientFactory, gateway: MockGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GATEWISE_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{gateway.url}/v1")
    client = client_class(make_client)(api_key=gateway.api_key)
    try:
        assert client.base_url == gateway.url
        assert (await chat(client)).content == "hi"
        monkeypatch.setenv("GATEWISE_BASE_URL", "http://127.0.0.1:1")
        assert client_class(make_client)().base_url == "http://127.0.0.1:1"
    finally:
        await resolve(client.close())


async def test_backend_specific_keywords_reach_the_body(client: Any, gateway: MockGateway) -> None:
    await chat(client, best_of=2, repetition_penalty=1.1, extra_body={"best_of": 3})
    assert gateway.requests.last.json["repetition_penalty"] == 1.1
    assert gateway.requests.last.json["best_of"] == 3  # extra_body wins

    await resolve(client.completions.create(model="openai/gpt-4o", prompt="x", best_of=2))
    assert gateway.requests.last.json["best_of"] == 2


async def test_a_keyword_close_to_a_known_name_is_a_typo(client: Any, gateway: MockGateway) -> None:
    before = len(gateway.requests)
    with pytest.raises(TypeError, match="'temprature': did you mean 'temperature'"):
        await chat(client, temprature=0.2)
    with pytest.raises(TypeError, match="did you mean 'timeout'"):
        await chat(client, timout=3)
    with pytest.raises(TypeError, match="no request body"):
        await resolve(client.models.list(best_of=2))
    assert len(gateway.requests) == before


async def test_answers_read_by_key_as_well_as_by_attribute(client: Any) -> None:
    health = await resolve(client.admin.health())
    providers = await resolve(client.admin.providers.list())
    model = await resolve(client.models.retrieve("meta-llama/Llama-2-7b-chat-hf"))

    assert health["status"] == health.status
    assert health.get("no-such-field", "absent") == "absent"
    assert "status" in health
    assert "no-such-field" not in health
    assert providers[0]["name"] == providers[0].name
    assert model["parameters"] == model.parameters == "7B"
    with pytest.raises(KeyError):
        health["no-such-field"]


def test_unknown_and_aliased_fields_read_by_their_wire_name() -> None:
    from gatewise.types import ChatCompletion

    completion = ChatCompletion.model_validate(
        {
            "id": "c",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [],
            "x_backend": {"gpu": 0},
        }
    )
    assert completion["x_backend"] == {"gpu": 0}
    assert "x_backend" in completion
    assert completion.get("choices") == []


def test_model_parameters_may_be_a_count() -> None:
    from gatewise.types import ModelInfo

    info = ModelInfo.model_validate(
        {"id": "m", "object": "model", "created": 1, "owned_by": "x", "parameters": 7_000_000_000}
    )
    assert info["parameters"] == info.parameters == 7_000_000_000


async def test_anthropic_models_go_to_anthropic_base_url(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    # The mock serves the Messages API at /anthropic/v1/messages: that root stands in for
    # another gateway whose Messages endpoint is {root}/v1/messages.
    client = make_client(
        base_url="http://127.0.0.1:1", anthropic_base_url=f"{gateway.url}/anthropic"
    )
    answer = await resolve(
        client.chat.completions.create(
            model="anthropic/claude-3-5-sonnet-20241022", messages=chat_message("hi")
        )
    )

    assert answer.content == "hi"
    sent = gateway.requests.last
    assert (sent.path, sent.headers["anthropic-version"]) == (
        "/anthropic/v1/messages",
        "2023-06-01",
    )
    derived = make_client().with_options(anthropic_base_url="http://127.0.0.1:1/v1")
    assert derived._config.anthropic_base_url == "http://127.0.0.1:1"


async def test_the_default_anthropic_base_url_is_the_gateways_passthrough(
    client: Any, gateway: MockGateway
) -> None:
    await resolve(
        client.chat.completions.create(
            model="anthropic/claude-3-5-sonnet-20241022", messages=chat_message("hi")
        )
    )
    assert gateway.requests.last.path == "/anthropic/v1/messages"


async def test_stats_groups_the_logged_calls_by_attribution_tag(client: Any) -> None:
    await chat(client, attribution={"feature": "search"})
    await chat(client, attribution={"feature": "search"})
    await chat(client, attribution={"feature": "summary"})

    stats = await resolve(client.stats(group_by="attr.feature", since="2000-01-01T00:00:00Z"))

    counts = {group.key["attr.feature"]: group.requests for group in stats.groups}
    assert counts == {"search": 2, "summary": 1}
    assert stats["total_requests"] == 3


async def test_a_completion_chunk_without_text_parses(make_client: ClientFactory) -> None:
    chunk = '{"id":"c","object":"text_completion","created":1,"model":"m","choices":[%s]}'
    script = Script(
        [
            b"data: " + (chunk % '{"text":"Hi","index":0}').encode() + b"\n\n",
            # LiteLLM's last chunk: the finish reason without text.
            b"data: " + (chunk % '{"finish_reason":"stop","index":0}').encode() + b"\n\n",
            b"data: [DONE]\n\n",
        ]
    )
    with scripted_server(script) as server:
        client = make_client(base_url=server.url)
        stream = await resolve(client.completions.create(model="m", prompt="x", stream=True))
        chunks = await items(stream)

    assert [c.choices[0].text for c in chunks] == ["Hi", None]
    assert chunks[-1].choices[0].finish_reason == "stop"


async def test_backend_specific_keywords_reach_a_multipart_body(
    client: Any, gateway: MockGateway
) -> None:
    await resolve(
        client.images.edit(
            model="openai/dall-e-2", image=b"\x89PNG\r\n\x1a\n" + bytes(24), prompt="x", guidance=7
        )
    )
    assert b'name="guidance"\r\n\r\n7\r\n' in gateway.requests.last.body


async def test_with_options_moves_anthropic_models(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    moved = make_client().with_options(anthropic_base_url="http://127.0.0.1:1")
    with pytest.raises(APIConnectionError):
        await resolve(
            moved.with_options(max_retries=0).chat.completions.create(
                model="anthropic/claude-3-5-sonnet-20241022", messages=chat_message("hi")
            )
        )
    assert len(gateway.requests) == 0
