"""The success examples of openapi.yaml, as requests: one per request-body example of each
operation (an operation without a body: one), with every parameter's `example`.

The known-good contract requests (test_known_good_requests.py) and the SDK calls of
tests/mock/test_operation_examples.py are these, so a new operation is covered by its
examples. A required parameter without an `example` (or `default`), or a required body
without `examples`, is listed by `missing_examples`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from gatewise._generated.request_schemas import OPERATIONS
from gatewise.testing import MockGateway
from tests.openapi import load_spec

_METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class RequestExample:
    """One example request: `name` is `<operationId>` or `<operationId>-<example name>`."""

    name: str
    operation_id: str
    method: str  # upper case
    path: str  # the template
    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    media_type: str | None = None

    @property
    def streams(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    def upload(self) -> dict[str, Any]:
        """The body with each file field (the spec's example: its text) as bytes."""
        assert isinstance(self.body, dict)
        files = OPERATIONS[self.operation_id]["body"]["binary"]
        return {k: v.encode() if k in files else v for k, v in self.body.items()}


def _resolve(node: Any) -> Any:
    spec = load_spec()
    while isinstance(node, dict) and "$ref" in node:
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            spec = spec[part]
        node, spec = spec, load_spec()
    return node


def _operations() -> list[tuple[str, str, dict[str, Any], list[Any]]]:
    return [
        (path, method, operation, item.get("parameters", []))
        for path, item in load_spec()["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    ]


def _example_of(parameter: dict[str, Any]) -> tuple[bool, Any]:
    if "example" in parameter:
        return True, parameter["example"]
    examples = parameter.get("examples") or {}
    if examples:
        return True, _resolve(next(iter(examples.values())))["value"]
    schema = _resolve(parameter.get("schema", {}))
    if "default" in schema:
        return True, schema["default"]
    return False, None


@functools.cache
def missing_examples() -> tuple[str, ...]:
    """What the spec lacks for every operation to have a complete success example."""
    missing = []
    for _path, _method, operation, shared in _operations():
        op_id = operation["operationId"]
        for parameter in (_resolve(p) for p in [*shared, *operation.get("parameters", [])]):
            if parameter.get("required") and not _example_of(parameter)[0]:
                missing.append(f"{op_id}: parameter {parameter['name']!r} has no example")
        body = _resolve(operation.get("requestBody")) or {}
        contents = body.get("content", {}).values()
        if body.get("required") and not any(c.get("examples") for c in contents):
            missing.append(f"{op_id}: the request body has no examples")
    return tuple(missing)


@functools.cache
def request_examples() -> tuple[RequestExample, ...]:
    found = []
    for path, method, operation, shared in _operations():
        op_id = operation["operationId"]
        places: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}}
        for parameter in (_resolve(p) for p in [*shared, *operation.get("parameters", [])]):
            known, value = _example_of(parameter)
            given = "example" in parameter or "examples" in parameter
            if known and (given or parameter.get("required")) and parameter["in"] in places:
                places[parameter["in"]][parameter["name"]] = value
        common = {
            "operation_id": op_id,
            "method": method.upper(),
            "path": path,
            "path_parameters": places["path"],
            "query": places["query"],
            "headers": {name: str(value) for name, value in places["header"].items()},
        }
        body = _resolve(operation.get("requestBody"))
        bodies = [
            (f"{op_id}-{name}", media_type, _resolve(example)["value"])
            for media_type, content in (body or {}).get("content", {}).items()
            for name, example in (content.get("examples") or {}).items()
        ]
        if not bodies:
            found.append(RequestExample(name=op_id, **common))
        for name, media_type, value in bodies:
            found.append(RequestExample(name=name, body=value, media_type=media_type, **common))
    return tuple(found)


@contextlib.contextmanager
def example_gateway(
    admin_key: str = "gw-examples-admin",
) -> Iterator[tuple[MockGateway, dict[str, str]]]:
    """A fresh gateway with a spare key, a video job and logged calls, and the ids the
    examples' `key_id` and `task_id` path parameters stand for on it."""
    headers = {"Authorization": f"Bearer {admin_key}"}
    chat = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "Say hello."}]}
    with (
        MockGateway(api_key=admin_key, video_seconds=0.2) as gateway,
        httpx.Client(base_url=gateway.url, headers=headers) as http,
    ):
        key = http.post("/v1/admin/keys", json={"name": "spare"}).json()["id"]
        task = http.post("/v1/videos", json={"model": "byteplus/seedance", "prompt": "x"})
        for team in ("search", "search", "ads"):
            http.post("/v1/chat/completions", json=chat, headers={"X-Attr-Team": team})
        yield gateway, {"key_id": key, "task_id": task.json()["task_id"]}
