"""Error answers of the mock gateway: one exception, two envelopes.

Handlers raise `MockError`; the app renders it as the gateway envelope
`{"error": {message, type, code, details}}` or, on the Anthropic passthrough, as
Anthropic's `{"type": "error", "error": {type, message}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

GATEWAY_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    502: "provider_unavailable",
    503: "provider_unavailable",
    504: "provider_unavailable",
    529: "overloaded_error",
}

ANTHROPIC_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "request_too_large",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "overloaded_error",
    504: "api_error",
    529: "overloaded_error",
}

DEFAULT_CODES: dict[int, str] = {
    400: "bad_request",
    401: "invalid_api_key",
    403: "insufficient_scope",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
    529: "overloaded",
}


def gateway_type(status: int) -> str:
    """The gateway envelope's error type for an HTTP status."""
    return GATEWAY_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def anthropic_type(status: int) -> str:
    """Anthropic's error type for an HTTP status."""
    return ANTHROPIC_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")


class MockError(Exception):
    """An error answer; `error_type` and `code` default from the status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        error_type: str | None = None,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code if code is not None else DEFAULT_CODES.get(status, str(status))
        self.error_type = error_type
        self.details = dict(details) if details is not None else None
        self.headers = dict(headers or {})

    def gateway_body(self) -> dict[str, Any]:
        """`{"error": {message, type, code, details}}`."""
        return {
            "error": {
                "message": self.message,
                "type": self.error_type or gateway_type(self.status),
                "code": self.code,
                "details": self.details,
            }
        }

    def anthropic_body(self) -> dict[str, Any]:
        """`{"type": "error", "error": {type, message}}`."""
        kind = self.error_type if self.error_type in ANTHROPIC_TYPES.values() else None
        return {
            "type": "error",
            "error": {"type": kind or anthropic_type(self.status), "message": self.message},
        }


def quota_exhausted(message: str = "You exceeded your current quota.") -> MockError:
    """The 429 that retrying cannot fix: code `insufficient_quota`, no Retry-After."""
    return MockError(429, message, code="insufficient_quota", error_type="insufficient_quota")
