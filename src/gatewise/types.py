"""The response models of the API (ChatCompletion, ModelInfo, VideoTask, ...), generated
from openapi.yaml. `gatewise.params` holds the request-side TypedDicts.

Each model is imported on first use, with the other models of its resource only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._generated import models as _models

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403

__all__ = _models.__all__


def __getattr__(name: str) -> Any:
    try:
        return getattr(_models, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
