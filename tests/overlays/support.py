"""Helpers shared by the overlay tests: one test body drives the sync and the async client."""

from __future__ import annotations

from typing import Any

from gatewise import AsyncStream
from gatewise.testing import MockGateway

CHAT = "/v1/chat/completions"
MESSAGES = "/anthropic/v1/messages"
VIDEOS = "/v1/videos"

HELLO = [{"role": "user", "content": "Tell me a short story please"}]
HELLO_WORDS = ["Tell", " me", " a", " short", " story", " please"]

CLAUDE = "anthropic/claude-3-5-sonnet-20241022"


async def read_into(stream: Any, received: list[Any]) -> list[Any]:
    """Iterate a Stream or AsyncStream to its end, appending each chunk to `received` as it
    arrives (so a test still sees what came before an exception)."""
    if isinstance(stream, AsyncStream):
        async for chunk in stream:
            received.append(chunk)
    else:
        for chunk in stream:
            received.append(chunk)
    return received


async def read_all(stream: Any) -> list[Any]:
    return await read_into(stream, [])


async def read_text(stream: Any) -> list[str]:
    """What `stream.text_stream` yields, for either client."""
    if isinstance(stream, AsyncStream):
        return [text async for text in stream.text_stream]
    return list(stream.text_stream)


def text_of(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def models_called(gw: MockGateway, path: str = CHAT) -> list[str]:
    """The `model` of every request the gateway received on `path`, in order."""
    return [request.json["model"] for request in gw.requests.to(path)]


def wire(gw: MockGateway) -> list[tuple[str, str]]:
    """(path, model) of every model call the gateway received, in order."""
    return [
        (request.path, request.json["model"])
        for request in gw.requests
        if request.method == "POST" and isinstance(request.json, dict) and "model" in request.json
    ]


def polls(gw: MockGateway, task_id: str) -> int:
    """How many status polls the gateway received for one video job."""
    return sum(1 for r in gw.requests.to(f"{VIDEOS}/{task_id}") if r.method == "GET")
