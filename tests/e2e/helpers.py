"""Helpers that let one test body drive both `Gatewise` and `AsyncGatewise`."""

from __future__ import annotations

from typing import Any

from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway
from tests.support import resolve

Client = Gatewise | AsyncGatewise


async def items(iterable: Any) -> list[Any]:
    """Everything a sync or async iterable yields."""
    if hasattr(iterable, "__aiter__"):
        return [item async for item in iterable]
    return list(iterable)


async def first(iterator: Any) -> Any:
    """The next item of a sync or async iterator."""
    if hasattr(iterator, "__anext__"):
        return await iterator.__anext__()
    return next(iterator)


class ClientFactory:
    """Makes clients of one kind for one gateway (default: its admin key); closes them all."""

    def __init__(self, kind: str, gateway: MockGateway) -> None:
        self.kind = kind
        self.gateway = gateway
        self._made: list[Client] = []

    @property
    def is_async(self) -> bool:
        return self.kind == "async"

    def __call__(self, **options: Any) -> Any:
        options.setdefault("base_url", self.gateway.url)
        options.setdefault("api_key", self.gateway.api_key)
        client: Client = AsyncGatewise(**options) if self.is_async else Gatewise(**options)
        self._made.append(client)
        return client

    async def close_all(self) -> None:
        for client in self._made:
            await resolve(client.close())


def chat_message(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]
