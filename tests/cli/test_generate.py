"""`gatewise chat` and `gatewise complete`: what they send and what they print."""

from __future__ import annotations

import json

from gatewise import Gatewise
from gatewise.params import ChatMessage
from gatewise.testing import MockGateway

from .conftest import CLI

PROMPT = "Name three rivers"


def _expected_chat(gateway: MockGateway, *messages: ChatMessage) -> str | None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        return client.chat.completions.create(
            model="openai/gpt-4o", messages=list(messages)
        ).content


def test_chat_streams_the_reply_to_stdout(cli: CLI, gateway: MockGateway) -> None:
    result = cli.run("chat", "-m", "openai/gpt-4o", PROMPT)
    assert result.returncode == 0, result.stderr
    sent = gateway.requests.last.json
    assert sent["stream"] is True
    assert sent["messages"] == [{"role": "user", "content": PROMPT}]
    assert result.stdout == f"{_expected_chat(gateway, sent['messages'][0])}\n"
    assert result.stderr == ""


def test_chat_no_stream_sends_the_system_message_first(cli: CLI, gateway: MockGateway) -> None:
    result = cli.run("chat", "-m", "openai/gpt-4o", "--no-stream", "--system", "Be brief", PROMPT)
    assert result.returncode == 0, result.stderr
    sent = gateway.requests.last.json
    assert sent["stream"] is False
    assert sent["messages"] == [
        {"role": "system", "content": "Be brief"},
        {"role": "user", "content": PROMPT},
    ]
    assert result.stdout == f"{_expected_chat(gateway, *sent['messages'])}\n"


def test_chat_json_prints_the_accumulated_completion(cli: CLI, gateway: MockGateway) -> None:
    result = cli.run("chat", "-m", "openai/gpt-4o", "--json", PROMPT)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert gateway.requests.last.json["stream"] is True
    assert answer["object"] == "chat.completion"
    assert answer["choices"][0]["message"]["content"] == _expected_chat(
        gateway, {"role": "user", "content": PROMPT}
    )


def test_chat_reads_the_prompt_from_stdin(cli: CLI, gateway: MockGateway) -> None:
    result = cli.run("chat", "-m", "openai/gpt-4o", "-", stdin="two\nlines\n")
    assert result.returncode == 0, result.stderr
    assert gateway.requests.last.json["messages"] == [{"role": "user", "content": "two\nlines"}]


def test_complete_streams_and_no_stream_json_gives_the_completion(
    cli: CLI, gateway: MockGateway
) -> None:
    model = "openai/gpt-3.5-turbo-instruct"
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        expected = client.completions.create(model=model, prompt=PROMPT).choices[0].text

    streamed = cli.run("complete", "-m", model, PROMPT)
    assert streamed.returncode == 0, streamed.stderr
    assert gateway.requests.last.json == {"model": model, "prompt": PROMPT, "stream": True}
    assert streamed.stdout == f"{expected}\n"

    whole = cli.run("complete", "-m", model, "--no-stream", "--json", PROMPT)
    assert whole.returncode == 0, whole.stderr
    assert json.loads(whole.stdout)["choices"][0]["text"] == expected
