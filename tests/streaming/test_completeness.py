"""When a stream counts as complete: every requested choice finished, and an event stream at all."""

from __future__ import annotations

import json
from typing import Any

import pytest

import gatewise
from tests.rawserver import Script, scripted_server
from tests.streaming.test_streams import MESSAGES, chunk, client_for, event


def choice_chunk(index: int, content: str | None = None, finish: str | None = None) -> bytes:
    payload = chunk(content, finish)
    payload["choices"][0]["index"] = index
    return event(payload)


TWO_CHOICES = [
    choice_chunk(0, "A"),
    choice_chunk(1, "B"),
    choice_chunk(0, finish="stop"),
    choice_chunk(1, finish="stop"),
]


def test_two_choice_stream_cut_after_the_first_finishes_is_incomplete() -> None:
    with (
        scripted_server(Script(TWO_CHOICES[:3])) as server,
        client_for(server.url) as client,
    ):
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True, n=2)
        with pytest.raises(gatewise.IncompleteStreamError, match="before its terminal event"):
            list(stream)


def test_two_choice_stream_without_done_is_complete_when_both_finished() -> None:
    with scripted_server(Script(TWO_CHOICES)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True, n=2)
        final = stream.collect()
    assert [(c.index, c.message.content, c.finish_reason) for c in final.choices] == [
        (0, "A", "stop"),
        (1, "B", "stop"),
    ]


def test_one_choice_stream_still_ends_after_its_finish_reason() -> None:
    with scripted_server(Script(TWO_CHOICES[:3:2])) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert stream.collect().content == "A"


def json_answer(payload: Any) -> Script:
    return Script([json.dumps(payload).encode()], content_type="application/json")


def test_json_error_envelope_to_a_stream_raises_the_error_it_describes() -> None:
    error = {"error": {"message": "provider overloaded", "type": "provider_unavailable"}}
    with scripted_server(json_answer(error)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(
            gatewise.ProviderUnavailableError, match="provider overloaded"
        ) as caught:
            list(stream)
    assert caught.value.status_code == 503


def test_json_answer_to_a_stream_says_a_stream_was_expected() -> None:
    answer = {"id": "chatcmpl-1", "object": "chat.completion", "choices": []}
    with scripted_server(json_answer(answer)) as server, client_for(server.url) as client:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(gatewise.ResponseValidationError, match="expected an event stream"):
            stream.collect()
