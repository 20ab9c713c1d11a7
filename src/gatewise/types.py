"""The response models of the API (ChatCompletion, ModelInfo, VideoTask, ...), generated
from openapi.yaml. `gatewise.params` holds the request-side TypedDicts."""

from ._generated.models import *  # noqa: F403
