"""Tool helpers end to end: `pydantic_function_tool` and its parsed arguments, and the
`run_tools` loop, against the mock gateway with both clients and an Anthropic model."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel

import gatewise
from gatewise.testing import MockGateway
from tests.support import resolve

from .helpers import ClientFactory, chat_message

ANTHROPIC = "anthropic/claude-3-5-haiku-20241022"


class GetWeather(BaseModel):
    """Get the weather of a city."""

    city: str
    days: int | None = None


def test_pydantic_function_tool_is_a_strict_definition() -> None:
    tool = gatewise.pydantic_function_tool(GetWeather, name="get_weather")
    function = tool["function"]
    assert tool["type"] == "function"
    assert function["name"] == "get_weather"
    assert function["description"] == "Get the weather of a city."
    assert function["strict"] is True
    assert function["parameters"]["required"] == ["city", "days"]
    assert function["parameters"]["additionalProperties"] is False


@pytest.mark.parametrize("model", ["openai/gpt-4o", ANTHROPIC])
async def test_parse_gives_the_parsed_arguments_of_tool_calls(client: Any, model: str) -> None:
    class Answer(BaseModel):
        text: str

    result = await resolve(
        client.chat.completions.parse(
            model=model,
            messages=chat_message("weather?"),
            response_format=Answer,
            tools=[gatewise.pydantic_function_tool(GetWeather, name="get_weather")],
            tool_choice="required",
        )
    )
    message = result.choices[0].message
    assert message.parsed is None
    call = message.tool_calls[0]
    assert isinstance(call.function.parsed_arguments, GetWeather)
    assert call.function.parsed_arguments.city == json.loads(call.function.arguments)["city"]


def sent_tool(body: dict[str, Any], name: str) -> dict[str, Any]:
    for tool in body["tools"]:
        definition: dict[str, Any] = tool.get("function", tool)  # Anthropic's are not nested
        if definition["name"] == name:
            return definition
    raise AssertionError(f"no tool {name!r} was sent")


def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
    """Get the weather of a city."""
    return {"city": city, "temperature": 21, "unit": unit}


def local_time(where: GetWeather) -> str:
    """The local time of a city."""
    return f"12:00 in {where.city}"


@pytest.mark.parametrize("model", ["openai/gpt-4o", ANTHROPIC])
async def test_run_tools_runs_the_tools_and_quotes_their_results(
    client: Any, gateway: MockGateway, model: str
) -> None:
    run = await resolve(
        client.chat.completions.run_tools(
            model=model,
            messages=chat_message("what is the weather in Paris?"),
            tools=[get_weather, (GetWeather, local_time)],
        )
    )
    assert run.finished is True
    assert run.rounds == 2
    assert [m["role"] for m in run.messages] == ["user", "assistant", "tool", "assistant"]
    result = run.messages[2]["content"]
    assert json.loads(result) == {"city": "example city", "temperature": 21, "unit": "celsius"}
    assert run.completion.content == f"Tool results: {result}"
    # The function's signature and docstring became its schema and description.
    sent = sent_tool(gateway.requests[0].json, "get_weather")
    schema = sent.get("parameters") or sent["input_schema"]
    assert schema["required"] == ["city"]
    assert sent["description"] == "Get the weather of a city."


async def test_a_pair_tool_gets_the_model_and_str_results_go_as_is(client: Any) -> None:
    run = await resolve(
        client.chat.completions.run_tools(
            model="openai/gpt-4o",
            messages=chat_message("what time is it?"),
            tools=[(GetWeather, local_time)],
        )
    )
    assert run.messages[2]["content"] == "12:00 in example city"


async def test_a_tool_exception_goes_back_as_a_tool_error(client: Any) -> None:
    def explode(city: str) -> str:
        raise RuntimeError(f"no data for {city}")

    run = await resolve(
        client.chat.completions.run_tools(
            model="openai/gpt-4o", messages=chat_message("explode"), tools=[explode]
        )
    )
    assert run.finished
    assert run.messages[2]["content"] == "Error: RuntimeError: no data for example city"


async def test_max_rounds_stops_the_loop(client: Any) -> None:
    run = await resolve(
        client.chat.completions.run_tools(
            model="openai/gpt-4o",
            messages=chat_message("weather?"),
            tools=[get_weather],
            tool_choice="required",  # the mock then calls a tool every round
            max_rounds=3,
        )
    )
    assert run.finished is False
    assert run.rounds == 3
    assert [m["role"] for m in run.messages].count("tool") == 3


async def test_run_tools_through_a_fallback_chain(client: Any) -> None:
    run = await resolve(
        client.chat.completions.run_tools(
            model="mock/always-503",
            fallbacks=[ANTHROPIC],
            messages=chat_message("weather?"),
            tools=[get_weather],
        )
    )
    assert run.finished
    assert run.completion.model == ANTHROPIC


async def test_async_tools_are_awaited_on_the_async_client(gateway: MockGateway) -> None:
    async def forecast(city: str) -> str:
        await asyncio.sleep(0)
        return f"sunny in {city}"

    factory = ClientFactory("async", gateway)
    try:
        run = await factory().chat.completions.run_tools(
            model="openai/gpt-4o", messages=chat_message("forecast?"), tools=[forecast]
        )
        assert run.completion.content == "Tool results: sunny in example city"
    finally:
        await factory.close_all()
    client = gatewise.Gatewise(base_url=gateway.url, api_key=gateway.api_key)
    with client, pytest.raises(TypeError, match="AsyncGatewise"):
        client.chat.completions.run_tools(
            model="openai/gpt-4o", messages=chat_message("forecast?"), tools=[forecast]
        )
    assert len(gateway.requests.to("/v1/chat/completions")) == 2


async def test_bad_tools_fail_before_sending(client: Any, gateway: MockGateway) -> None:
    def spread(*cities: str) -> str:
        return ""

    for tools, error in (([], ValueError), ([spread], TypeError), ([get_weather] * 2, ValueError)):
        with pytest.raises(error):
            await resolve(
                client.chat.completions.run_tools(
                    model="openai/gpt-4o", messages=chat_message("hi"), tools=tools
                )
            )
    with pytest.raises(TypeError, match="stream"):
        await resolve(
            client.chat.completions.run_tools(
                model="openai/gpt-4o", messages=chat_message("hi"), tools=[get_weather], stream=True
            )
        )
    assert not gateway.requests.to("/v1/chat/completions")
