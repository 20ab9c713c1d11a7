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
    """A response model: unknown fields are kept, so a newer server never breaks an old client.

    Its fields read as attributes (`health.status`) and, for code written against SDKs that
    answer dicts, by their wire name too: `health["status"]`, `health.get("status")`,
    `"status" in health` (unknown fields included). The values are the typed ones either
    way (a nested model, not a dict); `model_dump()` gives plain dicts.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    def _field_name(self, key: str) -> str | None:
        """The attribute behind wire name `key`, None when the answer has no such field."""
        fields = type(self).model_fields
        if key in fields and fields[key].alias in (None, key):
            return key
        for name, info in fields.items():
            if info.alias == key:
                return name
        extra = self.__pydantic_extra__
        return key if extra is not None and key in extra else None

    def __getitem__(self, key: str) -> Any:
        name = self._field_name(key) if isinstance(key, str) else None
        if name is None:
            raise KeyError(key)
        return getattr(self, name)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._field_name(key) is not None

    def get(self, key: str, default: Any = None) -> Any:
        """The field with wire name `key`, or `default` when the answer has none."""
        name = self._field_name(key) if isinstance(key, str) else None
        return default if name is None else getattr(self, name)


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
