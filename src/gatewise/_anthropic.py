"""OpenAI chat <-> Anthropic Messages translation, as pure functions over JSON-shaped dicts.

`to_messages_request` turns a /v1/chat/completions body into a /anthropic/v1/messages body;
`to_chat_completion` and `StreamTranslator` turn the answer (whole, or event by event) back
into ChatCompletion / ChatCompletionChunk dicts. `route` is the one entry the pipeline calls:
`messages_route` is what `_routing.route` calls for `anthropic/` models. No I/O here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import pydantic_core

from ._errors import error_from_event
from ._operation import Operation
from ._routing import Route

T = TypeVar("T")

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "JSON_OBJECT_TOOL",
    "OPENAI_ONLY_PARAMETERS",
    "REFUSED_PARAMETERS",
    "TRANSLATED_PARAMETERS",
    "StreamTranslator",
    "Translation",
    "messages_route",
    "to_chat_completion",
    "to_messages_request",
]

_LOG = logging.getLogger("gatewise")

# Anthropic requires max_tokens; OpenAI callers usually leave it out.
DEFAULT_MAX_TOKENS = 4096


# Every property of the spec's ChatCompletionRequest is either translated or refused
# (tests/unit/test_anthropic_coverage.py checks both tables against the spec).

# Parameter -> (values that mean "not asked for", why any other value cannot be honoured).
# Dropping these silently would hand the caller an answer that ignores what they asked for.
REFUSED_PARAMETERS: Mapping[str, tuple[tuple[Any, ...], str]] = {
    "n": ((1,), "Anthropic returns exactly one choice per request"),
    "logprobs": ((False,), "Anthropic does not return log probabilities"),
    "top_logprobs": ((0,), "Anthropic does not return log probabilities"),
    "frequency_penalty": ((0,), "Anthropic has no frequency penalty"),
    "presence_penalty": ((0,), "Anthropic has no presence penalty"),
    "seed": ((), "Anthropic has no seed, so the answer would not be reproducible"),
    "audio": ((), "Anthropic models do not produce audio"),
    "modalities": ((["text"],), "Anthropic models produce text only"),
    "template_id": ((), "gateway templates apply to /v1/chat/completions only"),
    "template_variables": ((), "gateway templates apply to /v1/chat/completions only"),
    "route_tag": ((), "gateway routing rules apply to /v1/chat/completions only"),
}

# OpenAI parameters the gateway's spec does not describe (callers send them through
# extra_body): refused by name all the same, so that the caller learns why.
OPENAI_ONLY_PARAMETERS = frozenset({"audio", "modalities"})

# Parameters with a Messages API counterpart; anything else is refused by name.
TRANSLATED_PARAMETERS = frozenset(
    {
        "model",
        "messages",
        "stream",
        "stream_options",  # usage always arrives in the message_delta chunk
        "temperature",
        "max_tokens",
        "max_completion_tokens",
        "top_p",
        "top_k",
        "stop",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "user",
    }
)

_PASSED_PARAMETERS = ("top_p", "top_k", "stream")

_SYSTEM_ROLES = frozenset({"system", "developer"})

_IMAGE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_MEDIA_TYPE_ALIASES = {"image/jpg": "image/jpeg"}

_TOOL_CHOICES: Mapping[str, str] = {"auto": "auto", "required": "any", "none": "none"}

# The tool name a json_object response_format is forced through.
JSON_OBJECT_TOOL = "json_object"
_FORMAT_TOOL_DESCRIPTION = "Give the final answer as this tool's input."

_FINISH_REASONS: Mapping[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}

_USAGE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)

Blocks = list[dict[str, Any]]


# ---------------------------------------------------------------- which models


# --------------------------------------------------------------------- request


@dataclass(frozen=True)
class Translation:
    """A translated request: the Messages `body`, and the tool forced for response_format.

    Pass `forced_tool` to `to_chat_completion` / `StreamTranslator` so that the tool's input
    comes back as the message content (JSON text) rather than as a tool call.
    """

    body: dict[str, Any]
    forced_tool: str | None = None


def to_messages_request(
    body: Mapping[str, Any], *, logger: logging.Logger | None = None
) -> Translation:
    """Translate an OpenAI chat request body; raises ValueError for what cannot be expressed."""
    _refuse_untranslatable(body)
    system, messages = _translate_messages(body.get("messages"))
    out: dict[str, Any] = {
        "model": _model_name(body.get("model")),
        "messages": messages,
        "max_tokens": _max_tokens(body),
    }
    if system:
        out["system"] = system
    for key in _PASSED_PARAMETERS:
        if body.get(key) is not None:
            out[key] = body[key]
    if body.get("temperature") is not None:
        out["temperature"] = _clamp_temperature(body["temperature"], logger or _LOG)
    if body.get("stop"):
        out["stop_sequences"] = (
            [body["stop"]] if isinstance(body["stop"], str) else list(body["stop"])
        )
    if body.get("user") is not None:
        out["metadata"] = {"user_id": body["user"]}
    forced = _add_tools(out, body)
    return Translation(out, forced)


def _refuse_untranslatable(body: Mapping[str, Any]) -> None:
    for key, value in body.items():
        if value is None or key in TRANSLATED_PARAMETERS:
            continue
        if key not in REFUSED_PARAMETERS:
            raise ValueError(f"parameter {key!r} has no Anthropic Messages equivalent")
        harmless, reason = REFUSED_PARAMETERS[key]
        if value not in harmless:
            raise ValueError(f"parameter {key!r} cannot be sent to an Anthropic model: {reason}")


def _model_name(model: Any) -> str:
    if not isinstance(model, str) or not model.removeprefix("anthropic/"):
        raise ValueError(f"model {model!r} does not name an Anthropic model")
    return model.removeprefix("anthropic/")


def _max_tokens(body: Mapping[str, Any]) -> Any:
    # max_completion_tokens is OpenAI's successor of max_tokens, so it wins when both are set.
    for key in ("max_completion_tokens", "max_tokens"):
        if body.get(key) is not None:
            return body[key]
    return DEFAULT_MAX_TOKENS


def _clamp_temperature(value: Any, logger: logging.Logger) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"temperature {value!r} is not a number")
    clamped = min(max(value, 0), 1)
    if clamped != value:
        logger.debug("temperature %r clamped to %r for Anthropic (range 0-1)", value, clamped)
    return clamped


# -------------------------------------------------------------------- messages


def _translate_messages(messages: Any) -> tuple[str | Blocks, Blocks]:
    if not isinstance(messages, Sequence) or isinstance(messages, str):
        raise ValueError("messages must be a list of messages")
    system: list[str | Blocks] = []
    turns: Blocks = []
    for index, message in enumerate(messages):
        role = message.get("role")
        if role in _SYSTEM_ROLES:
            system.append(_system_content(index, message.get("content")))
            continue
        translate = _TURNS.get(role)
        if translate is None:
            raise ValueError(
                f"messages[{index}].role {role!r} cannot be sent to an Anthropic model"
            )
        _append_turn(turns, *translate(index, message))
    return _join_system(system), turns


def _append_turn(turns: Blocks, role: str, blocks: Blocks) -> None:
    # Anthropic requires alternating roles: same-role neighbours become one turn.
    if not blocks:
        return
    if turns and turns[-1]["role"] == role:
        turns[-1]["content"].extend(blocks)
    else:
        turns.append({"role": role, "content": blocks})


def _system_content(index: int, content: Any) -> str | Blocks:
    if content is None or isinstance(content, str):
        return content or ""
    blocks = _content_blocks(index, content)
    if any(block["type"] != "text" for block in blocks):
        raise ValueError(f"messages[{index}]: a system message can hold only text")
    return blocks


def _join_system(entries: list[str | Blocks]) -> str | Blocks:
    """Plain strings join into one string; once any entry is a parts list, all become blocks."""
    strings = [entry for entry in entries if isinstance(entry, str)]
    if len(strings) == len(entries):
        return "\n\n".join(entry for entry in strings if entry)
    blocks: Blocks = []
    for entry in entries:
        blocks.extend(_text_blocks(entry) if isinstance(entry, str) else entry)
    return blocks


def _user_turn(index: int, message: Mapping[str, Any]) -> tuple[str, Blocks]:
    return "user", _content_blocks(index, message.get("content"))


def _assistant_turn(index: int, message: Mapping[str, Any]) -> tuple[str, Blocks]:
    blocks = _content_blocks(index, message.get("content"))
    blocks.extend(_tool_use(index, call) for call in message.get("tool_calls") or ())
    return "assistant", blocks


def _tool_turn(index: int, message: Mapping[str, Any]) -> tuple[str, Blocks]:
    call_id = message.get("tool_call_id")
    if not isinstance(call_id, str) or not call_id:
        raise ValueError(f"messages[{index}]: a tool message needs its tool_call_id")
    content = message.get("content")
    result: str | Blocks
    if content is None or isinstance(content, str):
        result = content or ""
    else:
        result = _content_blocks(index, content)
    return "user", [{"type": "tool_result", "tool_use_id": call_id, "content": result}]


_TURNS: Mapping[str, Callable[[int, Mapping[str, Any]], tuple[str, Blocks]]] = {
    "user": _user_turn,
    "assistant": _assistant_turn,
    "tool": _tool_turn,
}


def _content_blocks(index: int, content: Any) -> Blocks:
    if content is None or isinstance(content, str):
        return _text_blocks(content or "")
    if not isinstance(content, Sequence):
        raise ValueError(f"messages[{index}].content must be a string or a list of parts")
    blocks: Blocks = []
    for part in content:
        translate = _PARTS.get(part.get("type"))
        if translate is None:
            raise ValueError(
                f"messages[{index}]: content part type {part.get('type')!r} "
                "cannot be sent to an Anthropic model"
            )
        blocks.extend(translate(part))
    return blocks


def _text_blocks(text: str) -> Blocks:
    # Anthropic rejects empty text blocks.
    return [{"type": "text", "text": text}] if text else []


def _text_part(part: Mapping[str, Any]) -> Blocks:
    return _text_blocks(part.get("text") or "")


def _image_part(part: Mapping[str, Any]) -> Blocks:
    url = (part.get("image_url") or {}).get("url")
    if not isinstance(url, str):
        raise ValueError("image_url part without a url")
    if url.startswith("data:"):
        return [{"type": "image", "source": _data_url_source(url)}]
    if url.startswith(("https://", "http://")):
        return [{"type": "image", "source": {"type": "url", "url": url}}]
    raise ValueError(f"image_url {url[:40]!r}: only data: and http(s) URLs can be sent")


_PARTS: Mapping[Any, Callable[[Mapping[str, Any]], Blocks]] = {
    "text": _text_part,
    "image_url": _image_part,
}


def _data_url_source(url: str) -> dict[str, Any]:
    header, comma, data = url[len("data:") :].partition(",")
    media_type, *params = header.split(";")
    if not comma or "base64" not in (param.strip().lower() for param in params):
        raise ValueError("image data: URLs must be base64-encoded")
    media_type = media_type.strip().lower()
    media_type = _MEDIA_TYPE_ALIASES.get(media_type, media_type)
    if media_type not in _IMAGE_MEDIA_TYPES:
        raise ValueError(
            f"image media type {media_type!r} is not supported by Anthropic "
            "(image/jpeg, image/png, image/gif, image/webp)"
        )
    return {"type": "base64", "media_type": media_type, "data": data}


def _tool_use(index: int, call: Mapping[str, Any]) -> dict[str, Any]:
    call_id = call.get("id")
    function = call.get("function") or {}
    if call.get("type", "function") != "function" or not call_id or not function.get("name"):
        raise ValueError(f"messages[{index}]: tool call {call_id!r} is not a named function call")
    return {
        "type": "tool_use",
        "id": call_id,
        "name": function["name"],
        "input": _parse_arguments(call_id, function.get("arguments")),
    }


def _parse_arguments(call_id: str, arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, Mapping):
        return dict(arguments)
    if arguments is None or not str(arguments).strip():
        return {}
    try:
        parsed = json.loads(arguments)
    except ValueError as exc:
        raise ValueError(f"tool call {call_id!r}: arguments are not valid JSON ({exc})") from exc
    if not isinstance(parsed, dict):
        raise ValueError(f"tool call {call_id!r}: arguments must be a JSON object")
    return parsed


# ----------------------------------------------------------------------- tools


def _add_tools(out: dict[str, Any], body: Mapping[str, Any]) -> str | None:
    """Set out's tools and tool_choice; return the tool forced for response_format, if any."""
    tools = [_tool(index, tool) for index, tool in enumerate(body.get("tools") or ())]
    choice = _tool_choice(body.get("tool_choice"))
    if body.get("parallel_tool_calls") is False and tools:
        choice = choice or {"type": "auto"}
        if choice["type"] != "none":  # Anthropic's none takes no options
            choice["disable_parallel_tool_use"] = True
    tools, choice, forced = _apply_response_format(body.get("response_format"), tools, choice)
    _check_tool_choice(choice, tools)
    if tools:
        out["tools"] = tools
        if choice is not None:
            out["tool_choice"] = choice
    return forced


def _tool(index: int, tool: Mapping[str, Any]) -> dict[str, Any]:
    function = tool.get("function") or {}
    if tool.get("type", "function") != "function" or not function.get("name"):
        raise ValueError(f"tools[{index}] is not a named function tool")
    out = {"name": function["name"]}
    if function.get("description"):
        out["description"] = function["description"]
    out["input_schema"] = function.get("parameters") or {"type": "object", "properties": {}}
    return out


def _tool_choice(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if isinstance(choice, str) and choice in _TOOL_CHOICES:
        return {"type": _TOOL_CHOICES[choice]}
    if isinstance(choice, Mapping) and choice.get("type") == "function":
        name = (choice.get("function") or {}).get("name")
        if isinstance(name, str) and name:
            return {"type": "tool", "name": name}
    raise ValueError(f"tool_choice {choice!r} cannot be sent to an Anthropic model")


def _check_tool_choice(choice: dict[str, Any] | None, tools: Blocks) -> None:
    kind = choice["type"] if choice else "auto"
    names = {tool["name"] for tool in tools}
    if kind == "any" and not names:
        raise ValueError("tool_choice 'required' needs tools")
    if kind == "tool" and choice is not None and choice["name"] not in names:
        raise ValueError(f"tool_choice names {choice['name']!r}, which is not in tools")


def _apply_response_format(
    response_format: Any, tools: Blocks, choice: dict[str, Any] | None
) -> tuple[Blocks, dict[str, Any] | None, str | None]:
    """Express a JSON response_format as a tool the model must answer through.

    With the caller's own tools callable, the model must use *some* tool (`any`): a call of
    theirs, or the final answer through the format tool, as OpenAI would allow.
    """
    format_tool = _format_tool(response_format)
    kind = choice["type"] if choice else "auto"
    if format_tool is None or kind in ("any", "tool"):
        # The caller demands a tool call this turn, so there is no JSON answer to shape.
        return tools, choice, None
    name = format_tool["name"]
    if any(tool["name"] == name for tool in tools):
        raise ValueError(f"response_format name {name!r} is also the name of a tool")
    forced: dict[str, Any] = (
        {"type": "any"} if tools and kind != "none" else {"type": "tool", "name": name}
    )
    if choice and "disable_parallel_tool_use" in choice:
        forced["disable_parallel_tool_use"] = choice["disable_parallel_tool_use"]
    return [*tools, format_tool], forced, name


def _format_tool(response_format: Any) -> dict[str, Any] | None:
    if response_format is None:
        return None
    kind = response_format.get("type") if isinstance(response_format, Mapping) else None
    build = _RESPONSE_FORMATS.get(kind)
    if build is None:
        raise ValueError(f"response_format type {kind!r} cannot be sent to an Anthropic model")
    return build(response_format)


def _json_schema_tool(response_format: Mapping[str, Any]) -> dict[str, Any]:
    spec = response_format.get("json_schema") or {}
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("response_format json_schema needs a name")
    return {
        "name": name,
        "description": spec.get("description") or _FORMAT_TOOL_DESCRIPTION,
        "input_schema": spec.get("schema") or {"type": "object"},
    }


def _json_object_tool(response_format: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": JSON_OBJECT_TOOL,
        "description": _FORMAT_TOOL_DESCRIPTION,
        "input_schema": {"type": "object"},
    }


_RESPONSE_FORMATS: Mapping[Any, Callable[[Mapping[str, Any]], dict[str, Any] | None]] = {
    "text": lambda _: None,
    "json_object": _json_object_tool,
    "json_schema": _json_schema_tool,
}


# -------------------------------------------------------------------- response


def to_chat_completion(
    message: Mapping[str, Any],
    *,
    model: str,
    forced_tool: str | None = None,
    logger: logging.Logger | None = None,
) -> dict[str, Any]:
    """Translate an Anthropic Message into a ChatCompletion dict for the caller's `model`."""
    texts: list[str] = []
    tool_calls: Blocks = []
    for block in message.get("content") or ():
        if block.get("type") == "text":
            texts.append(block.get("text") or "")
        elif block.get("type") == "tool_use":
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
            if forced_tool is not None and block.get("name") == forced_tool:
                texts.append(arguments)
            else:
                tool_calls.append(_tool_call(block, arguments))
        # Other blocks (thinking, redacted_thinking, ...) have no ChatCompletion field.
    reply: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
    if tool_calls:
        reply["tool_calls"] = tool_calls
    finish = _finish_reason(message.get("stop_reason"), bool(tool_calls), logger or _LOG)
    completion: dict[str, Any] = {
        "id": message.get("id") or "",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": reply, "finish_reason": finish}],
        "usage": _usage(message.get("usage") or {}),
        "provider": "anthropic",
    }
    _copy_gateway_fields(message, completion)
    return completion


def _tool_call(block: Mapping[str, Any], arguments: str) -> dict[str, Any]:
    return {
        "id": block.get("id") or "",
        "type": "function",
        "function": {"name": block.get("name") or "", "arguments": arguments},
    }


def _finish_reason(stop_reason: Any, has_tool_calls: bool, logger: logging.Logger) -> str:
    finish = _FINISH_REASONS.get(stop_reason)
    if finish is None:
        logger.debug("unknown Anthropic stop_reason %r reported as 'stop'", stop_reason)
        return "stop"
    # A tool_use stop caused only by the response_format tool is a finished answer.
    return "stop" if finish == "tool_calls" and not has_tool_calls else finish


def _usage(usage: Mapping[str, Any]) -> dict[str, Any]:
    def count(key: str) -> int:
        value = usage.get(key)
        return value if isinstance(value, int) else 0

    cached = count("cache_read_input_tokens")
    prompt = count("input_tokens") + cached + count("cache_creation_input_tokens")
    completion = count("output_tokens")
    out: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
    for key in ("cost_usd", "cache_hit"):
        if usage.get(key) is not None:
            out[key] = usage[key]
    return out


def _copy_gateway_fields(message: Mapping[str, Any], completion: dict[str, Any]) -> None:
    # The gateway may decorate the passthrough answer as it does its own answers.
    for key in ("trace_id", "latency_ms", "system_fingerprint"):
        if message.get(key) is not None:
            completion[key] = message[key]
    for key in ("cost_usd", "cost"):
        if message.get(key) is not None:
            completion["usage"].setdefault("cost_usd", message[key])


# ---------------------------------------------------------------------- stream


@dataclass
class _Block:
    kind: str  # "text", "tool" (a caller-visible tool call) or "forced" (response_format)
    tool_index: int = 0
    fragments: int = 0


class StreamTranslator:
    """Turns Anthropic stream events into ChatCompletionChunk dicts, one event at a time.

    Usage rides on the message_delta chunk, next to its finish_reason; message_stop yields
    nothing and sets `done`. An error event raises the APIError subclass its type names.
    """

    __slots__ = (
        "_blocks",
        "_created",
        "_done",
        "_forced",
        "_id",
        "_logger",
        "_model",
        "_tools",
        "_usage",
    )

    def __init__(
        self, model: str, forced_tool: str | None = None, *, logger: logging.Logger | None = None
    ) -> None:
        self._model = model
        self._forced = forced_tool
        self._logger = logger or _LOG
        self._id = ""
        self._created = int(time.time())
        self._blocks: dict[int, _Block] = {}
        self._tools = 0
        self._usage: dict[str, Any] = {}
        self._done = False

    @property
    def done(self) -> bool:
        """Whether message_stop has been seen."""
        return self._done

    def feed(self, event_type: str, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The chunks one event translates to (often none); the SSE `event:` name, its data."""
        handler = _EVENT_HANDLERS.get(event_type or payload.get("type"))
        # ping, and event types newer than this code, carry nothing for the caller.
        if handler is None or self._done:
            return []
        return handler(self, payload)

    def _chunk(
        self,
        delta: dict[str, Any],
        finish_reason: str | None = None,
        usage: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        chunk: dict[str, Any] = {
            "id": self._id,
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": self._model,
            "provider": "anthropic",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
        if usage is not None:
            chunk["usage"] = usage
        return chunk

    def _content(self, text: str) -> list[dict[str, Any]]:
        return [self._chunk({"content": text})] if text else []

    def _arguments(self, block: _Block, fragment: str) -> list[dict[str, Any]]:
        if not fragment:
            return []
        block.fragments += 1
        if block.kind == "forced":
            return self._content(fragment)
        call = {"index": block.tool_index, "function": {"arguments": fragment}}
        return [self._chunk({"tool_calls": [call]})]

    def _take_usage(self, usage: Any) -> None:
        # Anthropic's counts are running totals: the latest value replaces the earlier one.
        for key in _USAGE_FIELDS:
            if isinstance(usage, Mapping) and usage.get(key) is not None:
                self._usage[key] = usage[key]

    def _on_message_start(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        message = payload.get("message") or {}
        self._id = message.get("id") or ""
        self._take_usage(message.get("usage"))
        return [self._chunk({"role": "assistant", "content": ""})]

    def _on_block_start(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        block = payload.get("content_block") or {}
        kind = block.get("type")
        if kind == "text":
            self._blocks[payload.get("index", 0)] = _Block("text")
            return self._content(block.get("text") or "")
        if kind != "tool_use":
            return []  # thinking and other blocks have no ChatCompletion field
        if self._forced is not None and block.get("name") == self._forced:
            self._blocks[payload.get("index", 0)] = _Block("forced")
            return []
        self._blocks[payload.get("index", 0)] = _Block("tool", self._tools)
        self._tools += 1
        call = {
            "index": self._tools - 1,
            "id": block.get("id") or "",
            "type": "function",
            "function": {"name": block.get("name") or "", "arguments": ""},
        }
        return [self._chunk({"tool_calls": [call]})]

    def _on_block_delta(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        block = self._blocks.get(payload.get("index", 0))
        delta = payload.get("delta") or {}
        if block is None:
            return []
        if delta.get("type") == "text_delta" and block.kind == "text":
            return self._content(delta.get("text") or "")
        if delta.get("type") == "input_json_delta" and block.kind != "text":
            return self._arguments(block, delta.get("partial_json") or "")
        return []

    def _on_block_stop(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        block = self._blocks.get(payload.get("index", 0))
        # A tool called without arguments streams no fragment; "{}" matches the whole answer.
        if block is not None and block.kind != "text" and not block.fragments:
            return self._arguments(block, "{}")
        return []

    def _on_message_delta(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._take_usage(payload.get("usage"))
        stop_reason = (payload.get("delta") or {}).get("stop_reason")
        finish = _finish_reason(stop_reason, self._tools > 0, self._logger)
        return [self._chunk({}, finish, _usage(self._usage))]

    def _on_message_stop(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._done = True
        return []

    def _on_error(self, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        raise error_from_event(payload, None)


_EVENT_HANDLERS: Mapping[
    Any, Callable[[StreamTranslator, Mapping[str, Any]], list[dict[str, Any]]]
] = {
    "message_start": StreamTranslator._on_message_start,
    "content_block_start": StreamTranslator._on_block_start,
    "content_block_delta": StreamTranslator._on_block_delta,
    "content_block_stop": StreamTranslator._on_block_stop,
    "message_delta": StreamTranslator._on_message_delta,
    "message_stop": StreamTranslator._on_message_stop,
    "error": StreamTranslator._on_error,
}


# ---------------------------------------------------------------------- routing


def messages_route(
    op: Operation[T], body: Mapping[str, object], model: str, logger: logging.Logger
) -> Route[T]:
    """A chat call for an Anthropic model: sent as the passthrough operation (client.anthropic
    .messages.create: its path and its anthropic-version default), its answer (whole or
    streamed) translated back to what `op` returns."""
    from ._generated.resources.anthropic import _CREATE_ANTHROPIC_MESSAGE as messages

    translation = to_messages_request(body, logger=logger)
    answer = _answer_validator()

    def decode(content: bytes) -> T:
        message = answer.validate_json(content).model_dump(mode="json", exclude_unset=True)
        completion = to_chat_completion(
            message, model=model, forced_tool=translation.forced_tool, logger=logger
        )
        return op.decode(pydantic_core.to_json(completion))

    def events() -> StreamTranslator:
        return StreamTranslator(model, translation.forced_tool, logger=logger)

    return Route(
        dataclasses.replace(messages.decoding(decode), arguments=op.arguments),
        translation.body,
        events,
    )


def _answer_validator() -> pydantic_core.SchemaValidator:
    from ._generated.models import AnthropicMessage  # loaded on the first Anthropic call

    return cast(pydantic_core.SchemaValidator, AnthropicMessage.__pydantic_validator__)
