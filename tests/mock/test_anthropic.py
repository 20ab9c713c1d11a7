"""The Anthropic passthrough: Messages answers, the event stream, Anthropic-shaped errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from gatewise.testing import MockGateway

from .conftest import ANTHROPIC_VERSION, ClientFactory
from .spec import SpecChecker, sse_events

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
        "required": ["city"],
    },
}


@pytest.fixture
def client(make_client: ClientFactory) -> httpx.Client:
    """An httpx client holding the admin key and sending anthropic-version, as Anthropic's SDK."""
    return make_client(headers=ANTHROPIC_VERSION)


def message_body(text: str = "Hello Claude", **extra: Any) -> dict[str, Any]:
    return {
        "model": "claude-3-5-sonnet-20241022",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": text}],
        **extra,
    }


def test_messages_answer_in_anthropic_shape(client: httpx.Client) -> None:
    message = client.post("/anthropic/v1/messages", json=message_body(system="Be brief.")).json()
    assert message["type"] == "message"
    assert message["content"] == [{"type": "text", "text": "Hello Claude"}]
    assert message["stop_reason"] == "end_turn"
    assert message["usage"]["input_tokens"] == 4
    assert message["usage"]["output_tokens"] == 2


def test_tools_give_a_tool_use_block_with_input_from_the_schema(client: httpx.Client) -> None:
    body = message_body(tools=[WEATHER_TOOL], tool_choice={"type": "any"})
    message = client.post("/anthropic/v1/messages", json=body).json()
    assert message["stop_reason"] == "tool_use"
    (block,) = message["content"]
    assert block["type"] == "tool_use"
    assert block["input"] == {"city": "example city", "days": 1}
    body = message_body(tools=[WEATHER_TOOL], tool_choice={"type": "none"})
    assert client.post("/anthropic/v1/messages", json=body).json()["stop_reason"] == "end_turn"


def test_a_tool_schema_that_is_not_an_object_still_gets_an_object_input(
    client: httpx.Client,
) -> None:
    odd = {"name": "odd", "input_schema": {"type": "string"}}
    body = message_body(tools=[odd], tool_choice={"type": "tool", "name": "odd"})
    assert client.post("/anthropic/v1/messages", json=body).json()["content"][0]["input"] == {}


def test_stream_events_come_in_the_messages_api_order(
    client: httpx.Client, spec_checker: SpecChecker
) -> None:
    body = message_body("Weather in Oslo?", tools=[WEATHER_TOOL], stream=True)
    with client.stream("POST", "/anthropic/v1/messages", json=body) as response:
        frames = sse_events(response.read().decode())
    events = [(name, json.loads(data)) for name, data in frames]
    assert all(name == payload["type"] for name, payload in events)
    names = [name for name, _ in events]
    assert names[:2] == ["message_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    blocks = [p["content_block"]["type"] for n, p in events if n == "content_block_start"]
    assert blocks == ["text", "tool_use"]
    assert names.count("content_block_stop") == 2
    partial = "".join(
        p["delta"]["partial_json"]
        for n, p in events
        if n == "content_block_delta" and p["index"] == 1
    )
    assert json.loads(partial) == {"city": "example city", "days": 1}
    delta = events[-2][1]
    assert delta["delta"]["stop_reason"] == "tool_use"
    text_words = sum(1 for n, p in events if n == "content_block_delta" and p["index"] == 0)
    assert delta["usage"]["output_tokens"] >= text_words
    for _, payload in events:
        spec_checker.validate_named("AnthropicStreamEvent", payload)


def test_tool_results_get_a_text_answer_under_auto(client: httpx.Client) -> None:
    messages = [
        {"role": "user", "content": "Weather in Oslo?"},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t1", "name": "get_weather", "input": {}}],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "Snow"}],
        },
    ]
    body = {**message_body(), "messages": messages, "tools": [WEATHER_TOOL]}
    message = client.post("/anthropic/v1/messages", json=body).json()
    assert message["content"] == [{"type": "text", "text": "Tool results: Snow"}]


def test_stop_sequences_and_max_tokens_set_the_stop_reason(client: httpx.Client) -> None:
    stopped = client.post(
        "/anthropic/v1/messages", json=message_body("a b STOP c", stop_sequences=["STOP"])
    )
    assert stopped.json()["stop_reason"] == "stop_sequence"
    assert stopped.json()["stop_sequence"] == "STOP"
    short = client.post("/anthropic/v1/messages", json=message_body("a b c d", max_tokens=2)).json()
    assert short["stop_reason"] == "max_tokens"
    assert short["content"][0]["text"] == "a b"


def test_missing_max_tokens_is_an_anthropic_400(client: httpx.Client) -> None:
    body = message_body()
    del body["max_tokens"]
    answer = client.post("/anthropic/v1/messages", json=body)
    assert answer.status_code == 400
    assert answer.json()["type"] == "error"
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert "max_tokens" in answer.json()["error"]["message"]


def test_overload_is_529_in_anthropic_shape_and_x_api_key_works(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    gw.faults.add("/anthropic/v1/messages", status=529)
    client = make_client(key=None, headers={"x-api-key": gw.api_key, **ANTHROPIC_VERSION})
    answer = client.post("/anthropic/v1/messages", json=message_body())
    assert answer.status_code == 529
    assert answer.json() == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Scripted fault: HTTP 529."},
    }
    assert client.post("/anthropic/v1/messages", json=message_body()).status_code == 200
    assert (
        make_client(key="bad", headers=ANTHROPIC_VERSION)
        .post("/anthropic/v1/messages", json=message_body())
        .json()["error"]["type"]
        == "authentication_error"
    )


def test_the_overloaded_model_answers_529_on_the_anthropic_path(client: httpx.Client) -> None:
    answer = client.post("/anthropic/v1/messages", json=message_body(model="mock/overloaded"))
    assert answer.status_code == 529
    assert answer.json()["error"]["type"] == "overloaded_error"


def test_an_in_band_stream_error_is_an_anthropic_error_event(
    gw: MockGateway, client: httpx.Client
) -> None:
    gw.faults.add("/anthropic/v1/messages", stream_error_after=1, status=529)
    with client.stream(
        "POST", "/anthropic/v1/messages", json=message_body(stream=True)
    ) as response:
        frames = sse_events(response.read().decode())
    assert [name for name, _ in frames] == ["message_start", "error"]
    assert json.loads(frames[-1][1])["error"]["type"] == "overloaded_error"


def test_sampling_parameters_have_anthropics_bounds(client: httpx.Client) -> None:
    for field, value in [
        ("temperature", 1.5),
        ("temperature", -0.5),
        ("top_p", 1.1),
        ("top_k", -1),
    ]:
        answer = client.post("/anthropic/v1/messages", json=message_body(**{field: value}))
        assert answer.status_code == 400, (field, value)
        assert answer.json()["error"]["type"] == "invalid_request_error"
        assert field in answer.json()["error"]["message"]
    fine = message_body(temperature=1, top_p=0, top_k=0)
    assert client.post("/anthropic/v1/messages", json=fine).status_code == 200


def test_answers_carry_anthropics_request_id_header_too(
    gw: MockGateway, client: httpx.Client
) -> None:
    gw.faults.add("/anthropic/v1/messages", status=529)
    for answer in (
        client.post("/anthropic/v1/messages", json=message_body()),
        client.post("/anthropic/v1/messages", json=message_body()),
        client.post("/anthropic/v1/messages", json={}),
    ):
        assert answer.headers["request-id"] == answer.headers["x-request-id"]
        assert answer.headers["request-id"].startswith("req_")


def test_the_anthropic_version_header_is_required_as_anthropic_requires_it(
    make_client: ClientFactory,
) -> None:
    versionless = make_client()
    missing = versionless.post("/anthropic/v1/messages", json=message_body())
    assert missing.status_code == 400
    assert missing.json()["error"] == {
        "type": "invalid_request_error",
        "message": "anthropic-version: header parameter required",
    }
    unknown = versionless.post(
        "/anthropic/v1/messages", json=message_body(), headers={"anthropic-version": "2099-01-01"}
    )
    assert unknown.status_code == 400
    assert "anthropic-version" in unknown.json()["error"]["message"]
    for version in ("2023-06-01", "2023-01-01"):
        answer = versionless.post(
            "/anthropic/v1/messages", json=message_body(), headers={"Anthropic-Version": version}
        )
        assert answer.status_code == 200, version


def test_family_aliases_name_the_newest_dated_model_as_anthropics_do(
    gw: MockGateway, client: httpx.Client
) -> None:
    for alias in ("claude-3-5-sonnet", "claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"):
        answer = client.post("/anthropic/v1/messages", json=message_body(model=alias))
        assert answer.status_code == 200, alias
        assert answer.json()["model"] == "claude-3-5-sonnet-20241022"
    haiku = client.post("/anthropic/v1/messages", json=message_body(model="claude-3-5-haiku"))
    assert haiku.json()["model"] == "claude-3-5-haiku-20241022"
    assert gw.requests.last.json is not None
    assert gw.requests.last.json["model"] == "claude-3-5-haiku"  # recorded as sent


def test_a_model_anthropic_does_not_have_is_a_404_not_found_error(client: httpx.Client) -> None:
    for model in (
        "claude-9-opus",
        "claude-3-5-sonnet-20990101",
        "claude-3-5-sonnet-latest-latest",
        "anthropic/claude-3-5-sonnet-20241022",  # the passthrough takes Anthropic's own names
        "gpt-4o",
    ):
        answer = client.post("/anthropic/v1/messages", json=message_body(model=model))
        assert answer.status_code == 404, model
        error = answer.json()["error"]
        assert error["type"] == "not_found_error"
        assert model in error["message"]
        assert "claude-3-5-sonnet-latest" in error["message"]  # the names it does take
