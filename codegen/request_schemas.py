"""request_schemas.py: the request schemas of every operation, for the mock gateway.

`gatewise.testing` validates requests against these, so openapi.yaml is their only source
and the installed mock needs no copy of the spec. Per operationId: the method, the path
template, the request body (media type, whether it is required, its JSON Schema and the
multipart fields that are files) and the query, path and header parameters (name,
required, schema); plus the components/schemas those reach, `$ref`s kept as `#/components/schemas/X`.

Built from the spec as written (`Spec.as_written`): string enums are NOT widened, because
the mock must reject an unknown enum value exactly as the spec says, and inline bodies stay
inline. Annotations (descriptions, examples, defaults, `x-` extensions) are dropped; every
validation keyword is kept. The output is a Python literal with sorted keys (lists keep the
spec's order: `required` and `enum` order shows in error messages).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import CodegenError
from .spec import (
    _ONE_SCHEMA,
    _SCHEMA_LISTS,
    _SCHEMA_MAPS,
    COMPONENT_PREFIX,
    Schema,
    Spec,
    component_name,
    request_body_schema,
)

# Keywords that only annotate a schema: they change no validation outcome.
_ANNOTATIONS = frozenset(
    {
        "$comment",
        "contentEncoding",
        "contentMediaType",
        "default",
        "deprecated",
        "description",
        "example",
        "examples",
        "externalDocs",
        "readOnly",
        "title",
        "writeOnly",
        "xml",
    }
)
_PARAMETER_PLACES = ("query", "path", "header")


def request_schemas(spec: Spec) -> tuple[dict[str, Any], dict[str, Any]]:
    """(operations by operationId, the component schemas they reach), keys sorted."""
    spec = spec.as_written()
    operations: dict[str, Any] = {}
    reached: list[str] = []
    for path, method, operation, shared in spec.operations():
        op_id = str(operation.get("operationId", ""))
        where = op_id or f"{method.upper()} {path}"
        entry: dict[str, Any] = {"method": method.upper(), "path": path, "body": None}
        found = request_body_schema(operation)
        if found is not None:
            media_type, schema = found
            body = spec.resolve(operation["requestBody"])
            entry["body"] = {
                "content_type": media_type,
                "required": bool(body.get("required", False)),
                "schema": _clean(schema, f"{where} request body", reached),
                "binary": _binary_fields(spec, schema) if media_type != "application/json" else [],
            }
        parameters = _parameters(spec, shared, operation.get("parameters", []))
        for place in _PARAMETER_PLACES:
            entry["path_params" if place == "path" else place] = [
                {
                    "name": param["name"],
                    "required": bool(param.get("required", False)),
                    "schema": _clean(param.get("schema", {}), f"{where} {param['name']}", reached),
                }
                for param in parameters
                if param.get("in") == place
            ]
        operations[op_id] = entry

    schemas: dict[str, Any] = {}
    index = 0
    while index < len(reached):  # `reached` grows while the components are cleaned
        name = reached[index]
        index += 1
        if name not in spec.schemas:
            raise CodegenError(f"$ref {COMPONENT_PREFIX + name!r} points at nothing")
        schemas[name] = _clean(spec.schemas[name], f"components/schemas/{name}", reached)
    return _sorted(operations), _sorted(schemas)


def _parameters(spec: Spec, shared: list[Any], own: list[Any]) -> list[dict[str, Any]]:
    """Path-level then operation-level parameters; an operation's own wins on (name, in)."""
    resolved_own = [spec.resolve(param) for param in own]
    overridden = {(param.get("name"), param.get("in")) for param in resolved_own}
    resolved_shared = [spec.resolve(param) for param in shared]
    return [
        *(p for p in resolved_shared if (p.get("name"), p.get("in")) not in overridden),
        *resolved_own,
    ]


def _binary_fields(spec: Spec, schema: Schema) -> list[str]:
    """The multipart fields sent as files: `format: binary` (or arrays of such)."""
    body = spec.resolve(schema)
    names = set()
    for part in [body, *body.get("allOf", [])]:
        for name, field in spec.resolve(part).get("properties", {}).items():
            field = spec.resolve(field)
            if field.get("type") == "array" and isinstance(field.get("items"), dict):
                field = spec.resolve(field["items"])
            if field.get("format") == "binary":
                names.add(name)
    return sorted(names)


def _clean(schema: Any, where: str, reached: list[str]) -> Any:
    """`schema` without annotations; records the components its `$ref`s name."""
    if not isinstance(schema, dict):
        raise CodegenError(f"{where}: a schema must be an object, not {schema!r}")
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "$ref":
            name = component_name(schema)
            if name is None or "/" in name:
                raise CodegenError(
                    f"{where}: $ref {value!r}: request schemas may only refer to "
                    f"{COMPONENT_PREFIX}<name>"
                )
            if name not in reached:
                reached.append(name)
            out[key] = value
        elif key in _ONE_SCHEMA and isinstance(value, dict):
            out[key] = _clean(value, where, reached)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_clean(branch, where, reached) for branch in value]
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {
                name: _clean(sub, f"{where}.{name}", reached) for name, sub in value.items()
            }
        else:
            out[key] = _literal(value, f"{where} ({key})")
    return out


def _literal(value: Any, where: str) -> Any:
    """`value` if Python can print it as a literal that evaluates back to it (JSON data)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CodegenError(f"{where}: {value!r} is not a JSON number")
        return value
    if isinstance(value, list):
        return [_literal(item, where) for item in value]
    if isinstance(value, dict):
        return {str(key): _literal(item, where) for key, item in value.items()}
    # YAML reads an unquoted 2024-01-01 as a date: quote it in the spec.
    raise CodegenError(f"{where}: {value!r} ({type(value).__name__}) is not JSON data")


def _sorted(node: Any) -> Any:
    """A copy with every mapping's keys sorted (lists keep their order)."""
    if isinstance(node, Mapping):
        return {key: _sorted(node[key]) for key in sorted(node)}
    if isinstance(node, list):
        return [_sorted(item) for item in node]
    return node
