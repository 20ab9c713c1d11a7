"""Non-streaming operations: the request the SDK sends and the typed result, on both clients.

Hand-checked cases; every operation of the spec is also called through both clients from
its spec examples in tests/mock/test_operation_examples.py."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import answers

from .conftest import API_KEY, RecordingServer

MESSAGES = [{"role": "user", "content": "hi"}]


@dataclass
class Case:
    name: str
    call: Callable[[Any], Any]
    method: str
    path: str
    answer: Any
    check: Callable[[Any], bool]
    query: dict[str, list[str]] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    status: int = 200


CASES = [
    Case(
        "chat.completions.create",
        lambda c: c.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, temperature=0.2, top_k=5, route_tag="cheap"
        ),
        "POST",
        "/v1/chat/completions",
        answers.CHAT,
        lambda r: r.content == "hello" and r.usage.cost_usd == 0.0001 and r.provider == "openai",
        body={
            "model": "openai/gpt-4o",
            "messages": MESSAGES,
            "temperature": 0.2,
            "top_k": 5,
            "route_tag": "cheap",
        },
    ),
    Case(
        "completions.create",
        lambda c: c.completions.create(
            model="meta-llama/Llama-2-7b-chat-hf", prompt="The sky is", max_tokens=1
        ),
        "POST",
        "/v1/completions",
        answers.COMPLETION,
        lambda r: r.choices[0].text == " bright",
        body={"model": "meta-llama/Llama-2-7b-chat-hf", "prompt": "The sky is", "max_tokens": 1},
    ),
    Case(
        "embeddings.create",
        lambda c: c.embeddings.create(
            model="openai/text-embedding-3-small", input=["a"], dimensions=2
        ),
        "POST",
        "/v1/embeddings",
        answers.EMBEDDINGS,
        lambda r: r.data[0].embedding == [0.6, 0.8],
        body={"model": "openai/text-embedding-3-small", "input": ["a"], "dimensions": 2},
    ),
    Case(
        "images.generate",
        lambda c: c.images.generate(
            model="openai/dall-e-3", prompt="A red fox", size="1024x1024", quality="hd"
        ),
        "POST",
        "/v1/images/generations",
        answers.IMAGES,
        lambda r: (
            r.data[0].url == "http://gw.test/files/1.png"
            and r.data[0].revised_prompt == "A red fox"
        ),
        body={
            "model": "openai/dall-e-3",
            "prompt": "A red fox",
            "size": "1024x1024",
            "quality": "hd",
        },
    ),
    Case(
        "video.submit",
        lambda c: c.video.submit(model="byteplus/seedance", prompt="waves", seconds=5),
        "POST",
        "/v1/videos",
        answers.VIDEO,
        lambda r: r.task_id == "vid_1",
        body={"model": "byteplus/seedance", "prompt": "waves", "seconds": 5},
    ),
    Case(
        "video.retrieve",
        lambda c: c.video.retrieve("vid_1"),
        "GET",
        "/v1/videos/vid_1",
        answers.VIDEO,
        lambda r: r.status == "queued" and r.progress == 0,
    ),
    Case(
        "video.cancel",
        lambda c: c.video.cancel("vid_1"),
        "POST",
        "/v1/videos/vid_1/cancel",
        {**answers.VIDEO, "status": "cancelled"},
        lambda r: r.status == "cancelled",
    ),
    Case(
        "models.list",
        lambda c: c.models.list(provider="openai", capability="chat"),
        "GET",
        "/v1/models",
        answers.MODELS,
        lambda r: (
            isinstance(r, list) and r[0].id == "openai/gpt-4o" and r[0].context_window == 128000
        ),
        query={"provider": ["openai"], "capability": ["chat"]},
    ),
    Case(
        "models.search",
        lambda c: c.models.search("claude"),
        "GET",
        "/v1/models/search",
        answers.MODELS,
        lambda r: r[0].provider == "openai",
        query={"q": ["claude"]},
    ),
    Case(
        "models.retrieve",
        lambda c: c.models.retrieve("openai/gpt-4o"),
        "GET",
        "/v1/models/openai%2Fgpt-4o",
        answers.MODEL,
        lambda r: r.id == "openai/gpt-4o",
    ),
    Case(
        "models.get",
        lambda c: c.models.get("gpt-4o"),
        "GET",
        "/v1/models/gpt-4o",
        answers.MODEL,
        lambda r: r.capabilities == ["chat", "vision"],
    ),
    Case(
        "info",
        lambda c: c.info(),
        "GET",
        "/v1/info",
        answers.INFO,
        lambda r: r.gpu_memory == {"gpu0": 0.5},
    ),
    Case(
        "stats",
        lambda c: c.stats(group_by="attr.feature", since="2026-01-01T00:00:00Z"),
        "GET",
        "/gw/stats",
        answers.STATS,
        lambda r: r.total_requests == 4 and r["groups"][0]["key"] == {"provider": "openai"},
        query={"group_by": ["attr.feature"], "since": ["2026-01-01T00:00:00Z"]},
    ),
    Case(
        "anthropic.messages.create",
        lambda c: c.anthropic.messages.create(
            model="claude-3-5-sonnet-20241022", max_tokens=10, messages=MESSAGES
        ),
        "POST",
        "/anthropic/v1/messages",
        answers.ANTHROPIC,
        lambda r: r.content[0].text == "hi" and r.stop_reason == "end_turn",
        body={"model": "claude-3-5-sonnet-20241022", "max_tokens": 10, "messages": MESSAGES},
    ),
    Case(
        "admin.keys.list",
        lambda c: c.admin.keys.list(limit=1),
        "GET",
        "/v1/admin/keys",
        answers.page([answers.KEY], has_more=True),
        lambda r: len(r) == 1 and r[0].id == "key_1" and r.has_more is True,
        query={"limit": ["1"]},
    ),
    Case(
        "admin.keys.retrieve",
        lambda c: c.admin.keys.retrieve("key_1"),
        "GET",
        "/v1/admin/keys/key_1",
        answers.KEY,
        lambda r: r.prefix == "gw_live_ab",
    ),
    Case(
        "admin.keys.create",
        lambda c: c.admin.keys.create(
            name="backend", scopes=["chat"], expires_at="2027-01-01T00:00:00Z"
        ),
        "POST",
        "/v1/admin/keys",
        answers.CREATED_KEY,
        lambda r: r.key == "gw_live_abcdef" and r.id == "key_1",
        body={"name": "backend", "scopes": ["chat"], "expires_at": "2027-01-01T00:00:00Z"},
        status=201,
    ),
    Case(
        "admin.keys.update",
        lambda c: c.admin.keys.update("key_1", name="renamed", active=False),
        "PATCH",
        "/v1/admin/keys/key_1",
        {**answers.KEY, "name": "renamed", "active": False},
        lambda r: r.name == "renamed" and r.active is False,
        body={"name": "renamed", "active": False},
    ),
    Case(
        "admin.keys.delete",
        lambda c: c.admin.keys.delete("key_1"),
        "DELETE",
        "/v1/admin/keys/key_1",
        None,
        lambda r: r is None,
        status=204,
    ),
    Case(
        "admin.keys.revoke",
        lambda c: c.admin.keys.revoke("key_1"),
        "POST",
        "/v1/admin/keys/key_1/revoke",
        None,
        lambda r: r is None,
        status=204,
    ),
    Case(
        "admin.keys.rotate",
        lambda c: c.admin.keys.rotate("key_1"),
        "POST",
        "/v1/admin/keys/key_1/rotate",
        {**answers.CREATED_KEY, "key": "gw_live_new"},
        lambda r: r.key == "gw_live_new",
    ),
    Case(
        "admin.keys.usage",
        lambda c: c.admin.keys.usage(limit=10, sort="usage", active=True),
        "GET",
        "/v1/admin/keys/usage",
        answers.page([answers.KEY_USAGE]),
        lambda r: r[0].requests == 3 and r.has_more is False,
        query={"limit": ["10"], "sort": ["usage"], "active": ["true"]},
    ),
    Case(
        "admin.config.get",
        lambda c: c.admin.config.get(),
        "GET",
        "/v1/admin/config",
        answers.CONFIG,
        lambda r: r.version == 2,
    ),
    Case(
        "admin.config.create",
        lambda c: c.admin.config.create(config={"routing": {"strategy": "cost"}}),
        "POST",
        "/v1/admin/config",
        answers.CONFIG,
        lambda r: r.config == {"routing": {"strategy": "cost"}},
        body={"config": {"routing": {"strategy": "cost"}}},
    ),
    Case(
        "admin.config.update",
        lambda c: c.admin.config.update(config={"routing": {"strategy": "latency"}}),
        "PATCH",
        "/v1/admin/config",
        answers.CONFIG,
        lambda r: r.version == 2,
        body={"config": {"routing": {"strategy": "latency"}}},
    ),
    Case(
        "admin.config.delete",
        lambda c: c.admin.config.delete(),
        "DELETE",
        "/v1/admin/config",
        {**answers.CONFIG, "config": {}, "version": 3},
        lambda r: r.config == {},
    ),
    Case(
        "admin.config.history",
        lambda c: c.admin.config.history(),
        "GET",
        "/v1/admin/config/history",
        answers.HISTORY,
        lambda r: [e.version for e in r] == [1, 2] and r[1].action == "update",
    ),
    Case(
        "admin.config.rollback",
        lambda c: c.admin.config.rollback(version=1),
        "POST",
        "/v1/admin/config/rollback",
        {**answers.CONFIG, "version": 3, "config": {}},
        lambda r: r.version == 3,
        body={"version": 1},
    ),
    Case(
        "admin.logs.list",
        lambda c: c.admin.logs.list(
            limit=50, provider="openai", model="gpt-4o", since="2026-01-01T00:00:00Z"
        ),
        "GET",
        "/v1/admin/logs",
        answers.page([answers.LOG]),
        lambda r: r[0].status_code == 200,
        query={
            "limit": ["50"],
            "provider": ["openai"],
            "model": ["gpt-4o"],
            "since": ["2026-01-01T00:00:00Z"],
        },
    ),
    Case(
        "admin.logs.stats",
        lambda c: c.admin.logs.stats(group_by="provider"),
        "GET",
        "/v1/admin/logs/stats",
        answers.STATS,
        lambda r: r.total_requests == 4 and r.groups[0].key == {"provider": "openai"},
        query={"group_by": ["provider"]},
    ),
    Case(
        "admin.logs.delete",
        lambda c: c.admin.logs.delete(before="2024-01-01T00:00:00Z", stage="post"),
        "DELETE",
        "/v1/admin/logs",
        {"deleted": 3},
        lambda r: r.deleted == 3,
        query={"before": ["2024-01-01T00:00:00Z"], "stage": ["post"]},
    ),
    Case(
        "admin.providers.list",
        lambda c: c.admin.providers.list(),
        "GET",
        "/v1/admin/providers",
        answers.PROVIDERS,
        lambda r: r[0].name == "openai",
    ),
    Case(
        "admin.plugins.list",
        lambda c: c.admin.plugins.list(),
        "GET",
        "/v1/admin/plugins",
        answers.PLUGINS,
        lambda r: r[0].enabled is True,
    ),
    Case(
        "admin.dashboard",
        lambda c: c.admin.dashboard(),
        "GET",
        "/v1/admin/dashboard",
        answers.DASHBOARD,
        lambda r: r.requests_total == 10,
    ),
    Case(
        "admin.health",
        lambda c: c.admin.health(),
        "GET",
        "/health",
        answers.HEALTH,
        lambda r: r.status == "ok",
    ),
]


def _assert_sent(server: RecordingServer, case: Case) -> None:
    sent = server.last
    assert len(server.requests) == 1
    assert sent.method == case.method
    assert sent.raw_path == case.path
    assert sent.query == case.query
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    if case.method == "GET":
        assert "Idempotency-Key" not in sent.headers
    else:
        assert sent.headers["Idempotency-Key"].startswith("gw-")
    if case.body is None:
        assert sent.body == b""
    else:
        assert sent.headers["Content-Type"] == "application/json"
        assert sent.json() == case.body


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_sync_operation_sends_its_request_and_returns_its_model(
    case: Case, server: RecordingServer, client: Any
) -> None:
    server.answer(case.answer, status=case.status)
    result = case.call(client)
    _assert_sent(server, case)
    assert case.check(result)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_async_operation_sends_its_request_and_returns_its_model(
    case: Case, server: RecordingServer, aclient: Any
) -> None:
    server.answer(case.answer, status=case.status)
    pending = case.call(aclient)
    assert inspect.isawaitable(pending)
    result = await pending
    _assert_sent(server, case)
    assert case.check(result)
