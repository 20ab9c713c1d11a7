"""The key never leaves: not in tracebacks formatted with locals, not in pickled errors,
not in messages, not in reprs (nor a password put in base_url)."""

from __future__ import annotations

import logging
import pickle
import traceback
from collections.abc import Callable
from typing import Any

import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise
from gatewise._errors import ResponseTooLargeError, StreamClosedError
from tests.answers import VIDEO
from tests.rawserver import Answer, Raw, Script, raw_answer, scripted_server
from tests.support import MESSAGES, RETRY_ONCE

from .support import API_KEY, GOOD, NOT_GZIP, async_client, json_answer, sync_client

ENVELOPE = {"error": {"message": "slow down", "type": "rate_limit_error", "code": "rl"}}
FAILED_VIDEO = {**VIDEO, "status": "failed", "error": {"message": "no fox"}}

# Each answer makes a call fail in another place of the pipeline.
FAILURES = {
    "connection dropped, retried": [Raw([None])],
    "error status": [json_answer(429, ENVELOPE, "Retry-After: 0", "X-Request-Id: req_9")],
    "bad gzip": [raw_answer(200, NOT_GZIP, "Content-Encoding: gzip")],
    "invalid answer": [json_answer(200, {"id": 1})],
    "error envelope on a 200": [json_answer(200, ENVELOPE)],
}
STREAM_FAILURES = {
    "stream cut": [Script([b'data: {"id"'], finish=False)],
    "stream with bad gzip": [
        raw_answer(200, NOT_GZIP, "Content-Type: text/event-stream", "Content-Encoding: gzip")
    ],
}


def formatted_with_locals(error: BaseException) -> str:
    """What pytest --showlocals, Sentry or rich would print: every frame's locals, causes too.

    The first frame (the test's own, whose raw-socket server holds the requests) is left out."""
    assert error.__traceback__ is not None
    shown = traceback.TracebackException(
        type(error), error, error.__traceback__.tb_next, capture_locals=True
    )
    return "".join(shown.format())


def check_no_key_in_traceback(error: BaseException) -> None:
    text = formatted_with_locals(error)
    assert "/gatewise/_" in text  # the SDK's own frames were formatted
    assert API_KEY not in text
    cause = error.__cause__
    while cause is not None:
        if type(cause).__module__.partition(".")[0] in ("httpx", "httpcore", "h11"):
            assert cause.__traceback__ is None  # the transport's frames hold the headers
        cause = cause.__cause__ or cause.__context__


@pytest.mark.parametrize("answers", FAILURES.values(), ids=list(FAILURES))
def test_a_failed_call_formatted_with_locals_shows_no_key(answers: list[Raw]) -> None:
    with (
        scripted_server(*answers) as server,
        sync_client(server.url, RETRY_ONCE) as client,
        pytest.raises(gatewise.GatewiseError) as caught,
    ):
        client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
    check_no_key_in_traceback(caught.value)


@pytest.mark.parametrize("answers", FAILURES.values(), ids=list(FAILURES))
async def test_a_failed_async_call_formatted_with_locals_shows_no_key(answers: list[Raw]) -> None:
    with scripted_server(*answers) as server:
        async with async_client(server.url, RETRY_ONCE) as client:
            with pytest.raises(gatewise.GatewiseError) as caught:
                await client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
    check_no_key_in_traceback(caught.value)


@pytest.mark.parametrize("answers", STREAM_FAILURES.values(), ids=list(STREAM_FAILURES))
def test_a_failed_stream_formatted_with_locals_shows_no_key(answers: list[Raw]) -> None:
    with scripted_server(*answers) as server, sync_client(server.url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        with pytest.raises(gatewise.IncompleteStreamError) as caught:
            list(stream)
    check_no_key_in_traceback(caught.value)


@pytest.mark.parametrize("answers", STREAM_FAILURES.values(), ids=list(STREAM_FAILURES))
async def test_a_failed_async_stream_formatted_with_locals_shows_no_key(
    answers: list[Raw],
) -> None:
    with scripted_server(*answers) as server:
        async with async_client(server.url) as client:
            stream = await client.chat.completions.create(
                model="openai/gpt-4o", messages=MESSAGES, stream=True
            )
            with pytest.raises(gatewise.IncompleteStreamError) as caught:
                await stream.collect()
    check_no_key_in_traceback(caught.value)


def test_a_call_refused_before_sending_formatted_with_locals_shows_no_key() -> None:
    with scripted_server(GOOD) as server, sync_client(server.url) as client:
        with pytest.raises(TypeError) as caught:
            client.chat.completions.create(
                model="openai/gpt-4o", messages=MESSAGES, extra_body={"x": object()}
            )
        assert server.requests == []
    text = formatted_with_locals(caught.value)
    assert "build_request" in text
    assert API_KEY not in text


@pytest.mark.parametrize(
    "wrong",
    [{"max_event_bytes": -1}, {"base_url": "ftp://x"}, {"default_headers": {"Host": "x"}}],
    ids=["a bad limit", "a bad base_url", "a reserved header"],
)
def test_a_construction_error_formatted_with_locals_shows_no_key(wrong: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"api_key": API_KEY, "base_url": "http://127.0.0.1:1", **wrong}
    with pytest.raises((ValueError, TypeError)) as caught:
        Gatewise(**arguments)
    check_no_key_in_traceback(caught.value)
    client = Gatewise(api_key=API_KEY, base_url="http://127.0.0.1:1")
    with pytest.raises(TypeError) as caught:
        client.with_options(max_retries="2")  # type: ignore[arg-type]
    check_no_key_in_traceback(caught.value)


# ---------------------------------------------------------------------------- pickling


def same_value(a: object, b: object) -> bool:
    if isinstance(a, gatewise.GatewiseError):
        return isinstance(b, gatewise.GatewiseError) and assert_unpickled_equal(a, b)
    if isinstance(a, (list, tuple)):
        return isinstance(b, type(a)) and len(a) == len(b) and all(map(same_value, a, b))
    return a == b


def assert_unpickled_equal(original: gatewise.GatewiseError, copy: object) -> bool:
    assert type(copy) is type(original)
    assert isinstance(copy, gatewise.GatewiseError)
    assert str(copy) == str(original)
    assert copy.args == original.args
    kept = {k: v for k, v in vars(original).items() if k not in ("response", "request")}
    assert set(vars(copy)) == set(vars(original))
    for name, value in kept.items():
        assert same_value(value, getattr(copy, name)), name
    assert getattr(copy, "response", None) is None
    assert getattr(copy, "request", None) is None
    return True


def roundtrip(error: gatewise.GatewiseError) -> None:
    data = pickle.dumps(error)
    assert API_KEY.encode() not in data
    assert_unpickled_equal(error, pickle.loads(data))


def failure(answers: list[Answer], call: Callable[[Gatewise], object], **kwargs: Any) -> Any:
    with (
        scripted_server(*answers) as server,
        sync_client(server.url, **kwargs) as client,
        pytest.raises(gatewise.GatewiseError) as caught,
    ):
        call(client)
    return caught.value


def chat(client: Gatewise, **kwargs: Any) -> object:
    return client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, **kwargs)


def stream_all(client: Gatewise) -> object:
    return list(chat(client, stream=True))  # type: ignore[call-overload]


def video(client: Gatewise) -> object:
    return client.video.generate(
        model="byteplus/seedance", prompt="a fox", wait_timeout=0.05, poll_interval=0.01
    )


ERRORS: dict[str, Callable[[], gatewise.GatewiseError]] = {
    "RateLimitError": lambda: failure([json_answer(429, ENVELOPE, "Retry-After: 3")], chat),
    "ServerError": lambda: failure([json_answer(500, {"error": {"details": {"a": [1]}}})], chat),
    "NotFoundError": lambda: failure([json_answer(404, ENVELOPE, "X-Trace-Id: tr_1")], chat),
    "APIConnectionError": lambda: failure([Raw([None])], chat),
    "APITimeoutError": lambda: failure(
        [Raw([b"HTTP/1.1 200 OK\r\n", 3.0])], lambda c: chat(c, timeout=0.2)
    ),
    "IncompleteStreamError": lambda: failure([Script([b"data: {"], finish=False)], stream_all),
    "ResponseValidationError": lambda: failure([json_answer(200, {"id": 1})], chat),
    "AsyncJobFailed": lambda: failure([json_answer(200, FAILED_VIDEO)], video),
    "AsyncJobTimeout": lambda: failure([json_answer(200, VIDEO)], video),
    "AllProvidersFailed": lambda: failure(
        [json_answer(503, ENVELOPE)], lambda c: chat(c, fallbacks=["openai/gpt-4o-mini"])
    ),
    "ResponseTooLargeError": lambda: ResponseTooLargeError("over 10 bytes", limit=10),
    "StreamClosedError": lambda: StreamClosedError("closed"),
}


@pytest.mark.parametrize("make", ERRORS.values(), ids=list(ERRORS))
def test_errors_pickle_without_the_key_and_unpickle_equal(
    make: Callable[[], gatewise.GatewiseError],
) -> None:
    error = make()
    assert type(error).__name__ == next(k for k, v in ERRORS.items() if v is make)
    roundtrip(error)


def test_pickled_api_errors_keep_status_headers_and_ids_but_no_credentials() -> None:
    answer = json_answer(
        429, ENVELOPE, "X-Request-Id: req_7", "X-Trace-Id: tr_7", f"X-Api-Key: {API_KEY}"
    )
    error = failure([answer], chat)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.status_code, copy.code, copy.request_id, copy.trace_id) == (
        429,
        "rl",
        "req_7",
        "tr_7",
    )
    assert copy.body == ENVELOPE
    assert copy.headers["x-request-id"] == "req_7"
    assert "x-api-key" not in copy.headers


# -------------------------------------------------------------------- the key itself


@pytest.mark.parametrize("key", [f"{API_KEY} ", f"{API_KEY}\t", f" {API_KEY}", "sk\x0bx", "sk-é"])
def test_a_key_that_is_no_valid_header_value_is_refused_without_showing_it(key: str) -> None:
    with scripted_server(GOOD) as server:
        with pytest.raises(ValueError, match="api_key is not a valid header value") as caught:
            Gatewise(api_key=key, base_url=server.url, max_retries=1)
        assert server.requests == []
    assert key.strip() not in str(caught.value)


def test_the_client_and_its_config_do_not_show_the_key_or_a_password_in_base_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with scripted_server(GOOD) as server:
        url = server.url.replace("http://", "http://user:hunter2@")
        with Gatewise(api_key=API_KEY, base_url=url, retry=RETRY_ONCE) as client:
            shown = [repr(client), repr(client.with_options(timeout=5)), repr(client._config)]
            with caplog.at_level(logging.DEBUG, logger="gatewise"):
                chat(client)
    shown += [record.getMessage() for record in caplog.records]
    assert len(shown) > 3
    for text in shown:
        assert "hunter2" not in text
        assert API_KEY not in text
    assert "127.0.0.1" in shown[0]
    assert client.base_url == url.rstrip("/")
    assert client.api_key == API_KEY


async def test_the_async_client_does_not_show_a_password_in_base_url() -> None:
    client = AsyncGatewise(api_key=API_KEY, base_url="https://me:hunter2@gw.example/v1")
    assert "hunter2" not in repr(client)
    assert "gw.example" in repr(client)
    await client.close()


def test_a_secret_cannot_be_pickled_with_a_client() -> None:
    client = Gatewise(api_key=API_KEY, base_url="http://127.0.0.1:1")
    with pytest.raises(TypeError):
        pickle.dumps(client._config)
