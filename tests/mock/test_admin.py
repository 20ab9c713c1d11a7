"""Config versions and history, request logs and their stats, the other admin lists."""

from __future__ import annotations

import httpx

from gatewise.testing import MockGateway

from .conftest import ClientFactory, chat_body


def test_config_writes_make_versions_and_rollback_restores_an_old_one(client: httpx.Client) -> None:
    start = client.get("/v1/admin/config").json()
    created = client.post(
        "/v1/admin/config", json={"config": {"routing": {"strategy": "cost", "retries": 2}}}
    ).json()
    assert created["version"] == start["version"] + 1
    assert created["config"] == {"routing": {"strategy": "cost", "retries": 2}}

    merged = client.patch(
        "/v1/admin/config", json={"config": {"routing": {"strategy": "latency"}, "x": 1}}
    ).json()
    assert merged["config"] == {"routing": {"strategy": "latency", "retries": 2}, "x": 1}

    assert client.delete("/v1/admin/config").json()["config"] == {}
    rolled = client.post("/v1/admin/config/rollback", json={"version": created["version"]}).json()
    assert rolled["config"] == created["config"]
    assert rolled["version"] == created["version"] + 3

    history = client.get("/v1/admin/config/history").json()["data"]
    assert [entry["action"] for entry in history] == [
        "create",
        "create",
        "update",
        "delete",
        "rollback",
    ]
    assert [entry["version"] for entry in history] == list(range(1, 6))
    assert client.get("/v1/admin/config").json() == rolled


def test_rollback_to_an_unknown_version_is_404(client: httpx.Client) -> None:
    answer = client.post("/v1/admin/config/rollback", json={"version": 99})
    assert answer.status_code == 404
    assert client.post("/v1/admin/config/rollback", json={"version": "1"}).status_code == 422


def test_disabling_the_cache_in_config_stops_cache_hits(client: httpx.Client) -> None:
    client.post("/v1/chat/completions", json=chat_body())
    assert (
        client.post("/v1/chat/completions", json=chat_body()).json()["usage"]["cache_hit"] is True
    )
    client.patch("/v1/admin/config", json={"config": {"cache": {"enabled": False}}})
    assert (
        client.post("/v1/chat/completions", json=chat_body()).json()["usage"]["cache_hit"] is False
    )


def test_logs_record_traffic_with_attribution_and_page_with_offset(
    gw: MockGateway, client: httpx.Client
) -> None:
    headers = {"X-Attr-Team": "search", "X-Attr-Cost-Center": "cc-7"}
    answer = client.post("/v1/chat/completions", json=chat_body("one two three"), headers=headers)
    client.post("/v1/embeddings", json={"model": "text-embedding-3-small", "input": "hi"})
    client.post("/v1/chat/completions", json={"model": "gpt-4o"})  # 422, logged at stage validation

    page = client.get("/v1/admin/logs").json()
    assert page["total"] == 3
    assert page["has_more"] is False
    newest, _, oldest = page["data"]
    assert newest["status_code"] == 422
    assert newest["stage"] == "validation"
    assert oldest["attribution"] == {"team": "search", "cost_center": "cc-7"}
    assert oldest["trace_id"] == answer.headers["x-trace-id"] == answer.json()["trace_id"]
    assert (oldest["provider"], oldest["model"], oldest["key_id"]) == (
        "openai",
        "openai/gpt-4o",
        "key_admin",
    )
    assert (oldest["prompt_tokens"], oldest["completion_tokens"]) == (3, 3)

    second = client.get("/v1/admin/logs", params={"limit": 1, "offset": 1}).json()
    assert second["has_more"] is True
    assert second["data"][0]["path"] == "/v1/embeddings"
    assert client.get("/v1/admin/logs", params={"model": "gpt-4o"}).json()["total"] == 2
    assert client.get("/v1/admin/logs", params={"stage": "validation"}).json()["total"] == 1
    assert client.get("/v1/admin/logs", params={"provider": "anthropic"}).json()["total"] == 0


def test_log_stats_group_by_attribution_tags(client: httpx.Client) -> None:
    for team, text in (("search", "a b"), ("search", "c d e"), ("ads", "f")):
        client.post("/v1/chat/completions", json=chat_body(text), headers={"X-Attr-Team": team})
    client.post("/v1/chat/completions", json=chat_body("g"))

    stats = client.get("/v1/admin/logs/stats", params={"group_by": "attr.team"}).json()
    assert stats["total_requests"] == 4
    assert stats["group_by"] == ["attr.team"]
    groups = {group["key"]["attr.team"]: group for group in stats["groups"]}
    assert groups["search"]["requests"] == 2
    assert groups["search"]["tokens"] == 10
    assert groups["ads"]["requests"] == 1
    assert groups[""]["requests"] == 1

    both = client.get(
        "/v1/admin/logs/stats", params={"group_by": "provider,attr.team", "limit": 1}
    ).json()
    assert both["groups"] == [
        {**both["groups"][0], "key": {"provider": "openai", "attr.team": "search"}}
    ]
    assert client.get("/v1/admin/logs/stats", params={"group_by": "colour"}).status_code == 422


def test_logs_delete_by_stage_and_time(client: httpx.Client) -> None:
    client.post("/v1/chat/completions", json=chat_body())
    client.post("/v1/chat/completions", json={"model": "gpt-4o"})
    assert client.delete("/v1/admin/logs", params={"stage": "validation"}).json() == {"deleted": 1}
    assert client.delete("/v1/admin/logs", params={"before": "2000-01-01T00:00:00Z"}).json() == {
        "deleted": 0
    }
    assert client.delete("/v1/admin/logs").json() == {"deleted": 1}
    assert client.get("/v1/admin/logs").json()["total"] == 0
    assert client.get("/v1/admin/dashboard").json()["requests_total"] == 2


def test_providers_plugins_dashboard_and_health(
    client: httpx.Client, make_client: ClientFactory
) -> None:
    providers = client.get("/v1/admin/providers").json()["data"]
    assert {"openai", "anthropic", "meta-llama", "byteplus"} <= {p["name"] for p in providers}
    plugins = {p["name"]: p for p in client.get("/v1/admin/plugins").json()["data"]}
    assert plugins["cache"]["enabled"] is True
    client.post("/v1/chat/completions", json=chat_body())
    dashboard = client.get("/v1/admin/dashboard").json()
    assert dashboard["requests_total"] == 1
    assert dashboard["keys_active"] == 1
    assert dashboard["top_models"] == [{"model": "openai/gpt-4o", "requests": 1}]
    assert make_client(key=None).get("/health").json()["providers"]["openai"] == "ok"
