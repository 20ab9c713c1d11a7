"""Header names and values a caller passes are checked once, before anything is sent: a
ValueError/TypeError that names the header, never a protocol error or a retried failure."""

from __future__ import annotations

from typing import Any

import pytest

from gatewise import Gatewise, RetryConfig
from tests.rawserver import scripted_server
from tests.support import MESSAGES

from .support import API_KEY, GOOD, async_client

RETRY = RetryConfig(max_retries=2, initial_delay=0.001, max_delay=0.01)

REFUSED = {
    "Content-Length": ("0", "'Content-Length' is written by the HTTP layer"),
    "transfer-encoding": ("chunked", "'transfer-encoding' is written by the HTTP layer"),
    "Host": ("evil.example", "'Host' is written by the HTTP layer"),
    "Connection": ("close", "'Connection' is written by the HTTP layer"),
    "X-Tab": ("a\x0bb", "'X-Tab': value must not contain CR, LF, NUL or other controls"),
    "X-Space": ("a ", "'X-Space': value must not start or end with whitespace"),
    "X-Lead": ("\ta", "'X-Lead': value must not start or end with whitespace"),
    "X-Accent": ("é", "'X-Accent': value must be ASCII"),
    "X Bad": ("v", "invalid header name 'X Bad'"),
}


@pytest.mark.parametrize(("name", "value", "message"), [(k, *v) for k, v in REFUSED.items()])
def test_a_bad_extra_header_raises_value_error_naming_it_and_sends_nothing(
    name: str, value: str, message: str
) -> None:
    with (
        scripted_server(GOOD) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, retry=RETRY) as client,
    ):
        with pytest.raises(ValueError, match=message):
            client.chat.completions.create(
                model="openai/gpt-4o", messages=MESSAGES, extra_headers={name: value}
            )
        with pytest.raises(ValueError, match=message):
            Gatewise(api_key=API_KEY, base_url=server.url, default_headers={name: value})
        assert server.requests == []


async def test_the_async_client_checks_extra_headers_before_sending() -> None:
    with scripted_server(GOOD) as server:
        async with async_client(server.url) as client:
            with pytest.raises(ValueError, match="'Content-Length' is written by the HTTP layer"):
                await client.chat.completions.create(
                    model="openai/gpt-4o", messages=MESSAGES, extra_headers={"Content-Length": "0"}
                )
        assert server.requests == []


NOT_MAPPINGS: list[Any] = ["x", [("X-A", "1")], 3]


@pytest.mark.parametrize("value", NOT_MAPPINGS)
def test_header_arguments_that_are_not_mappings_raise_type_error(value: Any) -> None:
    with scripted_server(GOOD) as server, Gatewise(api_key=API_KEY, base_url=server.url) as client:
        for option in ("extra_headers", "attribution"):
            with pytest.raises(TypeError, match=f"{option} must be a mapping, got"):
                client.chat.completions.create(
                    model="openai/gpt-4o", messages=MESSAGES, **{option: value}
                )
        for argument in ("default_headers", "default_attribution"):
            with pytest.raises(TypeError, match=f"{argument} must be a mapping, got"):
                Gatewise(api_key=API_KEY, base_url=server.url, **{argument: value})
            with pytest.raises(TypeError, match=f"{argument} must be a mapping, got"):
                client.with_options(**{argument: value})
        assert server.requests == []


def test_valid_odd_values_and_a_callers_credential_are_sent_as_given() -> None:
    with scripted_server(GOOD) as server, Gatewise(api_key=API_KEY, base_url=server.url) as client:
        client.chat.completions.create(
            model="openai/gpt-4o",
            messages=MESSAGES,
            extra_headers={"X-Inner": "a b\tc", "X-Empty": "", "X-Api-Key": "k-2"},
        )
    head = server.requests[0].split(b"\r\n\r\n")[0].split(b"\r\n")
    assert b"X-Inner: a b\tc" in head
    assert b"X-Api-Key: k-2" in head
    assert any(line.startswith(b"X-Empty:") for line in head)
    assert f"Authorization: Bearer {API_KEY}".encode() in head


def test_a_callers_header_replaces_the_sdks_in_any_case_instead_of_repeating_it() -> None:
    with (
        scripted_server(GOOD) as server,
        Gatewise(api_key=API_KEY, base_url=server.url, default_headers={"user-agent": "me/1"}) as c,
    ):
        c.chat.completions.create(
            model="openai/gpt-4o",
            messages=MESSAGES,
            extra_headers={"authorization": "Bearer other", "content-type": "application/json"},
        )
    head = server.requests[0].split(b"\r\n\r\n")[0].lower().split(b"\r\n")
    names = [line.partition(b":")[0] for line in head[1:]]
    assert len(names) == len(set(names))
    assert b"authorization: bearer other" in head
    assert b"user-agent: me/1" in head
