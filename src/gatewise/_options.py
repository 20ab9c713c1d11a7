"""Per-call request options, accepted by every operation method as keyword arguments."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from typing_extensions import TypedDict

from ._retry import RetryConfig


class RequestOptions(TypedDict, total=False):
    """Keyword-only options every operation method accepts (`**options`), per call.

    Each one left out keeps the client's setting; None is the same as leaving it out.

    Attributes:
        extra_headers: Headers added to this request (they win over the client's).
        extra_query: Query parameters added to the URL.
        extra_body: Fields merged into the JSON body, for parameters the SDK has no
            argument for.
        timeout: Seconds for each attempt, or an `httpx.Timeout`.
        retry: A `RetryConfig` for this call (`RetryConfig(max_retries=0)`: no retry).
        attribution: Attribution tags for this call, sent as `X-Attr-<Tag>` headers;
            they add to and override the client's `default_attribution`.
        stream_idle_timeout: Streams: the longest wait between two events, in seconds.
        max_event_bytes: Streams: the largest single event accepted.
        max_response_bytes: The largest non-streamed answer accepted.
    """

    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    timeout: float | httpx.Timeout | None
    retry: RetryConfig | None
    attribution: Mapping[str, str] | None
    stream_idle_timeout: float | None
    max_event_bytes: int | None
    max_response_bytes: int | None
