"""Base classes of the generated resource classes: each holds its client and pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._generated.client import AsyncResources, SyncResources
    from ._pipeline import AsyncPipeline, SyncPipeline


class SyncAPIResource:
    """A group of operations of `Gatewise` (client.chat.completions, client.admin.keys, ...)."""

    def __init__(self, client: SyncResources) -> None:
        self._client = client
        self._pipeline: SyncPipeline = client._pipeline


class AsyncAPIResource:
    """A group of operations of `AsyncGatewise`."""

    def __init__(self, client: AsyncResources) -> None:
        self._client = client
        self._pipeline: AsyncPipeline = client._pipeline
