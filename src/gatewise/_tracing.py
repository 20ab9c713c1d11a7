"""OpenTelemetry tracing (`tracing=`, extra `gatewise[otel]`): one CLIENT span per call after
the GenAI semantic conventions, a child span per fallback hop, a span event per retry, the
GenAI client metrics, and the W3C `traceparent` header so that the gateway joins the trace.

Only `opentelemetry-api` is imported, and only when a client turns tracing on: a client
without it pays nothing. No prompt or completion text is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._errors import APIError
from ._fallback import fallback_hop
from ._streaming import AsyncStream, Stream
from ._version import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span, TracerProvider

T = TypeVar("T")

INSTALL_HINT = "pip install 'gatewise[otel]'"

# operationId -> gen_ai.operation.name; other operations get spans named by operationId.
GENAI_OPERATIONS = {
    "createChatCompletion": "chat",
    "createMessage": "chat",
    "createCompletion": "text_completion",
    "createEmbedding": "embeddings",
}
# Request parameters recorded as gen_ai.request.* (numbers and limits, never content).
_REQUEST_PARAMETERS = {
    "max_tokens": "max_tokens",
    "max_completion_tokens": "max_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
    "seed": "seed",
}
_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48]


def call_tracer(tracing: object) -> CallTracer | None:
    """The tracer of a client for its `tracing=` argument (True, a TracerProvider or False)."""
    if tracing is False:
        return None
    try:
        from opentelemetry import trace
    except ImportError as exc:
        raise ImportError(
            f"tracing= needs OpenTelemetry, which is not installed: {INSTALL_HINT}"
        ) from exc
    if tracing is True:
        return CallTracer(None)
    if isinstance(tracing, trace.TracerProvider):
        return CallTracer(tracing)
    raise TypeError(
        f"tracing must be True, False or an opentelemetry TracerProvider, "
        f"got {type(tracing).__name__}"
    )


class CallTracer:
    """A client's tracer and GenAI metric instruments, made once."""

    def __init__(self, provider: TracerProvider | None) -> None:
        from opentelemetry import metrics, trace

        # Without a provider, the global one: a proxy that follows a provider set later.
        source = provider if provider is not None else trace
        self.tracer = source.get_tracer("gatewise", __version__)
        meter = metrics.get_meter("gatewise", __version__)
        self.duration = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="GenAI operation duration",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        self.tokens = meter.create_histogram(
            "gen_ai.client.token.usage", unit="{token}", description="Number of tokens used"
        )
        self._servers: dict[str, tuple[tuple[str, Any], ...]] = {}

    def server(self, base_url: str) -> tuple[tuple[str, Any], ...]:
        """`server.address` and `server.port` of `base_url` (parsed once: most clients use
        one or two)."""
        found = self._servers.get(base_url)
        if found is None:
            url = httpx.URL(base_url)
            port = url.port or (443 if url.scheme == "https" else 80)
            found = self._servers[base_url] = (("server.address", url.host), ("server.port", port))
        return found

    def start(self, operation_id: str, body: Mapping[str, object] | None, base_url: str) -> Trace:
        return Trace(self, operation_id, body, base_url)


def _provider_of(model: str | None) -> str | None:
    provider, slash, _ = (model or "").partition("/")
    return provider if slash else None


class Trace:
    """The span of one call: its hops, retries, answer and end."""

    def __init__(
        self,
        tracer: CallTracer,
        operation_id: str,
        body: Mapping[str, object] | None,
        base_url: str,
    ) -> None:
        from opentelemetry.trace import SpanKind

        self._tracer = tracer
        model = body.get("model") if body is not None else None
        self._model = model if isinstance(model, str) else None
        name = GENAI_OPERATIONS.get(operation_id)
        # The attributes every metric point carries too.
        self._common: dict[str, Any] = dict(tracer.server(base_url))
        if name is not None:
            self._common["gen_ai.operation.name"] = name
        provider = _provider_of(self._model)
        if provider is not None:
            self._common["gen_ai.provider.name"] = provider
        if self._model is not None:
            self._common["gen_ai.request.model"] = self._model
        attributes = {**self._common, "gatewise.operation_id": operation_id}
        for parameter, attribute in _REQUEST_PARAMETERS.items():
            value = (body or {}).get(parameter)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                attributes[f"gen_ai.request.{attribute}"] = value
        span_name = f"{name} {self._model}" if name and self._model else (name or operation_id)
        self._started = time.perf_counter()
        self.span: Span = tracer.tracer.start_span(
            span_name, kind=SpanKind.CLIENT, attributes=attributes
        )
        self._current = self.span  # the span the next attempt belongs to (a hop's, in a chain)
        self._response_model: str | None = None
        self._usage: tuple[int | None, int | None] = (None, None)
        self._finish_reasons: list[str] = []
        self._ended = False

    # ---------------------------------------------------------------- attempts

    def sent(self, request: httpx.Request) -> None:
        """Give `request` the `traceparent` of the current span."""
        from opentelemetry import propagate, trace

        propagate.inject(request.headers, context=trace.set_span_in_context(self._current))

    def answered(self, response: httpx.Response) -> None:
        trace_id = response.headers.get("x-trace-id")
        if trace_id is not None:
            self._current.set_attribute("gatewise.trace_id", trace_id)
            self.span.set_attribute("gatewise.trace_id", trace_id)

    def retrying(self, attempt: int, error: Exception, delay: float) -> None:
        self._current.add_event(
            "gatewise.retry",
            {
                "gatewise.attempt": attempt,
                "error.type": _error_type(error),
                "gatewise.delay": delay,
            },
        )

    @contextmanager
    def hop(self, model: str, hop: int) -> Iterator[None]:
        """A child span around one hop of a fallback chain."""
        from opentelemetry import trace
        from opentelemetry.trace import SpanKind, StatusCode

        name = self._common.get("gen_ai.operation.name")
        attributes = {**self._common, "gen_ai.request.model": model, "gatewise.hop": hop}
        span = self._tracer.tracer.start_span(
            f"{name} {model}" if name else model,
            context=trace.set_span_in_context(self.span),
            kind=SpanKind.CLIENT,
            attributes=attributes,
        )
        self._current = span
        try:
            yield
        except Exception as exc:
            span.set_attribute("error.type", _error_type(exc))
            span.set_status(StatusCode.ERROR, str(exc))
            raise
        finally:
            span.end()
            self._current = self.span

    # ------------------------------------------------------------------ answer

    def note(self, answer: object) -> None:
        """Collect what the conventions record from an answer or a stream's chunk."""
        model = getattr(answer, "model", None)
        if isinstance(model, str):
            self._response_model = model
        response_id = getattr(answer, "id", None)
        if isinstance(response_id, str):
            self.span.set_attribute("gen_ai.response.id", response_id)
        provider = getattr(answer, "provider", None)
        if isinstance(provider, str):
            self.span.set_attribute("gatewise.provider", provider)
        usage = getattr(answer, "usage", None)
        if usage is not None:
            self._usage = (
                _tokens(usage, "prompt_tokens", "input_tokens"),
                _tokens(usage, "completion_tokens", "output_tokens"),
            )
        for choice in getattr(answer, "choices", None) or ():
            reason = getattr(choice, "finish_reason", None)
            if reason is not None:
                self._finish_reasons.append(str(reason))

    def finished(self, result: object) -> None:
        """The call returned `result`: a stream's span ends with the stream."""
        if isinstance(result, (Stream, AsyncStream)):
            result.watch(self)
            return
        self.note(result)
        self.end(None)

    def end(self, error: BaseException | None) -> None:
        """End the span (once): the answer's attributes, or the error's; then the metrics."""
        if self._ended:
            return
        self._ended = True
        from opentelemetry.trace import StatusCode

        span = self.span
        metric_attributes = dict(self._common)
        if self._response_model is not None:
            span.set_attribute("gen_ai.response.model", self._response_model)
            metric_attributes["gen_ai.response.model"] = self._response_model
        if self._finish_reasons:
            span.set_attribute("gen_ai.response.finish_reasons", self._finish_reasons)
        for kind, count in zip(("input", "output"), self._usage, strict=True):
            if count is not None:
                span.set_attribute(f"gen_ai.usage.{kind}_tokens", count)
                self._tracer.tokens.record(count, {**metric_attributes, "gen_ai.token.type": kind})
        if error is not None:
            error_type = _error_type(error)
            span.set_attribute("error.type", error_type)
            metric_attributes["error.type"] = error_type
            trace_id = getattr(error, "trace_id", None)
            if isinstance(trace_id, str):
                span.set_attribute("gatewise.trace_id", trace_id)
            span.set_status(StatusCode.ERROR, str(error))
        self._tracer.duration.record(time.perf_counter() - self._started, metric_attributes)
        span.end()


def _tokens(usage: object, *names: str) -> int | None:
    for name in names:
        value = getattr(usage, name, None)
        if isinstance(value, int):
            return value
    return None


def _error_type(error: BaseException) -> str:
    """`error.type`: the HTTP status of an error answer, else the exception's class name."""
    if isinstance(error, APIError):
        return str(error.status_code)
    return type(error).__name__


def traced_call(trace: Trace, call: Callable[[], T]) -> T:
    try:
        result = call()
    except BaseException as exc:
        trace.end(exc)
        raise
    trace.finished(result)
    return result


async def atraced_call(trace: Trace, call: Callable[[], Awaitable[T]]) -> T:
    try:
        result = await call()
    except BaseException as exc:
        trace.end(exc)
        raise
    trace.finished(result)
    return result


def traced_hops(trace: Trace | None, attempt: Callable[[str], T]) -> Callable[[str], T]:
    """`attempt(model)` of a fallback chain, each hop in its own child span."""
    if trace is None:
        return attempt

    def hop(model: str) -> T:
        with trace.hop(model, fallback_hop.get()):
            return attempt(model)

    return hop


def atraced_hops(
    trace: Trace | None, attempt: Callable[[str], Awaitable[T]]
) -> Callable[[str], Awaitable[T]]:
    if trace is None:
        return attempt

    async def hop(model: str) -> T:
        with trace.hop(model, fallback_hop.get()):
            return await attempt(model)

    return hop
