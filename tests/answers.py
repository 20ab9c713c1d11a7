"""Canned gateway answers that fit openapi.yaml, shared by the HTTP tests."""

from __future__ import annotations

from typing import Any

USAGE = {
    "prompt_tokens": 5,
    "completion_tokens": 2,
    "total_tokens": 7,
    "cost_usd": 0.0001,
    "cache_hit": False,
}

CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "openai/gpt-4o",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}
    ],
    "usage": USAGE,
    "trace_id": "tr_1",
    "provider": "openai",
    "latency_ms": 12,
}

COMPLETION = {
    "id": "cmpl-1",
    "object": "text_completion",
    "created": 1700000000,
    "model": "meta-llama/Llama-2-7b-chat-hf",
    "choices": [{"index": 0, "text": " bright", "finish_reason": "length", "logprobs": None}],
    "usage": USAGE,
}

EMBEDDINGS = {
    "object": "list",
    "data": [{"object": "embedding", "index": 0, "embedding": [0.6, 0.8]}],
    "model": "openai/text-embedding-3-small",
    "usage": {"prompt_tokens": 2, "total_tokens": 2},
}

IMAGES = {
    "created": 1700000000,
    "data": [{"url": "http://gw.test/files/1.png", "revised_prompt": "A red fox"}],
}

VIDEO = {"task_id": "vid_1", "status": "queued", "progress": 0, "model": "byteplus/seedance"}

MODEL = {
    "id": "openai/gpt-4o",
    "object": "model",
    "provider": "openai",
    "context_window": 128000,
    "max_output_tokens": 16384,
    "input_cost_per_token": 2.5e-06,
    "output_cost_per_token": 1e-05,
    "capabilities": ["chat", "vision"],
    "status": "active",
}

MODELS = {"object": "list", "data": [MODEL]}

INFO = {
    "version": "1.2.3",
    "models": ["openai/gpt-4o"],
    "uptime": 12.5,
    "gpu_memory": {"gpu0": 0.5},
}

ANTHROPIC = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "content": [{"type": "text", "text": "hi"}],
    "model": "claude-3-5-sonnet-20241022",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 1},
}

KEY = {
    "id": "key_1",
    "name": "backend",
    "prefix": "gw_live_ab",
    "scopes": ["chat"],
    "active": True,
    "created_at": "2026-01-01T00:00:00Z",
    "expires_at": None,
    "last_used_at": None,
}

CREATED_KEY = {**KEY, "key": "gw_live_abcdef"}


def page(items: list[Any], has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": items, "has_more": has_more, "total": len(items)}


KEY_USAGE = {"key_id": "key_1", "name": "backend", "requests": 3, "tokens": 30, "cost_usd": 0.01}

CONFIG = {
    "version": 2,
    "config": {"routing": {"strategy": "cost"}},
    "updated_at": "2026-01-01T00:00:00Z",
}

HISTORY = {
    "object": "list",
    "data": [
        {"version": 1, "config": {}, "created_at": "2026-01-01T00:00:00Z", "action": "create"},
        {
            "version": 2,
            "config": CONFIG["config"],
            "created_at": "2026-01-02T00:00:00Z",
            "action": "update",
        },
    ],
}

LOG = {
    "id": "log_1",
    "timestamp": "2026-01-01T00:00:00Z",
    "provider": "openai",
    "model": "gpt-4o",
    "status_code": 200,
}

STATS = {
    "total_requests": 4,
    "groups": [{"key": {"provider": "openai"}, "requests": 4, "tokens": 40, "cost_usd": 0.1}],
}

PROVIDERS = {
    "object": "list",
    "data": [{"name": "openai", "status": "healthy", "models": ["gpt-4o"]}],
}
PLUGINS = {"object": "list", "data": [{"name": "cache", "version": "1.0", "enabled": True}]}
DASHBOARD = {"status": "ok", "requests_total": 10, "keys_active": 2}
HEALTH = {"status": "ok", "version": "1.2.3"}
