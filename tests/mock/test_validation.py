"""Requests are checked against the spec's request schemas: 422 (400 for bad JSON)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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


def test_check_reports_nested_problems_with_their_location() -> None:
    body = {"model": "m", "messages": [{"role": "robot"}, {"role": "user", "tool_calls": [{}]}]}
    problems = _validation.check(body, _validation.CHAT_REQUEST)
    assert [p["loc"] for p in problems] == [
        ["messages", 0, "role"],
        ["messages", 1, "tool_calls", 0, "id"],
        ["messages", 1, "tool_calls", 0, "type"],
        ["messages", 1, "tool_calls", 0, "function"],
    ]
    assert _validation.summary(problems).endswith("(and 1 more)")


def test_check_accepts_nulls_only_where_the_schema_allows_them() -> None:
    tool = {"type": "function", "function": {"name": "f", "strict": None}}
    assert _validation.check(chat_body(tools=[tool]), _validation.CHAT_REQUEST) == []
    assert _validation.check(chat_body(seed=None), _validation.CHAT_REQUEST) != []
    assert _validation.check(True, {"type": "integer"}) != []
