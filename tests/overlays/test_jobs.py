"""Polled video jobs end to end: submit, poll, wait, fail, time out, cancel; sync and async.

The mock's jobs go from queued to succeeded `video_seconds` after submission, their
progress rising on every poll; polls are counted from `gw.requests`.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
from typing import Any

import pytest

from gatewise import AsyncJobFailed, AsyncJobTimeout, RetryConfig, VideoTask
from gatewise.testing import MockGateway
from tests.support import resolve

from .conftest import ClientFactory
from .support import VIDEOS, polls

SEEDANCE = {"model": "byteplus/seedance", "prompt": "A red fox in the snow", "seconds": 2}
STATUS_ORDER = ["queued", "running", "succeeded"]


async def submit(client: Any, **overrides: Any) -> Any:
    return await resolve(client.video.submit(**{**SEEDANCE, **overrides}))


async def test_generate_reports_each_progress_change_in_order_until_succeeded(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    seen: list[tuple[str, int | None]] = []

    result = await resolve(
        client.video.generate(
            **SEEDANCE,
            poll_interval=0.02,
            on_progress=lambda task: seen.append((task.status, task.progress)),
        )
    )

    assert isinstance(result, VideoTask)
    assert result.status == "succeeded"
    assert result.url == f"{gw.url}/files/{result.task_id}.mp4"
    assert seen[0] == ("queued", 0)  # the submit answer
    assert seen[-1] == ("succeeded", 100)
    ranks = [STATUS_ORDER.index(status) for status, _ in seen]
    assert ranks == sorted(ranks)
    progress = [value or 0 for _, value in seen]
    assert all(a < b for a, b in itertools.pairwise(progress))  # rising: a call per change
    # The mock moves every poll on, so every poll is a change: one call per poll, plus submit.
    assert len(seen) == polls(gw, result.task_id) + 1


@pytest.mark.gateway(video_seconds=0.6)  # not finished before the first status() call
async def test_submitted_job_can_be_polled_and_then_waited_for(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    job = await submit(client)
    assert job.task_id.startswith("video_")
    assert job.task.status == "queued"
    assert job.progress == 0

    assert await resolve(job.status()) == "running"
    first = job.progress
    task = await resolve(job.refresh())
    assert task is job.task
    assert task.status == "running"
    assert job.progress > first
    assert polls(gw, job.task_id) == 2

    result = await resolve(job.wait(poll_interval=0.05))
    assert result.status == "succeeded"
    assert result.progress == 100
    assert job.task is result
    assert repr(job) == f"{type(job).__name__}(task_id={job.task_id!r}, status='succeeded')"


async def test_failed_job_raises_async_job_failed_with_the_job_and_its_error(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    with pytest.raises(AsyncJobFailed) as caught:
        await resolve(
            client.video.generate(**{**SEEDANCE, "model": "mock/video-fail"}, poll_interval=0.02)
        )

    failure = caught.value
    assert failure.job.status == "failed"
    assert failure.job.task_id.startswith("video_")
    assert failure.error.code == "video_generation_failed"
    assert failure.error.message == "The video model failed to render this prompt."
    assert failure.job.task_id in str(failure)
    assert failure.error.message in str(failure)


@pytest.mark.gateway(video_seconds=0.6)
async def test_wait_timeout_raises_and_the_job_keeps_running_reachable_by_its_task_id(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    job = await submit(client)

    started = time.monotonic()
    with pytest.raises(AsyncJobTimeout) as caught:
        await resolve(job.wait(0.1, poll_interval=0.02))

    assert time.monotonic() - started < gw.settings.video_seconds
    assert caught.value.timeout == 0.1
    assert caught.value.job.task_id == job.task_id
    assert caught.value.job.status in ("queued", "running")

    await asyncio.sleep(gw.settings.video_seconds)
    later = await resolve(client.video.retrieve(job.task_id))
    assert later.status == "succeeded"
    assert later.url is not None


async def test_cancelled_job_reports_cancelled_and_waiting_for_it_raises(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    job = await submit(client)

    cancelled = await resolve(job.cancel())

    assert cancelled.status == "cancelled"
    assert await resolve(job.status()) == "cancelled"
    with pytest.raises(AsyncJobFailed) as caught:
        await resolve(job.wait(poll_interval=0.02))
    assert caught.value.job.status == "cancelled"
    assert caught.value.error is None
    cancels = [r for r in gw.requests if r.path == f"{VIDEOS}/{job.task_id}/cancel"]
    assert [r.method for r in cancels] == ["POST"]


@pytest.mark.gateway(video_seconds=0.6, video_retry_after=0.25)
async def test_polling_honours_retry_after_on_the_status_answer(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    job = await submit(client)

    started = time.monotonic()
    result = await resolve(job.wait(poll_interval=0.01))

    assert result.status == "succeeded"
    # At 10 ms growing by 1.5x, ~10 polls fit in 0.6 s; at 0.25 s apart, 4 do:
    # the first after poll_interval (the submit answer names no wait), then every 0.25 s.
    assert polls(gw, job.task_id) <= 4
    assert time.monotonic() - started >= 0.6


@pytest.mark.gateway(video_seconds=3.0, video_retry_after=5.0)
async def test_wait_timeout_bounds_the_wait_even_when_retry_after_asks_for_longer(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    job = await submit(client)

    started = time.monotonic()
    with pytest.raises(AsyncJobTimeout):
        await resolve(job.wait(0.4, poll_interval=0.01))

    assert time.monotonic() - started < 1.5


async def test_transient_503_with_retry_after_on_a_status_poll_is_retried(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(retry=RetryConfig(max_retries=2, initial_delay=0.01, max_delay=1.0))
    job = await submit(client)
    gw.faults.add(f"{VIDEOS}/{job.task_id}", status=503, retry_after=0.2)

    started = time.monotonic()
    result = await resolve(job.wait(poll_interval=0.01))

    assert result.status == "succeeded"
    assert time.monotonic() - started >= 0.2
    assert polls(gw, job.task_id) >= 2  # the failed poll and its retry, at least


@pytest.mark.parametrize(
    ("poll_interval", "stall"),
    [
        pytest.param(0.02, 2.0, id="during-a-status-request"),
        pytest.param(0.5, 0.0, id="between-polls"),
    ],
)
async def test_cancelling_an_async_wait_stops_polling(
    gw: MockGateway,
    make_async_client: ClientFactory,
    recwarn: pytest.WarningsRecorder,
    poll_interval: float,
    stall: float,
) -> None:
    client = make_async_client()
    job = await submit(client)
    if stall:
        gw.faults.add(f"{VIDEOS}/{job.task_id}", delay=stall)  # the first poll hangs

    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(job.wait(poll_interval=poll_interval), timeout=0.2)
    polled = polls(gw, job.task_id)
    assert polled == (1 if stall else 0)

    await asyncio.sleep(0.6)
    assert polls(gw, job.task_id) == polled
    gc.collect()
    assert not recwarn.list
