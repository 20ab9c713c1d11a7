"""gatewise: a typed, fast Python SDK for an AI gateway.

The public names live here; response models (ChatCompletion, ModelInfo, ...) are loaded
on first use so that `import gatewise` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from ._client import AsyncGatewise, Gatewise
from ._jobs import AsyncJob, Job
from ._operation import Page
from ._options import RequestOptions
from ._raw import RawResponse
from ._retry import BackoffStrategy, RetryConfig
from ._streaming import AsyncStream, Stream
from ._version import __version__
from .errors import *  # noqa: F403  (every exception: see gatewise.errors)

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403

__all__ = [
    "AsyncGatewise",
    "AsyncJob",
    "AsyncStream",
    "BackoffStrategy",
    "Gatewise",
    "Job",
    "Page",
    "RawResponse",
    "RequestOptions",
    "RetryConfig",
    "Stream",
    "__version__",
    *errors.__all__,
]


def __getattr__(name: str) -> Any:
    # Response models are imported on first use (they cost most of the import time).
    from ._generated import models

    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module 'gatewise' has no attribute {name!r}") from None
