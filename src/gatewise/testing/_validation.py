"""Request checking: a small JSON Schema checker over the spec's generated request schemas.

`gatewise._generated.request_schemas` (written by `python -m codegen` from openapi.yaml)
holds every operation's body and parameter schemas as the spec states them, enums closed,
so the installed mock needs no copy of the spec. `check(value, schema)` returns the
problems, empty when the value fits; `check_request` / `check_form` apply an operation's
schemas to a request. Limits the spec does not state (n <= 10 images, ...) are the
handlers', not checked here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gatewise._generated.request_schemas import OPERATIONS, SCHEMAS

from . import _clock

Schema = Mapping[str, Any]
Loc = tuple[str | int, ...]
Problem = dict[str, Any]

# The keywords `check` understands (tests/mock asserts the generated schemas use no other).
# `format` is enforced for "binary" (multipart files) and "date-time" (RFC 3339, _clock).
KEYWORDS = frozenset(
    {
        "$ref",
        "additionalProperties",
        "allOf",
        "anyOf",
        "const",
        "enum",
        "format",
        "items",
        "maxItems",
        "maximum",
        "minItems",
        "minLength",
        "minimum",
        "oneOf",
        "pattern",
        "properties",
        "required",
        "type",
    }
)

_REF_PREFIX = "#/components/schemas/"

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
}

# The scopes a key may have: the spec's enum (APIKeyCreateRequest.scopes).
SCOPES: tuple[str, ...] = tuple(
    SCHEMAS["APIKeyCreateRequest"]["properties"]["scopes"]["items"]["enum"]
)


def json_body(op_id: str) -> Schema | None:
    """The schema of the operation's application/json request body, if it takes one."""
    body = OPERATIONS[op_id]["body"]
    if body is None or body["content_type"] != "application/json":
        return None
    schema: Schema = body["schema"]
    return schema


def _resolve(schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = SCHEMAS[str(schema["$ref"]).removeprefix(_REF_PREFIX)]
    return schema


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        # JSON Schema counts 2.0 as an integer; handlers convert with int().
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES[name])


def _type_names(schema: Schema) -> list[str]:
    types = schema.get("type")
    if types is None:
        return []
    return [types] if isinstance(types, str) else list(types)


def _type_fits(value: Any, schema: Schema) -> bool:
    names = _type_names(_resolve(schema))
    return not names or any(_is_type(value, name) for name in names)


def _is_binary(schema: Schema | None) -> bool:
    return schema is not None and _resolve(schema).get("format") == "binary"


def _where(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _problem(loc: Loc, text: str) -> Problem:
    return {"loc": list(loc), "msg": f"{_where(loc)}: {text}"}


def check(value: Any, schema: Schema, loc: Loc = ()) -> list[Problem]:
    """The ways `value` breaks `schema`: [{"loc": [...], "msg": "..."}], empty when it fits."""
    problems: list[Problem] = []
    if "$ref" in schema:
        problems.extend(check(value, _resolve(schema), loc))
    for branch in schema.get("allOf", ()):
        problems.extend(check(value, branch, loc))
    # oneOf is checked like anyOf: at least one branch must fit (see _options).
    for key in ("anyOf", "oneOf"):
        if key in schema:
            problems.extend(_options(value, schema[key], loc))
    problems.extend(_own_keywords(value, schema, loc))
    return problems


def _options(value: Any, options: Sequence[Schema], loc: Loc) -> list[Problem]:
    attempts = [check(value, option, loc) for option in options]
    if any(not problems for problems in attempts):
        return []
    # Report on the alternative of the value's own JSON type, so that the message names
    # the nested field at fault rather than "expected string".
    fitting = [a for o, a in zip(options, attempts, strict=True) if _type_fits(value, o)]
    return min(fitting or attempts, key=len)


def _own_keywords(value: Any, schema: Schema, loc: Loc) -> list[Problem]:
    if schema.get("format") == "binary":
        # A multipart file: check_form passes its content as bytes.
        if not isinstance(value, (bytes, bytearray)):
            return [_problem(loc, "expected a file")]
        if len(value) < schema.get("minLength", 0):
            return [_problem(loc, f"the file must hold at least {schema['minLength']} byte(s)")]
        return []
    names = _type_names(schema)
    if names and not any(_is_type(value, name) for name in names):
        return [_problem(loc, f"expected {' or '.join(names)}")]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(v) for v in schema["enum"])
        return [_problem(loc, f"must be one of {allowed}")]
    if "const" in schema and value != schema["const"]:
        return [_problem(loc, f"must be {schema['const']!r}")]
    problems: list[Problem] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = [f">= {low}"] if low is not None else []
            bounds += [f"<= {high}"] if high is not None else []
            problems.append(_problem(loc, f"must be {' and '.join(bounds)}"))
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        problems.append(_problem(loc, f"must be at least {schema['minLength']} character(s)"))
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(_problem(loc, f"must match {schema['pattern']}"))
    if (
        isinstance(value, str)
        and schema.get("format") == "date-time"
        and _clock.parse_date_time(value) is None
    ):
        problems.append(
            _problem(loc, f"must be an RFC 3339 date-time with a time zone, e.g. {_clock.EXAMPLE}")
        )
    if isinstance(value, dict):
        properties: Mapping[str, Schema] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                kind = "file" if _is_binary(properties.get(name)) else "field"
                problems.append(_problem((*loc, name), f"{kind} required"))
        for name, sub in properties.items():
            if name in value:
                problems.extend(check(value[name], sub, (*loc, name)))
        extra = schema.get("additionalProperties", True)
        for name in (name for name in value if name not in properties):
            if extra is False:
                problems.append(_problem((*loc, name), "unexpected field"))
            elif isinstance(extra, Mapping):
                problems.extend(check(value[name], extra, (*loc, name)))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(_problem(loc, f"must have at least {schema['minItems']} item(s)"))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(_problem(loc, f"must have at most {schema['maxItems']} item(s)"))
        if "items" in schema:
            for index, item in enumerate(value):
                problems.extend(check(item, schema["items"], (*loc, index)))
    return problems


# --- query and header parameters and multipart fields: text, converted to the schema's type ---

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")
_EXPECTED = {"integer": "an integer", "number": "a number", "boolean": "a boolean"}


def from_text(raw: str, schema: Schema) -> Any:
    """`raw` as the JSON type `schema` wants; ValueError("an integer", ...) when it is not."""
    names = _type_names(_resolve(schema))
    if not names or "string" in names:
        return raw
    for name in names:
        if name == "integer":
            try:
                return int(raw)
            except ValueError:
                pass
        elif name == "number":
            try:
                return float(raw)
            except ValueError:
                pass
        elif name == "boolean" and raw.lower() in _TRUE + _FALSE:
            return raw.lower() in _TRUE
    raise ValueError(_EXPECTED.get(names[0], names[0]))


def check_parameters(op_id: str, place: str, values: Callable[[str], list[str]]) -> list[Problem]:
    """The problems of the `place` ("query" or "header") parameters (`values(name)`: the values
    sent for `name`)."""
    problems: list[Problem] = []
    for param in OPERATIONS[op_id][place]:
        name: str = param["name"]
        schema: Schema = param["schema"]
        raws = values(name)
        if not raws:
            if param["required"]:
                problems.append(
                    {"loc": [place, name], "msg": f"{name}: {place} parameter required"}
                )
            continue
        try:
            if "array" in _type_names(_resolve(schema)):
                items = _resolve(schema).get("items", {})
                value: Any = [from_text(raw, items) for raw in raws]
            else:
                value = from_text(raws[-1], schema)  # the last one, as the handlers read it
        except ValueError as exc:
            message = f"{name}: expected {exc}, got {raws[-1]!r}"
            problems.append({"loc": [place, name], "msg": message})
            continue
        for problem in check(value, schema, (name,)):
            problems.append({**problem, "loc": [place, *problem["loc"]]})
    return problems


def check_request(
    op_id: str,
    query: Callable[[str], list[str]],
    headers: Callable[[str], list[str]],
    body: Any,
) -> list[Problem]:
    """The problems of a request's headers, query and JSON body (multipart: `check_form`)."""
    problems = check_parameters(op_id, "header", headers)
    problems += check_parameters(op_id, "query", query)
    schema = json_body(op_id)
    if schema is not None and (body is not None or OPERATIONS[op_id]["body"]["required"]):
        problems.extend(check(body, schema))
    return problems


def check_form(
    op_id: str, fields: Mapping[str, str], files: Mapping[str, bytes]
) -> tuple[dict[str, Any], list[Problem]]:
    """A multipart body's values and problems: text fields converted to their schema's type,
    the `binary` fields taken from the files (a file-only field sent as text is missing)."""
    body = OPERATIONS[op_id]["body"]
    schema: Schema = body["schema"]
    binary = set(body["binary"])
    properties: Mapping[str, Schema] = _resolve(schema).get("properties", {})
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, raw in fields.items():
        if name in binary:
            continue
        try:
            values[name] = from_text(raw, properties[name]) if name in properties else raw
        except ValueError as exc:
            problems.append(_problem((name,), f"expected {exc}"))
    values.update({name: data for name, data in files.items() if name in binary})
    unconverted = {problem["loc"][0] for problem in problems}
    problems += [p for p in check(values, schema) if not p["loc"] or p["loc"][0] not in unconverted]
    # The text fields' problems first, then the files'.
    problems.sort(key=lambda problem: bool(problem["loc"]) and problem["loc"][0] in binary)
    return values, problems


def summary(problems: Sequence[Mapping[str, Any]]) -> str:
    """One line naming the first problems."""
    text = "; ".join(str(p["msg"]) for p in problems[:3])
    return text + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
