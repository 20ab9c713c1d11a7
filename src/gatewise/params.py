"""The request-side shapes of the API as TypedDicts (ChatMessage, Tool, ...), generated from
openapi.yaml, for annotating arguments built ahead of a call."""

from ._generated.params import *  # noqa: F403
