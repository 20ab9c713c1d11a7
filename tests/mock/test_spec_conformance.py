"""The mock against openapi.yaml: it serves every operation, and checks every request body
and query of the spec against that operation's schemas (generated from the spec).

The request schemas are gatewise._generated.request_schemas (`python -m codegen --check`
keeps them current); these tests send requests that break the spec to every operation with
a body or query parameters and expect the 422 naming each broken field, the expectations
read from openapi.yaml itself. (Answers are checked against the spec in every test, by the
client hook in conftest.)
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema
import pytest

from gatewise._generated.request_schemas import OPERATIONS
from gatewise.testing import MockGateway, _app, _keys, _logs
from gatewise.testing._handlers import HANDLERS

from .conftest import ANTHROPIC_VERSION
from .spec import SpecChecker

WITH_BODY = sorted(op_id for op_id, op in OPERATIONS.items() if op["body"] is not None)
WITH_QUERY = sorted(op_id for op_id, op in OPERATIONS.items() if op["query"])


@pytest.fixture
def checker(spec_checker: SpecChecker) -> SpecChecker:
    return spec_checker


def _spec_operations(checker: SpecChecker) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (METHOD, path template, operation)."""
    return {
        operation["operationId"]: (method.upper(), path, operation)
        for path, item in checker.spec["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }


def _url(path: str) -> str:
    """The path template with every parameter filled in (checks run before any lookup)."""
    return path.replace("{", "").replace("}", "")


def test_the_mock_serves_exactly_the_operations_of_the_spec(checker: SpecChecker) -> None:
    spec_operations = {(method, path) for method, path, _ in _spec_operations(checker).values()}
    served = {(route.method, route.template.replace(":path}", "}")) for route in _app._routes()}
    assert served - {("GET", "/files/{name}")} == spec_operations


def test_every_operation_of_the_spec_has_a_handler() -> None:
    unserved = [route.operation_id for route in _app._routes() if route.handler is None]

    assert unserved == [], "register a handler with @handles(operationId) in gatewise.testing"


def test_an_operation_without_a_handler_answers_501(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(HANDLERS, "getInfo")
    with MockGateway(api_key="sk-test") as gateway:
        answer = httpx.get(f"{gateway.url}/v1/info", headers={"Authorization": "Bearer sk-test"})

    assert answer.status_code == 501
    assert "getInfo" in answer.json()["error"]["message"]


def test_every_route_checks_requests_against_its_spec_operation(checker: SpecChecker) -> None:
    routes = {route.operation_id: route for route in _app._routes()}
    for op_id, (method, path, _) in _spec_operations(checker).items():
        route = routes.get(op_id)
        assert route is not None, f"no route checks requests against {op_id}"
        assert (route.method, route.template.replace(":path}", "}")) == (method, path)


def test_the_generated_request_schemas_have_every_body_and_query_of_the_spec(
    checker: SpecChecker,
) -> None:
    for op_id, (method, path, operation) in _spec_operations(checker).items():
        generated = OPERATIONS[op_id]
        assert (generated["method"], generated["path"]) == (method, path)
        body = operation.get("requestBody")
        assert (generated["body"] is None) == (body is None), op_id
        if body is not None:
            assert [generated["body"]["content_type"]] == list(body["content"]), op_id
        for place in ("query", "header"):
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == place]
            assert [p["name"] for p in generated[place]] == names, (op_id, place)


def test_the_routes_need_the_key_the_spec_says(checker: SpecChecker) -> None:
    for route in _app._routes():
        operation = checker.operation(route.method, route.template.replace(":path}", "}"))
        if operation is None:
            continue
        open_route = operation.get("security") == []
        assert (route.scope is None) == open_route, route.template


def _problems(answer: httpx.Response) -> list[list[Any]]:
    """The locations of the answer's schema errors (Anthropic: 400 with the problem text)."""
    if answer.request.url.path.startswith("/anthropic/"):
        assert answer.status_code == 400, answer.text
        return [[]] if answer.json()["type"] == "error" else []
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", "validation_error")
    return [problem["loc"] for problem in error["details"]["errors"]]


@pytest.mark.parametrize("op_id", WITH_BODY)
def test_every_request_body_is_checked_against_the_spec(
    checker: SpecChecker, client: httpx.Client, op_id: str
) -> None:
    method, path, operation = _spec_operations(checker)[op_id]
    ((media_type, content),) = operation["requestBody"]["content"].items()
    schema = checker.resolve(content["schema"])
    required = schema.get("required", [])
    anthropic = path.startswith("/anthropic/")
    if anthropic:
        client.headers.update(ANTHROPIC_VERSION)
    if media_type == "multipart/form-data":
        # Only a field the spec does not know: every required field is missing, files too.
        form = client.request(method, _url(path), files={"unknown": ("a.bin", b"x")})
        assert sorted(_problems(form)) == sorted([name] for name in required)
        return
    assert media_type == "application/json"
    assert schema["type"] == "object"
    not_an_object = client.request(method, _url(path), json=[])
    assert _problems(not_an_object) == [[]]
    empty = client.request(method, _url(path), json={})
    if anthropic:
        assert all(f"{name}: field required" in empty.text for name in required)
    elif required:
        assert _problems(empty) == [[name] for name in required]
    for name in schema["properties"]:
        wrong = _value_breaking(checker, f"{content['schema']['$ref']}/properties/{name}")
        answer = client.request(method, _url(path), json={name: wrong})
        assert anthropic or [name] in _problems(answer), (op_id, name)


def _value_breaking(checker: SpecChecker, ref: str) -> Any:
    """A value that the schema at `ref` rejects, as the spec's own validator judges."""
    for candidate in (1.5, "text", [], {}):
        try:
            checker.validate({"$ref": ref}, candidate)
        except jsonschema.ValidationError:
            return candidate
    raise AssertionError(f"{ref} accepts every candidate")


def _bad_values(schema: dict[str, Any]) -> list[str]:
    """Query values that break `schema`."""
    kind = schema.get("type")
    bad = {"integer": ["x", "1.5"], "number": ["x"], "boolean": ["maybe"]}.get(kind, [])
    if "minimum" in schema:
        bad.append(str(schema["minimum"] - 1))
    if "maximum" in schema:
        bad.append(str(schema["maximum"] + 1))
    if "enum" in schema:
        bad.append("not-one-of-the-values")
    return bad


@pytest.mark.parametrize("op_id", WITH_QUERY)
def test_every_query_parameter_is_checked_against_the_spec(
    checker: SpecChecker, client: httpx.Client, op_id: str
) -> None:
    method, path, operation = _spec_operations(checker)[op_id]
    params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    assert all(
        checker.resolve(p["schema"]).get("type") == "string" for p in params if p.get("required")
    )
    needed = {p["name"]: "a" for p in params if p.get("required")}
    for param in params:
        name = param["name"]
        if param.get("required"):
            others = {k: v for k, v in needed.items() if k != name}
            answer = client.request(method, _url(path), params=others)
            assert ["query", name] in _problems(answer), (op_id, name)
        for value in _bad_values(checker.resolve(param["schema"])):
            answer = client.request(method, _url(path), params={**needed, name: value})
            assert _problems(answer) == [["query", name]], (op_id, name, value)


def _pattern_names(op_id: str, name: str) -> list[str]:
    """The alternatives of the first group of a query parameter's spec pattern."""
    (schema,) = [p["schema"] for p in OPERATIONS[op_id]["query"] if p["name"] == name]
    found = re.search(r"\(([^()]*)\)", schema["pattern"])
    assert found is not None
    return found.group(1).split("|")


def test_the_spec_patterns_of_restricted_query_parameters_are_what_the_mock_accepts() -> None:
    # The mock refuses other values, so a schema-valid request must be one it accepts.
    assert sorted(_pattern_names("keyUsage", "sort")) == sorted(_keys._USAGE_SORTS)
    dimensions = _pattern_names("logStats", "group_by")
    assert dimensions[-1] == r"attr\.[a-z0-9_]+"
    assert dimensions[:-1] == list(_logs._DIMENSIONS)
