"""Error answers map onto the exception tree with every field filled."""

from __future__ import annotations

import json

import httpx
import pytest

import gatewise
from gatewise._errors import error_from_event, error_from_response, is_error_envelope


def answer(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = httpx.Request("POST", "http://gw.test/v1/chat/completions")
    return httpx.Response(status, content=content, headers=headers, request=request)


ENVELOPE = {
    "error": {
        "message": "nope",
        "type": "invalid_request_error",
        "code": "bad",
        "details": {"f": 1},
    }
}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, gatewise.BadRequestError),
        (401, gatewise.AuthenticationError),
        (403, gatewise.PermissionDeniedError),
        (404, gatewise.NotFoundError),
        (422, gatewise.UnprocessableEntityError),
        (429, gatewise.RateLimitError),
        (500, gatewise.ServerError),
        (502, gatewise.ProviderUnavailableError),
        (503, gatewise.ProviderUnavailableError),
        (504, gatewise.ProviderUnavailableError),
        (529, gatewise.ProviderUnavailableError),
    ],
)
def test_each_status_maps_to_its_exception(status: int, cls: type[gatewise.APIError]) -> None:
    error = error_from_response(
        answer(status, ENVELOPE, {"x-request-id": "req_1", "x-trace-id": "tr_1"})
    )
    assert type(error) is cls
    assert error.status_code == status
    assert error.message == "nope"
    assert error.code == "bad"
    assert error.details == {"f": 1}
    assert error.body == ENVELOPE
    assert error.request_id == "req_1"
    assert error.trace_id == "tr_1"
    assert "nope" in str(error)
    assert "req_1" in str(error)


def test_not_found_and_unprocessable_are_bad_requests_and_auth_errors_share_a_base() -> None:
    assert issubclass(gatewise.NotFoundError, gatewise.BadRequestError)
    assert issubclass(gatewise.UnprocessableEntityError, gatewise.BadRequestError)
    assert issubclass(gatewise.AuthenticationError, gatewise.AuthError)
    assert issubclass(gatewise.PermissionDeniedError, gatewise.AuthError)
    assert issubclass(gatewise.APITimeoutError, gatewise.APIConnectionError)
    assert issubclass(gatewise.IncompleteStreamError, gatewise.APIConnectionError)


def test_rate_limit_error_carries_retry_after() -> None:
    error = error_from_response(answer(429, ENVELOPE, {"retry-after": "7"}))
    assert isinstance(error, gatewise.RateLimitError)
    assert error.retry_after == 7.0


def test_anthropic_error_body_is_understood() -> None:
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    error = error_from_response(answer(529, body))
    assert isinstance(error, gatewise.ProviderUnavailableError)
    assert error.message == "Overloaded"
    assert error.type == "overloaded_error"


def test_non_json_error_body_keeps_the_text() -> None:
    error = error_from_response(answer(502, b"<html>Bad gateway</html>"))
    assert isinstance(error, gatewise.ProviderUnavailableError)
    assert error.body == "<html>Bad gateway</html>"
    assert "Bad gateway" in error.message


def test_in_band_stream_error_maps_by_type() -> None:
    error = error_from_event({"error": {"message": "slow down", "type": "rate_limit_error"}}, None)
    assert isinstance(error, gatewise.RateLimitError)
    assert error.status_code == 429
    server = error_from_event({"error": {"message": "boom"}}, None)
    assert type(server) is gatewise.ServerError


def test_all_providers_failed_lists_every_hop() -> None:
    first = error_from_response(answer(503, ENVELOPE))
    second = gatewise.APITimeoutError()
    error = gatewise.AllProvidersFailed([("a/x", first), ("b/y", second)])
    assert error.errors == [("a/x", first), ("b/y", second)]
    assert "a/x" in str(error)
    assert "b/y" in str(error)
    assert "APITimeoutError" in str(error)


@pytest.mark.parametrize(
    ("code", "status"),
    [("9" * 5000, 500), ("\uff14\uff12\uff19", 500), ("429", 429), ("200", 500), (404, 404)],
)
def test_an_in_band_code_names_a_status_only_as_three_ascii_digits(
    code: object, status: int
) -> None:
    error = error_from_event({"error": {"message": "m", "code": code}}, None)
    assert error.status_code == status
    assert error.code is not None
    assert len(error.code) < 300


def test_a_huge_numeric_code_is_dropped_and_a_huge_message_cut() -> None:
    content = b'{"error": {"message": "' + b"m" * 100_000 + b'", "code": ' + b"9" * 4000 + b"}}"
    error = error_from_response(answer(400, content))
    assert isinstance(error.body, dict)  # parsed: the parser takes up to 4,300 digits
    assert error.code is None
    assert len(error.message) < 2100
    assert error.message.endswith("(100000 chars)")


@pytest.mark.parametrize(
    ("payload", "envelope"),
    [
        ({"error": {"message": "m"}}, True),
        ({"error": "m"}, True),
        ({"type": "error", "error": {"type": "api_error"}}, True),
        ({"error": {"message": "m"}, "id": "x"}, False),
        ({"type": "message", "error": {}}, False),
        ({"error": None}, False),
        ([{"error": {}}], False),
    ],
)
def test_only_an_object_that_is_nothing_but_an_error_is_an_envelope(
    payload: object, envelope: bool
) -> None:
    assert is_error_envelope(payload) is envelope
