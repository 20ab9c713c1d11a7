"""Load openapi.yaml, validate it, and normalise it for the rest of the generator.

Normalising does two things to an in-memory copy (openapi.yaml itself is never touched):
inline object types of request-body fields become named components, so method
signatures can name their TypedDicts, and every string enum is widened to also accept
any string, so a newer server's new enum value never fails validation in an old client.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate

from .errors import CodegenError

Schema = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENT_PREFIX = "#/components/schemas/"

# Keywords whose value is one schema, a list of schemas, or a name -> schema mapping.
_ONE_SCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "if",
    "then",
    "else",
)
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs")


@dataclass(frozen=True)
class Spec:
    """A validated, normalised OpenAPI document and the file it came from."""

    document: Mapping[str, Any]
    source: Path
    # The validated document before normalising (load_spec sets it); see `as_written`.
    original: Mapping[str, Any] | None = None

    def as_written(self) -> Spec:
        """The spec before normalising: inline bodies unnamed, string enums not widened."""
        return Spec(self.original, self.source) if self.original is not None else self

    @property
    def openapi30(self) -> bool:
        """OpenAPI 3.0 spells null as `nullable: true`; 3.1 as a `null` type."""
        return str(self.document.get("openapi", "")).startswith("3.0")

    @property
    def schemas(self) -> Mapping[str, Schema]:
        schemas: Mapping[str, Schema] = self.document.get("components", {}).get("schemas", {})
        return schemas

    def resolve(self, node: Any) -> Any:
        """Follow local `$ref`s until a node that is not a reference."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                raise CodegenError(f"unsupported or circular $ref: {ref!r}")
            seen.add(ref)
            node = self.document
            for part in ref[2:].split("/"):
                key = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or key not in node:
                    raise CodegenError(f"$ref {ref!r} points at nothing")
                node = node[key]
        return node

    def operations(self) -> Iterator[tuple[str, str, Schema, list[Any]]]:
        """(path, HTTP method, operation, path-level parameters) in document order."""
        for path, item in self.document.get("paths", {}).items():
            item = self.resolve(item)
            for method in HTTP_METHODS:
                if method in item:
                    yield path, method, item[method], list(item.get("parameters", []))


def component_name(node: Any) -> str | None:
    """The schema name a `{"$ref": "#/components/schemas/X"}` node names, else None."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if ref.startswith(COMPONENT_PREFIX):
            return ref[len(COMPONENT_PREFIX) :]
    return None


def load_spec(path: Path) -> Spec:
    """Read, validate and normalise the spec at `path`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CodegenError(f"{path}: cannot read the spec: {exc}") from exc
    if not isinstance(raw, dict):
        raise CodegenError(f"{path}: not an OpenAPI document")
    # YAML turns `200:` into an int key; JSON (and so OpenAPI) keys are always strings.
    document = _string_keys(raw)
    try:
        validate(document)
    except Exception as exc:  # the validator raises several unrelated error types
        raise CodegenError(f"{path}: invalid OpenAPI: {exc}") from exc
    spec = Spec(document, path)
    document = hoist_body_objects(spec)
    document = widen_enums(document, openapi30=spec.openapi30)
    return Spec(document, path, original=spec.document)


def _string_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(value) for value in node]
    return node


# --- hoisting inline objects of request bodies -------------------------------------------


def pascal(name: str) -> str:
    """`stream_options` -> `StreamOptions`, `createChatCompletion` -> `CreateChatCompletion`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def request_body_schema(operation: Schema) -> tuple[str, Schema] | None:
    """The (media type, schema) of an operation's request body, if it has one."""
    body = operation.get("requestBody")
    if not body:
        return None
    content = body.get("content", {})
    for media_type in ("application/json", "multipart/form-data"):
        if media_type in content:
            return media_type, content[media_type].get("schema", {})
    raise CodegenError(
        f"{operation.get('operationId')}: request body media types {sorted(content)} are not "
        "supported (use application/json or multipart/form-data)"
    )


def hoist_body_objects(spec: Spec) -> dict[str, Any]:
    """A copy of the document where request bodies and their fields' object types are components.

    A signature can only name a TypedDict for a schema with a name: an inline body becomes
    `<OperationId>Request`, and an inline object in a body field `<Body><Field>` (plus `Item`
    inside an array), so `stream_options` is typed `ChatCompletionRequestStreamOptions`.
    """
    document = copy.deepcopy(dict(spec.document))
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    hoisted = Spec(document, spec.source)

    def add(name: str, schema: Schema, where: str) -> Schema:
        if name in schemas:
            raise CodegenError(
                f"{where}: cannot name its inline object {name}: a schema has that name"
            )
        schemas[name] = schema
        return {"$ref": COMPONENT_PREFIX + name}

    bodies: list[str] = []
    for _path, _method, operation, _shared in hoisted.operations():
        found = request_body_schema(operation)
        if found is None:
            continue
        media_type, schema = found
        name = component_name(schema)
        if name is None:
            op_id = str(operation.get("operationId", ""))
            name = pascal(op_id) + "Request"
            content = operation["requestBody"]["content"][media_type]
            content["schema"] = add(name, schema, f"{op_id} request body")
        if name not in bodies:
            bodies.append(name)

    for body in bodies:
        schema = hoisted.resolve(schemas[body])
        for part in [schema, *schema.get("allOf", [])]:
            part = hoisted.resolve(part)
            for field, field_schema in part.get("properties", {}).items():
                where = f"{body}.{field}"
                part["properties"][field] = _hoist(field_schema, body + pascal(field), where, add)
    return document


def _hoist(schema: Any, name: str, where: str, add: Callable[[str, Schema, str], Schema]) -> Any:
    if not isinstance(schema, dict) or "$ref" in schema or "x-python-type" in schema:
        return schema
    if schema.get("type") == "object" and "properties" in schema:
        return add(name, schema, where)
    out = dict(schema)
    if isinstance(out.get("items"), dict):
        out["items"] = _hoist(out["items"], name + "Item", where, add)
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = _hoist(
            out["additionalProperties"], name + "Value", where, add
        )
    for key in ("anyOf", "oneOf"):
        if isinstance(out.get(key), list):
            branches = out[key]
            out[key] = [
                _hoist(branch, f"{name}{index}" if len(branches) > 1 else name, where, add)
                for index, branch in enumerate(branches, start=1)
            ]
    return out


# --- widening string enums ---------------------------------------------------------------


def widen_enums(document: dict[str, Any], *, openapi30: bool) -> dict[str, Any]:
    """A copy of the document where every string enum (or const) also admits any string.

    `{type: string, enum: [a, b]}` becomes `{anyOf: [{type: string, enum: [a, b]}, {type:
    string}]}`, which datamodel-code-generator writes as `Literal["a", "b"] | str`. An enum
    that already sits beside a plain string branch is left alone, so widening is idempotent.
    """

    def schema_roots(node: Any) -> None:
        for holder in _schema_holders(node):
            holder["schema"] = _widen(holder["schema"], openapi30)

    document = copy.deepcopy(document)
    components = document.get("components", {})
    for name, schema in list(components.get("schemas", {}).items()):
        components["schemas"][name] = _widen(schema, openapi30)
    schema_roots(components.get("parameters", {}))
    schema_roots(components.get("requestBodies", {}))
    schema_roots(components.get("responses", {}))
    schema_roots(document.get("paths", {}))
    return document


def _schema_holders(node: Any) -> Iterator[dict[str, Any]]:
    """Every parameter or media-type object (a dict with a `schema` key) under `node`."""
    if isinstance(node, dict):
        if isinstance(node.get("schema"), dict):
            yield node
        for key, value in node.items():
            if key != "schema" and not key.startswith("x-"):
                yield from _schema_holders(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_holders(value)


def _is_string_enum(schema: Any) -> bool:
    if not isinstance(schema, dict) or "anyOf" in schema or "oneOf" in schema:
        return False
    if "enum" in schema:
        values = schema["enum"]
    elif "const" in schema:
        values = [schema["const"]]
    else:
        return False
    strings = [value for value in values if isinstance(value, str)]
    return bool(strings) and all(value is None or isinstance(value, str) for value in values)


def _is_plain_string(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "string" and len(schema) == 1


def _widen(schema: Any, openapi30: bool) -> Any:
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _ONE_SCHEMA:
        if isinstance(out.get(key), dict):
            out[key] = _widen(out[key], openapi30)
    for key in _SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: _widen(value, openapi30) for name, value in out[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            branches = out[key]
            already_open = key != "allOf" and any(_is_plain_string(b) for b in branches)
            out[key] = [
                b if already_open and _is_string_enum(b) else _widen(b, openapi30) for b in branches
            ]
    if not _is_string_enum(out):
        return out
    values = out["enum"] if "enum" in out else [out["const"]]
    nullable = (
        None in values
        or out.get("nullable") is True
        or (isinstance(out.get("type"), list) and "null" in out["type"])
    )
    rest = {k: v for k, v in out.items() if k not in ("enum", "const", "type", "nullable")}
    widened: list[Schema] = [
        {"type": "string", "enum": [value for value in values if value is not None]},
        {"type": "string"},
    ]
    if nullable and openapi30:
        rest["nullable"] = True
    elif nullable:
        widened.append({"type": "null"})
    return {**rest, "anyOf": widened}
