"""Base classes of the generated response models.

Every generated model derives from `GatewiseModel` (unknown fields are kept), and a
few derive from the richer bases below, chosen by `codegen/models.py`'s base-class map,
which add what a schema cannot say: shortcuts and wire decoding.
"""

from __future__ import annotations

import array
import base64
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, field_validator


class GatewiseModel(BaseModel):
    """A response model: unknown fields are kept, so a newer server never breaks an old client."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


class ChatCompletionBase(GatewiseModel):
    """Adds `.content`, the text of the first choice."""

    if TYPE_CHECKING:
        choices: Sequence[Any]

    @property
    def content(self) -> str | None:
        if not self.choices:
            return None
        text = self.choices[0].message.content
        return text if isinstance(text, str) else None


class EmbeddingBase(GatewiseModel):
    """Decodes `encoding_format="base64"` vectors (little-endian float32) into floats."""

    @field_validator("embedding", mode="before", check_fields=False)
    @classmethod
    def _decode_base64(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        floats = array.array("f", base64.b64decode(value, validate=True))
        if sys.byteorder == "big":
            floats.byteswap()
        return floats.tolist()
