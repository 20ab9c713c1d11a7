"""OpenAI chat <-> Anthropic Messages translation: requests, whole answers and streams."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

import pytest

from gatewise._accumulate import ChunkAccumulator
from gatewise._anthropic import (
    DEFAULT_MAX_TOKENS,
    JSON_OBJECT_TOOL,
    REFUSED_PARAMETERS,
    StreamTranslator,
    to_chat_completion,
    to_messages_request,
)
from gatewise._errors import APIError, ProviderUnavailableError, RateLimitError, ServerError
from gatewise._routing import translated_provider

MODEL = "anthropic/claude-3-5-sonnet-20241022"
PNG = "iVBORw0KGgo="


def request(*messages: dict[str, Any], **params: Any) -> dict[str, Any]:
    """The Messages body for an OpenAI body made of `messages` and `params`."""
    body = {"model": MODEL, "messages": list(messages) or [user("hi")], **params}
    return to_messages_request(body).body


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any, **fields: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content, **fields}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def image(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def call(call_id: str, name: str, arguments: Any) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def function_tool(name: str, **function: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, **function}}


# ------------------------------------------------------------------ providers


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("anthropic/claude-3-5-sonnet-20241022", "anthropic"),
        ("anthropic/claude-3-5-haiku-20241022", "anthropic"),
        ("openai/gpt-4o", None),
        ("claude-3-5-sonnet-20241022", None),
        ("anthropic/", None),
        ("smart", None),
    ],
)
def test_only_anthropic_prefixed_models_are_translated(model: str, provider: str | None) -> None:
    assert translated_provider(model) == provider


def test_model_prefix_is_stripped_and_max_tokens_defaults() -> None:
    body = request(user("hi"))
    assert body == {
        "model": "claude-3-5-sonnet-20241022",
        "messages": [{"role": "user", "content": [text("hi")]}],
        "max_tokens": DEFAULT_MAX_TOKENS,
    }
    assert DEFAULT_MAX_TOKENS == 4096


def test_request_without_json_response_format_forces_no_tool() -> None:
    assert to_messages_request({"model": MODEL, "messages": [user("hi")]}).forced_tool is None


# --------------------------------------------------------------------- system


def test_system_and_developer_messages_anywhere_join_into_one_system_string() -> None:
    body = request(
        {"role": "system", "content": "Be terse."},
        user("hi"),
        {"role": "developer", "content": "Answer in French."},
        assistant("Salut"),
        {"role": "system", "content": ""},
        user("again"),
    )
    assert body["system"] == "Be terse.\n\nAnswer in French."
    assert body["messages"] == [
        {"role": "user", "content": [text("hi")]},
        {"role": "assistant", "content": [text("Salut")]},
        {"role": "user", "content": [text("again")]},
    ]


def test_a_system_message_with_parts_makes_system_a_list_of_text_blocks() -> None:
    body = request(
        {"role": "system", "content": "First."},
        {"role": "developer", "content": [text("Second."), text(""), text("Third.")]},
        user("hi"),
    )
    assert body["system"] == [text("First."), text("Second."), text("Third.")]


def test_no_system_message_leaves_system_out() -> None:
    assert "system" not in request(user("hi"))
    assert "system" not in request({"role": "system", "content": ""}, user("hi"))


def test_an_image_in_a_system_message_is_refused() -> None:
    with pytest.raises(ValueError, match="system"):
        request({"role": "system", "content": [image("https://x.test/a.png")]}, user("hi"))


# ------------------------------------------------------------------- messages


def test_text_parts_become_text_blocks_and_empty_ones_are_dropped() -> None:
    body = request(user([text("a"), text(""), text("b")]))
    assert body["messages"] == [{"role": "user", "content": [text("a"), text("b")]}]


def test_consecutive_same_role_messages_merge_into_one_turn() -> None:
    body = request(user("a"), user([text("b")]), assistant("c"), assistant("d"), user("e"))
    assert body["messages"] == [
        {"role": "user", "content": [text("a"), text("b")]},
        {"role": "assistant", "content": [text("c"), text("d")]},
        {"role": "user", "content": [text("e")]},
    ]


def test_an_empty_message_is_dropped_and_its_neighbours_merge() -> None:
    body = request(user("a"), assistant(""), user("b"))
    assert body["messages"] == [{"role": "user", "content": [text("a"), text("b")]}]


def test_a_final_assistant_message_is_kept_as_prefill() -> None:
    body = request(user("Name a colour."), assistant("The colour is"))
    assert body["messages"][-1] == {"role": "assistant", "content": [text("The colour is")]}


@pytest.mark.parametrize(
    ("media_type", "sent_as"),
    [
        ("image/png", "image/png"),
        ("image/jpeg", "image/jpeg"),
        ("image/jpg", "image/jpeg"),
        ("image/gif", "image/gif"),
        ("image/webp", "image/webp"),
        ("IMAGE/PNG", "image/png"),
    ],
)
def test_data_url_images_become_base64_sources(media_type: str, sent_as: str) -> None:
    body = request(user([text("what is this?"), image(f"data:{media_type};base64,{PNG}")]))
    assert body["messages"][0]["content"] == [
        text("what is this?"),
        {"type": "image", "source": {"type": "base64", "media_type": sent_as, "data": PNG}},
    ]


@pytest.mark.parametrize("url", ["https://x.test/cat.png", "http://x.test/cat.png"])
def test_http_images_become_url_sources(url: str) -> None:
    body = request(user([image(url)]))
    assert body["messages"][0]["content"] == [
        {"type": "image", "source": {"type": "url", "url": url}}
    ]


@pytest.mark.parametrize(
    "media_type", ["image/bmp", "image/svg+xml", "image/tiff", "application/pdf"]
)
def test_unsupported_image_media_types_are_refused_by_name(media_type: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"media type '{media_type}'")):
        request(user([image(f"data:{media_type};base64,{PNG}")]))


@pytest.mark.parametrize(
    "url", ["data:image/png,rawbytes", "data:image/png;base64", "ftp://x.test/a.png", "a.png"]
)
def test_image_urls_that_are_not_base64_data_or_http_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="image"):
        request(user([image(url)]))


@pytest.mark.parametrize("part_type", ["input_audio", "file", "refusal"])
def test_unknown_content_part_types_are_refused_by_name(part_type: str) -> None:
    with pytest.raises(ValueError, match=part_type):
        request(user([{"type": part_type}]))


@pytest.mark.parametrize("role", ["function", "critic", None])
def test_unknown_roles_are_refused_by_name(role: str | None) -> None:
    with pytest.raises(ValueError, match=r"messages\[1\]\.role"):
        request(user("hi"), {"role": role, "content": "x"})


# ---------------------------------------------------------------------- tools


def test_tools_become_anthropic_tools_with_a_default_input_schema() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    body = request(
        tools=[
            function_tool("get_weather", description="Weather for a city.", parameters=schema),
            function_tool("now"),
        ]
    )
    assert body["tools"] == [
        {"name": "get_weather", "description": "Weather for a city.", "input_schema": schema},
        {"name": "now", "input_schema": {"type": "object", "properties": {}}},
    ]
    assert "tool_choice" not in body


@pytest.mark.parametrize(
    ("tool_choice", "expected"),
    [
        ("auto", {"type": "auto"}),
        ("required", {"type": "any"}),
        ("none", {"type": "none"}),
        ({"type": "function", "function": {"name": "now"}}, {"type": "tool", "name": "now"}),
    ],
)
def test_each_tool_choice_maps_to_its_anthropic_form(
    tool_choice: Any, expected: dict[str, Any]
) -> None:
    assert request(tools=[function_tool("now")], tool_choice=tool_choice)["tool_choice"] == expected


@pytest.mark.parametrize(
    ("tool_choice", "expected"),
    [
        (None, {"type": "auto", "disable_parallel_tool_use": True}),
        ("auto", {"type": "auto", "disable_parallel_tool_use": True}),
        ("required", {"type": "any", "disable_parallel_tool_use": True}),
        (
            {"type": "function", "function": {"name": "now"}},
            {"type": "tool", "name": "now", "disable_parallel_tool_use": True},
        ),
        ("none", {"type": "none"}),
    ],
)
def test_parallel_tool_calls_false_disables_parallel_tool_use(
    tool_choice: Any, expected: dict[str, Any]
) -> None:
    body = request(tools=[function_tool("now")], tool_choice=tool_choice, parallel_tool_calls=False)
    assert body["tool_choice"] == expected


def test_parallel_tool_calls_true_changes_nothing() -> None:
    assert "tool_choice" not in request(tools=[function_tool("now")], parallel_tool_calls=True)


@pytest.mark.parametrize(
    ("tool_choice", "match"),
    [
        ("sometimes", "tool_choice"),
        ({"type": "function", "function": {}}, "tool_choice"),
        ({"type": "function", "function": {"name": "missing"}}, "'missing'"),
    ],
)
def test_invalid_tool_choices_are_refused(tool_choice: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        request(tools=[function_tool("now")], tool_choice=tool_choice)


def test_required_tool_choice_without_tools_is_refused() -> None:
    with pytest.raises(ValueError, match="required"):
        request(tool_choice="required")


def test_auto_or_none_tool_choice_without_tools_is_left_out() -> None:
    assert "tool_choice" not in request(tool_choice="auto")
    assert "tool_choice" not in request(tool_choice="none", parallel_tool_calls=False)


def test_a_non_function_tool_is_refused() -> None:
    with pytest.raises(ValueError, match=r"tools\[0\]"):
        request(tools=[{"type": "custom", "custom": {"name": "x"}}])


def test_a_tool_round_trip_replays_as_tool_use_and_one_user_turn_of_results() -> None:
    body = request(
        user("Weather in Paris and Rome?"),
        assistant(
            "Checking.",
            tool_calls=[
                call("toolu_1", "get_weather", '{"city": "Paris"}'),
                call("toolu_2", "get_weather", '{"city": "Rome"}'),
            ],
        ),
        {"role": "tool", "tool_call_id": "toolu_1", "content": "18C"},
        {"role": "tool", "tool_call_id": "toolu_2", "content": [text("24C"), text("")]},
        user("Thanks, which is warmer?"),
        tools=[function_tool("get_weather")],
    )
    assert body["messages"] == [
        {"role": "user", "content": [text("Weather in Paris and Rome?")]},
        {
            "role": "assistant",
            "content": [
                text("Checking."),
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                },
                {
                    "type": "tool_use",
                    "id": "toolu_2",
                    "name": "get_weather",
                    "input": {"city": "Rome"},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": [text("24C")]},
                text("Thanks, which is warmer?"),
            ],
        },
    ]


def test_an_assistant_message_with_only_tool_calls_has_only_tool_use_blocks() -> None:
    body = request(user("hi"), assistant(None, tool_calls=[call("toolu_1", "now", "{}")]))
    assert body["messages"][1] == {
        "role": "assistant",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": "now", "input": {}}],
    }


@pytest.mark.parametrize("arguments", ["", "   ", None, "{}"])
def test_empty_tool_call_arguments_become_an_empty_input(arguments: Any) -> None:
    body = request(user("hi"), assistant(None, tool_calls=[call("toolu_1", "now", arguments)]))
    assert body["messages"][1]["content"][0]["input"] == {}


@pytest.mark.parametrize(
    ("arguments", "match"), [("{city: Paris", "not valid JSON"), ("[1, 2]", "JSON object")]
)
def test_bad_tool_call_arguments_are_refused_naming_the_call(arguments: str, match: str) -> None:
    with pytest.raises(ValueError, match=f"'toolu_9'.*{match}"):
        request(user("hi"), assistant(None, tool_calls=[call("toolu_9", "now", arguments)]))


def test_a_tool_message_without_its_call_id_is_refused() -> None:
    with pytest.raises(ValueError, match="tool_call_id"):
        request(user("hi"), {"role": "tool", "content": "18C"})


# ----------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("params", "max_tokens"),
    [
        ({}, 4096),
        ({"max_tokens": 100}, 100),
        ({"max_completion_tokens": 200}, 200),
        ({"max_tokens": 100, "max_completion_tokens": 200}, 200),
        ({"max_tokens": None}, 4096),
    ],
)
def test_max_tokens_comes_from_either_openai_name_or_the_default(
    params: dict[str, Any], max_tokens: int
) -> None:
    assert request(**params)["max_tokens"] == max_tokens


@pytest.mark.parametrize(
    ("stop", "expected"),
    [("END", ["END"]), (["a", "b"], ["a", "b"]), ([], None), (None, None)],
)
def test_stop_becomes_a_stop_sequences_list(stop: Any, expected: list[str] | None) -> None:
    assert request(stop=stop).get("stop_sequences") == expected


@pytest.mark.parametrize(
    ("temperature", "sent", "logged"),
    [
        (0.7, 0.7, False),
        (0, 0, False),
        (1, 1, False),
        (1.5, 1, True),
        (2.0, 1, True),
        (-0.5, 0, True),
    ],
)
def test_temperature_is_clamped_into_zero_to_one_with_a_debug_log(
    temperature: float, sent: float, logged: bool, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("test.anthropic")
    with caplog.at_level(logging.DEBUG, logger="test.anthropic"):
        body = to_messages_request(
            {"model": MODEL, "messages": [user("hi")], "temperature": temperature}, logger=logger
        ).body
    assert body["temperature"] == sent
    assert any("clamped" in record.getMessage() for record in caplog.records) is logged


@pytest.mark.parametrize("temperature", ["hot", True, [0.5]])
def test_a_non_numeric_temperature_is_refused(temperature: Any) -> None:
    with pytest.raises(ValueError, match="temperature"):
        request(temperature=temperature)


@pytest.mark.parametrize("messages", [None, "hi", 3])
def test_messages_that_are_not_a_list_are_refused(messages: Any) -> None:
    with pytest.raises(ValueError, match="messages"):
        to_messages_request({"model": MODEL, "messages": messages})


def test_sampling_parameters_stream_and_user_are_passed() -> None:
    body = request(
        top_p=0.9, top_k=40, stream=True, user="user-42", stream_options={"include_usage": True}
    )
    assert body["top_p"] == 0.9
    assert body["top_k"] == 40
    assert body["stream"] is True
    assert body["metadata"] == {"user_id": "user-42"}
    assert "stream_options" not in body
    assert "user" not in body


def test_none_values_count_as_absent() -> None:
    body = request(
        temperature=None, stop=None, user=None, seed=None, n=None, tools=None, tool_choice=None
    )
    assert set(body) == {"model", "messages", "max_tokens"}


# ------------------------------------------------------------ response_format

PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}


def test_json_schema_response_format_becomes_a_forced_tool() -> None:
    translation = to_messages_request(
        {
            "model": MODEL,
            "messages": [user("Who wrote Hamlet?")],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "person", "schema": PERSON},
            },
        }
    )
    assert translation.forced_tool == "person"
    assert translation.body["tools"] == [
        {
            "name": "person",
            "description": "Give the final answer as this tool's input.",
            "input_schema": PERSON,
        }
    ]
    assert translation.body["tool_choice"] == {"type": "tool", "name": "person"}


def test_json_schema_description_is_the_forced_tool_description() -> None:
    body = request(
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "person", "description": "A person.", "schema": PERSON},
        }
    )
    assert body["tools"][0]["description"] == "A person."


def test_json_object_response_format_forces_an_object_schema_tool() -> None:
    translation = to_messages_request(
        {"model": MODEL, "messages": [user("hi")], "response_format": {"type": "json_object"}}
    )
    assert translation.forced_tool == JSON_OBJECT_TOOL
    assert translation.body["tools"][0]["input_schema"] == {"type": "object"}
    assert translation.body["tool_choice"] == {"type": "tool", "name": JSON_OBJECT_TOOL}
    assert "system" not in translation.body


def test_text_response_format_changes_nothing() -> None:
    translation = to_messages_request(
        {"model": MODEL, "messages": [user("hi")], "response_format": {"type": "text"}}
    )
    assert translation.forced_tool is None
    assert "tools" not in translation.body


FORMAT = {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON}}


@pytest.mark.parametrize(
    ("tool_choice", "choice_sent", "forced"),
    [
        (None, {"type": "any"}, "person"),
        ("auto", {"type": "any"}, "person"),
        ("none", {"type": "tool", "name": "person"}, "person"),
        ("required", {"type": "any"}, None),
        ({"type": "function", "function": {"name": "now"}}, {"type": "tool", "name": "now"}, None),
    ],
)
def test_response_format_with_callable_tools_lets_the_model_call_a_tool_or_answer_in_json(
    tool_choice: Any, choice_sent: dict[str, Any], forced: str | None
) -> None:
    translation = to_messages_request(
        {
            "model": MODEL,
            "messages": [user("hi")],
            "tools": [function_tool("now")],
            "tool_choice": tool_choice,
            "response_format": FORMAT,
        }
    )
    assert translation.body["tool_choice"] == choice_sent
    assert translation.forced_tool == forced
    names = [tool["name"] for tool in translation.body["tools"]]
    assert names == (["now", "person"] if forced else ["now"])


@pytest.mark.parametrize(
    ("response_format", "match"),
    [
        ({"type": "json_schema", "json_schema": {"name": "now", "schema": PERSON}}, "'now'"),
        ({"type": "json_schema", "json_schema": {"schema": PERSON}}, "name"),
        ({"type": "grammar"}, "'grammar'"),
    ],
)
def test_untranslatable_response_formats_are_refused(response_format: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        request(tools=[function_tool("now")], response_format=response_format)


# --------------------------------------------------------- refused parameters

REFUSED_VALUES: dict[str, Any] = {
    "n": 2,
    "logprobs": True,
    "top_logprobs": 3,
    "frequency_penalty": 0.5,
    "presence_penalty": -0.2,
    "seed": 7,
    "audio": {"voice": "alloy", "format": "wav"},
    "modalities": ["text", "audio"],
    "template_id": "tpl_1",
    "template_variables": {"name": "Ada"},
    "route_tag": "cheap",
}


def test_every_refused_parameter_has_a_refused_value_here() -> None:
    assert set(REFUSED_VALUES) == set(REFUSED_PARAMETERS)


@pytest.mark.parametrize(("name", "value"), sorted(REFUSED_VALUES.items()))
def test_each_untranslatable_parameter_is_refused_by_name_with_its_reason(
    name: str, value: Any
) -> None:
    with pytest.raises(ValueError, match=f"'{name}'.*{re.escape(REFUSED_PARAMETERS[name][1])}"):
        request(**{name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("n", 1),
        ("logprobs", False),
        ("top_logprobs", 0),
        ("frequency_penalty", 0),
        ("frequency_penalty", 0.0),
        ("presence_penalty", 0),
        ("modalities", ["text"]),
    ],
)
def test_parameters_at_their_neutral_value_are_accepted_and_not_sent(name: str, value: Any) -> None:
    assert name not in request(**{name: value})


@pytest.mark.parametrize("name", ["logit_bias", "reasoning_effort", "functions", "service_tier"])
def test_parameters_without_any_translation_are_refused_by_name(name: str) -> None:
    with pytest.raises(ValueError, match=f"'{name}'"):
        request(**{name: {"x": 1}})


# ------------------------------------------------------------------- response


def anthropic_message(
    *content: dict[str, Any], stop_reason: str | None = "end_turn", **extra: Any
) -> dict[str, Any]:
    return {
        "id": "msg_01",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-sonnet-20241022",
        "content": list(content),
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
        **extra,
    }


def tool_use(block_id: str, name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": block_id, "name": name, "input": tool_input}


def test_a_text_answer_becomes_a_chat_completion() -> None:
    before = int(time.time())
    completion = to_chat_completion(anthropic_message(text("Hello"), text(" there")), model=MODEL)
    assert completion.pop("created") >= before
    assert completion == {
        "id": "msg_01",
        "object": "chat.completion",
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello there"},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "prompt_tokens_details": {"cached_tokens": 0},
        },
        "provider": "anthropic",
    }


def test_tool_use_blocks_become_tool_calls() -> None:
    completion = to_chat_completion(
        anthropic_message(
            text("Let me check."),
            tool_use("toolu_1", "get_weather", {"city": "Paris"}),
            tool_use("toolu_2", "now", {}),
            stop_reason="tool_use",
        ),
        model=MODEL,
    )
    choice = completion["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"] == {
        "role": "assistant",
        "content": "Let me check.",
        "tool_calls": [
            {
                "id": "toolu_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            },
            {"id": "toolu_2", "type": "function", "function": {"name": "now", "arguments": "{}"}},
        ],
    }


def test_an_answer_with_only_tool_calls_has_null_content() -> None:
    completion = to_chat_completion(
        anthropic_message(tool_use("toolu_1", "now", {}), stop_reason="tool_use"), model=MODEL
    )
    assert completion["choices"][0]["message"]["content"] is None


def test_the_forced_response_format_tool_input_becomes_the_json_content() -> None:
    completion = to_chat_completion(
        anthropic_message(
            tool_use("toolu_1", "person", {"name": "Shakespeare"}), stop_reason="tool_use"
        ),
        model=MODEL,
        forced_tool="person",
    )
    choice = completion["choices"][0]
    assert json.loads(choice["message"]["content"]) == {"name": "Shakespeare"}
    assert "tool_calls" not in choice["message"]
    assert choice["finish_reason"] == "stop"


def test_a_real_tool_call_next_to_the_forced_tool_still_finishes_with_tool_calls() -> None:
    completion = to_chat_completion(
        anthropic_message(
            tool_use("toolu_1", "now", {}),
            tool_use("toolu_2", "person", {"name": "A"}),
            stop_reason="tool_use",
        ),
        model=MODEL,
        forced_tool="person",
    )
    choice = completion["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert [c["function"]["name"] for c in choice["message"]["tool_calls"]] == ["now"]
    assert json.loads(choice["message"]["content"]) == {"name": "A"}


@pytest.mark.parametrize(
    ("stop_reason", "finish_reason"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("pause_turn", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
    ],
)
def test_each_stop_reason_maps_to_its_finish_reason(stop_reason: str, finish_reason: str) -> None:
    content = [tool_use("toolu_1", "now", {})] if stop_reason == "tool_use" else [text("x")]
    completion = to_chat_completion(
        anthropic_message(*content, stop_reason=stop_reason), model=MODEL
    )
    assert completion["choices"][0]["finish_reason"] == finish_reason


@pytest.mark.parametrize("stop_reason", ["model_context_window_exceeded", None])
def test_an_unknown_stop_reason_is_stop_with_a_debug_log(
    stop_reason: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="gatewise"):
        completion = to_chat_completion(
            anthropic_message(text("x"), stop_reason=stop_reason), model=MODEL
        )
    assert completion["choices"][0]["finish_reason"] == "stop"
    assert any("stop_reason" in record.getMessage() for record in caplog.records)


def test_prompt_usage_counts_cache_reads_and_writes() -> None:
    message = anthropic_message(text("x"))
    message["usage"] = {
        "input_tokens": 10,
        "output_tokens": 7,
        "cache_read_input_tokens": 100,
        "cache_creation_input_tokens": 20,
    }
    assert to_chat_completion(message, model=MODEL)["usage"] == {
        "prompt_tokens": 130,
        "completion_tokens": 7,
        "total_tokens": 137,
        "prompt_tokens_details": {"cached_tokens": 100},
    }


def test_null_cache_counts_count_as_zero() -> None:
    message = anthropic_message(text("x"))
    message["usage"] = {"input_tokens": 3, "output_tokens": 2, "cache_read_input_tokens": None}
    assert to_chat_completion(message, model=MODEL)["usage"]["prompt_tokens"] == 3


def test_gateway_fields_on_the_answer_are_kept() -> None:
    message = anthropic_message(text("x"), trace_id="tr_1", latency_ms=12.5, cost_usd=0.002)
    completion = to_chat_completion(message, model=MODEL)
    assert completion["trace_id"] == "tr_1"
    assert completion["latency_ms"] == 12.5
    assert completion["usage"]["cost_usd"] == 0.002


def test_thinking_blocks_are_not_part_of_the_content() -> None:
    message = anthropic_message(
        {"type": "thinking", "thinking": "hmm", "signature": "s"}, text("42")
    )
    assert to_chat_completion(message, model=MODEL)["choices"][0]["message"]["content"] == "42"


# --------------------------------------------------------------------- stream

Event = tuple[str, dict[str, Any]]


def message_start(input_tokens: int = 10, **usage: int) -> Event:
    message = anthropic_message(stop_reason=None)
    message["usage"] = {"input_tokens": input_tokens, "output_tokens": 1, **usage}
    return "message_start", {"type": "message_start", "message": message}


def block_start(index: int, block: dict[str, Any]) -> Event:
    return "content_block_start", {
        "type": "content_block_start",
        "index": index,
        "content_block": block,
    }


def text_delta(index: int, value: str) -> Event:
    return "content_block_delta", {
        "type": "content_block_delta",
        "index": index,
        "delta": {"type": "text_delta", "text": value},
    }


def json_delta(index: int, fragment: str) -> Event:
    delta = {"type": "input_json_delta", "partial_json": fragment}
    return "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}


def block_stop(index: int) -> Event:
    return "content_block_stop", {"type": "content_block_stop", "index": index}


def message_delta(stop_reason: str, output_tokens: int) -> Event:
    return "message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": {"output_tokens": output_tokens},
    }


PING: Event = ("ping", {"type": "ping"})
MESSAGE_STOP: Event = ("message_stop", {"type": "message_stop"})


def tool_block(block_id: str, name: str) -> dict[str, Any]:
    return {"type": "tool_use", "id": block_id, "name": name, "input": {}}


TEXT_EVENTS: list[Event] = [
    message_start(),
    PING,
    block_start(0, {"type": "text", "text": ""}),
    text_delta(0, "Hello"),
    PING,
    text_delta(0, " there"),
    block_stop(0),
    message_delta("end_turn", 6),
    MESSAGE_STOP,
]

TOOL_EVENTS: list[Event] = [
    message_start(),
    block_start(0, {"type": "text", "text": ""}),
    text_delta(0, "Checking."),
    block_stop(0),
    block_start(1, tool_block("toolu_1", "get_weather")),
    json_delta(1, ""),
    json_delta(1, '{"city": '),
    json_delta(1, '"Paris"}'),
    block_stop(1),
    block_start(2, tool_block("toolu_2", "get_weather")),
    json_delta(2, '{"city": "Rome"}'),
    block_stop(2),
    message_delta("tool_use", 40),
    MESSAGE_STOP,
]


def translate(
    events: list[Event], forced_tool: str | None = None
) -> tuple[list[dict[str, Any]], StreamTranslator]:
    translator = StreamTranslator(MODEL, forced_tool)
    chunks = [
        chunk for event_type, payload in events for chunk in translator.feed(event_type, payload)
    ]
    return chunks, translator


def deltas(chunks: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str | None]]:
    return [
        (chunk["choices"][0]["delta"], chunk["choices"][0]["finish_reason"]) for chunk in chunks
    ]


def test_a_text_stream_becomes_role_content_and_finish_chunks() -> None:
    chunks, translator = translate(TEXT_EVENTS)
    assert deltas(chunks) == [
        ({"role": "assistant", "content": ""}, None),
        ({"content": "Hello"}, None),
        ({"content": " there"}, None),
        ({}, "stop"),
    ]
    assert chunks[-1]["usage"] == {
        "prompt_tokens": 10,
        "completion_tokens": 6,
        "total_tokens": 16,
        "prompt_tokens_details": {"cached_tokens": 0},
    }
    assert all("usage" not in chunk for chunk in chunks[:-1])
    assert translator.done


def test_every_chunk_carries_the_message_id_model_and_choice_zero() -> None:
    chunks, _ = translate(TOOL_EVENTS)
    assert {chunk["id"] for chunk in chunks} == {"msg_01"}
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert {chunk["model"] for chunk in chunks} == {MODEL}
    assert len({chunk["created"] for chunk in chunks}) == 1
    assert all([choice["index"] for choice in chunk["choices"]] == [0] for chunk in chunks)


def test_tool_use_blocks_after_text_stream_as_tool_calls_indexed_by_tool_count() -> None:
    chunks, _ = translate(TOOL_EVENTS)
    assert deltas(chunks) == [
        ({"role": "assistant", "content": ""}, None),
        ({"content": "Checking."}, None),
        (
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "toolu_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": ""},
                    }
                ]
            },
            None,
        ),
        ({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}, None),
        ({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}, None),
        (
            {
                "tool_calls": [
                    {
                        "index": 1,
                        "id": "toolu_2",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": ""},
                    }
                ]
            },
            None,
        ),
        ({"tool_calls": [{"index": 1, "function": {"arguments": '{"city": "Rome"}'}}]}, None),
        ({}, "tool_calls"),
    ]


def test_a_tool_called_without_arguments_streams_an_empty_object() -> None:
    chunks, _ = translate(
        [
            message_start(),
            block_start(0, tool_block("toolu_1", "now")),
            block_stop(0),
            message_delta("tool_use", 3),
            MESSAGE_STOP,
        ]
    )
    assert deltas(chunks)[2] == (
        {"tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]},
        None,
    )


def test_cumulative_output_tokens_are_assigned_not_added() -> None:
    events = [
        message_start(input_tokens=20, cache_read_input_tokens=5, cache_creation_input_tokens=3),
        block_start(0, {"type": "text", "text": ""}),
        text_delta(0, "a"),
        block_stop(0),
        message_delta("pause_turn", 30),
        message_delta("end_turn", 50),
        MESSAGE_STOP,
    ]
    chunks, _ = translate(events)
    usages = [chunk["usage"] for chunk in chunks if "usage" in chunk]
    assert [usage["completion_tokens"] for usage in usages] == [30, 50]
    assert usages[-1] == {
        "prompt_tokens": 28,
        "completion_tokens": 50,
        "total_tokens": 78,
        "prompt_tokens_details": {"cached_tokens": 5},
    }


def test_input_tokens_in_message_delta_replace_those_of_message_start() -> None:
    _, payload = message_delta("end_turn", 9)
    payload["usage"]["input_tokens"] = 12
    chunks, _ = translate([message_start(input_tokens=10), ("message_delta", payload)])
    assert chunks[-1]["usage"]["prompt_tokens"] == 12


def test_ping_and_unknown_events_yield_no_chunk() -> None:
    translator = StreamTranslator(MODEL)
    assert translator.feed("ping", {"type": "ping"}) == []
    assert translator.feed("future_event", {"type": "future_event"}) == []
    assert translator.feed("message_stop", {"type": "message_stop"}) == []
    assert translator.done


def test_thinking_blocks_stream_nothing() -> None:
    events = [
        message_start(),
        block_start(0, {"type": "thinking", "thinking": ""}),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "hmm"},
            },
        ),
        block_stop(0),
        block_start(1, {"type": "text", "text": ""}),
        text_delta(1, "42"),
    ]
    chunks, _ = translate(events)
    assert deltas(chunks)[1:] == [({"content": "42"}, None)]


def test_the_forced_response_format_tool_streams_as_content() -> None:
    events = [
        message_start(),
        block_start(0, tool_block("toolu_1", "person")),
        json_delta(0, '{"name": '),
        json_delta(0, '"Ada"}'),
        block_stop(0),
        message_delta("tool_use", 12),
        MESSAGE_STOP,
    ]
    chunks, _ = translate(events, forced_tool="person")
    assert deltas(chunks) == [
        ({"role": "assistant", "content": ""}, None),
        ({"content": '{"name": '}, None),
        ({"content": '"Ada"}'}, None),
        ({}, "stop"),
    ]


@pytest.mark.parametrize(
    ("error_type", "cls", "status"),
    [
        ("overloaded_error", ProviderUnavailableError, 529),
        ("rate_limit_error", RateLimitError, 429),
        ("api_error", ServerError, 500),
    ],
)
def test_an_error_event_raises_the_mapped_api_error(
    error_type: str, cls: type[APIError], status: int
) -> None:
    translator = StreamTranslator(MODEL)
    translator.feed(*message_start())
    payload = {"type": "error", "error": {"type": error_type, "message": "Overloaded"}}
    with pytest.raises(cls) as raised:
        translator.feed("error", payload)
    assert type(raised.value) is cls
    assert raised.value.status_code == status
    assert raised.value.message == "Overloaded"


# ---------------------------------------------------- against the SDK's models


def test_translated_answers_and_chunks_validate_as_the_sdk_models() -> None:
    from gatewise._generated.models import ChatCompletion, ChatCompletionChunk

    answers = [
        anthropic_message(text("Hello")),
        anthropic_message(tool_use("toolu_1", "now", {}), stop_reason="tool_use"),
        anthropic_message(stop_reason="refusal"),
    ]
    for answer in answers:
        ChatCompletion.model_validate(to_chat_completion(answer, model=MODEL))
    for chunk in translate(TEXT_EVENTS)[0] + translate(TOOL_EVENTS)[0]:
        ChatCompletionChunk.model_validate(chunk)


def test_a_stream_folds_into_the_same_answer_as_the_whole_message() -> None:
    from gatewise._generated.models import ChatCompletionChunk

    accumulator = ChunkAccumulator()
    for chunk in translate(TOOL_EVENTS)[0]:
        accumulator.add(ChatCompletionChunk.model_validate(chunk))
    streamed = accumulator.result()
    whole = anthropic_message(
        text("Checking."),
        tool_use("toolu_1", "get_weather", {"city": "Paris"}),
        tool_use("toolu_2", "get_weather", {"city": "Rome"}),
        stop_reason="tool_use",
    )
    whole["usage"] = {"input_tokens": 10, "output_tokens": 40}
    expected = to_chat_completion(whole, model=MODEL)
    assert streamed["choices"] == expected["choices"]
    assert streamed["usage"] == expected["usage"]
    assert streamed["id"] == expected["id"]
