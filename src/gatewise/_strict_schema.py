"""Pydantic JSON schemas transformed the way strict structured outputs require.

Strict mode (OpenAI's `json_schema` with `strict: true`, strict tools) takes a subset of
JSON Schema: every object lists all its properties as required and forbids others, an
optional field is nullable (`anyOf` with `{"type": "null"}`, which pydantic already
emits) rather than absent, and `$ref` may not have siblings. `$defs` stay, so recursive
models keep working.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

_NESTED_LISTS = ("anyOf", "oneOf", "prefixItems")
_NESTED_MAPS = ("$defs", "definitions", "properties")
_EMPTY_OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {},
    "required": [],
    "additionalProperties": False,
}


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The strict JSON schema of a pydantic model (a copy: the caller may change it)."""
    return copy.deepcopy(_strict_json_schema(model))


@functools.lru_cache(maxsize=256)
def _strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    # pydantic takes most of a millisecond to build a schema; a model asks for it every call.
    return make_strict(model.model_json_schema())


def make_strict(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A strict copy of `schema` (the input is not changed)."""
    if not schema:
        return dict(_EMPTY_OBJECT)
    return _strict(schema, root=schema)


def _strict(node: Mapping[str, Any], *, root: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(node)
    if "$ref" in out and len(out) > 1:
        # A $ref with siblings (pydantic adds a description or default): inline the target.
        target = _resolve(root, str(out.pop("$ref")))
        out = {**target, **out}
    for key in _NESTED_MAPS:
        if isinstance(out.get(key), Mapping):
            out[key] = {name: _strict(sub, root=root) for name, sub in out[key].items()}
    for key in _NESTED_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_strict(sub, root=root) for sub in out[key]]
    if isinstance(out.get("items"), Mapping):
        out["items"] = _strict(out["items"], root=root)
    if isinstance(out.get("allOf"), list):
        parts = [_strict(sub, root=root) for sub in out.pop("allOf")]
        if len(parts) == 1:
            out = {**parts[0], **out}
        else:
            out["allOf"] = parts
    if out.get("type") == "object" or "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out.get("properties", {}))
    if "default" in out and out["default"] is None:
        # Every field is required in strict mode; a None default only says "nullable".
        del out["default"]
    return out


def _resolve(root: Mapping[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"unsupported $ref {ref!r}: only local references (#/...) work")
    node: Any = root
    for part in ref[2:].split("/"):
        if not isinstance(node, Mapping) or part not in node:
            raise ValueError(f"$ref {ref!r} points at nothing in the schema")
        node = node[part]
    if not isinstance(node, Mapping):
        raise ValueError(f"$ref {ref!r} does not point at a schema")
    return dict(node)
