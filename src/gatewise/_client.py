"""Gatewise and AsyncGatewise: configuration, connection pool and the resource tree.

The resource tree and client-level operations come from the generated mixins; this
module only settles configuration and owns the lifecycle (context manager, close).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic

import httpx
from typing_extensions import Self

from ._config import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_PHASES,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    ClientConfig,
    derive_config,
    make_config,
    redacted_url,
    settled_key,
)
from ._fallback import Cooldowns
from ._generated.client import AsyncResources, SyncResources
from ._http import DEFAULT_LIMITS, H, HttpClientHolder
from ._pipeline import AsyncPipeline, SyncPipeline
from ._retry import RetryConfig


class _ClientBase(Generic[H]):
    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    _config: ClientConfig
    _holder: HttpClientHolder[H]
    _cooldowns: Cooldowns

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryConfig | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_attribution: Mapping[str, str] | None = None,
        models: Mapping[str, Sequence[str]] | None = None,
        http_client: H | None = None,
        logger: logging.Logger | None = None,
        stream_idle_timeout: float | None = DEFAULT_STREAM_IDLE_TIMEOUT,
        fallback_cooldown: float | None = None,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        max_response_bytes: int | None = None,
    ) -> None:
        secret = settled_key(api_key)
        del api_key  # a traceback formatted with locals (Sentry, rich) must not show the key
        if http_client is not None and not isinstance(http_client, self._http_class):
            raise TypeError(
                f"http_client must be an {self._http_class.__module__}.{self._http_class.__name__}, "
                f"got {type(http_client).__name__}"
            )
        config = make_config(
            api_key=secret,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            default_headers=default_headers,
            default_attribution=default_attribution,
            models=models,
            logger=logger,
            stream_idle_timeout=stream_idle_timeout,
            max_event_bytes=max_event_bytes,
            max_response_bytes=max_response_bytes,
        )
        holder = HttpClientHolder(self._new_http_client, http_client)
        self._setup(config, holder, Cooldowns(fallback_cooldown))

    def _setup(
        self, config: ClientConfig, holder: HttpClientHolder[H], cooldowns: Cooldowns
    ) -> None:
        self._config = config
        self._holder = holder
        self._cooldowns = cooldowns
        self._make_pipeline()

    def _make_pipeline(self) -> None:
        raise NotImplementedError

    def _new_http_client(self) -> H:
        # Redirects are followed by the pipeline (same origin only), never by httpx.
        client: Any = self._http_class(timeout=DEFAULT_PHASES, limits=DEFAULT_LIMITS)
        return client  # type: ignore[no-any-return]

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryConfig | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_attribution: Mapping[str, str] | None = None,
        stream_idle_timeout: float | None = None,
        max_event_bytes: int | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy with some settings replaced, sharing this client's connection pool."""
        config = derive_config(
            self._config,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            default_headers=default_headers,
            default_attribution=default_attribution,
            stream_idle_timeout=stream_idle_timeout,
            max_event_bytes=max_event_bytes,
            max_response_bytes=max_response_bytes,
        )
        clone = object.__new__(type(self))
        clone._setup(config, self._holder, self._cooldowns)
        return clone

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def api_key(self) -> str | None:
        key = self._config.api_key
        return key.reveal() if key is not None else None

    def __repr__(self) -> str:
        # A traceback with locals shows `self` of an __init__ that raised: no config yet.
        config: ClientConfig | None = getattr(self, "_config", None)
        shown = redacted_url(config.base_url) if config is not None else None
        return f"{type(self).__name__}(base_url={shown!r})"


class Gatewise(SyncResources, _ClientBase[httpx.Client]):
    """The synchronous client. Use it as a context manager, or call `close()`."""

    _http_class = httpx.Client

    def _make_pipeline(self) -> None:
        self._pipeline = SyncPipeline(self._config, self._holder, self._cooldowns)

    def close(self) -> None:
        """Close the connection pool the client made; a caller's own http_client stays open."""
        client = self._holder.created()
        if client is not None:
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncGatewise(AsyncResources, _ClientBase[httpx.AsyncClient]):
    """The asynchronous client: every operation is awaited; use `async with` or `await close()`."""

    _http_class = httpx.AsyncClient

    def _make_pipeline(self) -> None:
        self._pipeline = AsyncPipeline(self._config, self._holder, self._cooldowns)

    async def close(self) -> None:
        """Close the connection pool the client made; a caller's own http_client stays open."""
        client = self._holder.created()
        if client is not None:
            await client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
