"""Contract, the other half: the spec's success examples (tests/contract/examples.py: one
per request-body example of each operation, streamed ones included), each answer judged by
the same schemathesis checks as the generated ones. Generated values mostly earn 4xx answers; these make sure
every operation's success answer is judged, on a gateway holding real keys, jobs and logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gatewise.testing import MockGateway
from tests.openapi import load_spec

from .contract import ADMIN_HEADERS, ADMIN_KEY, JSON_CHECKS, STREAM_CHECKS, is_event_stream, schema
from .examples import RequestExample, example_gateway, missing_examples, request_examples


@pytest.fixture
def busy_gateway() -> Iterator[tuple[MockGateway, dict[str, str]]]:
    with example_gateway(ADMIN_KEY) as (gateway, ids):
        yield gateway, ids


def _parts(example: RequestExample, ids: dict[str, str]) -> dict[str, Any]:
    """The case of the example, on the gateway's own key and video job."""
    parts: dict[str, Any] = {
        "path_parameters": {name: ids.get(name, v) for name, v in example.path_parameters.items()},
        "query": example.query,
        "headers": example.headers,
    }
    if example.media_type is not None:
        multipart = example.media_type == "multipart/form-data"
        parts.update(body=example.upload() if multipart else example.body)
        parts.update(media_type=example.media_type)
    return {name: value for name, value in parts.items() if value}


def test_every_operation_of_the_spec_has_a_complete_success_example() -> None:
    declared = {
        (method.upper(), path)
        for path, item in load_spec()["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "delete", "put")
    }

    assert missing_examples() == ()
    assert {(example.method, example.path) for example in request_examples()} == declared


@pytest.mark.parametrize(
    "example", [pytest.param(example, id=example.name) for example in request_examples()]
)
def test_a_known_good_request_gets_a_conforming_success_answer(
    busy_gateway: tuple[MockGateway, dict[str, str]], example: RequestExample
) -> None:
    gateway, ids = busy_gateway
    case = schema[example.path][example.method].Case(**_parts(example, ids))

    response = case.call(base_url=gateway.url, headers=ADMIN_HEADERS)

    assert 200 <= response.status_code < 300, response.text
    assert is_event_stream(response) == example.streams
    checks = STREAM_CHECKS if is_event_stream(response) else JSON_CHECKS
    case.validate_response(response, checks=checks)
