"""Aerostack's (Speakeasy's) shapes beside gatewise's own: the errors module and its aliases,
RetryConfig("backoff", BackoffStrategy(...), ...), servers, HttpClient wrappers,
debug_logger=, and `async with Gatewise` refused with a clear message."""

from __future__ import annotations

import logging
import pickle
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

import gatewise
import gatewise.types
from gatewise import (
    APIConnectionError,
    APIError,
    AsyncGatewise,
    BackoffStrategy,
    Gatewise,
    RetryConfig,
    ServerError,
    errors,
    utils,
)
from gatewise._generated.servers import SERVERS

from .. import answers
from .conftest import API_KEY, RecordingServer

SPEC = Path(__file__).parents[2] / "openapi.yaml"
MESSAGES: Any = [{"role": "user", "content": "Hi"}]


def test_the_errors_module_holds_every_exception() -> None:
    found: set[str] = set()
    pending: list[type[BaseException]] = [gatewise.GatewiseError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending += cls.__subclasses__()
    assert found <= set(errors.__all__)
    assert set(errors.__all__) <= set(gatewise.__all__)
    assert errors.SDKBaseError is APIError
    assert errors.ErrorResponse is APIError
    assert gatewise.ErrorResponse is APIError
    assert utils.RetryConfig is RetryConfig
    assert utils.BackoffStrategy is BackoffStrategy
    assert gatewise.types.ErrorEnvelope.model_validate({"error": {"message": "m"}}).error.message


def test_except_error_response_catches_an_http_error(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer(
        {"error": {"message": "no such key", "code": "key_not_found", "details": {"id": "k"}}},
        status=404,
    )
    with pytest.raises(gatewise.ErrorResponse) as caught:
        client.admin.keys.retrieve("k")
    e = caught.value
    assert e.raw_response is e.response
    assert e.raw_response is not None
    assert e.data is not None
    assert (e.data.message, e.data.code, e.data.details) == (
        "no such key",
        "key_not_found",
        {"id": "k"},
    )
    copy = pickle.loads(pickle.dumps(e))
    assert copy.raw_response is None
    assert copy.data == e.data
    assert copy.status_code == 404


def test_data_is_none_when_the_body_is_not_an_envelope(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer(b"<html>bad gateway</html>", status=400)
    with pytest.raises(APIError) as caught:
        client.models.list()
    assert caught.value.data is None


def test_backoff_strategy_maps_to_seconds_and_the_elapsed_bound() -> None:
    config = RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False)
    assert (config.initial_delay, config.max_delay, config.multiplier) == (0.001, 0.05, 1.1)
    assert (config.max_elapsed, config.max_retries, config.retry_connection_errors) == (
        0.1,
        None,
        False,
    )
    assert RetryConfig("none", BackoffStrategy(1, 50, 1.1, 100), True).max_retries == 0
    assert RetryConfig(max_retries=2, initial_delay=0.5).max_retries == 2  # the keyword form
    with pytest.raises(ValueError, match="strategy"):
        RetryConfig("exponential", BackoffStrategy(1, 50, 1.1, 100), False)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="BackoffStrategy"):
        RetryConfig("backoff", 100, False)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="max_elapsed"):
        RetryConfig(max_retries=None)


def test_backoff_retries_until_the_elapsed_time_is_spent(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer({"error": {"message": "busy"}}, status=503)
    started = time.monotonic()
    with pytest.raises(ServerError):
        client.models.list(retry=RetryConfig("backoff", BackoffStrategy(1, 5, 1.0, 2000), False))
    # Bounded by the elapsed time only: more attempts than any default count, none after it.
    assert len(server.requests) > 3  # max_retries=2 would stop at 3
    assert time.monotonic() - started < 30


def test_no_retry_on_connection_errors_when_told(unused_port: int) -> None:
    no = RetryConfig("backoff", BackoffStrategy(1, 5, 1.0, 60_000), False)
    with Gatewise(base_url=f"http://127.0.0.1:{unused_port}", retry=no) as client:
        started = time.monotonic()
        with pytest.raises(APIConnectionError):
            client.models.list()
        assert time.monotonic() - started < 30  # a retry would go on for 60 s


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_servers_come_from_the_spec() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    assert [url for url, _ in SERVERS] == [s["url"] for s in spec["servers"]]
    assert SERVERS[0][0] == "http://localhost:8080"


def test_server_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWISE_BASE_URL", "http://from-gatewise-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://from-openai-env/v1")
    assert Gatewise(server_idx=1).base_url == SERVERS[1][0]
    assert Gatewise(server_idx=1, base_url="http://given").base_url == "http://given"
    assert Gatewise(server_idx=1, server_url="http://given/v1/").base_url == "http://given"
    assert Gatewise().base_url == "http://from-gatewise-env"
    monkeypatch.delenv("GATEWISE_BASE_URL")
    assert Gatewise().base_url == "http://from-openai-env"
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert Gatewise().base_url == SERVERS[0][0]
    with pytest.raises(TypeError, match="not both"):
        Gatewise(base_url="http://a", server_url="http://b")
    with pytest.raises(ValueError, match="server_idx"):
        Gatewise(server_idx=len(SERVERS))
    with pytest.raises(TypeError, match="server_idx"):
        Gatewise(server_idx="1")  # type: ignore[arg-type]


def test_a_base_url_ending_in_v1_is_the_root(server: RecordingServer) -> None:
    server.answer(answers.MODELS)
    with Gatewise(api_key=API_KEY, base_url=f"{server.url}/v1") as client:
        client.models.list()
    assert server.last.raw_path == "/v1/models"


class Wrapper:
    """Not an httpx.Client: only the two methods the SDK calls."""

    def __init__(self) -> None:
        self.inner = httpx.Client()
        self.sent: list[str] = []

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        self.sent.append(request.url.path)
        return self.inner.send(request, **kwargs)

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        return self.inner.build_request(method, url, **kwargs)


def test_an_http_client_wrapper_is_used(server: RecordingServer) -> None:
    server.answer(answers.MODELS)
    wrapper = Wrapper()
    with Gatewise(api_key=API_KEY, base_url=server.url, http_client=wrapper) as client:
        client.models.list()
    assert wrapper.sent == ["/v1/models"]
    assert not wrapper.inner.is_closed  # the caller's, never closed by the SDK
    wrapper.inner.close()


def test_an_http_client_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="send and build_request"):
        Gatewise(http_client=object())  # type: ignore[arg-type]
    async_client = httpx.AsyncClient()
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        Gatewise(http_client=async_client)  # type: ignore[arg-type]
    wrapper = Wrapper()
    with pytest.raises(TypeError, match=r"httpx.AsyncClient.*\(send async\)"):
        AsyncGatewise(http_client=wrapper)  # type: ignore[arg-type]
    wrapper.inner.close()


async def test_async_with_a_sync_client_names_async_gatewise() -> None:
    client = Gatewise()
    with pytest.raises(TypeError, match="AsyncGatewise"):
        async with client:
            pass


def test_debug_logger_is_an_alias_of_logger(
    server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.answer(answers.MODELS)
    caplog.set_level(logging.DEBUG, logger="seed")
    with Gatewise(
        api_key=API_KEY, base_url=server.url, debug_logger=logging.getLogger("seed")
    ) as c:
        c.models.list()
    assert [r.name for r in caplog.records if r.name != "werkzeug"] == ["seed"]
    with pytest.raises(TypeError, match="not both"):
        Gatewise(logger=logging.getLogger("a"), debug_logger=logging.getLogger("b"))
