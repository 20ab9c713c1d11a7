"""1,000 concurrent async streams on loopback: time to complete, and RSS per open stream.

AsyncGatewise, raw httpx.AsyncClient (aiter_lines + json.loads) and AsyncOpenAI, each in a fresh
process against bench/_loopback.py, open STREAMS streams that read one chunk while the server holds
the rest: (VmRSS now - VmRSS of the warmed idle client) / STREAMS is the cost per open stream.
Then the server releases them (EVENTS chunks each) and we time until all have ended."""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import _loopback

STREAMS = 1000
EVENTS = 64  # chat chunks per stream (the first before the hold), plus [DONE]
DEADLINE = 120.0  # seconds for each phase in a worker; a worker process gets 180 s in all
MODEL = "openai/gpt-4o"
MESSAGES: Any = [{"role": "user", "content": "Tell me a story."}]
HOLD = {"x-bench-hold": "1", "x-bench-events": str(EVENTS)}
NO_HOLD = {"x-bench-events": str(EVENTS)}
KIB = 1024
RUNS = 2  # fresh worker processes per client

# open_stream(headers, on_first) reads one stream to its end and returns its chunk count,
# calling on_first() once the first chunk arrived.
OpenStream = Callable[[dict[str, str], Callable[[], None]], Coroutine[Any, Any, int]]


def proc_status(field: str) -> int:
    """A /proc/self/status memory figure (VmRSS, VmHWM) in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * KIB
    raise RuntimeError(f"no {field} in /proc/self/status")


def gatewise_client(url: str) -> OpenStream:
    from gatewise import AsyncGatewise

    client = AsyncGatewise(api_key="sk-bench", base_url=url, max_retries=0)

    async def open_stream(headers: dict[str, str], on_first: Callable[[], None]) -> int:
        count = 0
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            stream=True,
            extra_headers=headers,
        )
        async for chunk in stream:
            for choice in chunk.choices[:1]:
                _ = choice.delta.content
            count += 1
            if count == 1:
                on_first()
        return count

    return open_stream


def raw_client(url: str) -> OpenStream:
    limits = httpx.Limits(max_connections=STREAMS, max_keepalive_connections=100)
    client = httpx.AsyncClient(base_url=url, limits=limits, timeout=DEADLINE)
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}

    async def open_stream(headers: dict[str, str], on_first: Callable[[], None]) -> int:
        count = 0
        headers = {"Authorization": "Bearer sk-bench", **headers}
        async with client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as r:
            r.raise_for_status()
            # Read to the end, past [DONE], as the SDKs do: the connection then goes back to
            # the pool instead of being closed (and the pool state matches theirs).
            async for line in r.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue
                for choice in json.loads(data)["choices"][:1]:
                    choice["delta"].get("content")
                count += 1
                if count == 1:
                    on_first()
        return count

    return open_stream


def openai_client(url: str) -> OpenStream:
    import openai

    client = openai.AsyncOpenAI(api_key="sk-bench", base_url=url + "/v1", max_retries=0)

    async def open_stream(headers: dict[str, str], on_first: Callable[[], None]) -> int:
        count = 0
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            stream=True,
            extra_headers=headers,
        )
        async for chunk in stream:
            for choice in chunk.choices[:1]:
                _ = choice.delta.content
            count += 1
            if count == 1:
                on_first()
        return count

    return open_stream


CLIENTS: dict[str, Callable[[str], OpenStream]] = {
    "raw httpx": raw_client,
    "gatewise": gatewise_client,
    "openai-python": openai_client,
}


async def until_all_open(
    opened: asyncio.Event, tasks: list[asyncio.Task[int]], deadline: float
) -> None:
    """Wait for `opened`, failing fast if a stream task ends (or raises) before it is set."""
    waiter = asyncio.create_task(opened.wait())
    pending: set[asyncio.Future[object]] = {waiter, *tasks}  # type: ignore[arg-type]
    stop = time.monotonic() + deadline
    while not opened.is_set():
        done, pending = await asyncio.wait(
            pending, timeout=stop - time.monotonic(), return_when=asyncio.FIRST_COMPLETED
        )
        if not done:
            raise TimeoutError("streams did not all open in time")
        for task in done:
            if task is not waiter:
                task.result()  # re-raises a stream's error
                raise RuntimeError("a stream ended before every stream had opened")


async def worker(kind: str, url: str) -> dict[str, float]:
    open_stream = CLIENTS[kind](url)
    control = httpx.AsyncClient(base_url=url)
    # Warm up: one whole stream and one release, so lazy imports and first-use set-up are paid.
    if await open_stream(NO_HOLD, lambda: None) != EVENTS:
        raise RuntimeError("warm-up stream was short")
    (await control.post("/release")).raise_for_status()
    gc.collect()
    idle_rss = proc_status("VmRSS")
    cpu0 = time.process_time()

    opened = asyncio.Event()
    seen = 0

    def on_first() -> None:
        nonlocal seen
        seen += 1
        if seen == STREAMS:
            opened.set()

    started = time.perf_counter()
    tasks = [asyncio.create_task(open_stream(HOLD, on_first)) for _ in range(STREAMS)]
    await until_all_open(opened, tasks, DEADLINE)
    open_s = time.perf_counter() - started
    held_rss = proc_status("VmRSS")
    released = time.perf_counter()
    (await control.post("/release")).raise_for_status()
    counts = await asyncio.wait_for(asyncio.gather(*tasks), DEADLINE)
    done = time.perf_counter()
    if set(counts) != {EVENTS}:
        raise RuntimeError(f"short streams: {sorted(set(counts))}")
    await control.aclose()
    return {
        "open_s": open_s,
        "drain_s": done - released,
        "total_s": done - started,
        "cpu_s": time.process_time() - cpu0,
        "idle_rss": idle_rss,
        "held_rss": held_rss,
        "per_stream": (held_rss - idle_rss) / STREAMS,
        "peak_per_stream": (proc_status("VmHWM") - idle_rss) / STREAMS,
    }


def run_worker(kind: str, url: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--worker", kind, url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in CLIENTS}
    with _loopback.serve() as url:
        for _ in range(RUNS):
            for kind in CLIENTS:
                runs[kind].append(run_worker(kind, url))
    # Times: the best run (the server shares the 2 cores, so runs vary); memory: the worst.
    results = {
        kind: {
            field: (max if "rss" in field or "stream" in field else min)(r[field] for r in rs)
            for field in rs[0]
        }
        for kind, rs in runs.items()
    }
    print(
        f"{STREAMS:,} concurrent async streams, {EVENTS} chat chunks each, loopback asyncio "
        f"server in another process; each client in a fresh process, {RUNS} runs: best time, "
        "worst memory"
    )
    print(
        "  client         open all  release->done   CPU s  idle RSS  RSS/open stream  "
        "peak RSS/stream"
    )
    for kind, r in results.items():
        print(
            f"  {kind:<14}{r['open_s']:7.2f} s  {r['drain_s']:9.2f} s  {r['cpu_s']:8.2f}"
            f"  {r['idle_rss'] / 2**20:5.1f} MiB  {r['per_stream'] / KIB:9.1f} KiB"
            f"  {r['peak_per_stream'] / KIB:11.1f} KiB"
        )
    ours, raw, peer = results["gatewise"], results["raw httpx"], results["openai-python"]
    per_stream = ours["per_stream"] / KIB
    print(f"  gatewise RSS per open stream = {per_stream:.1f} KiB  (goal <= 64)")
    print(
        f"  gatewise over raw httpx: "
        f"{(ours['per_stream'] - raw['per_stream']) / KIB:+.1f} KiB/stream, "
        f"total time x{ours['total_s'] / raw['total_s']:.2f}, "
        f"CPU x{ours['cpu_s'] / raw['cpu_s']:.2f}"
    )
    print(
        f"  openai-python / gatewise: total time x{peer['total_s'] / ours['total_s']:.2f}, "
        f"RSS/stream x{peer['per_stream'] / ours['per_stream']:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * STREAMS)), hard))
        print(json.dumps(asyncio.run(worker(sys.argv[2], sys.argv[3]))))
    else:
        main()
