"""Contract, the other half: one hand-written, successful request per operation of
openapi.yaml (plus the streamed variants), each answer judged by the same schemathesis
checks as the generated ones. Generated values mostly earn 4xx answers; these make sure
every operation's success answer is judged, on a gateway holding real keys, jobs and logs.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gatewise.testing import MockGateway
from tests.openapi import load_spec

from .contract import ADMIN_HEADERS, ADMIN_KEY, JSON_CHECKS, STREAM_CHECKS, is_event_stream, schema

KEY = "<key_id>"
TASK = "<task_id>"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
USER = [{"role": "user", "content": "Say hello."}]
CHAT = {"model": "openai/gpt-4o", "messages": USER}
COMPLETION = {"model": "openai/gpt-3.5-turbo-instruct", "prompt": "The future is"}
ANTHROPIC = {"model": "claude-3-5-sonnet-20241022", "max_tokens": 64, "messages": USER}
ANTHROPIC_VERSION = {"anthropic-version": "2023-06-01"}
STREAMED = {"stream": True, "stream_options": {"include_usage": True}}

# (method, path, the case's parts, test id)
KNOWN_GOOD: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/v1/chat/completions", {"body": CHAT}, "chat"),
    ("POST", "/v1/chat/completions", {"body": {**CHAT, **STREAMED}}, "chat-stream"),
    ("POST", "/v1/completions", {"body": COMPLETION}, "completion"),
    ("POST", "/v1/completions", {"body": {**COMPLETION, **STREAMED}}, "completion-stream"),
    (
        "POST",
        "/v1/embeddings",
        {
            "body": {
                "model": "openai/text-embedding-3-small",
                "input": ["a", "b"],
                "encoding_format": "base64",
                "dimensions": 4,
            }
        },
        "embeddings",
    ),
    (
        "POST",
        "/v1/images/generations",
        {"body": {"model": "openai/dall-e-3", "prompt": "A fox", "response_format": "b64_json"}},
        "images-generate",
    ),
    (
        "POST",
        "/v1/images/edits",
        {
            "body": {"model": "openai/dall-e-2", "prompt": "A hat", "image": PNG, "mask": PNG},
            "media_type": "multipart/form-data",
        },
        "images-edit",
    ),
    (
        "POST",
        "/v1/videos",
        {"body": {"model": "byteplus/seedance", "prompt": "Waves", "seconds": 5}},
        "video-submit",
    ),
    ("GET", "/v1/videos/{task_id}", {"path_parameters": {"task_id": TASK}}, "video-retrieve"),
    (
        "POST",
        "/v1/videos/{task_id}/cancel",
        {"path_parameters": {"task_id": TASK}},
        "video-cancel",
    ),
    ("GET", "/v1/models", {"query": {"provider": "openai", "capability": "chat"}}, "models"),
    ("GET", "/v1/models/search", {"query": {"q": "claude"}}, "models-search"),
    (
        "GET",
        "/v1/models/{model_id}",
        {"path_parameters": {"model_id": "openai/gpt-4o"}},
        "model",
    ),
    ("GET", "/v1/info", {}, "info"),
    (
        "POST",
        "/anthropic/v1/messages",
        {"body": ANTHROPIC, "headers": ANTHROPIC_VERSION},
        "anthropic",
    ),
    (
        "POST",
        "/anthropic/v1/messages",
        {"body": {**ANTHROPIC, "stream": True}, "headers": ANTHROPIC_VERSION},
        "anthropic-stream",
    ),
    ("GET", "/v1/admin/keys", {"query": {"limit": 1, "active": True}}, "keys"),
    (
        "POST",
        "/v1/admin/keys",
        {"body": {"name": "ci", "scopes": ["chat"], "expires_at": "2099-01-01T00:00:00Z"}},
        "key-create",
    ),
    (
        "GET",
        "/v1/admin/keys/usage",
        {"query": {"sort": "cost_usd", "since": "2000-01-01T00:00:00Z"}},
        "keys-usage",
    ),
    ("GET", "/v1/admin/keys/{key_id}", {"path_parameters": {"key_id": KEY}}, "key"),
    (
        "PATCH",
        "/v1/admin/keys/{key_id}",
        {"path_parameters": {"key_id": KEY}, "body": {"name": "renamed", "active": False}},
        "key-update",
    ),
    ("DELETE", "/v1/admin/keys/{key_id}", {"path_parameters": {"key_id": KEY}}, "key-delete"),
    (
        "POST",
        "/v1/admin/keys/{key_id}/revoke",
        {"path_parameters": {"key_id": KEY}},
        "key-revoke",
    ),
    (
        "POST",
        "/v1/admin/keys/{key_id}/rotate",
        {"path_parameters": {"key_id": KEY}},
        "key-rotate",
    ),
    ("GET", "/v1/admin/config", {}, "config"),
    (
        "POST",
        "/v1/admin/config",
        {"body": {"config": {"routing": {"strategy": "cost"}}}},
        "config-create",
    ),
    (
        "PATCH",
        "/v1/admin/config",
        {"body": {"config": {"cache": {"ttl_seconds": 60}}}},
        "config-update",
    ),
    ("DELETE", "/v1/admin/config", {}, "config-delete"),
    ("GET", "/v1/admin/config/history", {}, "config-history"),
    ("POST", "/v1/admin/config/rollback", {"body": {"version": 1}}, "config-rollback"),
    ("GET", "/v1/admin/logs", {"query": {"limit": 2, "provider": "openai"}}, "logs"),
    ("DELETE", "/v1/admin/logs", {"query": {"stage": "cache"}}, "logs-delete"),
    (
        "GET",
        "/v1/admin/logs/stats",
        {"query": {"group_by": "provider,attr.team"}},
        "logs-stats",
    ),
    ("GET", "/v1/admin/providers", {}, "providers"),
    ("GET", "/v1/admin/plugins", {}, "plugins"),
    ("GET", "/v1/admin/dashboard", {}, "dashboard"),
    ("GET", "/health", {}, "health"),
]


@pytest.fixture
def busy_gateway() -> Iterator[tuple[MockGateway, dict[str, str]]]:
    """A fresh gateway with a spare key, a video job, and logged (and cached) calls."""
    with (
        MockGateway(api_key=ADMIN_KEY, video_seconds=0.2) as gateway,
        httpx.Client(base_url=gateway.url, headers=ADMIN_HEADERS) as http,
    ):
        key = http.post("/v1/admin/keys", json={"name": "spare"}).json()["id"]
        task = http.post("/v1/videos", json={"model": "byteplus/seedance", "prompt": "x"})
        for team in ("search", "search", "ads"):
            http.post("/v1/chat/completions", json=CHAT, headers={"X-Attr-Team": team})
        yield gateway, {KEY: key, TASK: task.json()["task_id"]}


def _fill(parts: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    path_parameters = {
        name: ids.get(value, value) for name, value in parts.get("path_parameters", {}).items()
    }
    return {**parts, "path_parameters": path_parameters} if path_parameters else parts


def test_every_operation_of_the_spec_has_a_known_good_request() -> None:
    declared = {
        (method.upper(), path)
        for path, item in load_spec()["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "delete", "put")
    }

    assert {(method, path) for method, path, _, _ in KNOWN_GOOD} == declared


@pytest.mark.parametrize(
    ("method", "path", "parts"),
    [pytest.param(method, path, parts, id=name) for method, path, parts, name in KNOWN_GOOD],
)
def test_a_known_good_request_gets_a_conforming_success_answer(
    busy_gateway: tuple[MockGateway, dict[str, str]],
    method: str,
    path: str,
    parts: dict[str, Any],
) -> None:
    gateway, ids = busy_gateway
    case = schema[path][method].Case(**_fill(parts, ids))

    response = case.call(base_url=gateway.url, headers=ADMIN_HEADERS)

    assert 200 <= response.status_code < 300, response.text
    checks = STREAM_CHECKS if is_event_stream(response) else JSON_CHECKS
    case.validate_response(response, checks=checks)
