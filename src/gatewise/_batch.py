"""Batches: one operation called with many kwargs dicts, with bounded concurrency.

The bookkeeping is pure and shared (`_Window`: what is taken from the input and what can
be handed out; `_Gate`: the pause a 429's Retry-After asks of every send; `_Progress`).
The sync shell runs calls on daemon worker threads over the client's connection pool, the
async shell on asyncio tasks; both only do the waiting. Every call goes through the one
pipeline, so retries, fallbacks and cooldowns apply per item.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable, Mapping, Sized
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._errors import RateLimitError
from ._pipeline import rate_limit_listener

T = TypeVar("T")

Requests = Iterable[Mapping[str, Any]]
OnProgress = Callable[[int, "int | None"], object]


class BatchResult(Generic[T]):
    """One call of a batch: its position in the input and its answer, or its exception.

    Attributes:
        index: The call's position in the input (0-based).
        error: The exception the call raised, None when it succeeded: a `GatewiseError`
            for a failed request, or the `TypeError` / `ValueError` with which the
            operation refused the item's arguments.
    """

    __slots__ = ("_value", "error", "index")

    def __init__(self, index: int, value: T | None = None, error: Exception | None = None) -> None:
        self.index = index
        self._value = value
        self.error = error

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error is None

    @property
    def value(self) -> T:
        """The call's answer; raises the call's exception when it failed."""
        if self.error is not None:
            raise self.error
        return self._value  # type: ignore[return-value]

    def __repr__(self) -> str:
        shown = f"value={self._value!r}" if self.error is None else f"error={self.error!r}"
        return f"BatchResult(index={self.index}, ok={self.ok}, {shown})"


@dataclass(frozen=True)
class BatchSettings:
    """How one batch runs; checked when the batch is made, before any input is read."""

    concurrency: int
    on_progress: OnProgress | None
    max_pause: float  # the longest shared Retry-After pause: the retry config's max_delay

    def __post_init__(self) -> None:
        concurrency = self.concurrency
        if isinstance(concurrency, bool) or not isinstance(concurrency, int):
            raise TypeError(f"concurrency must be int, got {type(concurrency).__name__}")
        if concurrency < 1:
            raise ValueError("concurrency must be >= 1")


def check_input(operation: object, requests: object) -> None:
    """Refuse, before anything runs, what cannot be a batch (a str would run per character)."""
    if not callable(operation):
        raise TypeError(f"operation must be callable, got {type(operation).__name__}")
    if isinstance(requests, (str, bytes, Mapping)) or not isinstance(requests, Iterable):
        raise TypeError(
            f"requests must be an iterable of kwargs dicts, got {type(requests).__name__}"
        )


class _Window:
    """Which items are taken from the input and which results can be handed out (pure).

    At most `size` items are taken but not yet handed out, so a lazy input is read at
    most `size` ahead. `ordered` hands results out in input order; otherwise each as it
    comes (batch() sorts them at the end, and a slow item holds no one back).
    """

    def __init__(self, requests: Requests, size: int, *, ordered: bool) -> None:
        self._items = enumerate(requests)
        self._size = size
        self._ordered = ordered
        self._taken = 0
        self._handed = 0
        self._exhausted = False
        self._ready: dict[int, BatchResult[Any]] = {}

    def take(self) -> list[tuple[int, Mapping[str, Any]]]:
        """The items the window has room for now (read from the input lazily)."""
        taken = []
        while not self._exhausted and self._taken - self._handed < self._size:
            item = next(self._items, None)
            if item is None:
                self._exhausted = True
            else:
                taken.append(item)
                self._taken += 1
        return taken

    def settle(self, result: BatchResult[T]) -> list[BatchResult[T]]:
        """The results to hand out now that `result` has come."""
        if not self._ordered:
            self._handed += 1
            return [result]
        self._ready[result.index] = result
        out = []
        while self._handed in self._ready:
            out.append(self._ready.pop(self._handed))
            self._handed += 1
        return out

    @property
    def finished(self) -> bool:
        return self._exhausted and self._handed == self._taken


class _Gate:
    """The moment before which no call of the batch starts: a 429's Retry-After, from any
    of its calls, pauses them all (capped like the pipeline's own waits)."""

    def __init__(self, max_pause: float) -> None:
        self._max_pause = max_pause
        self._until = 0.0
        self._lock = threading.Lock()

    def hold(self, error: RateLimitError) -> None:
        if error.retry_after is None:
            return
        until = time.monotonic() + min(error.retry_after, self._max_pause)
        with self._lock:
            self._until = max(self._until, until)

    def pause(self) -> float:
        """Seconds until calls may start again (0 or less: now)."""
        return self._until - time.monotonic()


class _Progress:
    def __init__(self, requests: Requests, on_progress: OnProgress | None) -> None:
        self._total = len(requests) if isinstance(requests, Sized) else None
        self._on_progress = on_progress
        self._done = 0

    def step(self) -> None:
        self._done += 1
        if self._on_progress is not None:
            self._on_progress(self._done, self._total)


def _result(index: int, operation: Callable[..., T], kwargs: Mapping[str, Any]) -> BatchResult[T]:
    try:
        return BatchResult(index, value=operation(**kwargs))
    except Exception as exc:  # one item's failure, whatever it is, is that item's result
        return BatchResult(index, error=exc)


async def _aresult(
    index: int, operation: Callable[..., Awaitable[T]], kwargs: Mapping[str, Any]
) -> BatchResult[T]:
    try:
        return BatchResult(index, value=await operation(**kwargs))
    except Exception as exc:  # one item's failure, whatever it is, is that item's result
        return BatchResult(index, error=exc)


def iter_sync(
    operation: Callable[..., T],
    requests: Requests,
    settings: BatchSettings,
    *,
    ordered: bool,
) -> Generator[BatchResult[T], None, None]:
    """Run the batch on worker threads; results as the window hands them out.

    Daemon threads, not a ThreadPoolExecutor (whose workers the interpreter joins at
    exit): after Ctrl-C, the calls in flight end in the background, within their
    timeout, without holding the program; none starts after it. Each worker runs in a
    copy of the caller's context (context variables such as a tracing span carry over).
    """
    concurrency = settings.concurrency
    window = _Window(requests, concurrency, ordered=ordered)
    progress = _Progress(requests, settings.on_progress)
    gate = _Gate(settings.max_pause)
    stop = threading.Event()
    jobs: queue.Queue[tuple[int, Mapping[str, Any]] | None] = queue.Queue()
    results: queue.Queue[BatchResult[T] | BaseException] = queue.Queue()

    def work() -> None:
        rate_limit_listener.set(gate.hold)  # this worker's own copy of the context
        while (job := jobs.get()) is not None:
            index, kwargs = job
            while not stop.is_set() and (pause := gate.pause()) > 0:
                stop.wait(pause)
            if stop.is_set():
                return
            try:
                results.put(_result(index, operation, kwargs))
            except BaseException as exc:  # SystemExit and the like: the batch's, not the item's
                results.put(exc)
                return

    workers = 0
    try:
        while True:
            for job in window.take():
                jobs.put(job)
                if workers < concurrency:
                    # In a copy of the caller's context, as an asyncio task would run.
                    caller = contextvars.copy_context()
                    thread = threading.Thread(target=caller.run, args=(work,), daemon=True)
                    thread.start()
                    workers += 1
            if window.finished:
                return
            result = results.get()
            if isinstance(result, BaseException):
                raise result
            progress.step()
            yield from window.settle(result)
    finally:
        stop.set()
        for _ in range(workers):
            jobs.put(None)


async def iter_async(
    operation: Callable[..., Awaitable[T]],
    requests: Requests,
    settings: BatchSettings,
    *,
    ordered: bool,
) -> AsyncGenerator[BatchResult[T], None]:
    """Run the batch as asyncio tasks; results as the window hands them out. Cancelling
    the consumer (or leaving the loop) cancels the calls in flight, closing their
    connections."""
    import asyncio  # here, not at the top: `import gatewise` must not pay for asyncio

    concurrency = settings.concurrency
    window = _Window(requests, concurrency, ordered=ordered)
    progress = _Progress(requests, settings.on_progress)
    gate = _Gate(settings.max_pause)

    async def run(index: int, kwargs: Mapping[str, Any]) -> BatchResult[T]:
        rate_limit_listener.set(gate.hold)  # the task's own context
        while (pause := gate.pause()) > 0:
            await asyncio.sleep(pause)
        return await _aresult(index, operation, kwargs)

    pending: set[asyncio.Task[BatchResult[T]]] = set()
    try:
        while True:
            pending.update(asyncio.ensure_future(run(*job)) for job in window.take())
            if window.finished:
                return
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=lambda task: task.result().index):
                progress.step()
                for result in window.settle(task.result()):
                    yield result
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


def by_index(results: Iterable[BatchResult[T]]) -> list[BatchResult[T]]:
    return sorted(results, key=lambda result: result.index)
