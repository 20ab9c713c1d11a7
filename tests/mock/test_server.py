"""The gateway's lifecycle: fast start and stop, nothing left behind, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from gatewise.testing import MockGateway

from .conftest import ClientFactory


def test_start_and_stop_are_fast_and_leave_no_thread() -> None:
    before = set(threading.enumerate())
    began = time.perf_counter()
    with MockGateway() as gw:
        started = time.perf_counter()
        assert gw.url.startswith("http://127.0.0.1:")
        assert gw.port > 0
        with httpx.Client(base_url=gw.url) as client:
            assert client.get("/health").status_code == 200
    stopped = time.perf_counter()
    assert started - began < 0.5
    assert stopped - started < 0.5
    assert set(threading.enumerate()) == before


def test_stop_closes_the_port() -> None:
    with MockGateway() as gw:
        url = gw.url
    with httpx.Client() as client, pytest.raises(httpx.ConnectError):
        client.get(url + "/health")


def test_two_gateways_run_side_by_side_with_separate_state() -> None:
    with MockGateway() as first, MockGateway() as second:
        assert first.port != second.port
        key = first.create_key(scopes=["chat"])
        with httpx.Client() as client:
            headers = {"Authorization": f"Bearer {key}"}
            assert client.get(first.url + "/v1/admin/keys", headers=headers).status_code == 403
            assert client.get(second.url + "/v1/admin/keys", headers=headers).status_code == 401


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        _ = MockGateway().url


def test_every_answer_has_a_request_id_and_unknown_paths_are_404(client: httpx.Client) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "not_found_error"
    assert missing.headers["x-request-id"].startswith("req_")
    assert client.get("/health").headers["x-request-id"] != missing.headers["x-request-id"]


def test_wrong_method_on_a_known_path_is_405(client: httpx.Client) -> None:
    answer = client.delete("/v1/chat/completions")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"


def test_a_literal_path_does_not_fall_through_to_a_templated_one(client: httpx.Client) -> None:
    answer = client.delete("/v1/admin/keys/usage")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"


def test_health_needs_no_key(make_client: ClientFactory) -> None:
    answer = make_client(key=None).get("/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_requests_are_recorded_with_query_headers_and_json(
    gw: MockGateway, client: httpx.Client
) -> None:
    client.post(
        "/v1/chat/completions?x=1",
        json={"model": "gpt-4o", "messages": []},
        headers={"X-Attr-Team": "a"},
    )
    seen = gw.requests.last
    assert (seen.method, seen.path, seen.query) == ("POST", "/v1/chat/completions", {"x": "1"})
    assert seen.headers["x-attr-team"] == "a"
    assert seen.json == {"model": "gpt-4o", "messages": []}
    assert len(gw.requests.to("/v1/chat/completions")) == 1
    gw.requests.clear()
    assert len(gw.requests) == 0


def test_command_line_serves_until_interrupted() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gatewise.testing", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "gatewise mock gateway on http://127.0.0.1:" in line, line
        url = line.rsplit(" ", 1)[1].strip()
        with httpx.Client(base_url=url, headers={"Authorization": "Bearer cli-key"}) as client:
            assert client.get("/v1/models").status_code == 200
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
