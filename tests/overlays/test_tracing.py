"""OpenTelemetry tracing end to end: spans and metrics from the OTel SDK's in-memory exporter
and reader, for calls to a real MockGateway, sync and async."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from gatewise import BadRequestError, Gatewise
from gatewise.testing import MockGateway
from tests.support import NO_RETRY, resolve

from .conftest import ClientFactory
from .support import CHAT, CLAUDE, HELLO, read_all

# Metrics go to the global MeterProvider, which can be set once per process.
READER = InMemoryMetricReader()
metrics.set_meter_provider(MeterProvider(metric_readers=[READER]))


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.shutdown()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def chat(client: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("messages", HELLO)
    kwargs.setdefault("model", "openai/gpt-4o")
    return resolve(client.chat.completions.create(**kwargs))


def traceparent(span: ReadableSpan) -> str:
    context = span.get_span_context()
    assert context is not None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def histogram_points(name: str) -> list[Any]:
    data = READER.get_metrics_data()
    assert data is not None
    return [
        point
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == name
        for point in metric.data.data_points
    ]


async def test_a_chat_call_is_one_client_span_after_the_genai_conventions(
    gw: MockGateway, make_client: ClientFactory, exporter: InMemorySpanExporter, provider: Any
) -> None:
    client = make_client(tracing=provider)

    answer = await chat(client, temperature=0.5, max_tokens=64)

    [span] = exporter.get_finished_spans()
    assert span.name == "chat openai/gpt-4o"
    assert span.kind is SpanKind.CLIENT
    attributes = dict(span.attributes or {})
    host, port = gw.url.removeprefix("http://").split(":")
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "openai/gpt-4o",
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.max_tokens": 64,
        "gen_ai.response.model": "openai/gpt-4o",
        "gen_ai.response.id": answer.id,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": answer.usage.prompt_tokens,
        "gen_ai.usage.output_tokens": answer.usage.completion_tokens,
        "gatewise.operation_id": "createChatCompletion",
        "gatewise.trace_id": answer.trace_id,
        "gatewise.provider": "openai",
        "server.address": host,
        "server.port": int(port.split("/")[0]),
    }
    # The gateway can join the trace; no prompt or completion text is recorded.
    assert gw.requests.to(CHAT)[0].headers["traceparent"] == traceparent(span)
    assert not any("story" in str(value) for value in attributes.values())


async def test_fallback_hops_are_child_spans_and_retries_their_events(
    gw: MockGateway, make_client: ClientFactory, exporter: InMemorySpanExporter, provider: Any
) -> None:
    client = make_client(tracing=provider)  # FAST_RETRY: one retry per model
    gw.faults.add(CHAT, status=503, times=2)

    await chat(client, fallbacks=["openai/gpt-4o-mini"])

    first, second, call = exporter.get_finished_spans()
    assert call.name == "chat openai/gpt-4o"
    assert (first.name, second.name) == ("chat openai/gpt-4o", "chat openai/gpt-4o-mini")
    for hop, span in enumerate((first, second)):
        assert span.parent is not None
        assert span.parent.span_id == call.get_span_context().span_id  # type: ignore[union-attr]
        assert (span.attributes or {})["gatewise.hop"] == hop
    assert first.status.status_code is StatusCode.ERROR
    assert (first.attributes or {})["error.type"] == "503"
    assert [event.name for event in first.events] == ["gatewise.retry"]
    assert (first.events[0].attributes or {})["error.type"] == "503"
    assert second.status.status_code is StatusCode.UNSET
    assert (call.attributes or {})["gen_ai.response.model"] == "openai/gpt-4o-mini"
    sent = [r.headers["traceparent"] for r in gw.requests.to(CHAT)]
    assert sent == [traceparent(first), traceparent(first), traceparent(second)]


@pytest.mark.parametrize("model", ["openai/gpt-4o", CLAUDE])
async def test_a_stream_span_ends_when_the_stream_ends(
    make_client: ClientFactory, exporter: InMemorySpanExporter, provider: Any, model: str
) -> None:
    client = make_client(tracing=provider)

    stream = await chat(client, model=model, stream=True, stream_options={"include_usage": True})
    assert exporter.get_finished_spans() == ()
    chunks = await read_all(stream)

    [span] = exporter.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert span.name == f"chat {model}"
    assert attributes["gen_ai.response.model"] == model
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert attributes["gatewise.provider"] == model.split("/")[0]
    usage = next(chunk.usage for chunk in chunks if chunk.usage is not None)
    assert attributes["gen_ai.usage.output_tokens"] == usage.completion_tokens


async def test_a_stream_closed_early_ends_its_span(
    make_client: ClientFactory, exporter: InMemorySpanExporter, provider: Any
) -> None:
    client = make_client(tracing=provider)

    stream = await chat(client, stream=True)
    await resolve(stream.close())

    [span] = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.UNSET


async def test_an_error_answer_marks_the_span_and_the_duration_metric(
    gw: MockGateway, make_client: ClientFactory, exporter: InMemorySpanExporter, provider: Any
) -> None:
    client = make_client(tracing=provider, retry=NO_RETRY)
    gw.faults.add(CHAT, status=400)

    with pytest.raises(BadRequestError) as caught:
        await chat(client, model="openai/gpt-4o-mini")

    [span] = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "400"
    if caught.value.trace_id is not None:
        assert (span.attributes or {})["gatewise.trace_id"] == caught.value.trace_id
    errors = [
        point
        for point in histogram_points("gen_ai.client.operation.duration")
        if point.attributes.get("error.type") == "400"
    ]
    assert errors
    assert errors[0].attributes["gen_ai.request.model"] == "openai/gpt-4o-mini"


async def test_token_usage_is_a_histogram_per_token_type(
    make_client: ClientFactory, provider: Any
) -> None:
    client = make_client(tracing=provider)

    answer = await chat(client, model="openai/gpt-4o-2024-08-06")

    points = {
        point.attributes["gen_ai.token.type"]: point
        for point in histogram_points("gen_ai.client.token.usage")
        if point.attributes.get("gen_ai.request.model") == "openai/gpt-4o-2024-08-06"
    }
    assert points["input"].sum == answer.usage.prompt_tokens
    assert points["output"].sum == answer.usage.completion_tokens
    assert points["input"].attributes["gen_ai.operation.name"] == "chat"


async def test_with_options_turns_tracing_on_and_off(
    gw: MockGateway, make_client: ClientFactory, exporter: InMemorySpanExporter, provider: Any
) -> None:
    client = make_client()

    await chat(client.with_options(tracing=provider))
    await chat(client.with_options(tracing=provider).with_options(tracing=False))
    await chat(client)

    assert len(exporter.get_finished_spans()) == 1
    assert [("traceparent" in r.headers) for r in gw.requests.to(CHAT)] == [True, False, False]


def test_a_tracing_value_that_is_no_provider_is_refused() -> None:
    with pytest.raises(TypeError, match="TracerProvider"):
        Gatewise(tracing="yes")  # type: ignore[arg-type]


def test_tracing_without_the_extra_names_the_install_command() -> None:
    script = """
import json, sys
sys.modules["opentelemetry"] = None  # as if the extra were not installed
import gatewise
gatewise.Gatewise()  # tracing off: fine without it
try:
    gatewise.Gatewise(tracing=True)
except ImportError as exc:
    print(json.dumps(str(exc)))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "pip install 'gatewise[otel]'" in json.loads(done.stdout)


def test_tracing_true_uses_the_global_tracer_provider_even_one_set_later() -> None:
    script = """
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from gatewise import Gatewise
from gatewise.testing import MockGateway

with MockGateway() as gw:
    client = Gatewise(base_url=gw.url, api_key=gw.api_key, tracing=True)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    client.embeddings.create(model="openai/text-embedding-3-small", input="hi")
    client.close()
print([span.name for span in exporter.get_finished_spans()])
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "['embeddings openai/text-embedding-3-small']"
