"""Ferro's SDK reference, every example re-typed: `FerroClient` is `Gatewise`,
`AsyncFerroClient` `AsyncGatewise`, the key ids the ones the mock made; answers Ferro
documents as dicts are read by key, as Ferro's code reads them."""

from __future__ import annotations

from typing import Any

import pytest

from gatewise import AsyncGatewise, Gatewise, RateLimitError
from gatewise.testing import MockGateway


def test_client_and_chat(gateway: MockGateway, capsys: pytest.CaptureFixture[str]) -> None:
    client = Gatewise(api_key=gateway.api_key, base_url=gateway.url)
    response = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Hello!"}]
    )
    print(response.content)

    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Explain quantum computing"}],
        stream=True,
    )
    for chunk in stream:
        if chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="")
    assert capsys.readouterr().out == "Hello!\nExplain quantum computing"
    client.close()


def test_embeddings_images_models(client: Gatewise) -> None:
    response = client.embeddings.create(
        model="text-embedding-3-small", input="The food was delicious"
    )
    print(response.data[0].embedding[:5])

    image = client.images.generate(
        model="dall-e-3", prompt="A sunset over a mountain lake", size="1024x1024"
    )
    print(image.data[0].url)

    models = client.models.list(provider="openai", capability="chat")
    model = client.models.retrieve("gpt-4o")
    results = client.models.search("claude")
    assert response.data[0].embedding
    assert image.data[0].url
    assert models
    assert model["id"] == model.id
    assert results


def test_admin_keys(client: Gatewise) -> None:
    keys = client.admin.keys.list()
    new_key = client.admin.keys.create(
        name="production-backend", scopes=["chat", "embeddings"], expires_at="2099-12-31T23:59:59Z"
    )
    print(new_key.key)  # Only returned on creation
    key = client.admin.keys.retrieve(new_key.id)
    client.admin.keys.update(new_key.id, name="renamed-key", active=False)
    rotated = client.admin.keys.rotate(new_key.id)
    print(rotated.key)  # New plaintext key
    client.admin.keys.revoke(new_key.id)
    usage = client.admin.keys.usage(limit=10, sort="usage", active=True)
    client.admin.keys.delete(new_key.id)
    assert keys
    assert key["name"] == "production-backend"
    assert usage["data"] is not None


def test_admin_config_answers_read_as_dicts(client: Gatewise) -> None:
    config = client.admin.config.get()
    result = client.admin.config.create(config={"routing": {"strategy": "cost"}})
    assert result["version"]
    result = client.admin.config.update(config={"routing": {"strategy": "latency"}})
    assert result["config"]["routing"]["strategy"] == "latency"
    history = client.admin.config.history()
    result = client.admin.config.rollback(version=history[0].version)
    assert result.get("version")
    result = client.admin.config.delete()
    assert "version" in result
    assert config is not None


def test_admin_logs_providers_dashboard_health(client: Gatewise) -> None:
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    logs = client.admin.logs.list(limit=50, provider="openai", model="gpt-4o")
    stats = client.admin.logs.stats(since="2025-01-01T00:00:00Z")
    result = client.admin.logs.delete(before="2024-01-01T00:00:00Z")
    providers = client.admin.providers.list()
    plugins = client.admin.plugins.list()
    dashboard = client.admin.dashboard()
    health = client.admin.health()

    assert isinstance(logs["data"], list)
    assert stats["total_requests"] >= 1
    assert result["deleted"] == 0
    assert providers[0]["name"]
    assert isinstance(plugins, list)
    assert dashboard["requests_total"] >= 1
    assert health["status"]


def test_errors(gateway: MockGateway, capsys: pytest.CaptureFixture[str]) -> None:
    client = Gatewise(api_key=gateway.api_key, base_url=gateway.url, max_retries=0)
    try:
        client.chat.completions.create(
            model="mock/always-429", messages=[{"role": "user", "content": "Hello"}]
        )
    except RateLimitError as e:
        print(f"Rate limited. Retry after {e.retry_after}s")
    assert "Rate limited. Retry after" in capsys.readouterr().out
    client.close()


async def test_async_client(
    async_client: AsyncGatewise, capsys: pytest.CaptureFixture[str]
) -> None:
    client = async_client
    response = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Hello!"}]
    )
    print(response.content)
    stream = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Explain quantum computing"}],
        stream=True,
    )
    async for chunk in stream:
        if chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="")
    health: Any = await client.admin.health()
    providers = await client.admin.providers.list()
    result = await client.admin.config.update(config={"routing": {"strategy": "latency"}})
    logs = await client.admin.logs.list(limit=50)
    assert capsys.readouterr().out == "Hello!\nExplain quantum computing"
    assert health["status"]
    assert providers[0]["name"]
    assert result["config"]["routing"]["strategy"] == "latency"
    assert isinstance(logs["data"], list)
