"""Odd arguments fail with ValueError/TypeError before anything is sent (a real server on
127.0.0.1 records that nothing arrived), and odd server hints are sanitised."""

from __future__ import annotations

import contextlib
import inspect
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise, RetryConfig
from gatewise._resource import SyncAPIResource
from tests import answers
from tests.openapi import load_spec
from tests.support import MESSAGES

from .conftest import API_KEY, RecordingServer

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _resources(node: object, name: str) -> Iterator[tuple[str, object]]:
    """Every resource of the client's tree, by attribute path (client.admin.keys, ...)."""
    for attr in dir(type(node)):
        if attr.startswith(("_", "with_")):
            continue
        child = getattr(node, attr)
        if isinstance(child, SyncAPIResource):
            yield f"{name}.{attr}", child
            yield from _resources(child, f"{name}.{attr}")


def _positional_methods(client: Gatewise) -> Iterator[tuple[Any, list[str]]]:
    """Every operation method with positional parameters (path parameters among them)."""
    for _, resource in [("client", client), *_resources(client, "client")]:
        for attr, method in inspect.getmembers(resource, inspect.ismethod):
            if attr.startswith("_") or attr in ("batch", "iter_batch"):  # run operations
                continue
            params = inspect.signature(method).parameters.values()
            positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
            if positional:
                yield method, positional


def _required_keywords(method: Any) -> dict[str, Any]:
    params = inspect.signature(method).parameters.values()
    return {p.name: {} for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty}


def _spec_path_operations() -> set[tuple[str, str]]:
    """(METHOD, path template) of every operation of openapi.yaml with a path parameter."""
    return {
        (method.upper(), path)
        for path, item in load_spec()["paths"].items()
        if "{" in path
        for method in item
        if method in HTTP_METHODS
    }


def _template_of(raw_path: str, templates: set[str]) -> str | None:
    for template in templates:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), raw_path):
            return template
    return None


def test_dot_and_empty_path_parameters_are_refused_for_every_operation(
    server: RecordingServer, client: Gatewise
) -> None:
    # Which positional parameters go into the path: each gets a marker value, then the
    # path that arrived says which (and which spec operation was reached).
    server.answer({})
    templates = {path for _, path in _spec_path_operations()}
    reached = set()
    path_methods = []
    for method, positional in _positional_methods(client):
        before = len(server.requests)
        with contextlib.suppress(gatewise.GatewiseError):  # {} may not fit the answer's model
            method(*[f"marker-{name}" for name in positional], **_required_keywords(method))
        (request,) = server.requests[before:]
        in_path = [name for name in positional if f"marker-{name}" in request.raw_path]
        if in_path:
            path_methods.append((method, positional, in_path))
            reached.add((request.method, _template_of(request.raw_path, templates)))
    assert _spec_path_operations() <= reached
    server.requests.clear()
    for method, positional, in_path in path_methods:
        for param in in_path:
            for bad in (".", "..", ""):
                args = [bad if name == param else "id1" for name in positional]
                with pytest.raises(ValueError, match=param):
                    method(*args, **_required_keywords(method))
    assert server.requests == []


def test_a_dot_inside_an_id_is_fine(server: RecordingServer, client: Gatewise) -> None:
    server.answer(None, 204)
    client.admin.keys.delete("key.v2")
    assert server.last.raw_path == "/v1/admin/keys/key.v2"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_in_the_body_are_refused_before_sending(
    server: RecordingServer, client: Gatewise, bad: float
) -> None:
    create = client.chat.completions.create
    with pytest.raises(ValueError, match="temperature"):
        create(model="openai/gpt-4o", messages=MESSAGES, temperature=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"extra\[1\]\.x"):
        create(model="openai/gpt-4o", messages=MESSAGES, extra_body={"extra": [1, {"x": bad}]})  # type: ignore[arg-type]
    assert server.requests == []


def test_nan_as_text_is_still_sent(server: RecordingServer, client: Gatewise) -> None:
    server.answer(answers.CHAT)
    messages = [{"role": "user", "content": "NaN Infinity"}]
    client.chat.completions.create(model="openai/gpt-4o", messages=messages)  # type: ignore[arg-type]
    assert server.last.json()["messages"][0]["content"] == "NaN Infinity"


def test_non_finite_numbers_in_a_multipart_form_are_refused(
    server: RecordingServer, client: Gatewise
) -> None:
    with pytest.raises(ValueError, match="strength"):
        client.images.edit(
            model="openai/dall-e-2",
            image=b"\x89PNG",
            prompt="x",
            extra_body={"strength": float("nan")},
        )
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        client.images.edit(
            model="openai/dall-e-2",
            image=b"\x89PNG",
            prompt="x",
            extra_body={"weights": [float("inf")]},
        )
    assert server.requests == []


@pytest.mark.parametrize("option", ["extra_query", "extra_body"])
def test_extra_query_and_body_must_be_mappings(
    server: RecordingServer, client: Gatewise, option: str
) -> None:
    with pytest.raises(TypeError, match=option):
        client.models.list(**{option: "a=b"})  # type: ignore[misc]
    assert server.requests == []


@pytest.mark.parametrize("bad", [0, 0.0, -1, float("nan"), float("inf")])
def test_timeout_zero_negative_or_not_finite_is_a_value_error(
    server: RecordingServer, client: Gatewise, bad: float
) -> None:
    with pytest.raises(ValueError, match="timeout"):
        Gatewise(api_key=API_KEY, base_url=server.url, timeout=bad)
    with pytest.raises(ValueError, match="timeout"):
        client.with_options(timeout=bad)
    with pytest.raises(ValueError, match="timeout"):
        client.models.list(timeout=bad)
    with pytest.raises(ValueError, match="read"):
        client.models.list(timeout=httpx.Timeout(5.0, read=bad))
    assert server.requests == []


def test_a_timeout_of_a_wrong_type_is_a_type_error(client: Gatewise) -> None:
    with pytest.raises(TypeError, match="timeout"):
        client.models.list(timeout="5")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["x", float("nan"), -1.0, float("inf")])
def test_fallback_cooldown_is_checked_at_construction(server: RecordingServer, bad: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="fallback_cooldown"):
        Gatewise(api_key=API_KEY, base_url=server.url, fallback_cooldown=bad)


@pytest.mark.parametrize(
    ("waiting", "error"),
    [
        ({"poll_interval": 0}, ValueError),
        ({"poll_interval": -1.0}, ValueError),
        ({"poll_interval": float("nan")}, ValueError),
        ({"poll_interval": "2"}, TypeError),
        ({"wait_timeout": -5.0}, ValueError),
        ({"wait_timeout": float("inf")}, ValueError),
        ({"on_progress": "print"}, TypeError),
    ],
)
async def test_video_generate_checks_waiting_arguments_before_submitting(
    server: RecordingServer, client: Gatewise, waiting: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        client.video.generate(model="byteplus/seedance", prompt="fox", **waiting)
    async with AsyncGatewise(api_key=API_KEY, base_url=server.url) as aclient:
        with pytest.raises(error):
            await aclient.video.generate(model="byteplus/seedance", prompt="fox", **waiting)
    assert server.requests == []


@pytest.mark.parametrize("bad", ["1e999", "inf", "nan", "-5", "99999999999"])
def test_retry_after_out_of_range_is_capped(
    server: RecordingServer, client: Gatewise, bad: str
) -> None:
    server.answer(
        {"error": {"message": "slow down", "type": "rate_limit"}}, 429, {"Retry-After": bad}
    )
    with pytest.raises(gatewise.RateLimitError) as caught:
        client.models.list(retry=RetryConfig(max_retries=0))
    retry_after = caught.value.retry_after
    assert retry_after is None or 0 <= retry_after <= 24 * 3600
    json.dumps(retry_after, allow_nan=False)


def test_huge_retry_after_with_a_small_max_delay_retries_soon(
    server: RecordingServer, client: Gatewise
) -> None:
    server.then({"error": {"message": "slow"}}, 429, {"Retry-After": "1e999"}).then(answers.CHAT)
    retry = RetryConfig(max_retries=1, max_delay=0.01)
    assert client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, retry=retry)  # type: ignore[arg-type]
    assert len(server.requests) == 2


@pytest.mark.parametrize("field", ["max_delay", "initial_delay", "multiplier", "max_elapsed"])
@pytest.mark.parametrize("bad", [float("inf"), float("nan"), -1.0])
def test_retry_config_refuses_non_finite_or_negative_numbers(field: str, bad: float) -> None:
    with pytest.raises(ValueError, match=field):
        RetryConfig(**{field: bad})
