"""Clients with a pool of one connection, and canned answers, for hostile-server tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx

from gatewise import AsyncGatewise, Gatewise, RetryConfig
from tests.answers import CHAT
from tests.rawserver import Raw, raw_answer
from tests.support import NO_RETRY

API_KEY = "sk-hostile-secret-7f3a9c"
# A connection the SDK failed to release would make the next call wait for the pool, then fail.
POOL_OF_ONE = httpx.Limits(max_connections=1, max_keepalive_connections=1)
TIMEOUT = httpx.Timeout(10.0, pool=2.0)

NOT_GZIP = b"this is not gzip data at all"
GOOD = raw_answer(200, json.dumps(CHAT).encode(), "Content-Type: application/json")


def json_answer(status: int, body: object, *headers: str) -> Raw:
    return raw_answer(status, json.dumps(body).encode(), "Content-Type: application/json", *headers)


@contextmanager
def sync_client(url: str, retry: RetryConfig = NO_RETRY) -> Iterator[Gatewise]:
    with httpx.Client(limits=POOL_OF_ONE, timeout=TIMEOUT, follow_redirects=True) as http:
        yield Gatewise(api_key=API_KEY, base_url=url, retry=retry, http_client=http)


@asynccontextmanager
async def async_client(url: str, retry: RetryConfig = NO_RETRY) -> AsyncIterator[AsyncGatewise]:
    async with httpx.AsyncClient(
        limits=POOL_OF_ONE, timeout=TIMEOUT, follow_redirects=True
    ) as http:
        yield AsyncGatewise(api_key=API_KEY, base_url=url, retry=retry, http_client=http)
