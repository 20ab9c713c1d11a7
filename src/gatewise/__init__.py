"""gatewise: a typed, fast Python SDK for an AI gateway.

The public names live here; response models (ChatCompletion, ModelInfo, ...) are loaded
on first use so that `import gatewise` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import AsyncGatewise, Gatewise
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
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    StreamClosedError,
    UnprocessableEntityError,
)
from ._hooks import HookContext
from ._jobs import AsyncJob, Job
from ._operation import Page
from ._options import RequestOptions
from ._raw import RawResponse
from ._retry import RetryConfig
from ._streaming import AsyncStream, Stream
from ._version import __version__

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AllProvidersFailed",
    "AsyncGatewise",
    "AsyncJob",
    "AsyncJobFailed",
    "AsyncJobTimeout",
    "AsyncStream",
    "AuthError",
    "AuthenticationError",
    "BadRequestError",
    "Gatewise",
    "GatewiseError",
    "HookContext",
    "HookError",
    "IncompleteStreamError",
    "Job",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "ProviderUnavailableError",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryConfig",
    "ServerError",
    "Stream",
    "StreamClosedError",
    "UnprocessableEntityError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # Response models are imported on first use (they cost most of the import time).
    from ._generated import models

    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module 'gatewise' has no attribute {name!r}") from None
