"""Every exception the SDK raises, in one module (`from gatewise import errors`).

`SDKBaseError` and `ErrorResponse` are Aerostack's (Speakeasy's) names for `APIError`, the
base of every HTTP error answer; the error envelope model is `gatewise.types.ErrorEnvelope`.
"""

from __future__ import annotations

from ._errors import (
    AllProvidersFailed,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncJobFailed,
    AsyncJobTimeout,
    AuthenticationError,
    AuthError,
    BadRequestError,
    GatewiseError,
    HookError,
    IncompleteStreamError,
    NotFoundError,
    OutputValidationError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    StreamClosedError,
    UnprocessableEntityError,
)

SDKBaseError = APIError
ErrorResponse = APIError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AllProvidersFailed",
    "AsyncJobFailed",
    "AsyncJobTimeout",
    "AuthError",
    "AuthenticationError",
    "BadRequestError",
    "ErrorResponse",
    "GatewiseError",
    "HookError",
    "IncompleteStreamError",
    "NotFoundError",
    "OutputValidationError",
    "PermissionDeniedError",
    "ProviderUnavailableError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SDKBaseError",
    "ServerError",
    "StreamClosedError",
    "UnprocessableEntityError",
]
