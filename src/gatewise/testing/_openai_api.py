"""Handlers of the OpenAI-shaped gateway paths: chat, completions, embeddings, models.

Answers come from _llm (deterministic text, tool calls, vectors) dressed in the
gateway's fields: usage with cost_usd and cache_hit, provider, trace_id, latency_ms.
Streams go out word by word through _sse, ending in `data: [DONE]`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from . import _catalogue, _llm, _sse
from ._call import Call, check_cache, usage
from ._errors import MockError
from ._faults import FaultRule
from ._handlers import handles

_FINGERPRINT = "fp_gatewise_mock"
_ARGUMENT_PIECE = 8


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return JSONResponse(payload, status_code=status, headers=dict(headers or {}))


def stream_error(fault: FaultRule | None) -> MockError:
    """The in-band error a `stream_error_after` fault sends."""
    status = fault.status if fault is not None and fault.status is not None else 500
    message = fault.message if fault is not None and fault.message else "Scripted stream error."
    code = fault.error_code if fault is not None and fault.error_code else "stream_error"
    return MockError(status, message, code=code)


def sse_response(
    call: Call, frames: list[bytes], tail: list[bytes], error_frame: bytes
) -> Response:
    plan = _sse.StreamPlan(frames, tail, error_frame)
    return StreamingResponse(
        _sse.deliver(plan, call.stream_fault, call.stopping),
        media_type=_sse.MEDIA_TYPE,
        headers=_sse.HEADERS,
    )


def _count_n(body: Mapping[str, Any]) -> int:
    return int(body.get("n", 1))  # 1..128, checked against the spec


def _templated(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    variables = body.get("template_variables") or {}
    messages = [dict(m) for m in body["messages"]]
    if not variables:
        return messages
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            message["content"] = _llm.render_template(content, variables)
        elif isinstance(content, list):
            message["content"] = [
                {**p, "text": _llm.render_template(p["text"], variables)}
                if isinstance(p.get("text"), str)
                else p
                for p in content
            ]
    return messages


@handles("createChatCompletion")
async def chat_completions(call: Call) -> Response:
    body: dict[str, Any] = call.body
    n = _count_n(body)
    messages = _templated(body)
    reply = _llm.chat_reply({**body, "messages": messages})
    prompt_tokens = max(
        1, sum(_llm.count_tokens(_llm.content_text(m.get("content"))) for m in messages)
    )
    per_choice = _llm.count_tokens(reply.content or "") + sum(
        _llm.count_tokens(c["function"]["arguments"].replace(",", " ")) for c in reply.tool_calls
    )
    check_cache(call)
    totals = usage(call, prompt_tokens, per_choice * n)
    base = {
        "id": f"chatcmpl-{call.trace_id[6:]}",
        "created": int(time.time()),
        "model": body["model"],
        "system_fingerprint": _FINGERPRINT,
    }
    message: dict[str, Any] = {
        "role": "assistant",
        "content": reply.content,
        "refusal": reply.refusal,
    }
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    if not call.streaming:
        answer = {
            **base,
            "object": "chat.completion",
            "choices": [
                {
                    "index": i,
                    "message": message,
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
                for i in range(n)
            ],
            "usage": totals,
            "trace_id": call.trace_id,
            "provider": call.log.provider,
            "latency_ms": call.elapsed_ms(),
        }
        return json_response(answer)

    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    head = {**base, "object": "chat.completion.chunk"}
    tail_fields = {"trace_id": call.trace_id, "provider": call.log.provider}

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        payload = {
            **head,
            "choices": [
                {"index": index, "delta": delta, "finish_reason": finish, "logprobs": None}
            ],
            **tail_fields,
        }
        if include_usage:
            payload["usage"] = None
        return _sse.data_frame(payload)

    frames: list[bytes] = []
    for index in range(n):
        frames.append(
            chunk(
                index, {"role": "assistant", "content": "" if reply.content is not None else None}
            )
        )
        for t, tool_call in enumerate(reply.tool_calls):
            function = tool_call["function"]
            frames.append(
                chunk(
                    index,
                    {
                        "tool_calls": [
                            {
                                "index": t,
                                "id": tool_call["id"],
                                "type": "function",
                                "function": {"name": function["name"], "arguments": ""},
                            }
                        ]
                    },
                )
            )
            arguments = function["arguments"]
            for start in range(0, len(arguments), _ARGUMENT_PIECE):
                piece = arguments[start : start + _ARGUMENT_PIECE]
                frames.append(
                    chunk(index, {"tool_calls": [{"index": t, "function": {"arguments": piece}}]})
                )
        for piece in _llm.split_words(reply.content or ""):
            frames.append(chunk(index, {"content": piece}))
        if reply.refusal is not None:
            frames.append(chunk(index, {"refusal": reply.refusal}))
        frames.append(chunk(index, {}, reply.finish_reason))
    if include_usage:
        frames.append(_sse.data_frame({**head, "choices": [], "usage": totals, **tail_fields}))
    error = _sse.data_frame(stream_error(call.stream_fault).gateway_body())
    return sse_response(call, frames, [_sse.DONE_FRAME], error)


@handles("createCompletion")
async def completions(call: Call) -> Response:
    body: dict[str, Any] = call.body
    n = _count_n(body)
    prompts = [body["prompt"]] if isinstance(body["prompt"], str) else list(body["prompt"])
    texts: list[tuple[str, str]] = []
    for prompt in prompts:
        reply = _llm.limit_text(
            _llm.completion_text(prompt), body.get("max_tokens"), body.get("stop")
        )
        text = (prompt if body.get("echo") else "") + (reply.content or "")
        texts.extend([(text, reply.finish_reason)] * n)
    prompt_tokens = max(1, sum(_llm.count_tokens(p) for p in prompts))
    completion_tokens = sum(_llm.count_tokens(t) for t, _ in texts)
    check_cache(call)
    totals = usage(call, prompt_tokens, completion_tokens)
    base = {
        "id": f"cmpl-{call.trace_id[6:]}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": body["model"],
        "system_fingerprint": _FINGERPRINT,
    }
    if not call.streaming:
        answer = {
            **base,
            "choices": [
                {"index": i, "text": text, "finish_reason": finish, "logprobs": None}
                for i, (text, finish) in enumerate(texts)
            ],
            "usage": totals,
            "trace_id": call.trace_id,
            "provider": call.log.provider,
            "latency_ms": call.elapsed_ms(),
        }
        return json_response(answer)

    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    tail_fields = {"trace_id": call.trace_id, "provider": call.log.provider}

    def chunk(index: int, text: str, finish: str | None = None) -> bytes:
        payload = {
            **base,
            "choices": [{"index": index, "text": text, "finish_reason": finish, "logprobs": None}],
            **tail_fields,
        }
        if include_usage:
            payload["usage"] = None
        return _sse.data_frame(payload)

    frames: list[bytes] = []
    for index, (text, finish) in enumerate(texts):
        frames.extend(chunk(index, piece) for piece in _llm.split_words(text))
        frames.append(chunk(index, "", finish))
    if include_usage:
        frames.append(_sse.data_frame({**base, "choices": [], "usage": totals, **tail_fields}))
    error = _sse.data_frame(stream_error(call.stream_fault).gateway_body())
    return sse_response(call, frames, [_sse.DONE_FRAME], error)


@handles("createEmbedding")
async def embeddings(call: Call) -> Response:
    body: dict[str, Any] = call.body
    raw = body["input"]
    items: list[Any] = [raw] if isinstance(raw, str) else list(raw)
    dimensions = int(body.get("dimensions", call.settings.embedding_dimensions))
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    tokens = 0
    for index, item in enumerate(items):
        vector = _llm.embed(body["model"], item, dimensions)
        tokens += _llm.count_tokens(item) if isinstance(item, str) else len(item)
        encoded: Any = _llm.embedding_base64(vector) if as_base64 else vector
        data.append({"object": "embedding", "embedding": encoded, "index": index})
    price = usage(call, tokens, 0)["cost_usd"]
    return json_response(
        {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens, "cost_usd": price},
            "trace_id": call.trace_id,
            "provider": call.log.provider,
        }
    )


# The words that flag a moderation input, per category: deterministic and easy to script.
_FLAGGED_WORDS = {
    "harassment": ("idiot", "loser"),
    "hate": ("hateful",),
    "self-harm": ("self-harm",),
    "sexual": ("explicit",),
    "violence": ("hurt", "kill", "attack"),
}


@handles("createModeration")
async def create_moderation(call: Call) -> Response:
    body: dict[str, Any] = call.body
    texts: list[str] = [body["input"]] if isinstance(body["input"], str) else body["input"]
    results = []
    for text in texts:
        words = set(text.lower().replace(".", " ").replace(",", " ").split())
        categories = {name: bool(words & set(flags)) for name, flags in _FLAGGED_WORDS.items()}
        scores = {name: 0.97 if flagged else 0.01 for name, flagged in categories.items()}
        results.append(
            {
                "flagged": any(categories.values()),
                "categories": categories,
                "category_scores": scores,
            }
        )
    usage(call, sum(_llm.count_tokens(text) for text in texts), 0)
    return json_response(
        {"id": f"modr-{call.request_id[4:16]}", "model": body["model"], "results": results}
    )


@handles("listModels")
async def list_models(call: Call) -> Response:
    provider = call.query_str("provider")
    capability = call.query_str("capability")
    data = [
        spec.info()
        for spec in _catalogue.MODELS
        if (provider is None or spec.provider == provider)
        and (capability is None or capability in spec.capabilities)
    ]
    return json_response({"object": "list", "data": data})


@handles("searchModels")
async def search_models(call: Call) -> Response:
    needle = (call.query_str("q") or "").lower()  # required by the spec, checked before
    data = [
        spec.info()
        for spec in _catalogue.MODELS
        if any(needle in field.lower() for field in (spec.id, spec.provider, spec.owned_by or ""))
    ]
    return json_response({"object": "list", "data": data})


@handles("retrieveModel")
async def retrieve_model(call: Call) -> Response:
    model_id = call.params["model_id"]
    spec = _catalogue.find(model_id)
    if spec is None:
        raise MockError(404, f"The model {model_id!r} does not exist.", code="model_not_found")
    return json_response(spec.info())


@handles("getInfo")
async def info(call: Call) -> Response:
    with call.state.lock:
        uptime = call.state.uptime()
    return json_response(
        {
            "version": call.settings.version,
            "models": [spec.id for spec in _catalogue.MODELS],
            "uptime": uptime,
            "gpu_memory": {"total_mb": 0.0, "used_mb": 0.0},
        }
    )


@handles("getHealth")
async def health(call: Call) -> Response:
    with call.state.lock:
        uptime = call.state.uptime()
    return json_response(
        {
            "status": "ok",
            "version": call.settings.version,
            "uptime_seconds": uptime,
            "providers": {name: "ok" for name in _catalogue.providers()},
        }
    )
