"""Deterministic "models": the same request always gets the same answer.

Chat echoes the last user message (or, after tool results, summarises them); tools
get a call whose arguments are built from the tool's JSON schema; text completions
count the prompt's words; embeddings are unit vectors seeded by a hash of the input.
Tokens are whitespace-separated words.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._catalogue import fault_of
from ._errors import MockError

GREETING = "Hello from the gatewise mock gateway."
_MAX_SCHEMA_DEPTH = 8
_WORD = re.compile(r"\s*\S+")
_TEMPLATE_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def split_words(text: str) -> list[str]:
    """Word-sized pieces, each carrying its leading whitespace; they join back to `text`."""
    pieces = _WORD.findall(text)
    if not pieces:
        return [text] if text else []
    tail = text[len("".join(pieces)) :]
    pieces[-1] += tail
    return pieces


def count_tokens(text: str) -> int:
    """The mock's token count: whitespace-separated words."""
    return len(text.split())


def content_text(content: Any) -> str:
    """The text of a message's content: a string, or the text of its parts/blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, Mapping):
                continue
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") in ("image_url", "image"):
                texts.append("[image]")
            elif part.get("type") == "tool_result":
                texts.append(content_text(part.get("content")))
        return " ".join(texts)
    return ""


def render_template(text: str, variables: Mapping[str, Any]) -> str:
    """Fill `{{name}}` placeholders from template_variables; unknown names stay."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(variables[name]) if name in variables else match.group(0)

    return _TEMPLATE_VAR.sub(fill, text)


def instance(schema: Any, name: str = "value", depth: int = 0, root: Any = None) -> Any:
    """A deterministic value fitting a JSON schema (tool arguments, json_schema answers);
    local `$ref`s (`#/$defs/...`) resolve against `root`, the whole schema."""
    if not isinstance(schema, Mapping):
        return "example"
    root = schema if root is None else root
    if isinstance(schema.get("$ref"), str) and depth < _MAX_SCHEMA_DEPTH:
        return instance(_resolve(root, schema["$ref"]), name, depth + 1, root)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            if _deep(depth) and {"type": "null"} in schema[key]:
                return None  # a recursive model ends where it may
            return instance(schema[key][0], name, depth + 1, root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        props = schema.get("properties")
        if depth >= _MAX_SCHEMA_DEPTH or not isinstance(props, Mapping):
            return {}
        return {key: instance(sub, key, depth + 1, root) for key, sub in props.items()}
    if kind == "array":
        fewest = int(schema.get("minItems", 0))
        count = fewest if _deep(depth) else max(1, fewest)
        return [instance(schema.get("items"), name, depth + 1, root) for _ in range(count)]
    if kind == "integer":
        return _bounded(schema, 1)
    if kind == "number":
        return float(_bounded(schema, 1))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string_for(schema, name)


def _deep(depth: int) -> bool:
    """Past half the depth limit, values get as small as the schema allows (no array items,
    null where allowed), so that recursive schemas end with a valid value."""
    return depth >= _MAX_SCHEMA_DEPTH // 2


def _resolve(root: Any, ref: str) -> Any:
    """The schema a local `$ref` names, or {} (any value) when it names nothing."""
    if not ref.startswith("#/"):
        return {}
    node = root
    for part in ref[2:].split("/"):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _bounded(schema: Mapping[str, Any], default: int) -> int:
    low, high = schema.get("minimum"), schema.get("maximum")
    value = math.ceil(low) if isinstance(low, (int, float)) else default
    if isinstance(high, (int, float)) and value > high:
        value = math.floor(high)
    return int(value)


def _string_for(schema: Mapping[str, Any], name: str) -> str:
    formats = {
        "date-time": "2024-01-01T00:00:00Z",
        "date": "2024-01-01",
        "time": "00:00:00",
        "email": "user@example.com",
        "uri": "https://example.com",
        "uuid": "00000000-0000-4000-8000-000000000000",
    }
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in formats:
        return formats[fmt]
    text = f"example {name}"
    min_length = schema.get("minLength")
    if isinstance(min_length, int) and len(text) < min_length:
        text = text.ljust(min_length, "x")
    return text


def tool_arguments(schema: Any) -> dict[str, Any]:
    """Arguments for a tool call: an instance of its schema, always a JSON object."""
    value = instance(schema if isinstance(schema, Mapping) and schema else {"type": "object"})
    return value if isinstance(value, dict) else {}


@dataclass
class ChatReply:
    """One assistant turn: text or tool calls, and why it ended."""

    content: str | None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str = "stop"
    refusal: str | None = None


def _last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return content_text(message.get("content"))
    return ""


def _tool_results(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    results: list[str] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        results.insert(0, content_text(message.get("content")))
    return results


_VERBS = frozenset({"get", "set", "fetch", "list", "find", "make", "create", "run", "call", "the"})


def pick_tool(names: Sequence[str], hint: str) -> int:
    """The index of the tool whose name the user's text mentions most ("get_weather" for
    "what's the weather?"), else 0."""
    words = set(re.findall(r"[a-z0-9]+", hint.lower()))
    best, best_score = 0, 0
    for index, name in enumerate(names):
        parts = [p for p in re.split(r"[^a-z0-9]+", name.lower()) if p and p not in _VERBS]
        score = sum(1 for p in parts if p in words)
        if score > best_score:
            best, best_score = index, score
    return best


def tool_call_id(prefix: str, name: str, arguments: str, turn: int) -> str:
    """A stable id for a tool call of this conversation turn."""
    digest = hashlib.sha256(f"{name}\0{arguments}\0{turn}".encode()).hexdigest()
    return f"{prefix}{digest[:24]}"


REFUSAL = "I can't help with that (a scripted refusal of mock/refuse)."


def chat_reply(body: Mapping[str, Any]) -> ChatReply:
    """The deterministic answer to a (validated) chat completion request."""
    messages: list[Mapping[str, Any]] = list(body.get("messages", []))
    fault = fault_of(str(body.get("model", "")))
    if fault == "refuse":
        return ChatReply(content=None, refusal=REFUSAL)
    reply = _answer(body, messages)
    if fault == "invalid-json" and reply.content and not _answered_before(messages):
        # The first answer of a conversation is cut in half, so a re-ask gets a whole one.
        return ChatReply(content=reply.content[: len(reply.content) // 2] or "{")
    return reply


def _answered_before(messages: Sequence[Mapping[str, Any]]) -> bool:
    return any(message.get("role") == "assistant" for message in messages)


def _answer(body: Mapping[str, Any], messages: list[Mapping[str, Any]]) -> ChatReply:
    tools: list[Mapping[str, Any]] = list(body.get("tools") or [])
    choice = body.get("tool_choice", "auto" if tools else "none")
    user_text = _last_user_text(messages)
    last_role = messages[-1].get("role") if messages else None

    tool: Mapping[str, Any] | None = None
    if tools and choice != "none":
        if isinstance(choice, Mapping):
            wanted = choice.get("function", {}).get("name")
            tool = next((t for t in tools if t.get("function", {}).get("name") == wanted), None)
            if tool is None:
                raise MockError(400, f"tool_choice names an unknown function: {wanted!r}")
        elif choice == "required" or (choice == "auto" and last_role == "user"):
            # "auto" calls a tool for a fresh user turn and answers in text after tool results,
            # so an agent loop against the mock ends after one round.
            names = [str(t.get("function", {}).get("name", "")) for t in tools]
            tool = tools[pick_tool(names, user_text)]
    if tool is not None:
        function = tool.get("function", {})
        name = str(function.get("name", "tool"))
        arguments = json.dumps(tool_arguments(function.get("parameters")))
        call = {
            "id": tool_call_id("call_", name, arguments, len(messages)),
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
        return ChatReply(content=None, tool_calls=[call], finish_reason="tool_calls")

    results = _tool_results(messages)
    text = ("Tool results: " + "; ".join(results)) if results else (user_text or GREETING)
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_object":
        text = json.dumps({"reply": text, "words": count_tokens(text)})
    elif fmt.get("type") == "json_schema":
        text = json.dumps(
            instance((fmt.get("json_schema") or {}).get("schema") or {"type": "object"})
        )
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    return limit_text(text, limit, body.get("stop"))


def limit_text(text: str, max_tokens: int | None, stop: str | Sequence[str] | None) -> ChatReply:
    """Apply stop sequences (finish "stop") and a max_tokens word budget (finish "length")."""
    stops = [stop] if isinstance(stop, str) else list(stop or [])
    cuts = [text.find(s) for s in stops if s and s in text]
    if cuts:
        text = text[: min(cuts)]
    if max_tokens is not None and count_tokens(text) > max_tokens:
        return ChatReply(
            content="".join(split_words(text)[: max(0, int(max_tokens))]), finish_reason="length"
        )
    return ChatReply(content=text)


def completion_text(prompt: str) -> str:
    """A text model's answer: it counts the prompt's words."""
    words = count_tokens(prompt)
    return f"The prompt has {words} word{'s' if words != 1 else ''}."


def embed(model: str, item: str | Sequence[int], dimensions: int) -> list[float]:
    """A unit vector of `dimensions` float32 values, a pure function of (model, input)."""
    name = model.split("/", 1)[-1]
    seed = hashlib.sha256(f"{name}\0{json.dumps(item)}".encode()).digest()
    values: list[float] = []
    counter = 0
    while len(values) < dimensions:
        block = hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
        values.extend(
            int.from_bytes(block[i : i + 4], "big") / 2**31 - 1.0 for i in range(0, 32, 4)
        )
    values = values[:dimensions]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    # Rounded to float32 so the float and base64 encodings carry the very same numbers.
    packed = struct.pack(f"<{dimensions}f", *(v / norm for v in values))
    return list(struct.unpack(f"<{dimensions}f", packed))


def embedding_base64(vector: Sequence[float]) -> str:
    """The vector as base64 of little-endian float32."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
