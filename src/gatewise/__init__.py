"""gatewise: a typed, fast Python SDK for an AI gateway.

The public names live here; response models (ChatCompletion, ModelInfo, ...) are loaded
on first use so that `import gatewise` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from ._batch import BatchResult
from ._client import AsyncGatewise, Gatewise
from ._hooks import HookContext
from ._jobs import AsyncJob, Job
from ._operation import Page
from ._options import RequestOptions
from ._raw import RawResponse
from ._retry import BackoffStrategy, RetryConfig
from ._streamed import AsyncStreamedResponse, StreamedResponse
from ._streaming import AsyncStream, Stream
from ._version import __version__
from .errors import *  # noqa: F403  (every exception: see gatewise.errors)

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403
    from ._parsed import ParsedChatCompletion, pydantic_function_tool
    from ._structured import AsyncParsedStream, ParsedStream
    from ._tools import ToolRun

__all__ = [
    "AsyncGatewise",
    "AsyncJob",
    "AsyncParsedStream",
    "AsyncStream",
    "AsyncStreamedResponse",
    "BackoffStrategy",
    "BatchResult",
    "Gatewise",
    "HookContext",
    "Job",
    "Page",
    "ParsedChatCompletion",
    "ParsedStream",
    "RawResponse",
    "RequestOptions",
    "RetryConfig",
    "Stream",
    "StreamedResponse",
    "ToolRun",
    "__version__",
    "pydantic_function_tool",
    *errors.__all__,
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
