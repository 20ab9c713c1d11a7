"""The mock against openapi.yaml: its request tables are the spec's, it serves every operation.

(Answers are checked against the spec in every test, by the client hook in conftest.)
"""

from __future__ import annotations

from typing import Any

import pytest

from gatewise.testing import _app, _validation

from .spec import SpecChecker

_IGNORED = {"description", "title", "example", "examples", "default", "format", "contentEncoding"}


def _normal_spec(checker: SpecChecker, node: Any, stack: tuple[str, ...] = ()) -> Any:
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"]
        if name in stack:
            return {"recursive": True}
        return _normal_spec(checker, checker.resolve(node), (*stack, name))
    return _normal(node, lambda child: _normal_spec(checker, child, stack))


def _normal_table(node: Any, ancestors: tuple[int, ...] = ()) -> Any:
    if not isinstance(node, dict):
        return node
    if id(node) in ancestors:
        return {"recursive": True}
    return _normal(node, lambda child: _normal_table(child, (*ancestors, id(node))))


def _normal(node: dict[str, Any], recurse: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _IGNORED or key.startswith("x-"):
            continue
        if key in ("oneOf", "anyOf"):
            out["anyOf"] = [recurse(option) for option in value]
        elif key == "properties":
            out[key] = {name: recurse(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = recurse(value)
        elif key == "type":
            out[key] = sorted([value] if isinstance(value, str) else value)
        elif key == "required":
            out[key] = sorted(value)
        else:
            out[key] = value
    return out


def _request_schemas(checker: SpecChecker) -> dict[str, dict[str, Any]]:
    found = {}
    for item in checker.spec["paths"].values():
        for method, operation in item.items():
            body = operation.get("requestBody") if method != "parameters" else None
            if body:
                (content,) = body["content"].values()
                found[operation["operationId"]] = checker.resolve(content["schema"])
    return found


@pytest.fixture
def checker(spec_checker: SpecChecker | None) -> SpecChecker:
    if spec_checker is None:
        pytest.skip("openapi.yaml is not in this checkout")
    return spec_checker


def test_every_request_body_of_the_spec_has_a_validation_table(checker: SpecChecker) -> None:
    assert set(_request_schemas(checker)) == set(_validation.REQUEST_SCHEMAS)


@pytest.mark.parametrize("operation_id", sorted(_validation.REQUEST_SCHEMAS))
def test_validation_tables_equal_the_spec_request_schemas(
    checker: SpecChecker, operation_id: str
) -> None:
    spec_schema = _normal_spec(checker, _request_schemas(checker)[operation_id])
    table = _normal_table(_validation.REQUEST_SCHEMAS[operation_id])
    if operation_id == "editImage":
        binary = {
            name for name, sub in spec_schema["properties"].items() if sub == {"type": ["string"]}
        }
        binary &= {"image", "mask"}
        files = _validation.IMAGE_EDIT_FILES
        assert binary == {*files["required"], *files["optional"]}
        assert set(files["required"]) == binary & set(spec_schema["required"])
        spec_schema["properties"] = {
            k: v for k, v in spec_schema["properties"].items() if k not in binary
        }
        spec_schema["required"] = [name for name in spec_schema["required"] if name not in binary]
    assert table == spec_schema


def test_the_mock_serves_exactly_the_operations_of_the_spec(checker: SpecChecker) -> None:
    spec_operations = {
        (method.upper(), path)
        for path, item in checker.spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    served = {(route.method, route.template.replace(":path}", "}")) for route in _app._routes()}
    assert served - {("GET", "/files/{name}")} == spec_operations


def test_routes_need_the_key_the_spec_says(checker: SpecChecker) -> None:
    for route in _app._routes():
        operation = checker.operation(route.method, route.template.replace(":path}", "}"))
        if operation is None:
            continue
        open_route = operation.get("security") == []
        assert (route.scope is None) == open_route, route.template
