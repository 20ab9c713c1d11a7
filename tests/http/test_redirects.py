"""Redirects: same-origin ones are followed by the SDK; one to another origin (two servers on
127.0.0.1, different ports) is refused, so the key, the body and the Idempotency-Key never
reach it, whatever the caller's own http_client would do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise
from tests import answers
from tests.rawserver import ScriptedServer, raw_answer, scripted_server
from tests.support import MESSAGES, NO_RETRY

from .conftest import API_KEY

CHAT_ANSWER = raw_answer(200, json.dumps(answers.CHAT).encode(), "Content-Type: application/json")


def redirect(status: int, location: str) -> Any:
    return raw_answer(status, b"", f"Location: {location}")


@contextmanager
def two_origins(status: int) -> Iterator[tuple[ScriptedServer, ScriptedServer]]:
    """`first` redirects every call to `other`, another origin (another port)."""
    with scripted_server(CHAT_ANSWER) as other:
        location = f"{other.url}/v1/chat/completions"
        with scripted_server(redirect(status, location)) as first:
            yield first, other


def _head_and_body(raw: bytes) -> tuple[str, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return head.decode("latin-1").lower(), body


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("own_client", [False, True])
def test_a_redirect_to_another_origin_is_refused_and_sends_nothing_there(
    status: int, own_client: bool
) -> None:
    http_client = httpx.Client(follow_redirects=True) if own_client else None
    with (
        two_origins(status) as (first, other),
        Gatewise(
            api_key=API_KEY, base_url=first.url, retry=NO_RETRY, http_client=http_client
        ) as client,
        pytest.raises(gatewise.APIError) as caught,
    ):
        client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[arg-type]
    if http_client is not None:
        http_client.close()
    assert caught.value.status_code == status
    assert other.url in str(caught.value)
    assert "another origin" in str(caught.value)
    assert other.requests == []
    assert len(first.requests) == 1


async def test_async_client_refuses_a_cross_origin_redirect_too() -> None:
    with two_origins(307) as (first, other):
        async with (
            httpx.AsyncClient(follow_redirects=True) as http_client,
            AsyncGatewise(
                api_key=API_KEY, base_url=first.url, retry=NO_RETRY, http_client=http_client
            ) as client,
        ):
            with pytest.raises(gatewise.APIError, match="another origin"):
                await client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[arg-type]
    assert other.requests == []


def test_another_port_or_scheme_on_the_same_host_is_another_origin() -> None:
    with scripted_server(CHAT_ANSWER) as other:
        https = f"https://127.0.0.1:{other.port}/v1/models"
        with (
            scripted_server(redirect(308, https)) as first,
            Gatewise(api_key=API_KEY, base_url=first.url, retry=NO_RETRY) as client,
            pytest.raises(gatewise.APIError, match="another origin"),
        ):
            client.models.list()
    assert other.requests == []


@pytest.mark.parametrize("status", [307, 308])
def test_a_same_origin_307_308_is_followed_with_method_body_and_key(status: int) -> None:
    with (
        scripted_server(redirect(status, "/v2/chat/completions"), CHAT_ANSWER) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY) as client,
    ):
        result = client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[arg-type]
    assert result.content == "hello"
    (first_head, first_body), (second_head, second_body) = map(_head_and_body, server.requests)
    assert second_head.startswith("post /v2/chat/completions ")
    assert second_body == first_body
    assert f"authorization: bearer {API_KEY.lower()}" in second_head
    key = next(line for line in first_head.split("\r\n") if line.startswith("idempotency-key"))
    assert key in second_head


def test_a_same_origin_303_becomes_a_get_without_body() -> None:
    models = raw_answer(200, b'{"object": "list", "data": []}', "Content-Type: application/json")
    with (
        scripted_server(redirect(303, "/v1/models"), models) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY) as client,
    ):
        client.with_raw_response.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[arg-type]
    second_head, second_body = _head_and_body(server.requests[1])
    assert second_head.startswith("get /v1/models ")
    assert second_body == b""
    assert "content-length" not in second_head


def test_a_redirect_loop_stops_with_a_typed_error() -> None:
    with (
        scripted_server(redirect(307, "/v1/models")) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=NO_RETRY) as client,
        pytest.raises(gatewise.APIError, match="redirects"),
    ):
        client.models.list()
    assert 2 <= len(server.requests) <= 20
