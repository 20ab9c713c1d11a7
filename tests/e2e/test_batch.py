"""client.batch / client.iter_batch against the mock gateway, sync and async: order, one
result per item, fallbacks, the shared Retry-After pause, lazy input, cancellation."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from gatewise import (
    AsyncGatewise,
    BatchResult,
    Gatewise,
    ProviderUnavailableError,
    RateLimitError,
    RetryConfig,
)
from gatewise.testing import MockGateway
from tests.support import resolve

from .helpers import ClientFactory, chat_message

NO_RETRY = RetryConfig(max_retries=0)


def chat(model: str, text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": chat_message(text), **extra}


class Recorder:
    """A lazy input that records how far the batch has read it."""

    def __init__(self, requests: list[dict[str, Any]]) -> None:
        self._requests = requests
        self.read = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for request in self._requests:
            self.read += 1
            yield request


async def test_results_come_in_input_order_and_failures_lose_nothing(
    make_client: ClientFactory,
) -> None:
    client = make_client(models={"smart": ["mock/always-503", "openai/gpt-4o-mini"]})
    requests = [
        chat("openai/gpt-4o", "zero"),
        chat("mock/always-503", retry=NO_RETRY),
        chat("smart", retry=NO_RETRY),
        {"model": "openai/gpt-4o"},  # no messages: the operation refuses it
        chat("openai/gpt-4o", "four"),
        chat("anthropic/claude-3-5-sonnet-20241022", "five"),  # translated to Messages
    ]
    progress: list[tuple[int, int | None]] = []
    results = await resolve(
        client.batch(
            client.chat.completions.create,
            requests,
            concurrency=3,
            on_progress=lambda done, total: progress.append((done, total)),
        )
    )
    assert [result.index for result in results] == [0, 1, 2, 3, 4, 5]
    assert [result.ok for result in results] == [True, False, True, False, True, True]
    assert "zero" in results[0].value.choices[0].message.content
    assert isinstance(results[1].error, ProviderUnavailableError)
    with pytest.raises(ProviderUnavailableError):
        results[1].value  # noqa: B018
    assert results[2].value.model == "openai/gpt-4o-mini"  # the alias fell back
    assert isinstance(results[3].error, TypeError)
    assert "four" in results[4].value.choices[0].message.content
    assert "five" in results[5].value.choices[0].message.content
    assert progress == [(done, 6) for done in range(1, 7)]


async def test_iter_batch_reads_a_generator_at_most_concurrency_ahead(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    recorder = Recorder([chat("openai/gpt-4o", f"item {n}") for n in range(12)])
    progress: list[tuple[int, int | None]] = []
    seen: list[int] = []
    batch = client.iter_batch(
        client.chat.completions.create,
        iter(recorder),
        concurrency=3,
        on_progress=lambda done, total: progress.append((done, total)),
    )

    def check(result: BatchResult[Any]) -> None:
        seen.append(result.index)
        assert recorder.read <= len(seen) + 3
        assert f"item {result.index}" in result.value.choices[0].message.content

    if make_client.is_async:
        async for result in batch:
            check(result)
    else:
        for result in batch:
            check(result)
    assert seen == list(range(12))
    assert progress[-1] == (12, None)  # a generator has no len()


async def test_leaving_iter_batch_early_reads_and_sends_no_more(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    client = make_client()
    recorder = Recorder([chat("openai/gpt-4o") for _ in range(50)])
    batch = client.iter_batch(client.chat.completions.create, iter(recorder), concurrency=2)
    if make_client.is_async:
        async for _ in batch:
            break
        await batch.aclose()
    else:
        for _ in batch:
            break
        batch.close()
    await asyncio.sleep(0.2)
    assert recorder.read <= 3
    assert len(gateway.requests) <= 3


async def test_a_429_retry_after_pauses_the_other_items_too(
    make_client: ClientFactory, gateway: MockGateway
) -> None:
    client = make_client()
    gateway.faults.add("/v1/chat/completions", status=429, times=1, retry_after=1)
    # Item 0 meets the 429 and does not retry; the others must still wait for Retry-After.
    requests = [chat("openai/gpt-4o", retry=NO_RETRY), chat("openai/gpt-4o"), chat("openai/gpt-4o")]
    started = time.monotonic()
    done_at: list[float] = []
    results = await resolve(
        client.batch(
            client.chat.completions.create,
            requests,
            concurrency=1,
            on_progress=lambda done, total: done_at.append(time.monotonic() - started),
        )
    )
    assert isinstance(results[0].error, RateLimitError)
    assert results[0].error.retry_after == 1
    assert results[1].ok
    assert results[2].ok
    assert done_at[1] >= 0.9  # item 1 was not sent before the pause ended


@pytest.mark.mock_gateway(slow_seconds=30.0)
async def test_cancelling_the_async_batch_stops_sends_and_keeps_the_client_usable(
    gateway: MockGateway,
) -> None:
    recorder = Recorder([chat("mock/slow") for _ in range(100)])
    async with AsyncGatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        task = asyncio.create_task(
            client.batch(client.chat.completions.create, iter(recorder), concurrency=4)
        )
        while len(gateway.requests) < 4:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 10  # not after the slow answers
        assert recorder.read == 4
        await asyncio.sleep(0.2)
        assert len(gateway.requests) == 4
        answer = await client.chat.completions.create(**chat("openai/gpt-4o"))
        assert answer.choices[0].message.content


@pytest.mark.mock_gateway(slow_seconds=30.0)
def test_ctrl_c_in_on_progress_stops_the_sync_batch(gateway: MockGateway) -> None:
    requests = [chat("openai/gpt-4o"), *(chat("mock/slow") for _ in range(50))]
    recorder = Recorder(requests)

    def interrupt(done: int, total: int | None) -> None:
        deadline = time.monotonic() + 10
        while len(gateway.requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)  # the three slow calls in flight are sent
        raise KeyboardInterrupt

    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.batch(
                client.chat.completions.create, iter(recorder), concurrency=4, on_progress=interrupt
            )
        assert time.monotonic() - started < 10  # the slow calls in flight did not hold it
        assert recorder.read == 4
        time.sleep(0.2)
        assert len(gateway.requests) == 4
        answer = client.chat.completions.create(**chat("openai/gpt-4o"))
        assert answer.choices[0].message.content


@pytest.mark.mock_gateway(slow_seconds=30.0)
def test_a_signal_interrupts_the_sync_batch_waiting_for_results(gateway: MockGateway) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        main = threading.main_thread().ident
        assert main is not None
        timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT))
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.batch(client.chat.completions.create, [chat("mock/slow")] * 8, concurrency=2)
        assert time.monotonic() - started < 10
        timer.join()
        assert len(gateway.requests) == 2


async def test_bad_batch_arguments_are_refused_before_anything_runs(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    with pytest.raises(ValueError, match="concurrency must be >= 1"):
        client.iter_batch(client.chat.completions.create, [], concurrency=0)
    with pytest.raises(TypeError, match="concurrency must be int"):
        client.iter_batch(client.chat.completions.create, [], concurrency=2.5)
    with pytest.raises(TypeError, match="requests must be an iterable of kwargs dicts, got dict"):
        client.iter_batch(client.chat.completions.create, chat("openai/gpt-4o"))
    with pytest.raises(TypeError, match="operation must be callable"):
        client.iter_batch("chat.completions.create", [])
    assert await resolve(client.batch(client.embeddings.create, [])) == []


def test_a_system_exit_inside_one_call_ends_the_sync_batch_instead_of_hanging(
    gateway: MockGateway,
) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:

        def create(**kwargs: Any) -> Any:
            if kwargs["messages"][0]["content"] == "exit":
                raise SystemExit(3)
            return client.chat.completions.create(**kwargs)

        with pytest.raises(SystemExit):
            client.batch(create, [chat("openai/gpt-4o"), chat("openai/gpt-4o", "exit")])
