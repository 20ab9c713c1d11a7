"""The admin API: keys and their usage, config versions, request logs and stats, providers,
plugins and the dashboard, each checked through what the gateway then does."""

from __future__ import annotations

from typing import Any

import pytest

from gatewise import AuthenticationError, BadRequestError, Page, PermissionDeniedError
from gatewise.testing import MockGateway
from gatewise.types import APIKey, CreatedAPIKey
from tests.support import resolve

from .helpers import ClientFactory, chat_message, items


async def chat(client: Any, text: str = "hello", **options: Any) -> Any:
    return await resolve(
        client.chat.completions.create(
            model="openai/gpt-4o", messages=chat_message(text), **options
        )
    )


async def test_a_key_authenticates_until_rotated_and_its_new_secret_until_revoked(
    client: Any, make_client: ClientFactory
) -> None:
    created = await resolve(client.admin.keys.create(name="backend", scopes=["chat"]))

    assert isinstance(created, CreatedAPIKey)
    assert (created.name, created.scopes, created.active) == ("backend", ["chat"], True)
    assert created.key.startswith(created.prefix)
    assert (await chat(make_client(api_key=created.key), "as backend")).content == "as backend"

    rotated = await resolve(client.admin.keys.rotate(created.id))

    assert rotated.id == created.id
    assert rotated.key != created.key
    with pytest.raises(AuthenticationError) as old_secret:
        await chat(make_client(api_key=created.key))
    assert old_secret.value.status_code == 401
    assert (await chat(make_client(api_key=rotated.key), "rotated")).content == "rotated"

    await resolve(client.admin.keys.revoke(created.id))

    with pytest.raises(AuthenticationError) as revoked:
        await chat(make_client(api_key=rotated.key))
    assert revoked.value.code == "key_revoked"
    assert (await resolve(client.admin.keys.retrieve(created.id))).active is False


async def test_revoking_the_key_a_client_holds_is_refused_at_once_not_retried(
    client: Any, gateway: MockGateway
) -> None:
    with pytest.raises(BadRequestError) as refused:
        await resolve(client.admin.keys.revoke("key_admin"))

    assert refused.value.code == "key_in_use"
    assert len(gateway.requests.to("/v1/admin/keys/key_admin/revoke")) == 1
    assert (await resolve(client.admin.keys.retrieve("key_admin"))).active is True


async def test_a_key_without_the_chat_scope_is_denied_chat_but_not_embeddings(
    client: Any, make_client: ClientFactory
) -> None:
    created = await resolve(client.admin.keys.create(name="embedder", scopes=["embeddings"]))
    embedder = make_client(api_key=created.key)

    with pytest.raises(PermissionDeniedError) as denied:
        await chat(embedder)
    vectors = await resolve(
        embedder.embeddings.create(model="openai/text-embedding-3-small", input="ok")
    )

    assert denied.value.status_code == 403
    assert denied.value.code == "insufficient_scope"
    assert len(vectors.data) == 1


async def test_a_key_updated_to_inactive_stops_authenticating(
    client: Any, make_client: ClientFactory
) -> None:
    created = await resolve(client.admin.keys.create(name="temp"))
    user = make_client(api_key=created.key)
    await chat(user)

    updated = await resolve(client.admin.keys.update(created.id, name="paused", active=False))

    assert isinstance(updated, APIKey)
    assert (updated.name, updated.active) == ("paused", False)
    assert updated.last_used_at is not None
    with pytest.raises(AuthenticationError) as error:
        await chat(user)
    assert error.value.code == "key_inactive"


async def test_keys_list_is_a_page_and_a_deleted_key_is_gone(client: Any) -> None:
    created = [await resolve(client.admin.keys.create(name=f"k{n}")) for n in range(3)]

    page = await resolve(client.admin.keys.list(limit=2))
    everything = await items(client.admin.keys.iter(limit=2))
    await resolve(client.admin.keys.delete(created[0].id))
    remaining = await items(client.admin.keys.iter())

    assert isinstance(page, Page)
    assert (len(page), page.has_more) == (2, True)
    listed = [key.id for key in everything]
    assert len(listed) == len(set(listed)) == 4  # the admin key and the three new ones
    assert {key.id for key in created} <= set(listed)
    assert created[0].id not in {key.id for key in remaining}
    assert all("key" not in (key.model_extra or {}) for key in everything)  # no secrets


async def test_keys_list_puts_the_newest_key_first(client: Any) -> None:
    older = await resolve(client.admin.keys.create(name="older"))
    newer = await resolve(client.admin.keys.create(name="newer"))

    page = await resolve(client.admin.keys.list(limit=2))

    assert [key.id for key in page] == [newer.id, older.id]


async def test_key_usage_counts_each_keys_requests_tokens_and_cost(
    client: Any, make_client: ClientFactory
) -> None:
    busy = await resolve(client.admin.keys.create(name="busy"))
    idle = await resolve(client.admin.keys.create(name="idle"))
    busy_client = make_client(api_key=busy.key)
    for text in ("one", "two words", "three more words"):
        await chat(busy_client, text)

    page = await resolve(client.admin.keys.usage(sort="requests", limit=1))
    every_row = await items(client.admin.keys.iter_usage(limit=1))

    assert isinstance(page, Page)
    assert page.has_more is True
    (top,) = page
    assert (top.key_id, top.name, top.requests) == (busy.id, "busy", 3)
    assert top.tokens == 12  # prompt + completion words: 1+1, 2+2, 3+3
    assert top.cost_usd > 0
    assert top.last_used_at is not None
    rows = {row.key_id: row for row in every_row}
    assert len(rows) == 3  # the admin key, busy and idle
    assert rows[idle.id].requests == 0


async def test_config_create_replaces_update_deep_merges_and_rollback_restores(
    client: Any,
) -> None:
    initial = await resolve(client.admin.config.get())

    created = await resolve(
        client.admin.config.create(config={"routing": {"strategy": "cost", "retries": 2}})
    )
    updated = await resolve(
        client.admin.config.update(
            config={"routing": {"strategy": "latency"}, "cache": {"enabled": False}}
        )
    )
    rolled_back = await resolve(client.admin.config.rollback(version=initial.version))
    history = await resolve(client.admin.config.history())
    deleted = await resolve(client.admin.config.delete())

    assert isinstance(history, list)
    assert initial.version == 1
    assert initial.config["cache"]["enabled"] is True
    assert (created.version, created.config) == (2, {"routing": {"strategy": "cost", "retries": 2}})
    assert updated.version == 3
    assert updated.config == {
        "routing": {"strategy": "latency", "retries": 2},
        "cache": {"enabled": False},
    }
    assert (rolled_back.version, rolled_back.config) == (4, initial.config)
    assert [(entry.version, entry.action) for entry in history] == [
        (1, "create"),
        (2, "create"),
        (3, "update"),
        (4, "rollback"),
    ]
    assert history[2].config == updated.config
    assert (deleted.version, deleted.config) == (5, {})
    assert (await resolve(client.admin.config.get())).version == 5


async def test_a_config_update_changes_what_the_gateway_does(client: Any) -> None:
    await resolve(client.admin.config.update(config={"cache": {"enabled": False}}))
    await chat(client, "uncached")
    second = await chat(client, "uncached")

    plugins = {plugin.name: plugin for plugin in await resolve(client.admin.plugins.list())}

    assert second.usage.cache_hit is False
    assert plugins["cache"].enabled is False


async def test_log_stats_group_by_the_attribution_tags_clients_send(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    client = make_client(default_attribution={"team": "search"})
    await chat(client, "default team")
    await chat(client, "per-call team", attribution={"team": "ads"})
    await chat(client, "extra tag", attribution={"cost_center": "cc-1"})

    by_team = await resolve(client.admin.logs.stats(group_by="attr.team"))
    by_cost_center = await resolve(client.admin.logs.stats(group_by="attr.cost_center"))

    assert by_team.total_requests == 3
    assert by_team.group_by == ["attr.team"]
    assert [(group.key, group.requests) for group in by_team.groups] == [
        ({"attr.team": "search"}, 2),
        ({"attr.team": "ads"}, 1),
    ]
    assert {group.key["attr.cost_center"]: group.requests for group in by_cost_center.groups} == {
        "cc-1": 1,
        "": 2,
    }
    headers = [request.headers for request in gateway.requests.to("/v1/chat/completions")]
    assert [h["x-attr-team"] for h in headers] == ["search", "ads", "search"]
    assert headers[2]["x-attr-cost-center"] == "cc-1"


async def test_logs_list_pages_newest_first_and_iter_follows_every_page(
    client: Any, gateway: MockGateway
) -> None:
    for n in range(5):
        await chat(client, f"call {n}")
    await resolve(client.embeddings.create(model="openai/text-embedding-3-small", input="x"))

    page = await resolve(client.admin.logs.list(limit=2))
    gateway.requests.clear()
    everything = await items(client.admin.logs.iter(limit=2, provider="openai"))

    assert isinstance(page, Page)
    assert (len(page), page.has_more) == (2, True)
    assert page[0].path == "/v1/embeddings"
    assert len(everything) == 6
    assert len({entry.id for entry in everything}) == 6
    assert [entry.timestamp for entry in everything] == sorted(
        (entry.timestamp for entry in everything), reverse=True
    )
    assert all(entry.status_code == 200 and entry.provider == "openai" for entry in everything)
    pages = gateway.requests.to("/v1/admin/logs")
    assert [request.query.get("offset") for request in pages] == [None, "2", "4"]


async def test_logs_delete_removes_entries_and_list_filters_by_stage(client: Any) -> None:
    await chat(client, "same")
    await chat(client, "same")  # a cache hit, logged at stage "cache"

    cached = await resolve(client.admin.logs.list(stage="cache"))
    deleted = await resolve(client.admin.logs.delete(stage="cache"))
    left = await resolve(client.admin.logs.list())
    deleted_rest = await resolve(client.admin.logs.delete())

    assert [entry.cache_hit for entry in cached] == [True]
    assert deleted.deleted == 1
    assert [entry.stage for entry in left] == ["provider"]
    assert deleted_rest.deleted == 1
    assert len(await resolve(client.admin.logs.list())) == 0


async def test_providers_plugins_and_dashboard_describe_the_gateway(client: Any) -> None:
    await chat(client)
    await resolve(client.admin.keys.create(name="extra"))

    providers = await resolve(client.admin.providers.list())
    plugins = await resolve(client.admin.plugins.list())
    dashboard = await resolve(client.admin.dashboard())

    by_name = {provider.name: provider for provider in providers}
    assert {"openai", "anthropic", "byteplus"} <= set(by_name)
    assert "openai/gpt-4o" in by_name["openai"].models
    assert by_name["openai"].healthy is True
    assert {"auth", "cache", "quota", "cost_tracker", "request_logger"} == {
        plugin.name for plugin in plugins
    }
    assert dashboard.status == "ok"
    assert (dashboard.requests_total, dashboard.keys_active) == (1, 2)
    assert dashboard.total_cost_usd > 0
    assert [(top.model, top.requests) for top in dashboard.top_models] == [("openai/gpt-4o", 1)]
