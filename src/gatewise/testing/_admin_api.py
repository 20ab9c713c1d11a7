"""Handlers of the admin paths (/v1/admin/...): keys, config, logs, providers, dashboard.

Thin: each parses its query or body and calls one store method under the state lock.
A key cannot revoke, delete or deactivate itself (400 `key_in_use`); it may rotate itself
(the answer carries the new secret, the old one stops working at once).
Pages are `{"object": "list", "data": [...], "has_more": bool, "total": n}`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.responses import Response

from . import _catalogue, _clock
from ._call import Call
from ._errors import MockError
from ._handlers import handles
from ._openai_api import json_response

_MAX_PAGE = 1000


@handles("listKeys")
async def list_keys(call: Call) -> Response:
    limit = call.query_int("limit", 50)
    offset = call.query_int("offset", 0)
    active = call.query_bool("active")
    with call.state.lock:
        return json_response(call.state.keys.page(limit, offset, active))


@handles("createKey")
async def create_key(call: Call) -> Response:
    body: dict[str, Any] = call.body
    with call.state.lock:
        record = call.state.keys.create(body["name"], body.get("scopes"), body.get("expires_at"))
        return json_response(record.with_secret(), status=201)


@handles("retrieveKey")
async def retrieve_key(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.keys.get(call.params["key_id"]).public())


def _refuse_own_key(call: Call, action: str) -> None:
    """Revoking, deleting or deactivating the key a request is authenticated with would lock
    its caller out (the mock's own admin key with it): a 400, since a 409 would be retried."""
    if call.key is not None and call.key.id == call.params["key_id"]:
        raise MockError(
            400,
            f"This request is authenticated with key {call.key.id!r}: {action} it would lock "
            "you out. Use another admin key.",
            code="key_in_use",
        )


@handles("updateKey")
async def update_key(call: Call) -> Response:
    if call.body.get("active") is False:
        _refuse_own_key(call, "deactivating")
    with call.state.lock:
        return json_response(
            call.state.keys.update(call.params["key_id"], dict(call.body)).public()
        )


@handles("deleteKey")
async def delete_key(call: Call) -> Response:
    _refuse_own_key(call, "deleting")
    with call.state.lock:
        call.state.keys.delete(call.params["key_id"])
    return Response(status_code=204)


@handles("revokeKey")
async def revoke_key(call: Call) -> Response:
    _refuse_own_key(call, "revoking")
    with call.state.lock:
        call.state.keys.revoke(call.params["key_id"])
    return Response(status_code=204)


@handles("rotateKey")
async def rotate_key(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.keys.rotate(call.params["key_id"]).with_secret())


@handles("keyUsage")
async def key_usage(call: Call) -> Response:
    limit = call.query_int("limit", 50)
    offset = call.query_int("offset", 0)
    sort = call.query_str("sort") or "requests"
    active = call.query_bool("active")
    since = call.query_time("since")
    with call.state.lock:
        return json_response(call.state.keys.usage_page(limit, offset, sort, active, since))


@handles("getConfig")
async def get_config(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.config.current())


@handles("createConfig")
async def create_config(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.config.create(call.body["config"]))


@handles("updateConfig")
async def update_config(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.config.update(call.body["config"]))


@handles("deleteConfig")
async def delete_config(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.config.delete())


@handles("configHistory")
async def config_history(call: Call) -> Response:
    with call.state.lock:
        return json_response({"object": "list", "data": call.state.config.history()})


@handles("rollbackConfig")
async def rollback_config(call: Call) -> Response:
    with call.state.lock:
        return json_response(call.state.config.rollback(int(call.body["version"])))


@handles("listLogs")
async def list_logs(call: Call) -> Response:
    limit = call.query_int("limit", 50)
    offset = call.query_int("offset", 0)
    filters = {
        "stage": call.query_str("stage"),
        "provider": call.query_str("provider"),
        "model": call.query_str("model"),
        "since": call.query_time("since"),
    }
    with call.state.lock:
        return json_response(call.state.logs.page(limit, offset, **filters))


# Sociaro's path (GET /gw/stats) serves the same aggregation.
@handles("logStats", "getGatewayStats")
async def log_stats(call: Call) -> Response:
    since = call.query_time("since")
    limit = call.query_int("limit", 50)
    group_by = [
        part.strip()
        for part in (call.query_str("group_by") or "provider").split(",")
        if part.strip()
    ]
    with call.state.lock:
        return json_response(call.state.logs.stats(since, limit, group_by))


@handles("deleteLogs")
async def delete_logs(call: Call) -> Response:
    before = call.query_time("before")
    stage = call.query_str("stage")
    with call.state.lock:
        return json_response({"deleted": call.state.logs.delete(before, stage)})


@handles("listProviders")
async def list_providers(call: Call) -> Response:
    return json_response(
        {
            "object": "list",
            "data": [_catalogue.provider_info(name) for name in _catalogue.providers()],
        }
    )


@handles("listPlugins")
async def list_plugins(call: Call) -> Response:
    with call.state.lock:
        cache_enabled = call.state.config.setting("cache", "enabled") is not False
        quota = call.state.config.setting("quota", "requests_per_key")
    plugins = []
    for plugin in _catalogue.PLUGINS:
        entry = dict(plugin)
        if entry["name"] == "cache":
            entry["enabled"] = cache_enabled
        elif entry["name"] == "quota":
            entry["enabled"] = quota is not None
        plugins.append(entry)
    return json_response({"object": "list", "data": plugins})


@handles("getDashboard")
async def dashboard(call: Call) -> Response:
    state = call.state
    with state.lock:
        recent = state.logs.select(since=_clock.now() - timedelta(hours=1))
        everything = state.logs.select()
        errors = sum(1 for e in everything if e.status_code >= 400)
        keys_active = state.keys.page(_MAX_PAGE, 0, True)["total"]
        answer = {
            "status": "ok",
            "uptime_seconds": state.uptime(),
            "version": call.settings.version,
            "requests_total": state.calls_total,
            "requests_last_hour": len(recent),
            "error_rate": errors / len(everything) if everything else 0.0,
            "keys_active": keys_active,
            "total_cost_usd": round(state.cost_total, 10),
            "providers": [_catalogue.provider_info(name) for name in _catalogue.providers()],
            "top_models": [
                {"model": model, "requests": count}
                for model, count in state.model_calls.most_common(5)
            ],
        }
    return json_response(answer)
