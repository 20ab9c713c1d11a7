"""Every operation of the spec through the SDK, sync and async, against the mock: each of
the spec's success examples (tests/contract/examples.py) becomes the generated method's
call (the method, its argument names and which are positional read from the codegen IR),
and the typed result must be what the operation answers.

A new operation is covered here by its examples; tests/http/test_operations.py adds
hand-checked requests and results for the older ones.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from codegen.ir import Operation, build_api
from codegen.spec import load_spec

import gatewise
from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway
from tests import SPEC_PATH

from ..contract.examples import RequestExample, example_gateway, request_examples

EXAMPLES = [pytest.param(example, id=example.name) for example in request_examples()]


@functools.cache
def _operations() -> dict[str, Operation]:
    return {op.operation_id: op for op in build_api(load_spec(SPEC_PATH)).operations}


@pytest.fixture
def busy_gateway() -> Iterator[tuple[MockGateway, dict[str, str]]]:
    with example_gateway() as (gateway, ids):
        yield gateway, ids


def _call(client: Any, example: RequestExample, ids: dict[str, str]) -> tuple[Operation, Any]:
    """What calling the example's generated method on `client` returns (maybe awaitable)."""
    op = _operations()[example.operation_id]
    target = client
    for part in op.resource:
        target = getattr(target, part)
    body = example.upload() if example.media_type == "multipart/form-data" else example.body
    values = {
        **{name: ids.get(name, value) for name, value in example.path_parameters.items()},
        **example.query,
        **(body or {}),
    }
    args = [values[p.wire_name] for p in op.positional if p.wire_name in values]
    kwargs = {p.name: values[p.wire_name] for p in op.keyword if p.wire_name in values}
    return op, getattr(target, op.method)(*args, **kwargs)


def _check(op: Operation, result: Any) -> list[Any]:
    """The result is what the operation answers; returns stream chunks still to read."""
    if op.stream is not None and isinstance(result, (gatewise.Stream, gatewise.AsyncStream)):
        return [result]
    if op.job is not None:
        result = result.task
    if op.returns == "none":
        assert result is None
    elif op.returns == "model":
        assert type(result).__name__ == op.response, result
    else:
        assert all(type(item).__name__ == op.item for item in result), result
    return []


def _check_chunks(op: Operation, chunks: list[Any]) -> None:
    assert op.stream is not None
    assert chunks
    assert {type(chunk).__name__ for chunk in chunks} == {op.stream.chunk}


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_sync_client_sends_the_example_and_gets_the_answer_model(
    busy_gateway: tuple[MockGateway, dict[str, str]], example: RequestExample
) -> None:
    gateway, ids = busy_gateway
    with Gatewise(api_key=gateway.api_key, base_url=gateway.url, max_retries=0) as client:
        op, result = _call(client, example, ids)
        for stream in _check(op, result):
            with stream:
                chunks = list(stream)
            _check_chunks(op, chunks)


@pytest.mark.parametrize("example", EXAMPLES)
async def test_the_async_client_sends_the_example_and_gets_the_answer_model(
    busy_gateway: tuple[MockGateway, dict[str, str]], example: RequestExample
) -> None:
    gateway, ids = busy_gateway
    async with AsyncGatewise(
        api_key=gateway.api_key, base_url=gateway.url, max_retries=0
    ) as client:
        op, pending = _call(client, example, ids)
        assert inspect.isawaitable(pending)
        for stream in _check(op, await pending):
            async with stream:
                chunks = [chunk async for chunk in stream]
            _check_chunks(op, chunks)
