"""The request pipeline against a real HTTP server: retries, errors, headers, parsing, secrets."""

from __future__ import annotations

import base64
import logging
import re
import socket
import struct
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise, RetryConfig
from tests import answers
from tests.support import MESSAGES

from .conftest import API_KEY, RecordingServer

ERROR = {"error": {"message": "upstream down", "type": "server_error", "code": "provider_down"}}


def chat(client: Gatewise, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, **kwargs)  # type: ignore[arg-type]


def test_503_503_200_is_retried_with_the_same_idempotency_key(
    server: RecordingServer, client: Gatewise
) -> None:
    server.then(ERROR, 503).then(ERROR, 503).then(answers.CHAT)
    assert chat(client).content == "hello"
    keys = [r.headers["Idempotency-Key"] for r in server.requests]
    assert len(keys) == 3
    assert len(set(keys)) == 1


async def test_async_client_retries_the_same_way(
    server: RecordingServer, aclient: AsyncGatewise
) -> None:
    server.then(ERROR, 503).then(answers.CHAT)
    result = await aclient.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[list-item]
    assert result.content == "hello"
    assert len(server.requests) == 2
    assert (
        server.requests[0].headers["Idempotency-Key"]
        == server.requests[1].headers["Idempotency-Key"]
    )


def test_caller_idempotency_key_wins(server: RecordingServer, client: Gatewise) -> None:
    server.then(ERROR, 503).then(answers.CHAT)
    chat(client, extra_headers={"Idempotency-Key": "mine"})
    assert [r.headers["Idempotency-Key"] for r in server.requests] == ["mine", "mine"]


def test_each_call_gets_its_own_idempotency_key(server: RecordingServer, client: Gatewise) -> None:
    server.answer(answers.CHAT)
    chat(client)
    chat(client)
    assert (
        server.requests[0].headers["Idempotency-Key"]
        != server.requests[1].headers["Idempotency-Key"]
    )


def test_retry_after_is_honoured_up_to_max_delay(server: RecordingServer, client: Gatewise) -> None:
    server.then(ERROR, 429, {"Retry-After": "0.2"}).then(answers.CHAT)
    started = time.monotonic()
    chat(client, retry=RetryConfig(max_delay=0.3, initial_delay=0.0, jitter=0.0))
    assert time.monotonic() - started >= 0.2
    server.then(ERROR, 429, {"Retry-After": "30"}).then(answers.CHAT)
    started = time.monotonic()
    chat(client, retry=RetryConfig(max_delay=0.05, initial_delay=0.0, jitter=0.0))
    assert time.monotonic() - started < 5


def test_400_is_never_retried(server: RecordingServer, client: Gatewise) -> None:
    server.answer(
        {"error": {"message": "bad model", "type": "invalid_request_error", "code": "model"}}, 400
    )
    with pytest.raises(gatewise.BadRequestError) as caught:
        chat(client)
    assert len(server.requests) == 1
    assert caught.value.status_code == 400
    assert caught.value.code == "model"
    assert caught.value.request_id == "req_test"


def test_max_retries_zero_sends_once(server: RecordingServer, client: Gatewise) -> None:
    server.answer(ERROR, 503)
    with pytest.raises(gatewise.ProviderUnavailableError):
        chat(client.with_options(max_retries=0))
    assert len(server.requests) == 1


def test_retries_give_up_after_max_retries_with_the_last_error(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer(ERROR, 503, {"X-Trace-Id": "tr_9"})
    with pytest.raises(gatewise.ProviderUnavailableError) as caught:
        chat(client)
    assert len(server.requests) == 3
    assert caught.value.trace_id == "tr_9"
    assert caught.value.message == "upstream down"


def test_quota_exhausted_429_is_not_retried(server: RecordingServer, client: Gatewise) -> None:
    server.answer(
        {"error": {"message": "quota", "type": "rate_limit_error", "code": "insufficient_quota"}},
        429,
    )
    with pytest.raises(gatewise.RateLimitError):
        chat(client)
    assert len(server.requests) == 1


def test_rate_limit_error_exposes_retry_after(server: RecordingServer, client: Gatewise) -> None:
    server.answer(ERROR, 429, {"Retry-After": "0"})
    with pytest.raises(gatewise.RateLimitError) as caught:
        chat(client.with_options(max_retries=0))
    assert caught.value.retry_after == 0.0


def test_unknown_fields_are_kept_and_unknown_enum_values_accepted(
    server: RecordingServer, client: Gatewise
) -> None:
    answer = {**answers.CHAT, "brand_new": {"x": 1}}
    answer["choices"] = [{**answers.CHAT["choices"][0], "finish_reason": "thought_too_hard"}]  # type: ignore[index]
    server.answer(answer)
    result = chat(client)
    assert result.choices[0].finish_reason == "thought_too_hard"
    assert result.model_extra == {"brand_new": {"x": 1}}


def test_malformed_json_raises_response_validation_error_with_the_body(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer(b'{"id": "chatcmpl-1", "choi')
    with pytest.raises(gatewise.ResponseValidationError) as caught:
        chat(client)
    assert caught.value.body == b'{"id": "chatcmpl-1", "choi'
    assert caught.value.__cause__ is not None


def test_missing_required_field_raises_response_validation_error(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer({k: v for k, v in answers.CHAT.items() if k != "choices"})
    with pytest.raises(gatewise.ResponseValidationError, match="choices"):
        chat(client)


def test_attribution_headers_merge_default_and_per_call_tags(server: RecordingServer) -> None:
    server.answer(answers.CHAT)
    with Gatewise(
        api_key=API_KEY,
        base_url=server.url,
        default_attribution={"team": "product", "cost_center": "cc1"},
    ) as client:
        chat(client, attribution={"team": "search", "feature": "chat"})
    headers = server.last.headers
    assert headers["X-Attr-Team"] == "search"
    assert headers["X-Attr-Cost-Center"] == "cc1"
    assert headers["X-Attr-Feature"] == "chat"


@pytest.mark.parametrize(
    "attribution",
    [{"team": "a\r\nX-Evil: 1"}, {"team:x": "a"}, {"bad tag": "a"}, {"team": "a\x00"}],
)
def test_header_injection_in_attribution_raises_before_sending(
    server: RecordingServer, client: Gatewise, attribution: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match=r"attribution tag|CR, LF, NUL"):
        chat(client, attribution=attribution)
    assert server.requests == []


def test_header_injection_in_default_attribution_raises_at_construction() -> None:
    with pytest.raises(ValueError, match="CR, LF, NUL"):
        Gatewise(api_key=API_KEY, default_attribution={"team": "x\ny"})


def test_extra_headers_query_and_body_are_sent(server: RecordingServer, client: Gatewise) -> None:
    server.answer(answers.CHAT)
    chat(
        client,
        extra_headers={"X-Custom": "1"},
        extra_query={"debug": True},
        extra_body={"logit_bias": {"1": 2}},
    )
    sent = server.last
    assert sent.headers["X-Custom"] == "1"
    assert sent.query == {"debug": ["true"]}
    assert sent.json()["logit_bias"] == {"1": 2}


def test_default_headers_are_sent_and_extra_headers_override_them(server: RecordingServer) -> None:
    server.answer(answers.CHAT)
    with Gatewise(
        api_key=API_KEY, base_url=server.url, default_headers={"X-App": "a", "X-Env": "prod"}
    ) as client:
        chat(client, extra_headers={"X-Env": "test"})
    assert server.last.headers["X-App"] == "a"
    assert server.last.headers["X-Env"] == "test"


def test_unknown_keyword_argument_raises_type_error(
    server: RecordingServer, client: Gatewise
) -> None:
    with pytest.raises(TypeError):
        chat(client, temprature=0.1)
    assert server.requests == []


def test_timeout_raises_api_timeout_error_after_retries(server: RecordingServer) -> None:
    server.answer(answers.CHAT)
    record = server._handle

    def slow(request: Any) -> Any:
        time.sleep(0.3)
        return record(request)

    server.server.clear()
    server.server.expect_request(re.compile(".*")).respond_with_handler(slow)
    retry = RetryConfig(max_retries=1, initial_delay=0.0)
    with (
        Gatewise(api_key=API_KEY, base_url=server.url, timeout=0.05, retry=retry) as client,
        pytest.raises(gatewise.APITimeoutError),
    ):
        chat(client)
    deadline = time.monotonic() + 5  # the server records a request once its slow answer is done
    while len(server.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    assert len(server.requests) == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_raises_api_connection_error() -> None:
    with (
        Gatewise(
            api_key=API_KEY, base_url=f"http://127.0.0.1:{_closed_port()}", max_retries=0
        ) as client,
        pytest.raises(gatewise.APIConnectionError) as caught,
    ):
        chat(client)
    assert not isinstance(caught.value, gatewise.APITimeoutError)


def test_api_key_never_appears_in_repr_logs_or_errors(
    server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.answer({"error": {"message": "nope", "type": "authentication_error"}}, 401)
    with Gatewise(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        assert API_KEY not in repr(client)
        assert API_KEY not in repr(client._config)
        with (
            caplog.at_level(logging.DEBUG, logger="gatewise"),
            pytest.raises(gatewise.AuthenticationError) as caught,
        ):
            chat(client)
    error = caught.value
    for text in (
        str(error),
        repr(error),
        repr(error.headers),
        repr(error.response),
        repr(error.__dict__),
    ):
        assert API_KEY not in text
    assert caplog.records
    for record in caplog.records:
        assert API_KEY not in record.getMessage()


def test_one_debug_record_per_attempt(
    server: RecordingServer, client: Gatewise, caplog: pytest.LogCaptureFixture
) -> None:
    server.then(ERROR, 503).then(answers.CHAT)
    with caplog.at_level(logging.DEBUG, logger="gatewise"):
        chat(client)
    messages = [r.getMessage() for r in caplog.records if r.name == "gatewise"]
    assert len(messages) == 2
    assert "-> 503" in messages[0]
    assert "attempt 1" in messages[0]
    assert "retrying" in messages[0]
    assert "-> 200" in messages[1]
    assert "attempt 2" in messages[1]
    assert "POST " in messages[1]
    assert "/v1/chat/completions" in messages[1]


def test_custom_logger_receives_the_records(
    server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.answer(answers.CHAT)
    logger = logging.getLogger("myapp.gateway")
    with (
        Gatewise(api_key=API_KEY, base_url=server.url, logger=logger) as client,
        caplog.at_level(logging.DEBUG, logger="myapp.gateway"),
    ):
        chat(client)
    assert [r.name for r in caplog.records if r.name.startswith(("gatewise", "myapp"))] == [
        "myapp.gateway"
    ]


def test_callers_http_client_stays_open_after_close(server: RecordingServer) -> None:
    server.answer(answers.CHAT)
    http = httpx.Client()
    with Gatewise(api_key=API_KEY, base_url=server.url, http_client=http) as client:
        chat(client)
    assert not http.is_closed
    http.close()


def test_sdk_made_http_client_is_closed(server: RecordingServer) -> None:
    server.answer(answers.CHAT)
    client = Gatewise(api_key=API_KEY, base_url=server.url)
    chat(client)
    pool = client._holder.created()
    client.close()
    assert pool is not None
    assert pool.is_closed


def test_wrong_http_client_type_raises() -> None:
    with pytest.raises(TypeError, match="http_client"):
        Gatewise(http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_explicit_arguments_beat_environment(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWISE_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_API_KEY", "openai-key")
    monkeypatch.setenv("GATEWISE_BASE_URL", "http://127.0.0.1:1")
    server.answer(answers.CHAT)
    with Gatewise(api_key="explicit", base_url=server.url) as client:
        chat(client)
    assert server.last.headers["Authorization"] == "Bearer explicit"


def test_environment_fills_what_arguments_leave_out(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWISE_BASE_URL", server.url)
    monkeypatch.delenv("GATEWISE_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "openai-key")
    server.answer(answers.CHAT)
    with Gatewise() as client:
        chat(client)
    assert server.last.headers["Authorization"] == "Bearer openai-key"
    monkeypatch.setenv("GATEWISE_API_KEY", "gw-key")
    with Gatewise() as client:
        chat(client)
    assert server.last.headers["Authorization"] == "Bearer gw-key"


def test_with_options_shares_the_pool_and_keeps_settings(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer(answers.CHAT)
    copy = client.with_options(timeout=5.0, default_headers={"X-Copy": "1"})
    chat(copy)
    assert copy._holder is client._holder
    assert server.last.headers["X-Copy"] == "1"
    assert server.last.headers["Authorization"] == f"Bearer {API_KEY}"


def test_images_edit_sends_multipart_from_every_file_form(
    server: RecordingServer, client: Gatewise, tmp_path: Path
) -> None:
    server.answer(answers.IMAGES)
    png = b"\x89PNG\r\n\x1a\nfake"
    path = tmp_path / "a.png"
    path.write_bytes(png)
    with path.open("rb") as handle:
        forms: list[Any] = [handle, png, path, ("b.png", png, "image/png"), ("c.png", png)]
        for form in forms:
            client.images.edit(
                model="openai/dall-e-2", image=form, prompt="Add a sunset", n=1, size="512x512"
            )
            sent = server.last
            assert sent.files["image"][1] == png
            assert sent.form == {
                "model": "openai/dall-e-2",
                "prompt": "Add a sunset",
                "n": "1",
                "size": "512x512",
            }
            assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert server.requests[0].files["image"][0] == "a.png"
    assert server.requests[3].files["image"][2] == "image/png"


def test_images_edit_with_text_mode_file_raises_type_error(
    server: RecordingServer, client: Gatewise, tmp_path: Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with path.open("r") as handle, pytest.raises(TypeError, match="rb"):
        client.images.edit(model="openai/dall-e-2", image=handle, prompt="x")  # type: ignore[arg-type]
    assert server.requests == []


def test_base64_embeddings_are_decoded_to_floats(server: RecordingServer, client: Gatewise) -> None:
    vector = [0.25, -0.5, 1.0]
    encoded = base64.b64encode(struct.pack("<3f", *vector)).decode()
    server.answer(
        {**answers.EMBEDDINGS, "data": [{"object": "embedding", "index": 0, "embedding": encoded}]}
    )
    result = client.embeddings.create(
        model="openai/text-embedding-3-small", input="x", encoding_format="base64"
    )
    assert server.last.json()["encoding_format"] == "base64"
    assert result.data[0].embedding == vector


def test_with_raw_response_returns_status_headers_and_parse(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer(answers.CHAT, headers={"X-Trace-Id": "tr_raw"})
    raw = client.chat.completions.with_raw_response.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[list-item]
    assert raw.status_code == 200
    assert raw.headers["x-trace-id"] == "tr_raw"
    assert raw.parse().content == "hello"
    assert isinstance(raw.http_response, httpx.Response)
    assert client.models.with_raw_response.retrieve("gpt-4o").status_code == 200
    assert client.admin.keys.with_raw_response.delete("key_1").parse() is None


async def test_async_with_raw_response(server: RecordingServer, aclient: AsyncGatewise) -> None:
    server.answer(answers.MODEL)
    raw = await aclient.models.with_raw_response.retrieve("gpt-4o")
    assert raw.parse().id == "openai/gpt-4o"


def test_iter_follows_pages_to_the_end(server: RecordingServer, client: Gatewise) -> None:
    first = [{**answers.LOG, "id": f"log_{i}"} for i in range(2)]
    second = [{**answers.LOG, "id": "log_2"}]
    server.then(answers.page(first, has_more=True)).then(answers.page(second, has_more=False))
    ids = [entry.id for entry in client.admin.logs.iter(provider="openai", limit=2)]
    assert ids == ["log_0", "log_1", "log_2"]
    assert [r.query.get("offset") for r in server.requests] == [None, ["2"]]
    assert all(r.query["provider"] == ["openai"] for r in server.requests)


async def test_async_iter_follows_pages(server: RecordingServer, aclient: AsyncGatewise) -> None:
    server.then(answers.page([answers.KEY], has_more=True)).then(
        answers.page([{**answers.KEY, "id": "key_2"}])
    )
    ids = [key.id async for key in aclient.admin.keys.iter()]
    assert ids == ["key_1", "key_2"]


def test_wrong_argument_type_raises_a_clear_error(client: Gatewise) -> None:
    with pytest.raises(TypeError):
        client.with_options(max_retries="3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="timeout"):
        Gatewise(timeout="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="base_url"):
        Gatewise(base_url="ftp://x")


def test_trace_id_header_fills_a_body_without_one(
    server: RecordingServer, client: Gatewise
) -> None:
    body = {key: value for key, value in answers.CHAT.items() if key != "trace_id"}
    server.answer(body, headers={"X-Trace-Id": "tr_header"})
    assert chat(client).trace_id == "tr_header"
    server.answer(answers.CHAT, headers={"X-Trace-Id": "tr_header"})
    assert chat(client).trace_id == "tr_1"


def test_callers_http_client_headers_and_cookies_are_sent(server: RecordingServer) -> None:
    server.answer(answers.CHAT)
    http = httpx.Client(headers={"X-Custom-Header": "someValue"}, cookies={"session": "s1"})
    with Gatewise(api_key=API_KEY, base_url=server.url, http_client=http) as client:
        chat(client)
    sent = server.last.headers
    assert sent["X-Custom-Header"] == "someValue"
    assert "session=s1" in sent["Cookie"]
    assert sent["Authorization"] == f"Bearer {API_KEY}"
    http.close()


@pytest.mark.parametrize("name", ["max_event_bytes", "max_response_bytes"])
def test_byte_limits_are_checked_at_construction_and_per_call(
    server: RecordingServer, client: Gatewise, name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        Gatewise(**{name: 0})
    with pytest.raises(TypeError, match=name):
        client.with_options(**{name: "1 MiB"})
    with pytest.raises(ValueError, match=name):
        chat(client, **{name: -1})
    assert server.requests == []
    assert getattr(client.with_options(**{name: 1024})._config, name) == 1024
