"""A second, independent client of the Anthropic passthrough: the official `anthropic`
package, unchanged, pointed at the mock gateway's `/anthropic`. What it sends (its key,
its anthropic-version) must be accepted and what it reads (the Messages shape, `request-id`,
Anthropic's error types) must be there, or Anthropic clients could not use the gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anthropic
import pytest

from gatewise.testing import MockGateway

HELLO = [{"role": "user", "content": "Hello from anthropic-python"}]


@pytest.fixture
def claude(gateway: MockGateway) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(
        base_url=gateway.url + "/anthropic", api_key=gateway.api_key, max_retries=0
    ) as client:
        yield client


@pytest.fixture
async def async_claude(gateway: MockGateway) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with anthropic.AsyncAnthropic(
        base_url=gateway.url + "/anthropic", api_key=gateway.api_key, max_retries=0
    ) as client:
        yield client


def test_a_message_reads_its_text_usage_and_request_id(
    claude: anthropic.Anthropic, gateway: MockGateway
) -> None:
    raw = claude.messages.with_raw_response.create(
        model="claude-3-5-sonnet-latest", max_tokens=64, messages=HELLO
    )
    message = raw.parse()

    assert message.model == "claude-3-5-sonnet-20241022"  # the alias, resolved
    assert [block.text for block in message.content if block.type == "text"] == [
        "Hello from anthropic-python"
    ]
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens == 3
    assert message._request_id == raw.headers["x-request-id"]
    # The SDK's own anthropic-version (2026-10-21 in 2.15), which the mock accepts.
    assert gateway.requests.last.headers["anthropic-version"]


def test_a_stream_gives_the_text_and_the_final_message(claude: anthropic.Anthropic) -> None:
    with claude.messages.stream(model="claude-3-5-haiku", max_tokens=64, messages=HELLO) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()

    assert text == "Hello from anthropic-python"
    assert final.model == "claude-3-5-haiku-20241022"
    assert final.stop_reason == "end_turn"


async def test_the_async_client_reads_tool_use(async_claude: anthropic.AsyncAnthropic) -> None:
    message = await async_claude.messages.create(
        model="claude-3-5-sonnet-20241022",
        max_tokens=64,
        messages=[{"role": "user", "content": "Weather in Rome?"}],
        tools=[
            {
                "name": "get_weather",
                "input_schema": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            }
        ],
        tool_choice={"type": "tool", "name": "get_weather"},
    )

    (block,) = message.content
    assert block.type == "tool_use"
    assert (block.name, block.input) == ("get_weather", {"city": "example city"})
    assert message.stop_reason == "tool_use"


def test_errors_are_anthropics_types_with_the_request_id(claude: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as missing:
        claude.messages.create(model="claude-9-opus", max_tokens=64, messages=HELLO)
    with pytest.raises(anthropic.BadRequestError) as too_hot:
        claude.messages.create(
            model="claude-3-5-sonnet",
            max_tokens=64,
            messages=HELLO,
            extra_body={"temperature": 1.5},  # this SDK's API version has no temperature
        )

    assert missing.value.status_code == 404
    assert missing.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
    assert missing.value.request_id == missing.value.response.headers["x-request-id"]
    assert "temperature" in too_hot.value.message
