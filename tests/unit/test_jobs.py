"""The waiting decisions of polled jobs, without HTTP."""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest

import gatewise
from gatewise._jobs import POLL_CAP, JobSpec, Waiter
from gatewise._models import GatewiseModel
from gatewise._operation import Operation, decode_none


class Task(GatewiseModel):
    task_id: str
    status: str
    progress: int | None = None
    error: Any = None


OP: Operation[Any] = Operation("GET", "/t/{task_id}", decode_none)
SPEC: JobSpec[Task] = JobSpec(
    OP,
    OP,
    "task_id",
    frozenset({"queued", "running"}),
    frozenset({"succeeded"}),
    frozenset({"failed", "cancelled"}),
)
LOGGER = logging.getLogger("tests.unit.jobs")


def test_polling_interval_grows_to_a_cap() -> None:
    waiter = Waiter(SPEC, None, 1.0, None, now=0.0, logger=LOGGER)
    delays = [waiter.observe(Task(task_id="t", status="running"), None, now=0.0) for _ in range(12)]
    assert delays[0] == 1.0
    assert delays[1] == 1.5
    assert all(later >= earlier for earlier, later in itertools.pairwise(delays))
    assert max(d for d in delays if d is not None) == POLL_CAP


def test_retry_after_from_the_status_call_sets_the_next_wait() -> None:
    waiter = Waiter(SPEC, None, 1.0, None, now=0.0, logger=LOGGER)
    assert waiter.observe(Task(task_id="t", status="running"), 7.0, now=0.0) == 7.0


def test_on_progress_is_called_only_when_status_or_progress_changes() -> None:
    seen: list[tuple[str, int | None]] = []
    waiter = Waiter(
        SPEC,
        None,
        1.0,
        lambda task: seen.append((task.status, task.progress)),
        now=0.0,
        logger=LOGGER,
    )
    for status, progress in [
        ("queued", 0),
        ("queued", 0),
        ("running", 10),
        ("running", 10),
        ("running", 50),
    ]:
        waiter.observe(Task(task_id="t", status=status, progress=progress), None, now=0.0)
    assert (
        waiter.observe(Task(task_id="t", status="succeeded", progress=100), None, now=0.0) is None
    )
    assert seen == [("queued", 0), ("running", 10), ("running", 50), ("succeeded", 100)]


def test_failure_raises_async_job_failed_with_the_servers_error() -> None:
    waiter = Waiter(SPEC, None, 1.0, None, now=0.0, logger=LOGGER)
    task = Task(task_id="t", status="failed", error={"message": "content policy"})
    with pytest.raises(gatewise.AsyncJobFailed, match="content policy") as caught:
        waiter.observe(task, None, now=0.0)
    assert caught.value.job is task


def test_deadline_raises_async_job_timeout_and_bounds_the_last_sleep() -> None:
    waiter = Waiter(SPEC, 5.0, 4.0, None, now=0.0, logger=LOGGER)
    assert waiter.observe(Task(task_id="t", status="running"), None, now=3.0) == 2.0
    with pytest.raises(gatewise.AsyncJobTimeout) as caught:
        waiter.observe(Task(task_id="t", status="running"), None, now=5.0)
    assert caught.value.timeout == 5.0


def test_poll_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        Waiter(SPEC, None, 0.0, None, now=0.0, logger=LOGGER)
