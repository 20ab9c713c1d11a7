"""What a caller reads from the typed error of a hostile answer, and which are retried."""

from __future__ import annotations

import json

import pytest

import gatewise
from gatewise import RetryConfig
from gatewise._exchange import MAX_REDIRECTS
from tests.answers import VIDEO
from tests.rawserver import Answer, raw_answer, scripted_server
from tests.support import MESSAGES

from .support import GOOD, NOT_GZIP, async_client, json_answer, sync_client

ONE_RETRY = RetryConfig(max_retries=1, initial_delay=0.001, max_delay=0.01, jitter=0.0)
LOOP = raw_answer(302, b"", "Location: /v1/chat/completions")


def fail(*answers: Answer, retry: RetryConfig = ONE_RETRY) -> tuple[gatewise.GatewiseError, int]:
    with scripted_server(*answers) as server, sync_client(server.url, retry) as client:
        with pytest.raises(gatewise.GatewiseError) as caught:
            client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
        return caught.value, len(server.requests)


def test_an_error_envelope_on_a_200_raises_the_error_it_describes() -> None:
    envelope = {"error": {"message": "slow down", "type": "rate_limit_error", "code": "rl"}}
    error, _ = fail(json_answer(200, envelope, "X-Request-Id: req_5"))
    assert isinstance(error, gatewise.RateLimitError)
    assert (error.status_code, error.message, error.code) == (429, "slow down", "rl")
    assert error.request_id == "req_5"
    assert str(error) == "[429 rl] slow down (request_id=req_5)"


def test_an_envelope_with_a_status_code_as_code_gets_that_status() -> None:
    error, _ = fail(json_answer(200, {"error": {"message": "gone", "code": 404}}))
    assert isinstance(error, gatewise.NotFoundError)
    assert error.status_code == 404


def test_a_huge_code_and_message_are_bounded() -> None:
    body = {"error": {"message": "m" * 1_000_000, "code": "9" * 5000}}
    error, _ = fail(json_answer(400, body))
    assert isinstance(error, gatewise.BadRequestError)
    assert error.code is not None
    assert error.code.startswith("999")
    assert len(error.code) < 300
    assert len(error.message) < 3000
    assert error.body == body


def test_json_nested_100000_deep_is_kept_as_text() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    error, _ = fail(raw_answer(500, deep), retry=RetryConfig(max_retries=0))
    assert isinstance(error, gatewise.ServerError)
    assert error.body == deep.decode()
    assert len(str(error)) < 1000


def test_a_redirect_loop_is_not_retried() -> None:
    error, requests = fail(LOOP)
    assert isinstance(error, gatewise.APIError)
    assert error.code == "redirect_refused"
    assert f"more than {MAX_REDIRECTS} redirects" in str(error)
    assert requests == MAX_REDIRECTS + 1  # the first request and every redirect, once


def test_a_body_that_cannot_be_decoded_is_retried_like_a_protocol_error() -> None:
    bad = raw_answer(503, NOT_GZIP, "Content-Encoding: gzip")
    error, requests = fail(bad, bad)
    assert isinstance(error, gatewise.APIConnectionError)
    assert "could not be decoded" in str(error)
    assert requests == 2
    with scripted_server(bad, GOOD) as server, sync_client(server.url, ONE_RETRY) as client:
        answer = client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
        assert answer.id == "chatcmpl-1"


def test_a_raw_response_parses_a_200_envelope_into_its_error() -> None:
    envelope = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    with scripted_server(json_answer(200, envelope)) as server, sync_client(server.url) as client:
        raw = client.chat.completions.with_raw_response.create(
            model="openai/gpt-4o", messages=MESSAGES
        )
        assert raw.status_code == 200
        with pytest.raises(gatewise.ProviderUnavailableError, match="busy") as caught:
            raw.parse()
    assert caught.value.status_code == 529
    assert json.loads(raw.content) == envelope


@pytest.mark.parametrize(
    ("poll_answer", "expected"),
    [
        (json_answer(200, {"error": {"message": "busy", "code": "503"}}), gatewise.ServerError),
        (raw_answer(200, NOT_GZIP, "Content-Encoding: gzip"), gatewise.APIConnectionError),
        (json_answer(200, {**VIDEO, "status": "failed"}), gatewise.AsyncJobFailed),
    ],
    ids=["error envelope", "bad gzip", "failed"],
)
async def test_a_polled_job_meets_hostile_answers_with_typed_errors(
    poll_answer: Answer, expected: type[gatewise.GatewiseError]
) -> None:
    with scripted_server(json_answer(200, VIDEO), poll_answer) as server:
        async with async_client(server.url) as client:
            with pytest.raises(gatewise.GatewiseError) as caught:
                await client.video.generate(
                    model="byteplus/seedance", prompt="a fox", poll_interval=0.01
                )
    assert isinstance(caught.value, expected)
    assert len(server.requests) == 2
