"""Turning an answer's bytes into its typed result, or a ResponseValidationError."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx
import pydantic_core
from pydantic_core import ValidationError

from ._errors import ResponseValidationError, error_from_event, is_error_envelope

T = TypeVar("T")


def parse_response(decode: Callable[[bytes], T], response: httpx.Response) -> T:
    """Decode a fully read answer; a body that does not fit raises ResponseValidationError,
    and a 2xx answer that is an error envelope raises the APIError it describes."""
    content = response.content
    envelope = _error_envelope(content)
    if envelope is not None:
        raise error_from_event(envelope, response)
    try:
        result = decode(content)
    except ValidationError as exc:
        raise validation_error(exc, content, response) from exc
    trace_id = response.headers.get("x-trace-id")
    # Gateways may send the trace id only as a header (e.g. on translated answers).
    if (
        trace_id
        and "trace_id" in getattr(type(result), "model_fields", ())
        and result.trace_id is None  # type: ignore[attr-defined]
    ):
        result.trace_id = trace_id  # type: ignore[attr-defined]
    return result


def _error_envelope(content: bytes) -> dict[str, object] | None:
    # A cheap look at the start first: only a body that could be an envelope is parsed twice.
    if b'"error"' not in content[:64]:
        return None
    try:
        payload = pydantic_core.from_json(content)
    except ValueError:
        return None
    return payload if is_error_envelope(payload) else None


def validation_error(
    exc: ValidationError, content: bytes, response: httpx.Response | None
) -> ResponseValidationError:
    first = exc.errors(include_url=False)[0] if exc.error_count() else None
    where = ".".join(str(part) for part in first["loc"]) if first else ""
    what = first["msg"] if first else str(exc)
    origin = ""
    if response is not None:
        origin = f" of {response.request.method} {response.request.url.path}"
    detail = f"{what} at {where!r}" if where else what
    return ResponseValidationError(
        f"the answer{origin} does not fit its schema: {detail} "
        f"({exc.error_count()} error(s); see .body and __cause__)",
        body=content,
        response=response,
    )
