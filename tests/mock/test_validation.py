"""Requests are checked against the spec's request schemas: 422 (400 for bad JSON).

The schemas are generated from openapi.yaml (gatewise._generated.request_schemas);
_validation.check is the small JSON Schema checker that applies them.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gatewise._generated.request_schemas import OPERATIONS, SCHEMAS
from gatewise.testing import _validation

from .conftest import chat_body


def errors(answer: httpx.Response) -> list[dict[str, Any]]:
    assert answer.status_code == 422
    body = answer.json()["error"]
    assert body["type"] == "invalid_request_error"
    assert body["code"] == "validation_error"
    problems: list[dict[str, Any]] = body["details"]["errors"]
    return problems


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"messages": [{"role": "user", "content": "x"}]}, ["model"]),
        (chat_body(temperature="hot"), ["temperature"]),
        (chat_body(n=0), ["n"]),
        (
            {"model": "gpt-4o", "messages": [{"role": "user", "content": 5}]},
            ["messages", 0, "content"],
        ),
        (chat_body(tool_choice={"type": "function"}), ["tool_choice", "function"]),
        (chat_body(stream="yes"), ["stream"]),
        (chat_body(stop=["a", 1]), ["stop", 1]),
    ],
)
def test_chat_requests_that_break_the_spec_get_422_naming_the_field(
    client: httpx.Client, body: dict[str, Any], loc: list[Any]
) -> None:
    assert loc in [
        problem["loc"] for problem in errors(client.post("/v1/chat/completions", json=body))
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/completions", {"model": "gpt-4o"}),
        ("/v1/embeddings", {"model": "m", "input": [1.5]}),
        ("/v1/embeddings", {"model": "m", "input": "x", "encoding_format": "hex"}),
        ("/v1/images/generations", {"model": "dall-e-3", "prompt": "x", "response_format": "gif"}),
        ("/v1/videos", {"model": "byteplus/seedance", "prompt": "x", "seconds": 0}),
        ("/v1/admin/config", {"config": []}),
        ("/v1/admin/keys", {"scopes": ["chat"]}),
    ],
)
def test_other_operations_check_their_bodies_too(
    client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    assert errors(client.post(path, json=body))


def test_a_body_that_is_not_json_is_400(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/chat/completions", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"


def test_integral_floats_count_as_integers_as_json_schema_says(client: httpx.Client) -> None:
    answer = client.post("/v1/chat/completions", json=chat_body("a b c", max_tokens=2.0, n=1.0))
    assert answer.status_code == 200
    assert answer.json()["choices"][0]["message"]["content"] == "a b"
    assert errors(client.post("/v1/chat/completions", json=chat_body(max_tokens=2.5)))


def test_unknown_extra_fields_are_accepted(client: httpx.Client) -> None:
    assert client.post("/v1/chat/completions", json=chat_body(vendor_flag=True)).status_code == 200


CHAT_REQUEST = {"$ref": "#/components/schemas/ChatCompletionRequest"}


def test_check_reports_nested_problems_with_their_location() -> None:
    body = {"model": "m", "messages": [{"role": "robot"}, {"role": "user", "tool_calls": [{}]}]}
    problems = _validation.check(body, CHAT_REQUEST)
    assert [p["loc"] for p in problems] == [
        ["messages", 0, "role"],
        ["messages", 1, "tool_calls", 0, "id"],
        ["messages", 1, "tool_calls", 0, "type"],
        ["messages", 1, "tool_calls", 0, "function"],
    ]
    assert _validation.summary(problems).endswith("(and 1 more)")


def test_check_accepts_nulls_only_where_the_schema_allows_them() -> None:
    tool = {"type": "function", "function": {"name": "f", "strict": None}}
    assert _validation.check(chat_body(tools=[tool]), CHAT_REQUEST) == []
    assert _validation.check(chat_body(seed=None), CHAT_REQUEST) != []
    assert _validation.check(True, {"type": "integer"}) != []


def test_enums_stay_closed_as_the_spec_says(client: httpx.Client) -> None:
    """The generator widens enums for the client's models, never for the mock's checks."""
    body = chat_body(messages=[{"role": "robot", "content": "x"}])
    (problem,) = errors(client.post("/v1/chat/completions", json=body))
    assert problem["msg"].startswith("messages.0.role: must be one of 'system', 'developer'")


def _keywords(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, value in schema.items():
        if key == "properties":
            found |= {k for sub in value.values() for k in _keywords(sub)}
        elif key in ("items", "additionalProperties"):
            found |= _keywords(value)
        elif key in ("anyOf", "oneOf", "allOf"):
            found |= {k for sub in value for k in _keywords(sub)}
    return found


def test_the_checker_knows_every_keyword_the_generated_schemas_use() -> None:
    schemas = [*SCHEMAS.values()]
    for operation in OPERATIONS.values():
        if operation["body"] is not None:
            schemas.append(operation["body"]["schema"])
        schemas += [param["schema"] for param in operation["query"] + operation["path_params"]]
    used = set().union(*(_keywords(schema) for schema in schemas))
    assert used <= _validation.KEYWORDS, used - _validation.KEYWORDS


@pytest.mark.parametrize(
    ("value", "schema", "message"),
    [
        ({"a": 1}, {"allOf": [{"required": ["b"]}, {"required": ["c"]}]}, "b: field required"),
        ({"a": 1}, {"properties": {}, "additionalProperties": False}, "a: unexpected field"),
        ({"a": 1}, {"additionalProperties": {"type": "string"}}, "a: expected string"),
        ([], {"type": "array", "minItems": 1}, "body: must have at least 1 item(s)"),
        ([1, 2], {"type": "array", "maxItems": 1}, "body: must have at most 1 item(s)"),
        (5, {"type": "integer", "minimum": 1, "maximum": 4}, "body: must be >= 1 and <= 4"),
        (5, {"type": "integer", "maximum": 4}, "body: must be <= 4"),
        ("b", {"const": "a"}, "body: must be 'a'"),
        ("b", {"oneOf": [{"type": "integer"}, {"enum": ["a"]}]}, "body: must be one of 'a'"),
        ("text", {"type": "string", "format": "binary"}, "body: expected a file"),
        ({}, {"required": ["f"], "properties": {"f": {"format": "binary"}}}, "f: file required"),
    ],
)
def test_check_supports_the_json_schema_the_spec_may_use(
    value: Any, schema: dict[str, Any], message: str
) -> None:
    assert message in [problem["msg"] for problem in _validation.check(value, schema)]
    assert _validation.check(b"png", {"type": "string", "format": "binary"}) == []


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/v1/admin/keys", {"limit": "0"}, "limit: must be >= 1 and <= 1000"),
        ("/v1/admin/keys", {"offset": "-1"}, "offset: must be >= 0"),
        ("/v1/admin/keys", {"limit": "ten"}, "limit: expected an integer, got 'ten'"),
        ("/v1/admin/logs", {"limit": "2000"}, "limit: must be >= 1 and <= 1000"),
        ("/v1/admin/keys/usage", {"active": "maybe"}, "active: expected a boolean, got 'maybe'"),
        ("/v1/models/search", {}, "q: query parameter required"),
    ],
)
def test_query_parameters_are_checked_against_the_spec(
    client: httpx.Client, path: str, query: dict[str, str], message: str
) -> None:
    answer = client.get(path, params=query)
    (problem,) = errors(answer)
    assert problem == {"loc": ["query", message.split(":")[0]], "msg": message}
    assert answer.json()["error"]["message"] == message


def test_query_booleans_read_as_before(client: httpx.Client) -> None:
    for value in ("true", "1", "yes", "False", "0", "no"):
        assert client.get("/v1/admin/keys", params={"active": value}).status_code == 200


def test_multipart_fields_are_converted_and_checked_against_the_spec(
    client: httpx.Client,
) -> None:
    image = {"image": ("in.png", b"png-bytes", "image/png")}
    fields = {"model": "openai/dall-e-2", "prompt": "x"}
    (problem,) = errors(client.post("/v1/images/edits", data={**fields, "n": "two"}, files=image))
    assert problem == {"loc": ["n"], "msg": "n: expected an integer"}
    (problem,) = errors(client.post("/v1/images/edits", data={**fields, "n": "0"}, files=image))
    assert problem == {"loc": ["n"], "msg": "n: must be >= 1 and <= 10"}
    # A file field sent as text is no file; a text field sent as a file is no field.
    answer = client.post(
        "/v1/images/edits",
        data={"prompt": "x", "image": "not a file"},
        files={"model": ("m.txt", b"openai/dall-e-2")},
    )
    assert errors(answer) == [
        {"loc": ["model"], "msg": "model: field required"},
        {"loc": ["image"], "msg": "image: file required"},
    ]
    answer = client.post("/v1/images/edits", data={**fields, "n": "1"}, files=image)
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("field", "refused", "accepted"),
    [
        ("temperature", [-0.1, 2.01], [0, 2]),
        ("top_p", [-0.1, 1.5], [0, 1]),
        ("frequency_penalty", [-2.5, 2.5], [-2, 2]),
        ("presence_penalty", [-2.5, 2.5], [-2, 2]),
        ("max_tokens", [0], [1]),
        ("max_completion_tokens", [0], [1]),
        ("top_logprobs", [-1, 21], [0, 20]),
    ],
)
def test_chat_sampling_parameters_have_openais_bounds(
    client: httpx.Client, field: str, refused: list[float], accepted: list[float]
) -> None:
    for value in refused:
        answer = client.post("/v1/chat/completions", json=chat_body(**{field: value}))
        assert [field] in [problem["loc"] for problem in errors(answer)], value
    for value in accepted:
        answer = client.post("/v1/chat/completions", json=chat_body(**{field: value}))
        assert answer.status_code == 200, (value, answer.text)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", 2.5),
        ("top_p", 1.1),
        ("frequency_penalty", -3),
        ("presence_penalty", 3),
        ("max_tokens", -1),
        ("logprobs", 6),
    ],
)
def test_completion_sampling_parameters_have_openais_bounds(
    client: httpx.Client, field: str, value: float
) -> None:
    body = {"model": "openai/gpt-3.5-turbo-instruct", "prompt": "Hi", field: value}
    assert [field] in [
        problem["loc"] for problem in errors(client.post("/v1/completions", json=body))
    ]
