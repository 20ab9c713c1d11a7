"""Request checking: a tiny JSON-Schema subset and the spec's request schemas as tables.

The tables mirror openapi.yaml's request bodies (required fields, JSON types, enums,
nested items); tests/mock compares them with the spec, so the installed mock needs no
copy of the spec. `check(body, schema)` returns the problems, empty when the body fits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Schema = Mapping[str, Any]
Loc = tuple[str | int, ...]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        # JSON Schema counts 2.0 as an integer; handlers convert with int().
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES[name])


def _type_fits(value: Any, schema: Schema) -> bool:
    types = schema.get("type")
    if types is None:
        return True
    names = [types] if isinstance(types, str) else list(types)
    return any(_is_type(value, name) for name in names)


def _where(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "body"


def check(value: Any, schema: Schema, loc: Loc = ()) -> list[dict[str, Any]]:
    """The ways `value` breaks `schema`: [{"loc": [...], "msg": "..."}], empty when it fits."""
    options = schema.get("anyOf")
    if options is not None:
        attempts = [check(value, option, loc) for option in options]
        if any(not problems for problems in attempts):
            return []
        # Report on the alternative of the value's own JSON type, so that the message names
        # the nested field at fault rather than "expected string".
        fitting = [a for o, a in zip(options, attempts, strict=True) if _type_fits(value, o)]
        return min(fitting or attempts, key=len)
    if not _type_fits(value, schema):
        types = schema["type"]
        names = [types] if isinstance(types, str) else list(types)
        return [{"loc": list(loc), "msg": f"{_where(loc)}: expected {' or '.join(names)}"}]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(v) for v in schema["enum"])
        return [{"loc": list(loc), "msg": f"{_where(loc)}: must be one of {allowed}"}]
    problems: list[dict[str, Any]] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(
                {"loc": list(loc), "msg": f"{_where(loc)}: must be >= {schema['minimum']}"}
            )
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(
                {"loc": list(loc), "msg": f"{_where(loc)}: must be <= {schema['maximum']}"}
            )
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                problems.append(
                    {"loc": [*loc, name], "msg": f"{_where((*loc, name))}: field required"}
                )
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems.extend(check(value[name], sub, (*loc, name)))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems.extend(check(item, schema["items"], (*loc, index)))
    return problems


def summary(problems: Sequence[Mapping[str, Any]]) -> str:
    """One line naming the first problems."""
    text = "; ".join(str(p["msg"]) for p in problems[:3])
    return text + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")


# --- the spec's request schemas (components/schemas in openapi.yaml) ---

_STRING: Schema = {"type": "string"}
_INTEGER: Schema = {"type": "integer"}
_NUMBER: Schema = {"type": "number"}
_BOOLEAN: Schema = {"type": "boolean"}
_OBJECT: Schema = {"type": "object"}
_STRINGS: Schema = {"type": "array", "items": _STRING}
_STOP: Schema = {"anyOf": [_STRING, _STRINGS]}
_NULLABLE_BOOLEAN: Schema = {"type": ["boolean", "null"]}
_N: Schema = {"type": "integer", "minimum": 1}
_STREAM_OPTIONS: Schema = {"type": "object", "properties": {"include_usage": _BOOLEAN}}

SCOPES = ("chat", "completions", "embeddings", "images", "video", "models", "admin")

CONTENT_PART: Schema = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string", "enum": ["text", "image_url"]},
        "text": _STRING,
        "image_url": {
            "type": "object",
            "required": ["url"],
            "properties": {
                "url": _STRING,
                "detail": {"type": "string", "enum": ["auto", "low", "high"]},
            },
        },
    },
}

TOOL_CALL: Schema = {
    "type": "object",
    "required": ["id", "type", "function"],
    "properties": {
        "id": _STRING,
        "type": {"type": "string", "enum": ["function"]},
        "function": {
            "type": "object",
            "required": ["name", "arguments"],
            "properties": {"name": _STRING, "arguments": _STRING},
        },
    },
}

CHAT_MESSAGE: Schema = {
    "type": "object",
    "required": ["role"],
    "properties": {
        "role": {"type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]},
        "content": {"anyOf": [_STRING, {"type": "array", "items": CONTENT_PART}, {"type": "null"}]},
        "name": _STRING,
        "tool_calls": {"type": "array", "items": TOOL_CALL},
        "tool_call_id": _STRING,
    },
}

TOOL: Schema = {
    "type": "object",
    "required": ["type", "function"],
    "properties": {
        "type": {"type": "string", "enum": ["function"]},
        "function": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": _STRING,
                "description": _STRING,
                "parameters": _OBJECT,
                "strict": _NULLABLE_BOOLEAN,
            },
        },
    },
}

TOOL_CHOICE: Schema = {
    "anyOf": [
        {"type": "string", "enum": ["none", "auto", "required"]},
        {
            "type": "object",
            "required": ["type", "function"],
            "properties": {
                "type": {"type": "string", "enum": ["function"]},
                "function": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": _STRING},
                },
            },
        },
    ]
}

RESPONSE_FORMAT: Schema = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string", "enum": ["text", "json_object", "json_schema"]},
        "json_schema": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": _STRING,
                "description": _STRING,
                "schema": _OBJECT,
                "strict": _NULLABLE_BOOLEAN,
            },
        },
    },
}

CHAT_REQUEST: Schema = {
    "type": "object",
    "required": ["model", "messages"],
    "properties": {
        "model": _STRING,
        "messages": {"type": "array", "items": CHAT_MESSAGE},
        "stream": _BOOLEAN,
        "temperature": _NUMBER,
        "max_tokens": _INTEGER,
        "max_completion_tokens": _INTEGER,
        "top_p": _NUMBER,
        "top_k": _INTEGER,
        "frequency_penalty": _NUMBER,
        "presence_penalty": _NUMBER,
        "stop": _STOP,
        "tools": {"type": "array", "items": TOOL},
        "tool_choice": TOOL_CHOICE,
        "response_format": RESPONSE_FORMAT,
        "seed": _INTEGER,
        "n": _N,
        "user": _STRING,
        "parallel_tool_calls": _BOOLEAN,
        "logprobs": _BOOLEAN,
        "top_logprobs": _INTEGER,
        "stream_options": _STREAM_OPTIONS,
        "template_id": _STRING,
        "template_variables": _OBJECT,
        "route_tag": _STRING,
    },
}

COMPLETION_REQUEST: Schema = {
    "type": "object",
    "required": ["model", "prompt"],
    "properties": {
        "model": _STRING,
        "prompt": {"anyOf": [_STRING, _STRINGS]},
        "stream": _BOOLEAN,
        "max_tokens": _INTEGER,
        "temperature": _NUMBER,
        "top_p": _NUMBER,
        "top_k": _INTEGER,
        "frequency_penalty": _NUMBER,
        "presence_penalty": _NUMBER,
        "stop": _STOP,
        "n": _N,
        "seed": _INTEGER,
        "user": _STRING,
        "echo": _BOOLEAN,
        "logprobs": _INTEGER,
        "suffix": _STRING,
        "stream_options": _STREAM_OPTIONS,
    },
}

EMBEDDING_REQUEST: Schema = {
    "type": "object",
    "required": ["model", "input"],
    "properties": {
        "model": _STRING,
        "input": {
            "anyOf": [
                _STRING,
                _STRINGS,
                {"type": "array", "items": {"type": "array", "items": _INTEGER}},
            ]
        },
        "encoding_format": {"type": "string", "enum": ["float", "base64"]},
        "dimensions": {"type": "integer", "minimum": 1},
        "user": _STRING,
    },
}

IMAGE_GENERATE_REQUEST: Schema = {
    "type": "object",
    "required": ["model", "prompt"],
    "properties": {
        "model": _STRING,
        "prompt": _STRING,
        "n": _N,
        "size": _STRING,
        "quality": _STRING,
        "response_format": {"type": "string", "enum": ["url", "b64_json"]},
        "style": _STRING,
        "user": _STRING,
    },
}

# Multipart: the text fields (numbers converted), the binary fields checked as files.
IMAGE_EDIT_FIELDS: Schema = {
    "type": "object",
    "required": ["model", "prompt"],
    "properties": {
        "model": _STRING,
        "prompt": _STRING,
        "n": _N,
        "size": _STRING,
        "response_format": {"type": "string", "enum": ["url", "b64_json"]},
        "user": _STRING,
    },
}
IMAGE_EDIT_FILES: dict[str, tuple[str, ...]] = {"required": ("image",), "optional": ("mask",)}

VIDEO_REQUEST: Schema = {
    "type": "object",
    "required": ["model", "prompt"],
    "properties": {
        "model": _STRING,
        "prompt": _STRING,
        "seconds": {"type": "integer", "minimum": 1},
        "resolution": _STRING,
        "image_url": _STRING,
        "seed": _INTEGER,
        "aspect_ratio": _STRING,
    },
}

ANTHROPIC_BLOCK: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": _STRING,
        "text": _STRING,
        "source": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["base64", "url"]},
                "media_type": _STRING,
                "data": _STRING,
                "url": _STRING,
            },
        },
        "id": _STRING,
        "name": _STRING,
        "input": _OBJECT,
        "tool_use_id": _STRING,
        "is_error": _BOOLEAN,
    },
}
# A tool_result block's content may hold blocks itself: the schema refers to itself.
ANTHROPIC_BLOCK["properties"]["content"] = {
    "anyOf": [_STRING, {"type": "array", "items": ANTHROPIC_BLOCK}]
}

ANTHROPIC_REQUEST: Schema = {
    "type": "object",
    "required": ["model", "messages", "max_tokens"],
    "properties": {
        "model": _STRING,
        "messages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "role": {"type": "string", "enum": ["user", "assistant"]},
                    "content": {"anyOf": [_STRING, {"type": "array", "items": ANTHROPIC_BLOCK}]},
                },
            },
        },
        "max_tokens": {"type": "integer", "minimum": 1},
        "system": {"anyOf": [_STRING, {"type": "array", "items": ANTHROPIC_BLOCK}]},
        "stop_sequences": _STRINGS,
        "temperature": _NUMBER,
        "top_p": _NUMBER,
        "top_k": _INTEGER,
        "tools": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "input_schema"],
                "properties": {"name": _STRING, "description": _STRING, "input_schema": _OBJECT},
            },
        },
        "tool_choice": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"type": "string", "enum": ["auto", "any", "none", "tool"]},
                "name": _STRING,
                "disable_parallel_tool_use": _BOOLEAN,
            },
        },
        "metadata": {"type": "object", "properties": {"user_id": _STRING}},
        "stream": _BOOLEAN,
    },
}

KEY_CREATE_REQUEST: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": _STRING,
        "scopes": {"type": "array", "items": {"type": "string", "enum": list(SCOPES)}},
        "expires_at": {"type": ["string", "null"]},
    },
}

KEY_UPDATE_REQUEST: Schema = {
    "type": "object",
    "properties": {
        "name": _STRING,
        "scopes": {"type": "array", "items": {"type": "string", "enum": list(SCOPES)}},
        "expires_at": {"type": ["string", "null"]},
        "active": _BOOLEAN,
    },
}

CONFIG_WRITE_REQUEST: Schema = {
    "type": "object",
    "required": ["config"],
    "properties": {"config": _OBJECT},
}

CONFIG_ROLLBACK_REQUEST: Schema = {
    "type": "object",
    "required": ["version"],
    "properties": {"version": {"type": "integer", "minimum": 1}},
}

# The request body schema of each operation (by operationId), for the spec comparison.
REQUEST_SCHEMAS: dict[str, Schema] = {
    "createChatCompletion": CHAT_REQUEST,
    "createCompletion": COMPLETION_REQUEST,
    "createEmbedding": EMBEDDING_REQUEST,
    "createImage": IMAGE_GENERATE_REQUEST,
    "editImage": IMAGE_EDIT_FIELDS,
    "createVideo": VIDEO_REQUEST,
    "createAnthropicMessage": ANTHROPIC_REQUEST,
    "createKey": KEY_CREATE_REQUEST,
    "updateKey": KEY_UPDATE_REQUEST,
    "createConfig": CONFIG_WRITE_REQUEST,
    "updateConfig": CONFIG_WRITE_REQUEST,
    "rollbackConfig": CONFIG_ROLLBACK_REQUEST,
}
