"""Polled jobs (video generation): a handle on a server-side task, and waiting for it.

`JobSpec` comes from the spec's job extension (status and cancel operations, each
status value classified as pending, succeeded or failed), so a new polled operation needs
no hand-written code. `Waiter` is
the pure part of waiting (backoff, deadline, progress changes, final states); `Job`
and `AsyncJob` only poll and sleep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio

from ._errors import AsyncJobFailed, AsyncJobTimeout
from ._numbers import check_number
from ._operation import Operation
from ._options import RequestOptions
from ._raw import RawResponse, async_raw_response_wrapper, raw_response_wrapper
from ._retry import server_delay

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._pipeline import AsyncPipeline, SyncPipeline

S = TypeVar("S", bound="BaseModel")

DEFAULT_POLL_INTERVAL = 2.0
POLL_GROWTH = 1.5
POLL_CAP = 15.0


@dataclass(frozen=True)
class JobSpec(Generic[S]):
    """How to follow one kind of job: where its status is read and what its states mean."""

    poll: Operation[S]
    cancel: Operation[S]
    id_field: str
    pending: frozenset[str]
    succeeded: frozenset[str]
    failed: frozenset[str]
    status_field: str = "status"
    progress_field: str = "progress"


def check_wait(
    timeout: float | None, *, poll_interval: float, on_progress: Callable[[S], object] | None
) -> None:
    """Refuse odd waiting arguments up front, so that a wait method fails before it submits."""
    if timeout is not None:
        check_number("timeout", timeout)
    check_number("poll_interval", poll_interval, zero=False)
    if on_progress is not None and not callable(on_progress):
        raise TypeError(f"on_progress must be callable, got {type(on_progress).__name__}")


class Waiter(Generic[S]):
    """The decisions of one wait: after each polled status, return, raise, or sleep.

    A status the spec does not classify (a newer server's) counts as pending: the wait
    goes on, and says so once on `logger`.
    """

    def __init__(
        self,
        spec: JobSpec[S],
        timeout: float | None,
        poll_interval: float,
        on_progress: Callable[[S], object] | None,
        now: float,
        logger: logging.Logger,
    ) -> None:
        check_wait(timeout, poll_interval=poll_interval, on_progress=on_progress)
        self._spec = spec
        self._logger = logger
        self._unknown: set[object] = set()
        self._timeout = timeout
        self._deadline = None if timeout is None else now + timeout
        self._interval = poll_interval
        self._cap = max(POLL_CAP, poll_interval)
        self._on_progress = on_progress
        self._seen: tuple[object, object] | None = None

    def observe(self, task: S, retry_after: float | None, now: float) -> float | None:
        """None when `task` succeeded; seconds until the next poll; raises on failure or timeout."""
        spec = self._spec
        status = getattr(task, spec.status_field, None)
        marker = (status, getattr(task, spec.progress_field, None))
        if marker != self._seen:
            self._seen = marker
            if self._on_progress is not None:
                self._on_progress(task)
        if status in spec.succeeded:
            return None
        if status in spec.failed:
            error = getattr(task, "error", None)
            message = (
                error.get("message") if isinstance(error, dict) else getattr(error, "message", None)
            )
            message = message or f"the job ended {status}"
            raise AsyncJobFailed(
                f"job {getattr(task, spec.id_field, '?')} {status}: {message}",
                job=task,
                error=error,
            )
        if status not in spec.pending and status not in self._unknown:
            self._unknown.add(status)
            self._logger.warning(
                "job %s has the status %r, which this version of gatewise does not know; "
                "waiting on as if it were pending",
                getattr(task, spec.id_field, "?"),
                status,
            )
        delay = self._interval if retry_after is None else max(retry_after, 0.0)
        self._interval = min(self._interval * POLL_GROWTH, self._cap)
        if self._deadline is not None:
            if now >= self._deadline:
                raise AsyncJobTimeout(
                    f"job {getattr(task, spec.id_field, '?')} still {status} after {self._timeout} s; "
                    "it keeps running on the server",
                    job=task,
                    timeout=self._timeout or 0.0,
                )
            delay = min(delay, self._deadline - now)
        return delay


class _JobBase(Generic[S]):
    def __init__(
        self, spec: JobSpec[S], task: S, options: RequestOptions, logger: logging.Logger
    ) -> None:
        self._spec = spec
        self.task = task
        self._options = options
        self._logger = logger

    @property
    def task_id(self) -> str:
        """The job's id on the server (it stays valid after a timeout)."""
        return str(getattr(self.task, self._spec.id_field))

    @property
    def progress(self) -> Any:
        """The last known progress (0-100), as of the last poll."""
        return getattr(self.task, self._spec.progress_field, None)

    # The generated wait methods check their arguments with it before submitting the job.
    check_wait = staticmethod(check_wait)

    def _waiter(
        self, timeout: float | None, poll_interval: float, on_progress: Callable[[S], object] | None
    ) -> Waiter[S]:
        return Waiter(
            self._spec, timeout, poll_interval, on_progress, time.monotonic(), self._logger
        )

    def _path(self) -> dict[str, object]:
        return {self._spec.id_field: self.task_id}

    def _remember(self, raw: RawResponse[S]) -> float | None:
        self.task = raw.parse()
        return server_delay(raw.headers)

    def __repr__(self) -> str:
        status = getattr(self.task, self._spec.status_field, None)
        return f"{type(self).__name__}(task_id={self.task_id!r}, status={status!r})"


class Job(_JobBase[S]):
    """A handle on a job running on the gateway (`client.video.submit(...)`).

    `status()` and `refresh()` ask the server; `wait()` polls until the job finishes;
    `cancel()` stops it. `task` is the last status the server sent (a `VideoTask` for
    video jobs), `task_id` its id.
    """

    def __init__(
        self, pipeline: SyncPipeline, spec: JobSpec[S], task: S, options: RequestOptions
    ) -> None:
        super().__init__(spec, task, options, pipeline.config.logger)
        self._pipeline = pipeline

    def _poll(self) -> float | None:
        poll = raw_response_wrapper(self._pipeline.request)
        return self._remember(poll(self._spec.poll, path=self._path(), options=self._options))

    def refresh(self) -> S:
        """Fetch the current status from the server."""
        self._poll()
        return self.task

    def status(self) -> str:
        """The current status, fresh from the server."""
        return str(getattr(self.refresh(), self._spec.status_field))

    def cancel(self) -> S:
        """Ask the server to cancel the job."""
        self.task = self._pipeline.request(
            self._spec.cancel, path=self._path(), options=self._options
        )
        return self.task

    def wait(
        self,
        timeout: float | None = None,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: Callable[[S], object] | None = None,
    ) -> S:
        """Poll until the job succeeds, and return its final status.

        Args:
            timeout: Seconds to wait in all; None waits as long as it takes.
            poll_interval: Seconds between the first polls; the interval then grows by
                half each time, up to a cap, and a `Retry-After` header on the status
                answer sets the next wait instead.
            on_progress: Called with the polled status each time its status or progress
                changes.

        Raises:
            AsyncJobFailed: The job failed or was cancelled (`.job` is its last status).
            AsyncJobTimeout: `timeout` passed; the job keeps running on the server.
        """
        waiter = self._waiter(timeout, poll_interval, on_progress)
        delay = waiter.observe(self.task, None, time.monotonic())
        while delay is not None:
            time.sleep(delay)
            retry_after = self._poll()
            delay = waiter.observe(self.task, retry_after, time.monotonic())
        return self.task


class AsyncJob(_JobBase[S]):
    """A handle on a job of `AsyncGatewise`: the awaited twin of `Job`.

    Cancelling the task that awaits `wait()` stops the polling (the job keeps running).
    """

    def __init__(
        self, pipeline: AsyncPipeline, spec: JobSpec[S], task: S, options: RequestOptions
    ) -> None:
        super().__init__(spec, task, options, pipeline.config.logger)
        self._pipeline = pipeline

    async def _poll(self) -> float | None:
        poll = async_raw_response_wrapper(self._pipeline.request)
        return self._remember(await poll(self._spec.poll, path=self._path(), options=self._options))

    async def refresh(self) -> S:
        """Fetch the current status from the server."""
        await self._poll()
        return self.task

    async def status(self) -> str:
        """The current status, fresh from the server."""
        return str(getattr(await self.refresh(), self._spec.status_field))

    async def cancel(self) -> S:
        """Ask the server to cancel the job."""
        self.task = await self._pipeline.request(
            self._spec.cancel, path=self._path(), options=self._options
        )
        return self.task

    async def wait(
        self,
        timeout: float | None = None,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: Callable[[S], object] | None = None,
    ) -> S:
        """Poll until the job succeeds, and return its final status (see `Job.wait`).

        Args:
            timeout: Seconds to wait in all; None waits as long as it takes.
            poll_interval: Seconds between the first polls; the interval then grows.
            on_progress: Called with the polled status when its status or progress changes.

        Raises:
            AsyncJobFailed: The job failed or was cancelled.
            AsyncJobTimeout: `timeout` passed; the job keeps running on the server.
        """
        waiter = self._waiter(timeout, poll_interval, on_progress)
        delay = waiter.observe(self.task, None, time.monotonic())
        while delay is not None:
            await anyio.sleep(delay)
            retry_after = await self._poll()
            delay = waiter.observe(self.task, retry_after, time.monotonic())
        return self.task
