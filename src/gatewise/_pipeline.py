"""The request pipeline: build request -> send -> retry -> map errors -> parse, in one place.

`build_request` and `Attempts` are pure: they decide what to send, whether to retry and
what to raise. `SyncPipeline` and `AsyncPipeline` are thin shells around them that do
only the I/O (send, sleep); every generated operation method calls one of them.
"""

from __future__ import annotations

import json
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from urllib.parse import quote

import anyio
import httpx
import pydantic_core

from ._arguments import extra_arguments
from ._config import (
    ClientConfig,
    attempt_deadline,
    check_byte_limit,
    check_idle_timeout,
    phase_timeouts,
    redacted_url,
    to_timeout,
)
from ._errors import (
    APIError,
    GatewiseError,
    HookError,
    RateLimitError,
    error_from_httpx,
    error_from_response,
    not_retried,
)
from ._exchange import Exchange, aexchange, exchange
from ._fallback import (
    Cooldowns,
    FallbackRun,
    acall_chain,
    call_chain,
    fallback_hop,
    hop_idempotency_key,
    resolve_chain,
)
from ._files import FileInput, one_shot_fields, to_httpx_files
from ._headers import (
    HeaderValue,
    attribution_headers,
    check_headers,
    default_header,
    merge_headers,
    wire_headers,
)
from ._hooks import CallSite
from ._http import H, HttpClientHolder
from ._jobs import AsyncJob, Job, JobSpec
from ._operation import Operation, Page
from ._options import RequestOptions
from ._parsing import parse_response
from ._raw import RawResponse, raw_mode
from ._retry import RetryConfig, retry_delay
from ._routing import Route, operation_url, route
from ._streamed import AsyncStreamedResponse, StreamedResponse, streaming_mode
from ._streaming import AsyncStream, Stream, StreamSettings
from ._tracing import Trace, atraced_call, atraced_hops, traced_call, traced_hops
from .httpclient import AsyncHttpClient, HttpClient, RequestBuilder

if TYPE_CHECKING:
    from pydantic import BaseModel

T = TypeVar("T")
C = TypeVar("C", bound="BaseModel")
M = TypeVar("M", bound="BaseModel")
V = TypeVar("V")

_KNOWN_OPTIONS = frozenset(RequestOptions.__annotations__)

# Told of every 429 an attempt meets, retried or not: a batch sets it so that one call's
# Retry-After pauses all of its sends (None outside a batch).
rate_limit_listener: ContextVar[Callable[[RateLimitError], None] | None] = ContextVar(
    "gatewise_rate_limit_listener", default=None
)


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """Everything needed to send one call, possibly several times (retries)."""

    method: str
    url: str
    params: dict[str, Any]
    headers: dict[str, HeaderValue]  # credentials as Secret: a traceback's locals hide them
    content: bytes | None
    data: dict[str, str] | None
    files: dict[str, Any] | None
    timeout: float | httpx.Timeout | None  # the call's or the client's; None: neither gave one
    retry: RetryConfig
    max_response_bytes: int | None
    one_shot_files: tuple[str, ...] = ()  # fields whose file cannot be rewound for a retry

    def to_httpx(self, callers_client: RequestBuilder | None) -> httpx.Request:
        """The request to send; through a caller's own client, so that its headers, cookies
        and params apply too (a client the SDK made has none, so it is skipped for speed)."""
        phases = phase_timeouts(self.timeout, owned=callers_client is None)
        if callers_client is not None:
            return callers_client.build_request(
                self.method,
                _parsed_url(self.url),
                params=self.params or None,
                headers=wire_headers(self.headers),
                content=self.content,
                data=self.data,
                files=self.files,
                # Unless told otherwise, a caller's own client keeps its own timeouts.
                timeout=phases if phases is not None else httpx.USE_CLIENT_DEFAULT,
            )
        assert phases is not None
        return httpx.Request(
            self.method,
            _parsed_url(self.url),
            params=self.params or None,
            headers=wire_headers(self.headers),
            content=self.content,
            data=self.data,
            files=self.files,
            extensions={"timeout": phases.as_dict()},
        )

    def exchange(self, *, stream: bool, owned: bool) -> Exchange:
        """The plan of one attempt: its deadline starts now."""
        return Exchange(
            stream=stream,
            limit=self.max_response_bytes,
            deadline=attempt_deadline(self.timeout, owned),
        )


_URL_CACHE: dict[str, httpx.URL] = {}
_URL_CACHE_SIZE = 512


def _parsed_url(url: str) -> httpx.URL:
    """Parsing a URL is a good part of building a request; most calls repeat a few URLs."""
    parsed = _URL_CACHE.get(url)
    if parsed is None:
        parsed = httpx.URL(url)
        if len(_URL_CACHE) >= _URL_CACHE_SIZE:
            _URL_CACHE.clear()
        _URL_CACHE[url] = parsed
    return parsed


def build_request(
    config: ClientConfig,
    op: Operation[Any],
    *,
    path: Mapping[str, object] | None,
    query: Mapping[str, object] | None,
    body: Mapping[str, object] | None,
    files: Mapping[str, FileInput | None] | None,
    options: RequestOptions,
    hop: int = 0,
) -> PreparedRequest:
    """Check the per-call options and turn one call into a PreparedRequest (pure); `hop` is
    the call's position in a fallback chain."""
    extras = extra_arguments(
        {name: value for name, value in options.items() if name not in _KNOWN_OPTIONS},
        (*op.arguments, *_KNOWN_OPTIONS),
        takes_body=body is not None or files is not None,
    )
    for limit in ("max_event_bytes", "max_response_bytes"):
        if limit in options:
            check_byte_limit(limit, options[limit])
    if "stream_idle_timeout" in options:
        check_idle_timeout(options["stream_idle_timeout"])
    url = operation_url(
        config.base_url, config.anthropic_base_url, _fill_path(op.path, path) if path else op.path
    )
    headers = dict(config.base_headers)
    attribution = options.get("attribution")
    if attribution is not None:
        merge_headers(headers, attribution_headers(attribution, "attribution"))
    extra_headers = options.get("extra_headers")
    if extra_headers is not None:
        merge_headers(headers, check_headers(extra_headers, "extra_headers"))
    for name, value in op.headers:
        default_header(headers, name, value)
    callers_key = next((name for name in headers if name.lower() == "idempotency-key"), None)
    if callers_key is not None:
        headers[callers_key] = hop_idempotency_key(str(headers[callers_key]), hop)
    elif op.method != "GET":
        # One key per call (and fallback hop), reused by every retry, so the server can
        # de-duplicate.
        headers["Idempotency-Key"] = f"gw-{uuid.uuid4().hex}"
    params = _query_params(query, _mapping_option(options, "extra_query"))
    content: bytes | None = None
    data: dict[str, str] | None = None
    httpx_files: dict[str, Any] | None = None
    extra_body = {**extras, **(_mapping_option(options, "extra_body") or {})}
    if files is not None:
        fields = {**(body or {}), **(extra_body or {})}
        data = {
            name: _form_value(name, value) for name, value in fields.items() if value is not None
        }
        httpx_files = to_httpx_files(files)
    elif body is not None or extra_body:
        content = _to_json({**(body or {}), **(extra_body or {})})
        default_header(headers, "Content-Type", "application/json")
    retry = options.get("retry") or config.retry
    if not isinstance(retry, RetryConfig):
        raise TypeError(f"retry must be a RetryConfig, got {type(retry).__name__}")
    return PreparedRequest(
        method=op.method,
        url=url,
        params=params,
        headers=headers,
        content=content,
        data=data,
        files=httpx_files,
        timeout=to_timeout(options.get("timeout"), config.timeout),
        retry=retry,
        max_response_bytes=_call_setting(options, "max_response_bytes", config.max_response_bytes),
        one_shot_files=tuple(one_shot_fields(files)),
    )


def request_options(options: RequestOptions) -> RequestOptions:
    """`options` without the backend-specific extras (see extra_arguments)."""
    return cast(
        RequestOptions, {name: value for name, value in options.items() if name in _KNOWN_OPTIONS}
    )


def _mapping_option(options: RequestOptions, name: str) -> Mapping[str, object] | None:
    value = options.get(name)
    if value is not None and not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping (dict), got {type(value).__name__}")
    return value


def _fill_path(template: str, values: Mapping[str, object]) -> str:
    encoded = {}
    for name, value in values.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if str(value) in ("", ".", ".."):
            # Even encoded (%2E), a dot segment is resolved away by servers that follow
            # RFC 3986, which would send the call to another endpoint.
            raise ValueError(f"{name} must be an id, not {value!r}")
        # safe="" so that "openai/gpt-4o" stays one path segment: openai%2Fgpt-4o.
        encoded[name] = quote(str(value), safe="")
    return template.format_map(encoded)


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _query_params(
    query: Mapping[str, object] | None, extra: Mapping[str, object] | None
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for source in (query, extra):
        for name, value in (source or {}).items():
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                params[name] = [_query_value(item) for item in value]
            else:
                params[name] = _query_value(value)
    return params


def _form_value(name: str, value: object) -> str:
    """A multipart text field: scalars as in a query, anything else as JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if isinstance(value, (str, int, float)):
        return _query_value(value)
    return _to_json(value, name).decode()


def _to_json(payload: object, where: str = "") -> bytes:
    """JSON bytes of a body (or of one form field, named `where`)."""
    try:
        encoded = pydantic_core.to_json(payload)
    except pydantic_core.PydanticSerializationError as exc:
        raise TypeError(f"request body is not JSON-serialisable: {exc}") from None
    if b"NaN" in encoded or b"Infinity" in encoded:
        _refuse_non_finite(encoded, where)
    return encoded


class _NonFinite:
    """Stands for a NaN or an infinity while looking for where it is."""


def _refuse_non_finite(encoded: bytes, where: str) -> None:
    """Raise if `encoded` holds NaN or +-Infinity outside strings: they are not JSON."""
    found = json.loads(encoded, parse_constant=lambda _: _NonFinite())
    stack: list[tuple[str, object]] = [(where, found)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, _NonFinite):
            raise ValueError(f"{where.lstrip('.')} must be a finite number, not NaN or infinity")
        if isinstance(value, dict):
            stack.extend((f"{where}.{key}", item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))


# What one attempt ended with: an answer (maybe an error status), an httpx failure, or an
# error the exchange raised itself (a refused redirect, a body over its limit).
Outcome = httpx.Response | httpx.HTTPError | GatewiseError


class Attempts:
    """The retry state of one call (pure): what to send next, and what each outcome means."""

    __slots__ = ("_logger", "_prepared", "_retry_number", "_sent_at", "_started")

    def __init__(self, prepared: PreparedRequest, logger: logging.Logger) -> None:
        self._prepared = prepared
        self._logger = logger
        self._retry_number = 0
        self._started = time.monotonic()
        self._sent_at = self._started

    def next_request(self, callers_client: RequestBuilder | None) -> httpx.Request:
        self._sent_at = time.monotonic()
        return self._prepared.to_httpx(callers_client)

    @property
    def number(self) -> int:
        """The attempt being made: 1 for the first."""
        return self._retry_number + 1

    def failure(self, outcome: Outcome) -> GatewiseError | None:
        """None when `outcome` is the answer, else the error it means (see `retry_in`)."""
        if isinstance(outcome, httpx.Response) and outcome.status_code < 400:
            self._log(self.number, outcome.status_code, time.monotonic(), None)
            return None
        error = _error_of(outcome)
        listener = rate_limit_listener.get()
        if listener is not None and isinstance(error, RateLimitError):
            listener(error)  # a batch pauses all its calls
        return error

    def retry_in(self, outcome: Outcome, error: GatewiseError) -> float:
        """Seconds to wait before retrying after `error`; or raises it."""
        now = time.monotonic()
        attempt = self._retry_number + 1
        api_error = error if isinstance(error, APIError) else None
        self._retry_number = attempt
        delay = retry_delay(
            self._prepared.retry,
            attempt,
            status=api_error.status_code if api_error else None,
            headers=api_error.headers if api_error else None,
            error_code=api_error.code if api_error else None,
            elapsed=now - self._started,
        )
        if not isinstance(outcome, _RETRIED_FAILURES):
            delay = None
        if delay is not None and self._prepared.one_shot_files:
            delay = None
            not_retried(error, _one_shot_reason(self._prepared.one_shot_files))
        self._log(attempt, api_error.status_code if api_error else type(error).__name__, now, delay)
        if delay is None:
            raise error
        return delay

    def _log(self, attempt: int, result: object, now: float, retry_in: float | None) -> None:
        if not self._logger.isEnabledFor(logging.DEBUG):
            return
        self._logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d)%s",
            self._prepared.method,
            redacted_url(self._prepared.url),
            result,
            (now - self._sent_at) * 1000,
            attempt,
            f"; retrying in {retry_in:.2f} s" if retry_in is not None else "",
        )


def _one_shot_reason(fields: Sequence[str]) -> str:
    return (
        f"the file given as {', '.join(fields)} cannot be rewound (it is not seekable), so "
        "its request cannot be sent again; pass a seekable file or bytes to allow retries"
    )


# Retried: error answers (by status), and failures a new attempt may not meet (connection,
# timeout, a garbled body); a redirect loop is not.
_RETRIED_FAILURES = (httpx.Response, httpx.TransportError, httpx.DecodingError)


def _error_of(outcome: Outcome) -> GatewiseError:
    if isinstance(outcome, httpx.Response):
        return error_from_response(outcome)
    if isinstance(outcome, GatewiseError):
        return outcome
    return error_from_httpx(outcome)


def _response_of(outcome: Outcome) -> httpx.Response | None:
    """The error answer an after_error hook sees; None for a failure without one."""
    if isinstance(outcome, httpx.Response):
        return outcome
    return outcome.response if isinstance(outcome, APIError) else None


StreamT = TypeVar("StreamT", bound="Stream[Any] | AsyncStream[Any]")


def _raw_stream(stream: StreamT, raw: bool) -> StreamT:
    """With with_raw_response (or with_streaming_response), a stream comes back as a
    RawResponse (a StreamedResponse) whose parse() is the stream."""
    parsed: tuple[object] = (stream,)
    if streaming_mode.get():
        answer = AsyncStreamedResponse if isinstance(stream, AsyncStream) else StreamedResponse
        return answer(stream.response, _unreadable, parsed=parsed)  # type: ignore[return-value]
    if not raw:
        return stream
    return RawResponse(stream.response, _unreadable, parsed=parsed)  # type: ignore[return-value]


def _unreadable(content: bytes) -> object:
    raise AssertionError("a streamed RawResponse is parsed already")


def _call_setting(options: RequestOptions, name: str, client_value: V) -> V:
    """A per-call option when the call names it (None included: no limit), else the client's."""
    return options.get(name, client_value)  # type: ignore[return-value]


def _stream_settings(
    config: ClientConfig, options: RequestOptions, wire: Route[Any], body: Mapping[str, object]
) -> StreamSettings:
    """What a Stream needs from the call: its limits, its translator, and how many choices
    (`n`) must finish for a stream without [DONE] to be complete."""
    n = body.get("n")
    return StreamSettings(
        idle_timeout=_call_setting(options, "stream_idle_timeout", config.stream_idle_timeout),
        events=wire.events() if wire.events is not None else None,
        choices=n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1,
        max_event_bytes=_call_setting(options, "max_event_bytes", config.max_event_bytes),
    )


def _next_page_query(
    query: Mapping[str, object] | None, page: Page[Any]
) -> dict[str, object] | None:
    """The query of the page after `page`, or None when `page` was the last."""
    if not page.has_more or not page.data:
        return None
    params = dict(query or {})
    offset = params.get("offset")
    params["offset"] = (offset if isinstance(offset, int) else 0) + len(page.data)
    return params


class _PipelineBase(Generic[H]):
    def __init__(
        self, config: ClientConfig, http: HttpClientHolder[H], cooldowns: Cooldowns
    ) -> None:
        self.config = config
        self._http = http
        self._cooldowns = cooldowns

    def _prepare(
        self,
        op: Operation[T],
        path: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        files: Mapping[str, FileInput | None] | None,
        options: RequestOptions,
    ) -> tuple[Route[T], PreparedRequest]:
        """Where the call goes (a translated provider's own endpoint, or `op`) and its request."""
        wire = route(op, body, self.config.logger)
        prepared = build_request(
            self.config,
            wire.op,
            path=path,
            query=query,
            body=wire.body,
            files=files,
            options=options,
            hop=fallback_hop.get(),
        )
        return wire, prepared

    def _trace(self, op: Operation[Any], body: Mapping[str, object] | None) -> Trace | None:
        """The span of one call, None when tracing is off."""
        tracer = self.config.tracer
        if tracer is None:
            return None
        return tracer.start(op.operation_id, body, self.config.base_url)

    def _fallback_run(
        self,
        op: Operation[Any],
        body: Mapping[str, object] | None,
        fallbacks: Sequence[str] | None,
        files: Mapping[str, FileInput | None] | None = None,
    ) -> FallbackRun | None:
        if body is None:
            return None
        chain = resolve_chain(body.get("model"), fallbacks, self.config.models)
        if chain is None:
            return None
        one_shot = one_shot_fields(files)
        if one_shot:
            raise TypeError(
                f"a fallback chain may send the request more than once, and "
                f"{_one_shot_reason(one_shot)}"
            )
        for model in chain:
            # A hop that cannot be sent (an untranslatable parameter) raises before any hop is.
            route(op, {**body, "model": model}, self.config.logger)
        return FallbackRun(chain, self._cooldowns, self.config.logger)


class SyncPipeline(_PipelineBase[HttpClient]):
    """Sends calls for `Gatewise`."""

    def _send(self, prepared: PreparedRequest, *, stream: bool, site: CallSite) -> httpx.Response:
        attempts = Attempts(prepared, self.config.logger)
        client = self._http.get()
        owned = self._http.owned
        callers = None if owned else client
        hooks = self.config.hooks
        while True:
            outcome: Outcome
            try:
                request = attempts.next_request(callers)
                if site.trace is not None:
                    site.trace.sent(request)
                if hooks is not None:
                    request = hooks.before_request(site.context(attempts.number), request)
                plan = prepared.exchange(stream=stream, owned=owned)
                outcome = exchange(client, request, plan)
            except HookError:
                raise
            except (httpx.HTTPError, GatewiseError) as exc:  # every failure of the attempt
                outcome = exc
            error = attempts.failure(outcome)
            if error is None:
                assert isinstance(outcome, httpx.Response)
                if site.trace is not None:
                    site.trace.answered(outcome)
                if hooks is None:
                    return outcome
                return hooks.after_success(site.context(attempts.number), outcome)
            if hooks is not None:
                context = site.context(attempts.number)
                hooks.after_error(context, _response_of(outcome), error)
            delay = attempts.retry_in(outcome, error)
            if site.trace is not None:
                site.trace.retrying(attempts.number - 1, error, delay)
            time.sleep(delay)

    def request(
        self,
        op: Operation[T],
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        files: Mapping[str, FileInput | None] | None = None,
        fallbacks: Sequence[str] | None = None,
        options: RequestOptions,
    ) -> T:
        raw = raw_mode.get()
        streamed = streaming_mode.get()

        def attempt(body: Mapping[str, object] | None) -> T:
            wire, prepared = self._prepare(op, path, query, body, files, options)
            response = self._send(prepared, stream=streamed, site=CallSite.of(op, body, trace))
            if streamed:
                return StreamedResponse(response, wire.op.decode)  # type: ignore[return-value]
            if raw:
                return RawResponse(response, wire.op.decode)  # type: ignore[return-value]
            return parse_response(wire.op.decode, response)

        run = self._fallback_run(op, body, fallbacks, files)
        trace = self._trace(op, body)

        def call() -> T:
            if run is None:
                return attempt(body)
            hop = traced_hops(trace, lambda model: attempt({**(body or {}), "model": model}))
            return call_chain(run, hop)

        return call() if trace is None else traced_call(trace, call)

    def stream(
        self,
        op: Operation[Any],
        chunk: type[C],
        *,
        body: Mapping[str, object],
        fallbacks: Sequence[str] | None = None,
        options: RequestOptions,
    ) -> Stream[C]:
        def attempt(body: Mapping[str, object]) -> Stream[C]:
            wire, prepared = self._prepare(op, None, None, body, None, options)
            response = self._send(prepared, stream=True, site=CallSite.of(op, body, trace))
            return Stream(
                response, chunk, op.decode, _stream_settings(self.config, options, wire, body)
            )

        raw = raw_mode.get()
        run = self._fallback_run(op, body, fallbacks)
        trace = self._trace(op, body)

        def call() -> Stream[C]:
            if run is None:
                return attempt(body)
            hop = traced_hops(trace, lambda model: attempt({**body, "model": model}).primed())
            return call_chain(run, hop)

        return _raw_stream(call() if trace is None else traced_call(trace, call), raw)

    def start_job(
        self,
        op: Operation[M],
        spec: JobSpec[M],
        *,
        body: Mapping[str, object],
        options: RequestOptions,
    ) -> Job[M]:
        """Submit a polled job; the answer (its first status) becomes a Job handle."""
        decode = op.decode
        # Its polls take no body: the backend-specific extras went with the submission only.
        polled = request_options(options)
        submit = op.decoding(lambda content: Job(self, spec, decode(content), polled))
        return self.request(submit, body=body, options=options)

    def paginate(
        self,
        op: Operation[Page[T]],
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        options: RequestOptions,
    ) -> Iterator[T]:
        next_query: Mapping[str, object] | None = query
        while True:
            page = self.request(op, path=path, query=next_query, options=options)
            yield from page
            next_query = _next_page_query(next_query, page)
            if next_query is None:
                return


class AsyncPipeline(_PipelineBase[AsyncHttpClient]):
    """Sends calls for `AsyncGatewise`."""

    async def _send(
        self, prepared: PreparedRequest, *, stream: bool, site: CallSite
    ) -> httpx.Response:
        attempts = Attempts(prepared, self.config.logger)
        client = self._http.get()
        owned = self._http.owned
        callers = None if owned else client
        hooks = self.config.hooks
        while True:
            outcome: Outcome
            try:
                request = attempts.next_request(callers)
                if site.trace is not None:
                    site.trace.sent(request)
                if hooks is not None:
                    request = await hooks.abefore_request(site.context(attempts.number), request)
                plan = prepared.exchange(stream=stream, owned=owned)
                outcome = await aexchange(client, request, plan)
            except HookError:
                raise
            except (httpx.HTTPError, GatewiseError) as exc:  # every failure of the attempt
                outcome = exc
            error = attempts.failure(outcome)
            if error is None:
                assert isinstance(outcome, httpx.Response)
                if site.trace is not None:
                    site.trace.answered(outcome)
                if hooks is None:
                    return outcome
                return await hooks.aafter_success(site.context(attempts.number), outcome)
            if hooks is not None:
                context = site.context(attempts.number)
                await hooks.aafter_error(context, _response_of(outcome), error)
            delay = attempts.retry_in(outcome, error)
            if site.trace is not None:
                site.trace.retrying(attempts.number - 1, error, delay)
            await anyio.sleep(delay)

    async def request(
        self,
        op: Operation[T],
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        files: Mapping[str, FileInput | None] | None = None,
        fallbacks: Sequence[str] | None = None,
        options: RequestOptions,
    ) -> T:
        raw = raw_mode.get()
        streamed = streaming_mode.get()

        async def attempt(body: Mapping[str, object] | None) -> T:
            wire, prepared = self._prepare(op, path, query, body, files, options)
            response = await self._send(
                prepared, stream=streamed, site=CallSite.of(op, body, trace)
            )
            if streamed:
                return AsyncStreamedResponse(response, wire.op.decode)  # type: ignore[return-value]
            if raw:
                return RawResponse(response, wire.op.decode)  # type: ignore[return-value]
            return parse_response(wire.op.decode, response)

        run = self._fallback_run(op, body, fallbacks, files)
        trace = self._trace(op, body)

        async def call() -> T:
            if run is None:
                return await attempt(body)
            hop = atraced_hops(trace, lambda model: attempt({**(body or {}), "model": model}))
            return await acall_chain(run, hop)

        return await (call() if trace is None else atraced_call(trace, call))

    async def stream(
        self,
        op: Operation[Any],
        chunk: type[C],
        *,
        body: Mapping[str, object],
        fallbacks: Sequence[str] | None = None,
        options: RequestOptions,
    ) -> AsyncStream[C]:
        async def attempt(body: Mapping[str, object]) -> AsyncStream[C]:
            wire, prepared = self._prepare(op, None, None, body, None, options)
            response = await self._send(prepared, stream=True, site=CallSite.of(op, body, trace))
            return AsyncStream(
                response, chunk, op.decode, _stream_settings(self.config, options, wire, body)
            )

        async def attempt_primed(model: str) -> AsyncStream[C]:
            return await (await attempt({**body, "model": model})).primed()

        raw = raw_mode.get()
        run = self._fallback_run(op, body, fallbacks)
        trace = self._trace(op, body)

        async def call() -> AsyncStream[C]:
            if run is None:
                return await attempt(body)
            return await acall_chain(run, atraced_hops(trace, attempt_primed))

        return _raw_stream(await (call() if trace is None else atraced_call(trace, call)), raw)

    async def start_job(
        self,
        op: Operation[M],
        spec: JobSpec[M],
        *,
        body: Mapping[str, object],
        options: RequestOptions,
    ) -> AsyncJob[M]:
        """Submit a polled job; the answer (its first status) becomes an AsyncJob handle."""
        decode = op.decode
        # Its polls take no body: the backend-specific extras went with the submission only.
        polled = request_options(options)
        submit = op.decoding(lambda content: AsyncJob(self, spec, decode(content), polled))
        return await self.request(submit, body=body, options=options)

    async def paginate(
        self,
        op: Operation[Page[T]],
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        options: RequestOptions,
    ) -> AsyncIterator[T]:
        next_query: Mapping[str, object] | None = query
        while True:
            page = await self.request(op, path=path, query=next_query, options=options)
            for item in page:
                yield item
            next_query = _next_page_query(next_query, page)
            if next_query is None:
                return
