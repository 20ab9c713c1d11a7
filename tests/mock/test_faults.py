"""Scripted faults (gw.faults) and the mock/* fault models."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from gatewise.testing import MockGateway

from .conftest import ClientFactory, chat_body
from .spec import sse_events


def stream_text(
    client: httpx.Client, body: dict[str, object], path: str = "/v1/chat/completions"
) -> str:
    with client.stream("POST", path, json=body) as response:
        assert response.status_code == 200
        return response.read().decode()


def test_a_fault_hits_the_next_times_requests_then_stops(
    gw: MockGateway, client: httpx.Client
) -> None:
    gw.faults.add("/v1/chat/completions", status=503, times=2, retry_after=1)
    statuses = [client.post("/v1/chat/completions", json=chat_body()) for _ in range(3)]
    assert [answer.status_code for answer in statuses] == [503, 503, 200]
    assert statuses[0].headers["retry-after"] == "1"
    assert statuses[0].headers["retry-after-ms"] == "1000"
    assert statuses[0].json()["error"]["type"] == "provider_unavailable"
    assert len(gw.faults) == 0


def test_a_fault_matches_the_path_exactly_and_can_last_forever(
    gw: MockGateway, client: httpx.Client
) -> None:
    gw.faults.add("/v1/embeddings", status=429, times=None, error_code="insufficient_quota")
    assert client.post("/v1/chat/completions", json=chat_body()).status_code == 200
    for _ in range(3):
        answer = client.post(
            "/v1/embeddings", json={"model": "text-embedding-3-small", "input": "x"}
        )
        assert answer.status_code == 429
        assert answer.json()["error"]["code"] == "insufficient_quota"
    gw.faults.clear()
    assert (
        client.post(
            "/v1/embeddings", json={"model": "text-embedding-3-small", "input": "x"}
        ).status_code
        == 200
    )


def test_a_delay_only_fault_answers_normally_but_late(
    gw: MockGateway, client: httpx.Client
) -> None:
    gw.faults.add("/v1/models", delay=0.3)
    began = time.perf_counter()
    assert client.get("/v1/models").status_code == 200
    assert time.perf_counter() - began >= 0.3


def test_invalid_fault_arguments_are_rejected(gw: MockGateway) -> None:
    with pytest.raises(ValueError, match="status"):
        gw.faults.add("/v1/models", status=200)
    with pytest.raises(ValueError, match="times"):
        gw.faults.add("/v1/models", times=0)


def test_stream_cut_after_ends_the_body_without_done(gw: MockGateway, client: httpx.Client) -> None:
    gw.faults.add("/v1/chat/completions", stream_cut_after=3)
    # A non-streaming request does not consume a stream fault.
    assert client.post("/v1/chat/completions", json=chat_body()).status_code == 200
    frames = sse_events(stream_text(client, chat_body("one two three four five", stream=True)))
    assert len(frames) == 3
    assert all(json.loads(data)["choices"][0]["finish_reason"] is None for _, data in frames)
    whole = sse_events(stream_text(client, chat_body("one two three four five", stream=True)))
    assert whole[-1][1] == "[DONE]"


def test_stream_error_after_sends_an_in_band_error_event(
    gw: MockGateway, client: httpx.Client
) -> None:
    gw.faults.add("/v1/completions", stream_error_after=2, status=503, error_code="upstream_reset")
    frames = sse_events(
        stream_text(
            client, {"model": "gpt-4o", "prompt": "a b c d", "stream": True}, "/v1/completions"
        )
    )
    assert len(frames) == 3
    error = json.loads(frames[-1][1])["error"]
    assert error["code"] == "upstream_reset"
    assert error["type"] == "provider_unavailable"


def test_stall_after_holds_the_stream_until_the_client_gives_up(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    gw.faults.add("/v1/chat/completions", stall_after=2)
    client = make_client(timeout=httpx.Timeout(5.0, read=0.3))
    received: list[str] = []
    began = time.perf_counter()
    with (
        pytest.raises(httpx.ReadTimeout),
        client.stream(
            "POST", "/v1/chat/completions", json=chat_body("a b c d", stream=True)
        ) as response,
    ):
        received.extend(line for line in response.iter_lines() if line)
    assert len(received) == 2
    assert time.perf_counter() - began < 2.0


def test_a_stalled_stream_does_not_hold_up_shutdown() -> None:
    with MockGateway() as gw:
        gw.faults.add("/v1/chat/completions", stall_after=1)
        client = httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {gw.api_key}"})
        response = client.send(
            client.build_request("POST", "/v1/chat/completions", json=chat_body(stream=True)),
            stream=True,
        )
        assert next(response.iter_lines()).startswith("data: ")
        began = time.perf_counter()
        gw.stop()
        assert time.perf_counter() - began < 0.5
        response.close()
        client.close()


@pytest.mark.parametrize(
    ("model", "status", "code"),
    [
        ("mock/always-503", 503, "provider_unavailable"),
        ("mock/always-429", 429, "rate_limit_exceeded"),
        ("mock/insufficient-quota", 429, "insufficient_quota"),
        ("mock/overloaded", 503, "overloaded"),
    ],
)
def test_fault_models_fail_every_call(
    client: httpx.Client, model: str, status: int, code: str
) -> None:
    for _ in range(2):
        answer = client.post("/v1/chat/completions", json=chat_body(model=model))
        assert answer.status_code == status
        assert answer.json()["error"]["code"] == code
    if model == "mock/always-429":
        assert answer.headers["retry-after"] == "1"


def test_the_slow_model_sends_its_first_byte_late(client: httpx.Client) -> None:
    began = time.perf_counter()
    assert client.post("/v1/chat/completions", json=chat_body(model="mock/slow")).status_code == 200
    assert time.perf_counter() - began >= 0.3  # gw fixture: slow_seconds=0.3


def test_the_stream_cut_model_ends_after_three_chunks(client: httpx.Client) -> None:
    frames = sse_events(
        stream_text(client, chat_body("a b c d e", model="mock/stream-cut", stream=True))
    )
    assert len(frames) == 3
    assert "[DONE]" not in [data for _, data in frames]
