"""openapi.yaml as an oracle for what schemathesis cannot judge: server-sent event streams.

The spec declares each stream's `text/event-stream` body as `type: string` and describes
its events in prose: every `data:` line of a chat or text completion stream holds one
`ChatCompletionChunk` / `CompletionChunk` and the stream ends with `data: [DONE]`; every
Anthropic event is an `event:` name plus one `AnthropicStreamEvent`, from message_start
to message_stop. `stream_problems` checks a body against exactly that, validating each
event against the component schemas (tests/openapi.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.openapi import component
from tests.openapi import schema_errors as _errors

# The OpenAI-style streamed operations: path -> the schema of each chunk.
OPENAI_STREAMS = {
    "/v1/chat/completions": "ChatCompletionChunk",
    "/v1/completions": "CompletionChunk",
}
ANTHROPIC_STREAM = "/anthropic/v1/messages"


def schema_errors(schema_name: str, instance: Any) -> list[str]:
    """Why `instance` does not fit components/schemas/<schema_name> (empty when it does)."""
    return _errors(component(schema_name), instance)


@dataclass(frozen=True)
class Frame:
    """One server-sent event: its `event:` name (None when absent) and its joined `data:`."""

    event: str | None
    data: str


def parse_sse(body: bytes) -> tuple[list[Frame], bool]:
    """The events of an SSE body, and whether the body ended on an event boundary."""
    text = body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    frames: list[Frame] = []
    event: str | None = None
    data: list[str] = []
    for line in text.split("\n"):
        if not line:
            if data:
                frames.append(Frame(event, "\n".join(data)))
            event, data = None, []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    return frames, not data and text.endswith("\n\n")


def _json(frame: Frame, index: int, problems: list[str]) -> Any:
    try:
        return json.loads(frame.data)
    except ValueError:
        problems.append(f"event #{index}: data is not JSON: {frame.data[:80]!r}")
        return None


def stream_problems(path: str, body: bytes) -> list[str]:
    """What is wrong with the SSE body of a POST to `path`, per the spec (empty: it conforms)."""
    frames, terminated = parse_sse(body)
    problems = [] if terminated else ["the body does not end with a blank line"]
    if not frames:
        return [*problems, "the stream holds no events"]
    if path == ANTHROPIC_STREAM:
        return problems + _anthropic_problems(frames)
    chunk_schema = OPENAI_STREAMS[path]
    *chunks, last = frames
    for index, frame in enumerate(chunks):
        payload = _json(frame, index, problems)
        if isinstance(payload, dict) and "error" in payload:
            problems.append(f"event #{index}: events follow an in-band error")
        elif payload is not None:
            problems += [f"event #{index}: {e}" for e in schema_errors(chunk_schema, payload)]
    if last.data == "[DONE]":
        return problems
    # Only an in-band error, in the error envelope, may end the stream instead of [DONE].
    payload = _json(last, len(chunks), problems)
    if isinstance(payload, dict) and "error" in payload:
        return problems + [f"last event: {e}" for e in schema_errors("ErrorResponse", payload)]
    return [*problems, f"the stream ends with {last.data[:80]!r}, not data: [DONE]"]


def _anthropic_problems(frames: list[Frame]) -> list[str]:
    problems: list[str] = []
    types: list[str] = []
    for index, frame in enumerate(frames):
        payload = _json(frame, index, problems)
        if payload is None:
            continue
        problems += [f"event #{index}: {e}" for e in schema_errors("AnthropicStreamEvent", payload)]
        kind = payload.get("type") if isinstance(payload, dict) else None
        if frame.event != kind:
            problems.append(f"event #{index}: named {frame.event!r} but its type is {kind!r}")
        types.append(str(kind))
    if types and types[-1] == "error":
        return problems
    if types[:1] != ["message_start"] or types[-1:] != ["message_stop"]:
        problems.append(f"the events run {types}, not message_start ... message_stop")
    return problems
