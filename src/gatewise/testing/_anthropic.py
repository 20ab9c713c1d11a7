"""The Anthropic passthrough, `POST /anthropic/v1/messages`, in the Messages API's shape.

Answers echo the last user text; with tools (and tool_choice not "none") they hold a
tool_use block whose input is built from the tool's input_schema. Streams are the
Messages events: message_start, ping, content_block_start/delta/stop per block,
message_delta (stop_reason, cumulative output_tokens), message_stop.

Strict as Anthropic is: the spec's `anthropic-version` header is required (a 400 without
it or with a version the spec does not list); the model must be one of the catalogue's
Claude models or a family alias of one (`_catalogue.ANTHROPIC_ALIASES`, resolved by
`model_gate`, and named so in the answer), else a 404 not_found_error; every answer carries
`request-id` (what Anthropic's SDKs read) besides X-Request-Id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response

from . import _llm, _sse
from ._call import Call, check_cache, cost
from ._errors import MockError
from ._handlers import handles
from ._openai_api import json_response, sse_response, stream_error

_JSON_PIECE = 12


def _system_text(system: Any) -> str:
    return system if isinstance(system, str) else _llm.content_text(system)


def _tool_results(message: Mapping[str, Any] | None) -> list[str]:
    if (
        message is None
        or message.get("role") != "user"
        or not isinstance(message.get("content"), list)
    ):
        return []
    return [
        _llm.content_text(block.get("content"))
        for block in message["content"]
        if isinstance(block, Mapping) and block.get("type") == "tool_result"
    ]


def _pick_tool(
    body: Mapping[str, Any], user_text: str, after_tools: bool
) -> Mapping[str, Any] | None:
    tools: Sequence[Mapping[str, Any]] = body.get("tools") or []
    choice: Mapping[str, Any] = body.get("tool_choice") or {"type": "auto"}
    kind = choice.get("type")
    if not tools or kind == "none":
        return None
    if kind == "tool":
        found = next((t for t in tools if t.get("name") == choice.get("name")), None)
        if found is None:
            raise MockError(400, f"tool_choice names an unknown tool: {choice.get('name')!r}")
        return found
    if kind == "auto" and after_tools:
        # After tool results "auto" answers in text, so an agent loop ends.
        return None
    return tools[_llm.pick_tool([str(t.get("name", "")) for t in tools], user_text)]


def build_message(call: Call, body: Mapping[str, Any]) -> dict[str, Any]:
    """The AnthropicMessage answering a (validated) request."""
    messages: list[Mapping[str, Any]] = list(body["messages"])
    last = messages[-1] if messages else None
    results = _tool_results(last)
    user_text = ""
    for message in reversed(messages):
        if message.get("role") == "user":
            user_text = _llm.content_text(message.get("content"))
            break
    tool = _pick_tool(body, user_text, bool(results))
    content: list[dict[str, Any]] = []
    stop_reason, stop_sequence = "end_turn", None
    if tool is not None:
        if (body.get("tool_choice") or {"type": "auto"}).get("type") == "auto":
            content.append({"type": "text", "text": f"I will use the {tool['name']} tool."})
        tool_input = _llm.tool_arguments(tool.get("input_schema"))
        arguments = json.dumps(tool_input)
        content.append(
            {
                "type": "tool_use",
                "id": _llm.tool_call_id("toolu_", str(tool["name"]), arguments, len(messages)),
                "name": tool["name"],
                "input": tool_input,
            }
        )
        stop_reason = "tool_use"
    else:
        text = ("Tool results: " + "; ".join(results)) if results else user_text
        if not text.strip():
            text = _llm.GREETING
        stops = list(body.get("stop_sequences") or [])
        found = sorted((text.find(s), s) for s in stops if s and s in text)
        if found:
            text, stop_reason, stop_sequence = text[: found[0][0]], "stop_sequence", found[0][1]
        budget = int(body["max_tokens"])
        if _llm.count_tokens(text) > budget:
            text = "".join(_llm.split_words(text)[:budget])
            stop_reason = "max_tokens"
        content.append({"type": "text", "text": text})

    prompt_words = _llm.count_tokens(_system_text(body.get("system")))
    prompt_words += sum(_llm.count_tokens(_llm.content_text(m.get("content"))) for m in messages)
    input_tokens = max(1, prompt_words)
    output_tokens = sum(
        _llm.count_tokens(block["text"])
        if block["type"] == "text"
        else _llm.count_tokens(json.dumps(block["input"]))
        for block in content
    )
    hit = check_cache(call)
    call.log.prompt_tokens = input_tokens
    call.log.completion_tokens = output_tokens
    # The model the gate resolved: an alias answers with the dated model, as Anthropic does.
    model = call.log.model or str(body["model"])
    call.log.cost_usd = cost(model, input_tokens, output_tokens, hit)
    return {
        "id": f"msg_{call.trace_id[6:30]}",
        "type": "message",
        "role": "assistant",
        "content": content,
        "model": model,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": {
            # A cache hit reads the whole prompt from the cache, as Anthropic reports it.
            "input_tokens": 0 if hit else input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": input_tokens if hit else 0,
        },
    }


def stream_events(message: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The Messages stream that delivers `message`."""
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        ("ping", {"type": "ping"}),
    ]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [
                {"type": "text_delta", "text": piece} for piece in _llm.split_words(block["text"])
            ]
        else:
            opening = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            raw = json.dumps(block["input"])
            deltas = [
                {"type": "input_json_delta", "partial_json": raw[i : i + _JSON_PIECE]}
                for i in range(0, len(raw), _JSON_PIECE)
            ]
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": opening},
            )
        )
        events.extend(
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            for delta in deltas
        )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {
                    "stop_reason": message["stop_reason"],
                    "stop_sequence": message["stop_sequence"],
                },
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return events


@handles("createAnthropicMessage")
async def create_message(call: Call) -> Response:
    body: dict[str, Any] = call.body
    message = build_message(call, body)
    if not call.streaming:
        return json_response(message)
    frames = [_sse.event_frame(name, payload) for name, payload in stream_events(message)]
    error = _sse.event_frame("error", stream_error(call.stream_fault).anthropic_body())
    return sse_response(call, frames, [], error)
