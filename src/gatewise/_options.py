"""Per-call request options, accepted by every operation method as keyword arguments."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from typing_extensions import TypedDict

from ._retry import RetryConfig


class RequestOptions(TypedDict, total=False):
    """Keyword-only options every operation method accepts (`**options`)."""

    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    timeout: float | httpx.Timeout | None
    retry: RetryConfig | None
    attribution: Mapping[str, str] | None
    stream_idle_timeout: float | None
    max_event_bytes: int | None
    max_response_bytes: int | None
