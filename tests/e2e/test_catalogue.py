"""The model catalogue, server info and health."""

from __future__ import annotations

from typing import Any

import pytest

from gatewise import AuthenticationError, NotFoundError
from gatewise.testing import MockGateway
from gatewise.types import HealthStatus, ModelInfo, ServerInfo
from tests.support import resolve

from .helpers import ClientFactory, chat_message


async def test_models_list_filters_by_provider_and_capability(client: Any) -> None:
    everything = await resolve(client.models.list())
    openai_chat = await resolve(client.models.list(provider="openai", capability="chat"))

    assert isinstance(everything, list)
    assert all(isinstance(model, ModelInfo) for model in everything)
    assert {"openai/gpt-4o", "anthropic/claude-3-5-sonnet-20241022", "byteplus/seedance"} <= {
        model.id for model in everything
    }
    assert {model.id for model in openai_chat} == {"openai/gpt-4o", "openai/gpt-4o-mini"}
    for model in openai_chat:
        assert model.provider == "openai"
        assert "chat" in model.capabilities


async def test_a_model_with_a_slash_in_its_id_is_retrieved_by_get_and_retrieve(
    client: Any,
) -> None:
    retrieved = await resolve(client.models.retrieve("openai/gpt-4o"))
    got = await resolve(client.models.get("openai/gpt-4o"))
    raw = await resolve(client.models.with_raw_response.retrieve("openai/gpt-4o"))

    assert retrieved == got
    assert retrieved.id == "openai/gpt-4o"
    assert (retrieved.context_window, retrieved.max_output_tokens) == (128000, 16384)
    assert retrieved.input_cost_per_token == pytest.approx(2.5e-6)
    assert raw.http_response.request.url.raw_path == b"/v1/models/openai%2Fgpt-4o"


async def test_a_plain_model_name_is_retrieved_too(client: Any) -> None:
    model = await resolve(client.models.get("Llama-2-7b-chat-hf"))

    assert model.id == "meta-llama/Llama-2-7b-chat-hf"
    assert (model.parameters, model.format, model.owned_by) == ("7B", "safetensors", "inferneo")


async def test_an_unknown_model_is_not_found(client: Any) -> None:
    with pytest.raises(NotFoundError) as error:
        await resolve(client.models.retrieve("openai/gpt-5-turbo"))

    assert error.value.status_code == 404
    assert error.value.code == "model_not_found"


async def test_models_search_finds_models_by_part_of_their_id(client: Any) -> None:
    found = await resolve(client.models.search("claude"))
    nothing = await resolve(client.models.search("no-such-model"))

    assert {model.id for model in found} == {
        "anthropic/claude-3-5-sonnet-20241022",
        "anthropic/claude-3-5-haiku-20241022",
    }
    assert nothing == []


async def test_models_search_matches_the_owner_too(client: Any) -> None:
    found = await resolve(client.models.search("inferneo"))

    assert [model.id for model in found] == ["meta-llama/Llama-2-7b-chat-hf"]


async def test_info_describes_the_running_gateway(client: Any) -> None:
    info = await resolve(client.info())

    assert isinstance(info, ServerInfo)
    assert info.version.startswith("gatewise-mock/")
    assert "openai/gpt-4o" in info.models
    assert info.uptime >= 0
    assert info.gpu_memory == {"total_mb": 0.0, "used_mb": 0.0}


async def test_health_needs_no_key_but_other_calls_do(
    make_client: ClientFactory, gateway: MockGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("GATEWISE_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    keyless = make_client(api_key=None)

    health = await resolve(keyless.admin.health())

    assert isinstance(health, HealthStatus)
    assert health.status == "ok"
    assert health.providers["openai"] == "ok"
    assert "authorization" not in gateway.requests.last.headers
    with pytest.raises(AuthenticationError) as error:
        await resolve(
            keyless.chat.completions.create(model="openai/gpt-4o", messages=chat_message("hi"))
        )
    assert error.value.code == "missing_api_key"
