"""Gatewise and AsyncGatewise: configuration, connection pool and the resource tree.

The resource tree and client-level operations come from the generated mixins; this
module only settles configuration and owns the lifecycle (context manager, close).
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar

import httpx
from typing_extensions import Self

from ._batch import (
    BatchResult,
    BatchSettings,
    OnProgress,
    Requests,
    by_index,
    check_input,
    iter_async,
    iter_sync,
)
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
from ._hooks import check_hooks
from ._http import DEFAULT_LIMITS, H, HttpClientHolder
from ._pipeline import AsyncPipeline, SyncPipeline
from ._retry import RetryConfig
from ._tracing import call_tracer
from .httpclient import AsyncHttpClient, HttpClient

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

    from ._chat import AsyncChat, Chat

T = TypeVar("T")


class _ClientBase(Generic[H]):
    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    _config: ClientConfig
    _holder: HttpClientHolder[H]
    _cooldowns: Cooldowns

    def __init__(
        self,
        base_url: str | httpx.URL | None = None,
        *,
        api_key: str | None = None,
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
        server_url: str | httpx.URL | None = None,
        server_idx: int | None = None,
        debug_logger: logging.Logger | None = None,
        headers: Mapping[str, str] | None = None,
        anthropic_base_url: str | httpx.URL | None = None,
        hooks: Sequence[object] | None = None,
        tracing: bool | TracerProvider | None = None,
    ) -> None:
        """Configure a client; nothing is sent until the first call.

        `base_url` may be given positionally (`Gatewise("http://localhost:8000")`); every
        other argument is keyword-only. An argument wins over the environment, which wins
        over the default.

        Args:
            api_key: The gateway key, sent as `Authorization: Bearer ...`. Defaults to
                `GATEWISE_API_KEY`, then `OPENAI_API_KEY`; with none, requests carry no
                `Authorization` header. It never appears in a repr, a log or an exception.
            base_url: The gateway's root URL (the SDK adds `/v1/...`; a trailing `/v1` is
                dropped). Defaults to the server `server_idx` names, then
                `GATEWISE_BASE_URL`, then `OPENAI_BASE_URL`, then the spec's first server
                (`http://localhost:8080`).
            timeout: Seconds per attempt (a deadline over connect, head and non-streamed
                body), or an `httpx.Timeout` for per-phase limits; 0 or less is a
                ValueError. Default 120 seconds (connect 10), or your own `http_client`'s.
            max_retries: How many times a failed attempt is retried (connection errors,
                timeouts, 408/409/429/5xx). Default 2; `retry` overrides it.
            retry: A `RetryConfig` for full control over retries and backoff.
            default_headers: Headers merged into every request.
            default_attribution: Attribution tags for every request, sent as
                `X-Attr-<Tag>` headers (`{"team": "product"}` -> `X-Attr-Team`); per-call
                `attribution` adds to and overrides them.
            models: Fallback aliases: `{"smart": ["openai/gpt-4o", "anthropic/..."]}` lets
                `model="smart"` try each model in order.
            http_client: Your own `httpx.Client` (`httpx.AsyncClient` for
                `AsyncGatewise`), for proxies, certificates or transports, or any object
                with its `send` and `build_request` methods (`gatewise.httpclient`). The
                client never closes it.
            logger: Where the one DEBUG record per attempt goes. Default
                `logging.getLogger("gatewise")`.
            stream_idle_timeout: The longest time, in seconds, a stream may go without a
                complete line (an event's line or a keep-alive comment), then
                `APITimeoutError`; None waits forever.
            fallback_cooldown: Seconds for which later calls skip a model of a fallback
                chain after it failed retryably; None (the default) never skips.
            max_event_bytes: The largest single stream event accepted (then
                `ResponseTooLargeError`); None for no limit.
            max_response_bytes: The largest non-streamed answer accepted (then
                `ResponseTooLargeError`); None (the default) for no limit.
            server_url: An alias of `base_url` (Aerostack's name); giving both is a
                TypeError.
            server_idx: Which of the spec's servers (`openapi.yaml` `servers`, listed in
                `gatewise._generated.servers.SERVERS`) to use when no `base_url` is given.
            debug_logger: An alias of `logger` (Aerostack's name); giving both is a
                TypeError.

            headers: An alias of `default_headers` (giving both is a TypeError).
            anthropic_base_url: Where `anthropic/...` models (and `client.anthropic`) go:
                `{anthropic_base_url}/v1/messages`, with `anthropic-version` sent. Default
                `{base_url}/anthropic`, the gateway's passthrough; another gateway's
                Messages endpoint (LiteLLM serves `/v1/messages`) works too.
            hooks: Objects whose optional `before_request(ctx, request)`,
                `after_success(ctx, response)` and `after_error(ctx, response, error)`
                methods are called, in order, around every attempt (retries and
                fallback hops included); async hook methods need `AsyncGatewise`.
            tracing: OpenTelemetry spans and metrics for every call (needs
                `pip install 'gatewise[otel]'`): True for the global tracer provider,
                or a `TracerProvider`; None (the default) or False for none.

        Raises:
            TypeError: An argument has the wrong type (`http_client` without `send` and
                `build_request`, or a sync one for `AsyncGatewise`, an empty fallback
                alias, ...), or an argument and its alias are both given.
            ValueError: An argument's value is invalid (a `base_url` that is not
                http(s), a byte limit that is not positive, ...).
        """
        secret = settled_key(api_key)
        del api_key  # a traceback formatted with locals (Sentry, rich) must not show the key
        if http_client is not None:
            self._check_http_client(http_client)
        if debug_logger is not None:
            if logger is not None:
                raise TypeError("give logger or debug_logger (its alias), not both")
            logger = debug_logger
        if headers is not None:
            if default_headers is not None:
                raise TypeError("give headers or default_headers (its alias), not both")
            default_headers = headers
        config = make_config(
            api_key=secret,
            base_url=base_url,
            anthropic_base_url=anthropic_base_url,
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
            server_url=server_url,
            server_idx=server_idx,
        )
        config = self._instrumented(config, hooks, tracing)
        holder = HttpClientHolder(self._new_http_client, http_client)
        self._setup(config, holder, Cooldowns(fallback_cooldown))

    @classmethod
    def _check_http_client(cls, client: object) -> None:
        """`client` must have `send` and `build_request`, its `send` async for AsyncGatewise
        and sync for Gatewise (an `httpx.AsyncClient` given to `Gatewise` is refused here)."""
        send = getattr(client, "send", None)
        wants_async = cls._http_class is httpx.AsyncClient
        if (
            callable(send)
            and callable(getattr(client, "build_request", None))
            and inspect.iscoroutinefunction(send) == wants_async
        ):
            return
        expected = f"{cls._http_class.__module__}.{cls._http_class.__name__}"
        raise TypeError(
            f"http_client must be an {expected} or an object with its send and build_request "
            f"methods{' (send async)' if wants_async else ''}, got {type(client).__name__}"
        )

    def _instrumented(
        self, config: ClientConfig, hooks: object, tracing: bool | TracerProvider | None
    ) -> ClientConfig:
        """`config` with its hooks and tracer (None for either keeps the config's own)."""
        is_async = self._http_class is httpx.AsyncClient
        return dataclasses.replace(
            config,
            hooks=config.hooks if hooks is None else check_hooks(hooks, is_async),
            tracer=config.tracer if tracing is None else call_tracer(tracing),
        )

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
        anthropic_base_url: str | httpx.URL | None = None,
        hooks: Sequence[object] | None = None,
        tracing: bool | TracerProvider | None = None,
    ) -> Self:
        """A copy with some settings replaced, sharing this client's connection pool.

        Args:
            timeout: As in the constructor; None keeps this client's value (as for
                every argument here).
            max_retries: As in the constructor.
            retry: As in the constructor.
            default_headers: Replace the default headers.
            default_attribution: Replace the default attribution tags.
            stream_idle_timeout: As in the constructor.
            max_event_bytes: As in the constructor.
            max_response_bytes: As in the constructor.
            anthropic_base_url: As in the constructor.
            hooks: Replace the hooks (`[]` for none).
            tracing: As in the constructor; False turns tracing off.
        """
        config = derive_config(
            self._config,
            anthropic_base_url=anthropic_base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            default_headers=default_headers,
            default_attribution=default_attribution,
            stream_idle_timeout=stream_idle_timeout,
            max_event_bytes=max_event_bytes,
            max_response_bytes=max_response_bytes,
        )
        config = self._instrumented(
            dataclasses.replace(config, hooks=self._config.hooks, tracer=self._config.tracer),
            hooks,
            tracing,
        )
        clone = object.__new__(type(self))
        clone._setup(config, self._holder, self._cooldowns)
        return clone

    def _batch_settings(
        self,
        operation: object,
        requests: Requests,
        concurrency: int,
        on_progress: OnProgress | None,
    ) -> BatchSettings:
        check_input(operation, requests)
        return BatchSettings(concurrency, on_progress, self._config.retry.max_delay)

    @property
    def base_url(self) -> str:
        """The gateway's root URL the client sends to."""
        return self._config.base_url

    @property
    def api_key(self) -> str | None:
        """The key the client sends (never shown in its repr)."""
        key = self._config.api_key
        return key.reveal() if key is not None else None

    def __repr__(self) -> str:
        # A traceback with locals shows `self` of an __init__ that raised: no config yet.
        config: ClientConfig | None = getattr(self, "_config", None)
        shown = redacted_url(config.base_url) if config is not None else None
        return f"{type(self).__name__}(base_url={shown!r})"


class Gatewise(SyncResources, _ClientBase[HttpClient]):
    """The synchronous client: `client.chat.completions.create(...)` and the rest.

    Make one per application and reuse it: it holds the connection pool, created on the
    first request. Use it as a context manager, or call `close()`. The constructor's
    arguments are documented on `__init__`; `AsyncGatewise` takes the same.
    """

    _http_class = httpx.Client

    @cached_property
    def chat(self) -> Chat:
        # The generated resource plus the hand-written helpers (parse, run_tools).
        from ._chat import Chat

        return Chat(self)

    def _make_pipeline(self) -> None:
        self._pipeline = SyncPipeline(self._config, self._holder, self._cooldowns)

    def close(self) -> None:
        """Close the connection pool the client made; a caller's own http_client stays open."""
        client = self._holder.created()
        if isinstance(client, httpx.Client):  # always, for a client the SDK made
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> NoReturn:
        # One object serves both in Aerostack's SDK; here async code has its own client.
        raise TypeError(
            "Gatewise is the synchronous client: use `with Gatewise(...)`, or "
            "`async with AsyncGatewise(...)` in async code"
        )

    def batch(
        self,
        operation: Callable[..., T],
        requests: Requests,
        *,
        concurrency: int = 16,
        on_progress: OnProgress | None = None,
    ) -> list[BatchResult[T]]:
        """Call `operation` once per kwargs dict of `requests`, `concurrency` calls at a time.

        `client.batch(client.chat.completions.create, [{"model": ..., "messages": ...}])`.
        Each call goes through retries, fallbacks and cooldowns as a single one would; a
        429's Retry-After pauses every call of the batch. `requests` may be any iterable
        (a generator is read lazily, at most `concurrency` items ahead).

        Args:
            operation: An operation method, such as `client.chat.completions.create`.
            requests: One dict of keyword arguments per call.
            concurrency: How many calls run at once (worker threads).
            on_progress: Called as `on_progress(done, total)` after each call, in the
                calling thread; `total` is `len(requests)`, None when it has no len().
                An exception it raises (KeyboardInterrupt too) stops the batch.

        Returns:
            One `BatchResult` per item, in input order: `.ok`, `.value`, `.error`.
        """
        settings = self._batch_settings(operation, requests, concurrency, on_progress)
        return by_index(iter_sync(operation, requests, settings, ordered=False))

    def iter_batch(
        self,
        operation: Callable[..., T],
        requests: Requests,
        *,
        concurrency: int = 16,
        on_progress: OnProgress | None = None,
    ) -> Generator[BatchResult[T], None, None]:
        """As `batch()`, yielding each result in input order as soon as it and those before
        it are done; at most `concurrency` items are read ahead of the last one yielded.
        Leaving the loop early (or `close()`) stops the batch."""
        settings = self._batch_settings(operation, requests, concurrency, on_progress)
        return iter_sync(operation, requests, settings, ordered=True)

    async def __aexit__(self, *exc_info: object) -> None:
        """Never reached (`__aenter__` raises); `async with` needs both methods to exist."""


class AsyncGatewise(AsyncResources, _ClientBase[AsyncHttpClient]):
    """The asynchronous client: the surface of `Gatewise`, every operation awaited.

    Streams are iterated with `async for`; use it with `async with`, or
    `await client.close()`. It takes the same arguments as `Gatewise`, except that
    `http_client` is an `httpx.AsyncClient`.
    """

    _http_class = httpx.AsyncClient

    @cached_property
    def chat(self) -> AsyncChat:
        from ._chat import AsyncChat

        return AsyncChat(self)

    def _make_pipeline(self) -> None:
        self._pipeline = AsyncPipeline(self._config, self._holder, self._cooldowns)

    async def close(self) -> None:
        """Close the connection pool the client made; a caller's own http_client stays open."""
        client = self._holder.created()
        if isinstance(client, httpx.AsyncClient):  # always, for a client the SDK made
            await client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def batch(
        self,
        operation: Callable[..., Awaitable[T]],
        requests: Requests,
        *,
        concurrency: int = 16,
        on_progress: OnProgress | None = None,
    ) -> list[BatchResult[T]]:
        """As `Gatewise.batch`, with the calls as asyncio tasks: cancelling the awaiting
        task cancels the calls in flight and starts no other.

        Args:
            operation: An operation method, such as `client.chat.completions.create`.
            requests: One dict of keyword arguments per call.
            concurrency: How many calls run at once.
            on_progress: Called as `on_progress(done, total)` after each call.

        Returns:
            One `BatchResult` per item, in input order.
        """
        settings = self._batch_settings(operation, requests, concurrency, on_progress)
        batch = iter_async(operation, requests, settings, ordered=False)
        return by_index([result async for result in batch])

    def iter_batch(
        self,
        operation: Callable[..., Awaitable[T]],
        requests: Requests,
        *,
        concurrency: int = 16,
        on_progress: OnProgress | None = None,
    ) -> AsyncGenerator[BatchResult[T], None]:
        """As `Gatewise.iter_batch`: `async for result in client.iter_batch(...)`; leaving
        the loop early (or `aclose()`) cancels the calls in flight."""
        settings = self._batch_settings(operation, requests, concurrency, on_progress)
        return iter_async(operation, requests, settings, ordered=True)
