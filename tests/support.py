"""Settings and helpers shared by the test folders."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any, TypeVar

from gatewise import RetryConfig

T = TypeVar("T")

NO_RETRY = RetryConfig(max_retries=0)
# Millisecond backoff without jitter: retried tests stay fast and their attempt counts fixed.
RETRY_ONCE = RetryConfig(max_retries=1, initial_delay=0.001, max_delay=0.01, jitter=0.0)
RETRY_TWICE = RetryConfig(max_retries=2, initial_delay=0.001, max_delay=0.01, jitter=0.0)

MESSAGES: Any = [{"role": "user", "content": "hi"}]


async def resolve(value: Awaitable[T] | T) -> T:
    """The result of a client call: awaited for the async client, as is for the sync one."""
    if inspect.isawaitable(value):
        return await value
    return value
