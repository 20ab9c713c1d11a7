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
from ._jobs import AsyncJob, Job
from ._operation import Page
from ._options import RequestOptions
from ._raw import RawResponse
from ._retry import RetryConfig
from ._streaming import AsyncStream, Stream
from ._version import __version__

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403
    from ._parsed import ParsedChatCompletion, pydantic_function_tool
    from ._structured import AsyncParsedStream, ParsedStream
    from ._tools import ToolRun

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AllProvidersFailed",
    "AsyncGatewise",
    "AsyncJob",
    "AsyncJobFailed",
    "AsyncJobTimeout",
    "AsyncParsedStream",
    "AsyncStream",
    "AuthError",
    "AuthenticationError",
    "BadRequestError",
    "Gatewise",
    "GatewiseError",
    "IncompleteStreamError",
    "Job",
    "NotFoundError",
    "OutputValidationError",
    "Page",
    "ParsedChatCompletion",
    "ParsedStream",
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
    "ToolRun",
    "UnprocessableEntityError",
    "__version__",
    "pydantic_function_tool",
]

# Hand-written names loaded on first use, as the models are (they import the chat models).
_LAZY = {
    "AsyncParsedStream": "._structured",
    "ParsedChatCompletion": "._parsed",
    "ParsedStream": "._structured",
    "ToolRun": "._tools",
    "pydantic_function_tool": "._parsed",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    # Response models are imported on first use (they cost most of the import time).
    from ._generated import models

    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module 'gatewise' has no attribute {name!r}") from None
