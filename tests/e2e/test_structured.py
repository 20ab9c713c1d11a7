"""Structured outputs end to end: `chat.completions.parse()` against the mock gateway, with
both clients, a fallback chain, an Anthropic model, streams, refusals and re-asks."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from pydantic import BaseModel, Field, field_validator

import gatewise
from gatewise.testing import MockGateway
from tests.support import resolve

from .helpers import chat_message, items

ANTHROPIC = "anthropic/claude-3-5-haiku-20241022"


class City(BaseModel):
    name: str
    population: int | None = None


class Weather(BaseModel):
    """A weather report."""

    city: City
    temperature: float
    conditions: list[str]


async def test_parse_sends_a_strict_schema_and_returns_the_model(
    client: Any, gateway: MockGateway
) -> None:
    result = await resolve(
        client.chat.completions.parse(
            model="openai/gpt-4o", messages=chat_message("weather?"), response_format=Weather
        )
    )
    assert isinstance(result, gatewise.ParsedChatCompletion)
    parsed = result.choices[0].message.parsed
    assert isinstance(parsed, Weather)
    assert isinstance(parsed.city, City)
    assert result.validation_retries == 0
    assert result.choices[0].message.refusal is None

    sent = gateway.requests.to("/v1/chat/completions")[-1].json["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["name"] == "Weather"
    assert sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["description"] == "A weather report."
    schema = sent["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["city", "temperature", "conditions"]
    city = schema["$defs"]["City"]
    # The optional field is required but nullable, as strict mode wants.
    assert city["required"] == ["name", "population"]
    assert city["additionalProperties"] is False
    assert {"type": "null"} in city["properties"]["population"]["anyOf"]
    assert "default" not in city["properties"]["population"]


async def test_parse_through_an_anthropic_model(client: Any, gateway: MockGateway) -> None:
    result = await resolve(
        client.chat.completions.parse(
            model=ANTHROPIC, messages=chat_message("weather?"), response_format=Weather
        )
    )
    assert isinstance(result.choices[0].message.parsed, Weather)
    # The translation forced a tool whose input schema is the model's.
    body = gateway.requests.to("/anthropic/v1/messages")[-1].json
    assert body["tools"][0]["input_schema"]["$defs"]["City"]["additionalProperties"] is False


async def test_parse_through_a_fallback_chain(client: Any) -> None:
    result = await resolve(
        client.chat.completions.parse(
            model="mock/always-503",
            fallbacks=[ANTHROPIC],
            messages=chat_message("weather?"),
            response_format=Weather,
        )
    )
    assert isinstance(result.choices[0].message.parsed, Weather)
    assert result.model == ANTHROPIC


@pytest.mark.parametrize("model", ["openai/gpt-4o", ANTHROPIC])
async def test_a_parsed_stream_collects_the_model(client: Any, model: str) -> None:
    stream = await resolve(
        client.chat.completions.parse(
            model=model, messages=chat_message("weather?"), response_format=Weather, stream=True
        )
    )
    result = await resolve(stream.collect())
    assert isinstance(result, gatewise.ParsedChatCompletion)
    assert isinstance(result.choices[0].message.parsed, Weather)


async def test_invalid_json_raises_output_validation_error(client: Any) -> None:
    with pytest.raises(gatewise.OutputValidationError) as caught:
        await resolve(
            client.chat.completions.parse(
                model="mock/invalid-json",
                messages=chat_message("weather?"),
                response_format=Weather,
            )
        )
    error = caught.value
    assert isinstance(error, gatewise.GatewiseError)
    assert error.text.startswith('{"city"')
    assert error.errors[0]["type"] == "json_invalid"
    assert "does not fit Weather" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.text, copy.errors) == (error.text, error.errors)


async def test_a_reask_sends_the_errors_and_counts_the_retries(
    client: Any, gateway: MockGateway
) -> None:
    result = await resolve(
        client.chat.completions.parse(
            model="mock/invalid-json",
            messages=chat_message("weather?"),
            response_format=Weather,
            max_validation_retries=2,
        )
    )
    assert isinstance(result.choices[0].message.parsed, Weather)
    assert result.validation_retries == 1
    calls = gateway.requests.to("/v1/chat/completions")
    assert len(calls) == 2
    reask = calls[-1].json["messages"]
    assert [m["role"] for m in reask] == ["user", "assistant", "user"]
    assert reask[1]["content"].startswith('{"city"')  # the invalid answer, as it came
    assert "json_invalid" in reask[2]["content"]


async def test_answers_that_do_not_fit_the_model_are_errors(client: Any) -> None:
    class Strict(BaseModel):
        city: str

        @field_validator("city")
        @classmethod
        def _in_paris(cls, value: str) -> str:
            # The schema cannot say this, so the mock's answer fits the schema, not the model.
            if value != "Paris":
                raise ValueError("only Paris")
            return value

    with pytest.raises(gatewise.OutputValidationError) as caught:
        await resolve(
            client.chat.completions.parse(
                model="openai/gpt-4o",
                messages=chat_message("hi"),
                response_format=Strict,
                max_validation_retries=1,
            )
        )
    assert caught.value.errors[0]["loc"] == ("city",)


@pytest.mark.parametrize("stream", [False, True])
async def test_a_refusal_has_no_parsed_value(client: Any, stream: bool) -> None:
    answer = await resolve(
        client.chat.completions.parse(
            model="mock/refuse", messages=chat_message("hi"), response_format=Weather, stream=stream
        )
    )
    result = await resolve(answer.collect()) if stream else answer
    message = result.choices[0].message
    assert message.parsed is None
    assert "refusal" in message.refusal


async def test_bad_arguments_fail_before_sending(client: Any, gateway: MockGateway) -> None:
    with pytest.raises(ValueError, match="stream=False"):
        await resolve(
            client.chat.completions.parse(
                model="openai/gpt-4o",
                messages=chat_message("hi"),
                response_format=Weather,
                stream=True,
                max_validation_retries=1,
            )
        )
    with pytest.raises(TypeError, match="pydantic model"):
        await resolve(
            client.chat.completions.parse(
                model="openai/gpt-4o", messages=chat_message("hi"), response_format=dict
            )
        )
    assert not gateway.requests.to("/v1/chat/completions")


class Node(BaseModel):
    value: str
    children: list[Node]
    next: Node | None = None


class Tree(BaseModel):
    root: Node = Field(description="The tree's root.")


@pytest.mark.parametrize("model", ["openai/gpt-4o", ANTHROPIC])
async def test_recursive_models_and_described_references(
    client: Any, gateway: MockGateway, model: str
) -> None:
    result = await resolve(
        client.chat.completions.parse(
            model=model, messages=chat_message("a tree"), response_format=Tree
        )
    )
    tree = result.choices[0].message.parsed
    assert isinstance(tree, Tree)
    assert isinstance(tree.root.children[0], Node)
    body = gateway.requests[-1].json
    fmt = body.get("response_format") or {
        "json_schema": {"schema": body["tools"][0]["input_schema"]}
    }
    schema = fmt["json_schema"]["schema"]
    # A $ref with a sibling (the description) is inlined; the recursion stays a $ref.
    assert schema["properties"]["root"]["description"] == "The tree's root."
    assert schema["properties"]["root"]["required"] == ["value", "children", "next"]
    assert schema["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}


async def test_tool_arguments_that_do_not_validate_are_reasked(
    client: Any, gateway: MockGateway
) -> None:
    class Lookup(BaseModel):
        city: str

        @field_validator("city")
        @classmethod
        def _known(cls, value: str) -> str:
            if value != "Paris":
                raise ValueError("unknown city")
            return value

    class Answer(BaseModel):
        text: str

    result = await resolve(
        client.chat.completions.parse(
            model="openai/gpt-4o",
            messages=chat_message("look it up"),
            response_format=Answer,
            tools=[gatewise.pydantic_function_tool(Lookup)],
            max_validation_retries=1,
        )
    )
    # The errors went back as the tool call's result; the model then answered in text.
    assert result.validation_retries == 1
    assert isinstance(result.choices[0].message.parsed, Answer)
    reask = gateway.requests[-1].json["messages"]
    assert [m["role"] for m in reask] == ["user", "assistant", "tool"]
    assert reask[2]["tool_call_id"] == reask[1]["tool_calls"][0]["id"]
    assert "unknown city" in reask[2]["content"]


async def test_a_parsed_stream_yields_the_chunks(client: Any) -> None:
    stream = await resolve(
        client.chat.completions.parse(
            model="openai/gpt-4o", messages=chat_message("hi"), response_format=Weather, stream=True
        )
    )
    chunks = await items(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert Weather.model_validate_json(text)
    assert all(isinstance(c, gatewise.ChatCompletionChunk) for c in chunks)
