"""Chat and text completions: deterministic answers, usage, cache hits, tools, SSE streams."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import chat_body
from .spec import SpecChecker, sse_events


def stream_payloads(client: httpx.Client, path: str, body: dict[str, Any]) -> tuple[list[Any], str]:
    """The JSON payloads of a `data:` stream and its final data line."""
    with client.stream("POST", path, json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = response.read().decode()
    frames = sse_events(text)
    return [json.loads(data) for _, data in frames if data != "[DONE]"], frames[-1][1]


def test_chat_echoes_the_last_user_message_with_gateway_fields(client: httpx.Client) -> None:
    answer = client.post("/v1/chat/completions", json=chat_body("What is the speed of light?"))
    body = answer.json()
    assert body["choices"][0]["message"]["content"] == "What is the speed of light?"
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["provider"] == "openai"
    assert body["trace_id"] == answer.headers["x-trace-id"]
    usage = body["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (6, 6, 12)
    assert usage["cost_usd"] == pytest.approx(6 * 2.5e-6 + 6 * 1e-5)
    assert usage["cache_hit"] is False
    assert body["latency_ms"] >= 0


def test_a_repeated_identical_request_is_a_free_cache_hit(client: httpx.Client) -> None:
    client.post("/v1/chat/completions", json=chat_body("same"))
    again = client.post("/v1/chat/completions", json=chat_body("same")).json()["usage"]
    assert again["cache_hit"] is True
    assert again["cost_usd"] == 0.0
    other = client.post("/v1/chat/completions", json=chat_body("different")).json()["usage"]
    assert other["cache_hit"] is False


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("gpt-4o-mini", "openai"),
        ("claude-3-5-sonnet-20241022", "anthropic"),
        ("meta-llama/Llama-2-7b-chat-hf", "meta-llama"),
        ("mulerouter/anything-goes", "mulerouter"),
    ],
)
def test_models_route_by_prefix_or_provider(
    client: httpx.Client, model: str, provider: str
) -> None:
    body = client.post("/v1/chat/completions", json=chat_body(model=model)).json()
    assert (body["model"], body["provider"]) == (model, provider)


def test_an_unroutable_plain_model_name_is_404(client: httpx.Client) -> None:
    answer = client.post("/v1/chat/completions", json=chat_body(model="no-such-model"))
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "model_not_found"


def test_max_tokens_stop_templates_and_json_mode_shape_the_answer(client: httpx.Client) -> None:
    def content(**extra: Any) -> tuple[str, str]:
        choice = client.post(
            "/v1/chat/completions", json=chat_body("one two three four", **extra)
        ).json()
        return choice["choices"][0]["message"]["content"], choice["choices"][0]["finish_reason"]

    assert content(max_tokens=2) == ("one two", "length")
    assert content(stop=[" three"]) == ("one two", "stop")
    templated = chat_body("Hi {{name}}", template_variables={"name": "Ada"})
    assert (
        client.post("/v1/chat/completions", json=templated).json()["choices"][0]["message"][
            "content"
        ]
        == "Hi Ada"
    )
    text, _ = content(response_format={"type": "json_object"})
    assert json.loads(text) == {"reply": "one two three four", "words": 4}
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "n": {"type": "integer"}},
    }
    text, _ = content(
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    )
    assert json.loads(text) == {"city": "example city", "n": 1}


def test_tools_get_a_call_with_schema_built_arguments_then_a_text_answer(
    client: httpx.Client,
) -> None:
    tools = [
        {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
                    "required": ["city"],
                },
            },
        },
    ]
    messages: list[dict[str, Any]] = [{"role": "user", "content": "What's the weather in Paris?"}]
    first = client.post(
        "/v1/chat/completions", json={"model": "gpt-4o", "messages": messages, "tools": tools}
    ).json()
    choice = first["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    call = choice["message"]["tool_calls"][0]
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "example city", "unit": "c"}

    messages += [
        choice["message"],
        {"role": "tool", "tool_call_id": call["id"], "content": "18C and sunny"},
    ]
    second = client.post(
        "/v1/chat/completions", json={"model": "gpt-4o", "messages": messages, "tools": tools}
    ).json()
    assert second["choices"][0]["message"]["content"] == "Tool results: 18C and sunny"
    none = {"model": "gpt-4o", "messages": messages[:1], "tools": tools, "tool_choice": "none"}
    assert (
        client.post("/v1/chat/completions", json=none).json()["choices"][0]["finish_reason"]
        == "stop"
    )


def test_chat_stream_goes_word_by_word_and_ends_with_done(
    client: httpx.Client, spec_checker: SpecChecker
) -> None:
    body = chat_body("Count to five please", stream=True, stream_options={"include_usage": True})
    chunks, last = stream_payloads(client, "/v1/chat/completions", body)
    assert last == "[DONE]"
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    words = [c["choices"][0]["delta"].get("content") for c in chunks[1:-2]]
    assert words == ["Count", " to", " five", " please"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] == 8
    assert all(c["object"] == "chat.completion.chunk" and c["trace_id"] for c in chunks)
    for chunk in chunks:
        spec_checker.validate_named("ChatCompletionChunk", chunk)


def test_streamed_tool_calls_carry_id_then_argument_pieces(client: httpx.Client) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
        },
    }
    body = {**chat_body(), "tools": [tool], "tool_choice": "required", "stream": True}
    chunks, last = stream_payloads(client, "/v1/chat/completions", body)
    deltas = [
        c["choices"][0]["delta"].get("tool_calls")
        for c in chunks
        if c["choices"][0]["delta"].get("tool_calls")
    ]
    assert deltas[0][0]["id"].startswith("call_")
    assert deltas[0][0]["function"]["name"] == "lookup"
    arguments = "".join(d[0]["function"]["arguments"] for d in deltas)
    assert json.loads(arguments) == {"q": "example q"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    assert last == "[DONE]"


def test_text_completions_count_words_and_stream(
    client: httpx.Client, spec_checker: SpecChecker
) -> None:
    body = {"model": "meta-llama/Llama-2-7b-chat-hf", "prompt": "The future of AI is"}
    answer = client.post("/v1/completions", json=body).json()
    assert answer["object"] == "text_completion"
    assert answer["choices"][0]["text"] == "The prompt has 5 words."
    both = client.post("/v1/completions", json={**body, "prompt": ["a", "b c"], "n": 2}).json()
    assert [c["text"] for c in both["choices"]] == ["The prompt has 1 word."] * 2 + [
        "The prompt has 2 words."
    ] * 2

    chunks, last = stream_payloads(client, "/v1/completions", {**body, "stream": True})
    assert last == "[DONE]"
    assert "".join(c["choices"][0]["text"] for c in chunks) == "The prompt has 5 words."
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    for chunk in chunks:
        spec_checker.validate_named("CompletionChunk", chunk)
