"""Fixtures: a running MockGateway and plain httpx clients whose answers are checked
against openapi.yaml on the way in (see spec.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from gatewise.testing import MockGateway
from tests.openapi import load_spec

from .spec import SpecChecker

ClientFactory = Callable[..., httpx.Client]

# What Anthropic's official SDK sends; the passthrough refuses a request without it.
ANTHROPIC_VERSION = {"anthropic-version": "2023-06-01"}


@pytest.fixture(scope="session")
def spec_checker() -> SpecChecker:
    return SpecChecker(load_spec())


@pytest.fixture
def gw() -> Iterator[MockGateway]:
    with MockGateway(video_seconds=0.2, slow_seconds=0.3) as gateway:
        yield gateway


@pytest.fixture
def make_client(gw: MockGateway, spec_checker: SpecChecker) -> Iterator[ClientFactory]:
    """Build httpx clients for `gw` (bearer `key`, default the admin key); closed after the test."""
    clients: list[httpx.Client] = []

    def make(
        key: str | None = "",
        timeout: float | httpx.Timeout = 5.0,
        headers: dict[str, str] | None = None,
    ) -> httpx.Client:
        auth = {} if key is None else {"Authorization": f"Bearer {key or gw.api_key}"}
        client = httpx.Client(
            base_url=gw.url,
            headers={**auth, **(headers or {})},
            timeout=timeout,
            event_hooks={"response": [spec_checker.check_response]},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> httpx.Client:
    """An httpx client holding the admin key."""
    return make_client()


def chat_body(text: str = "Hello mock world", **extra: object) -> dict[str, object]:
    return {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": text}], **extra}
