"""openapi.yaml as a test oracle: every answer the mock gives must fit its schema.

`SpecChecker.check_response` is installed as an httpx response hook by conftest, so
each JSON answer of every test is validated against the operation's schema for its
status (errors against the error envelope). Streams are checked frame by frame.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.openapi import component, schema_validator


class SpecChecker:
    """Finds the spec's schema for an answer and validates the answer against it."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.operations: list[tuple[str, re.Pattern[str], dict[str, Any], str]] = []
        for path, item in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$")
            for method, operation in item.items():
                if method != "parameters":
                    self.operations.append((method.upper(), pattern, operation, path))
        # Literal paths before templated ones: /v1/models/search wins over /v1/models/{model_id}.
        self.operations.sort(key=lambda entry: entry[3].count("{"))

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def validate(self, schema: dict[str, Any], instance: Any) -> None:
        schema_validator(schema).validate(instance)

    def validate_named(self, name: str, instance: Any) -> None:
        """Validate against components/schemas/<name>."""
        self.validate(component(name), instance)

    def operation(self, method: str, raw_path: str) -> dict[str, Any] | None:
        for op_method, pattern, operation, _ in self.operations:
            if op_method == method and pattern.match(raw_path):
                return operation
        return None

    def check_response(self, response: httpx.Response) -> None:
        """httpx response hook: validate a JSON answer against the spec."""
        content_type = response.headers.get("content-type", "")
        if "application/json" not in content_type:
            return
        response.read()
        body = json.loads(response.content)
        path = response.request.url.raw_path.decode().split("?", 1)[0]
        anthropic = path.startswith("/anthropic/")
        operation = self.operation(response.request.method, path)
        schema: dict[str, Any] | None = None
        if operation is not None:
            declared = self.resolve(operation["responses"].get(str(response.status_code)))
            if declared is not None:
                schema = declared.get("content", {}).get("application/json", {}).get("schema")
        if schema is None and response.status_code >= 400:
            name = "AnthropicErrorResponse" if anthropic else "ErrorEnvelope"
            schema = component(name)
        if schema is not None:
            self.validate(schema, body)


def sse_events(text: str) -> list[tuple[str | None, str]]:
    """(event name, data) of each SSE frame; asserts frames are blank-line terminated."""
    assert text.endswith("\n\n"), f"stream does not end with a blank line: {text[-40:]!r}"
    frames = []
    for block in text.split("\n\n")[:-1]:
        event: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        frames.append((event, "\n".join(data)))
    return frames
