"""Server-sent events: frame formatting and fault-aware delivery.

OpenAI streams are `data: {json}\\n\\n` frames ending in `data: [DONE]\\n\\n`; Anthropic
streams are `event: <type>\\ndata: {json}\\n\\n` frames. `deliver` plays a prepared list of
frames, applying a stream fault (cut, in-band error, stall) when one is scripted.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from ._faults import FaultRule

DONE_FRAME = b"data: [DONE]\n\n"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
MEDIA_TYPE = "text/event-stream"

# How often a held (stalled) stream checks whether the gateway is stopping.
_HOLD_POLL_SECONDS = 0.02


def dumps(payload: Any) -> str:
    """Compact JSON, as the frames and answers carry it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def data_frame(payload: Any) -> bytes:
    """One OpenAI-style frame: `data: {json}` and a blank line."""
    return f"data: {dumps(payload)}\n\n".encode()


def event_frame(event: str, payload: Any) -> bytes:
    """One Anthropic-style frame: `event: <type>`, `data: {json}` and a blank line."""
    return f"event: {event}\ndata: {dumps(payload)}\n\n".encode()


@dataclass(frozen=True)
class StreamPlan:
    """What a healthy stream sends: counted `frames`, then the terminal `tail` frames."""

    frames: Sequence[bytes]
    tail: Sequence[bytes]
    error_frame: bytes


async def deliver(
    plan: StreamPlan, fault: FaultRule | None, stopping: threading.Event
) -> AsyncIterator[bytes]:
    """Yield the plan's frames, damaged as `fault` says."""
    if fault is None or not fault.is_stream_fault:
        for frame in (*plan.frames, *plan.tail):
            yield frame
        return
    limits = [
        n
        for n in (fault.stream_cut_after, fault.stream_error_after, fault.stall_after)
        if n is not None
    ]
    cut = min(limits)
    for frame in plan.frames[:cut]:
        yield frame
    if fault.stream_error_after == cut:
        yield plan.error_frame
    elif fault.stall_after == cut:
        # Hold the connection open without sending; a client disconnect cancels this
        # generator (Starlette watches for it), a stopping gateway ends it.
        while not stopping.is_set():
            await asyncio.sleep(_HOLD_POLL_SECONDS)
