"""A caller who catches gatewise.GatewiseError catches every failure a hostile server can
cause: each answer below gives a typed error with a readable message, and releases its
connection (the client has a pool of one, and the next call succeeds)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

import pytest

import gatewise
from gatewise._exchange import MAX_REDIRECTS
from tests.rawserver import Answer, Raw, Script, raw_answer, scripted_server
from tests.support import MESSAGES

from .support import API_KEY, GOOD, async_client, json_answer, sync_client

NOT_GZIP = b"this is not gzip data at all"
DEEP = b"[" * 100_000 + b"]" * 100_000
LOOP = raw_answer(302, b"", "Location: /v1/chat/completions")


def error_event(code: object) -> bytes:
    return b"data: " + json.dumps({"error": {"message": "bad", "code": code}}).encode() + b"\n\n"


@dataclass
class Case:
    answers: list[Answer]
    expected: type[gatewise.GatewiseError]
    stream: bool = False


CASES = {
    "bad gzip on a 200": Case(
        [raw_answer(200, NOT_GZIP, "Content-Encoding: gzip", "Content-Type: application/json")],
        gatewise.APIConnectionError,
    ),
    "bad gzip on a 503": Case(
        [raw_answer(503, NOT_GZIP, "Content-Encoding: gzip")], gatewise.APIConnectionError
    ),
    "bad gzip on a 503 to a stream": Case(
        [raw_answer(503, NOT_GZIP, "Content-Encoding: gzip")],
        gatewise.APIConnectionError,
        stream=True,
    ),
    "gzip cut short": Case(
        [raw_answer(200, gzip.compress(b'{"id": "x"}' * 50)[:40], "Content-Encoding: gzip")],
        gatewise.ResponseValidationError,  # httpx hands over what decompressed: cut JSON
    ),
    "redirect loop": Case([LOOP] * (MAX_REDIRECTS + 1), gatewise.APIError),
    "JSON nested 100,000 deep on a 500": Case([raw_answer(500, DEEP)], gatewise.ServerError),
    "JSON nested 100,000 deep on a 200": Case(
        [raw_answer(200, DEEP)], gatewise.ResponseValidationError
    ),
    "a 5,000-digit string code in an envelope on a 200": Case(
        [json_answer(200, {"error": {"message": "m", "code": "9" * 5000}})], gatewise.ServerError
    ),
    "a 5,000-digit numeric code on a 400": Case(
        [raw_answer(400, b'{"error": {"message": "m", "code": ' + b"9" * 5000 + b"}}")],
        gatewise.BadRequestError,
    ),
    "a 5,000-digit code in a stream's error event": Case(
        [Script([error_event("9" * 5000)])], gatewise.ServerError, stream=True
    ),
    "a non-ASCII digit code in a stream's error event": Case(
        [Script([error_event("\uff14\uff12\uff19")])], gatewise.ServerError, stream=True
    ),
    "an error envelope on a 200": Case(
        [json_answer(200, {"error": {"message": "slow down", "type": "rate_limit_error"}})],
        gatewise.RateLimitError,
    ),
    "Anthropic's error envelope on a 200": Case(
        [
            json_answer(
                200, {"type": "error", "error": {"type": "overloaded_error", "message": "o"}}
            )
        ],
        gatewise.ProviderUnavailableError,
    ),
    "a million-character error message": Case(
        [json_answer(500, {"error": {"message": "x" * 1_000_000}})], gatewise.ServerError
    ),
    "a terminal escape in an error message": Case(
        [json_answer(500, {"error": {"message": "\x1b[2J\x1b[31mcleared\x00"}})],
        gatewise.ServerError,
    ),
    "an error body that is not UTF-8": Case(
        [raw_answer(500, b"\xff\xfe\x00bad")], gatewise.ServerError
    ),
    "a body shorter than its Content-Length": Case(
        [Raw([b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"id": "chat'])],
        gatewise.APIConnectionError,
    ),
    "a body cut mid-JSON": Case(
        [
            Raw(
                [
                    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"id": "chatcmpl-1", "ch'
                ]
            )
        ],
        gatewise.ResponseValidationError,
    ),
    "a garbage status line": Case([Raw([b"HTTP/1.1 abc\r\n\r\n"])], gatewise.APIConnectionError),
    "not HTTP at all": Case([Raw([b"SSH-2.0-OpenSSH_9.6\r\n"])], gatewise.APIConnectionError),
    "a header with invalid bytes": Case(
        [Raw([b"HTTP/1.1 200 OK\r\nX-B\x00d: \x01\r\nContent-Length: 2\r\n\r\n{}"])],
        gatewise.APIConnectionError,
    ),
    "a Content-Length that is not a number": Case(
        [Raw([b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n{}"])], gatewise.APIConnectionError
    ),
    "a broken chunked body": Case(
        [Raw([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"])],
        gatewise.APIConnectionError,
    ),
    "the connection closed before any answer": Case([Raw([None])], gatewise.APIConnectionError),
    "a JSON array on a 200": Case([json_answer(200, [])], gatewise.ResponseValidationError),
    "an empty 200": Case([raw_answer(200, b"")], gatewise.ResponseValidationError),
    "an error member that is no envelope": Case(
        [json_answer(200, {"error": 5})], gatewise.ResponseValidationError
    ),
    "a stream with a bad gzip body": Case(
        [raw_answer(200, NOT_GZIP, "Content-Type: text/event-stream", "Content-Encoding: gzip")],
        gatewise.IncompleteStreamError,
        stream=True,
    ),
    "a stream cut inside an event": Case(
        [Script([b'data: {"id": "chatcmpl-1", "ch'], finish=False)],
        gatewise.IncompleteStreamError,
        stream=True,
    ),
}


def check_error(error: gatewise.GatewiseError, case: Case) -> None:
    assert type(error) is case.expected, f"{type(error).__name__}: {error}"
    text = str(error)
    assert text.strip()
    assert len(text) < 3000
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)  # no terminal escapes
    assert API_KEY not in text


def call(client: gatewise.Gatewise, case: Case) -> None:
    if case.stream:
        list(client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, stream=True))
    else:
        client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)


async def acall(client: gatewise.AsyncGatewise, case: Case) -> None:
    if case.stream:
        stream = await client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        async for _ in stream:
            pass
    else:
        await client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_sync_client_raises_only_typed_errors_and_recovers(case: Case) -> None:
    with scripted_server(*case.answers, GOOD) as server, sync_client(server.url) as client:
        with pytest.raises(gatewise.GatewiseError) as caught:
            call(client, case)
        check_error(caught.value, case)
        answer = client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
        assert answer.id == "chatcmpl-1"


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
async def test_async_client_raises_only_typed_errors_and_recovers(case: Case) -> None:
    with scripted_server(*case.answers, GOOD) as server:
        async with async_client(server.url) as client:
            with pytest.raises(gatewise.GatewiseError) as caught:
                await acall(client, case)
            check_error(caught.value, case)
            answer = await client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)
            assert answer.id == "chatcmpl-1"
