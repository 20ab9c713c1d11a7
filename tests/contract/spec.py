"""openapi.yaml as an oracle for what schemathesis cannot judge: server-sent event streams.

The spec declares each stream's `text/event-stream` body as `type: string` (OpenAPI 3.1 has
no per-event schema) and its events in `x-events` beside it: `data`, the schema of each
event's JSON data; `terminator`, the data of the last event of a stream that ends well, and
`error`, the schema of an in-band error that may end it instead (chat and text
completions); or `named` (each `event:` name is its data's `type`) with the `first` and
`last` event types and the `error_type` that ends a stream with a failure (Anthropic).
`stream_problems` checks a body against exactly that, validating each event against the spec's schemas (tests/openapi.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.openapi import load_spec, schema_errors


def stream_events(path: str) -> dict[str, Any]:
    """The `x-events` of the POST `path`'s text/event-stream answer."""
    content = load_spec()["paths"][path]["post"]["responses"]["200"]["content"]
    events: dict[str, Any] = content["text/event-stream"]["x-events"]
    return events


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
    events = stream_events(path)
    if events.get("named"):
        return problems + _named_problems(frames, events)
    *chunks, last = frames
    for index, frame in enumerate(chunks):
        payload = _json(frame, index, problems)
        if isinstance(payload, dict) and "error" in payload:
            problems.append(f"event #{index}: events follow an in-band error")
        elif payload is not None:
            problems += [f"event #{index}: {e}" for e in schema_errors(events["data"], payload)]
    if last.data == events["terminator"]:
        return problems
    # Only an in-band error, in the error envelope, may end the stream instead of [DONE].
    payload = _json(last, len(chunks), problems)
    if isinstance(payload, dict) and "error" in payload:
        return problems + [f"last event: {e}" for e in schema_errors(events["error"], payload)]
    terminator = events["terminator"]
    return [*problems, f"the stream ends with {last.data[:80]!r}, not data: {terminator}"]


def _named_problems(frames: list[Frame], events: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    types: list[str] = []
    for index, frame in enumerate(frames):
        payload = _json(frame, index, problems)
        if payload is None:
            continue
        problems += [f"event #{index}: {e}" for e in schema_errors(events["data"], payload)]
        kind = payload.get("type") if isinstance(payload, dict) else None
        if frame.event != kind:
            problems.append(f"event #{index}: named {frame.event!r} but its type is {kind!r}")
        types.append(str(kind))
    if types and types[-1] == events["error_type"]:
        return problems
    first, last = events["first"], events["last"]
    if types[:1] != [first] or types[-1:] != [last]:
        problems.append(f"the events run {types}, not {first} ... {last}")
    return problems
