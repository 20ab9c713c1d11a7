"""Typed chunks per second through gatewise streams, vs raw httpx and openai-python, same run.

Each consumer reads the same CHUNKS-chunk chat stream (`data: {chunk}` events + [DONE]) and
touches .choices[0].delta.content of every chunk, sync and async:
- in-process over httpx.MockTransport, handed to the client in reads of 4 KiB, 64 KiB (what
  httpcore reads from a real socket) or the whole body at once (what in-process tests see);
- over a real loopback socket to bench/_loopback.py, a server in its own process (TCP_NODELAY,
  64 KiB HTTP chunks).
The process first allocates BALLAST GC-tracked objects, as a real application holds, since the
cost of a full collection grows with them; each row also counts GC collections per stream.
Figures are process CPU time (the loopback server runs in another process), best of ROUNDS
interleaved rounds. Run: python bench/streaming.py [--profile]  (cProfile of one gatewise run)
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import io
import json
import pstats
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx

import _loopback

CHUNKS = 20_000  # chat chunks per stream (plus [DONE])
PEER_CHUNKS = 2_000  # openai-python is ~25x slower: a shorter stream, its rate is what counts
BALLAST = 300_000  # live GC-tracked objects held by "the application" during the run
ROUNDS = 5
PEER_ROUNDS = 2
BASE = "http://gateway.bench"
MODEL = "openai/gpt-4o"
MESSAGES: Any = [{"role": "user", "content": "Tell me a long story."}]
WORDS = [" Once", " upon", " a", " time", ",", " the", " naïve", " fox", " 🦊", " ran", ".\\n"]
READ_SIZES: dict[str, int | None] = {"4 KiB": 4096, "64 KiB": 65536, "whole body": None}
LOOPBACK_WRITE = 65536

Run = Callable[[], int]
AsyncRun = Callable[[], Awaitable[int]]


def event_stream(chunks: int = CHUNKS) -> bytes:
    """An OpenAI-style stream: a role chunk, content chunks, a finish chunk, a usage chunk."""
    head = {
        "id": "chatcmpl-9x7Yq2AbCdEfGh",
        "object": "chat.completion.chunk",
        "created": 1732579200,
        "model": MODEL,
        "system_fingerprint": "fp_44709d6fcb",
    }
    events = []
    for i in range(chunks - 2):
        delta: dict[str, object] = {"content": json.loads(f'"{WORDS[i % len(WORDS)]}"')}
        if i == 0:
            delta = {"role": "assistant", "content": ""}
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}
        events.append({**head, "choices": [choice]})
    events.append(
        {**head, "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]}
    )
    usage = {"prompt_tokens": 14, "completion_tokens": chunks - 2, "total_tokens": chunks + 12}
    # A usage-only last chunk has no choices, which every consumer below must tolerate.
    events.append({**head, "choices": [], "usage": usage})
    compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    lines = [f"data: {compact(event)}\n\n" for event in events]
    return ("".join(lines) + "data: [DONE]\n\n").encode()


class SlicedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body handed to the client in reads of `size` bytes (None: all at once)."""

    def __init__(self, body: bytes, size: int | None) -> None:
        self._reads = (
            [body] if size is None else [body[i : i + size] for i in range(0, len(body), size)]
        )

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._reads)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for data in self._reads:
            yield data


def transport(body: bytes, size: int | None) -> httpx.MockTransport:
    headers = {"content-type": "text/event-stream", "x-request-id": "req_1"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=SlicedBody(body, size))

    return httpx.MockTransport(handler)


RAW_HEADERS = {"Authorization": "Bearer sk-bench", "Accept": "text/event-stream"}


def raw_count(lines: Iterator[str]) -> int:
    count = 0
    for line in lines:
        if not line.startswith("data: "):
            continue
        data = line[6:]
        if data == "[DONE]":
            break
        chunk = json.loads(data)
        for choice in chunk["choices"][:1]:
            choice["delta"].get("content")
        count += 1
    return count


def raw_sync(client: httpx.Client, headers: dict[str, str]) -> Run:
    """The practical limit: iter_lines + json.loads, no typing, no validation."""
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}

    def run() -> int:
        with client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as r:
            r.raise_for_status()
            return raw_count(r.iter_lines())

    return run


def raw_async(client: httpx.AsyncClient, headers: dict[str, str]) -> AsyncRun:
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}

    async def run() -> int:
        count = 0
        async with client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as r:
            r.raise_for_status()
            async for line in r.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    break
                chunk = json.loads(data)
                for choice in chunk["choices"][:1]:
                    choice["delta"].get("content")
                count += 1
        return count

    return run


def sdk_sync(client: Any, headers: dict[str, str]) -> Run:
    """gatewise or openai-python: the same call and the same loop."""

    def run() -> int:
        count = 0
        stream = client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, extra_headers=headers
        )
        for chunk in stream:
            for choice in chunk.choices[:1]:
                _ = choice.delta.content
            count += 1
        return count

    return run


def sdk_async(client: Any, headers: dict[str, str]) -> AsyncRun:
    async def run() -> int:
        count = 0
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, extra_headers=headers
        )
        async for chunk in stream:
            for choice in chunk.choices[:1]:
                _ = choice.delta.content
            count += 1
        return count

    return run


def clients(
    base: str, sync_http: Callable[[], httpx.Client], async_http: Callable[[], httpx.AsyncClient]
) -> tuple[dict[str, Run], dict[str, AsyncRun]]:
    """Sync and async runs of raw httpx, gatewise and openai-python against one server."""
    import openai

    from gatewise import AsyncGatewise, Gatewise

    peer_headers = {"x-bench-events": str(PEER_CHUNKS)}
    sync_runs = {
        "raw": raw_sync(sync_http(), RAW_HEADERS),
        "gatewise": sdk_sync(
            Gatewise(api_key="sk-bench", base_url=base, http_client=sync_http()), {}
        ),
        "openai": sdk_sync(
            openai.OpenAI(api_key="sk-bench", base_url=base + "/v1", http_client=sync_http()),
            peer_headers,
        ),
    }
    async_runs = {
        "raw": raw_async(async_http(), RAW_HEADERS),
        "gatewise": sdk_async(
            AsyncGatewise(api_key="sk-bench", base_url=base, http_client=async_http()), {}
        ),
        "openai": sdk_async(
            openai.AsyncOpenAI(api_key="sk-bench", base_url=base + "/v1", http_client=async_http()),
            peer_headers,
        ),
    }
    return sync_runs, async_runs


class GCCounter:
    """Counts collections per generation while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.counts[info["generation"]] += 1


class Result:
    def __init__(self) -> None:
        self.best = float("inf")
        self.full_gcs = 0
        self.gcs = 0
        self.runs = 0


def measure(runs: dict[str, Callable[[], int]], expected: dict[str, int]) -> dict[str, Result]:
    """Best CPU seconds per stream and GC collections per stream; rounds interleaved."""
    results = {name: Result() for name in runs}
    for run in runs.values():
        run()  # warm-up: lazy imports, validators, the first connection
    counter = GCCounter()
    gc.callbacks.append(counter)
    try:
        for round_number in range(ROUNDS):
            for name, run in runs.items():
                if name == "openai" and round_number >= PEER_ROUNDS:
                    continue
                counter.counts = [0, 0, 0]
                started = time.process_time()
                count = run()
                seconds = time.process_time() - started
                result = results[name]
                result.best = min(result.best, seconds)
                result.full_gcs += counter.counts[2]
                result.gcs += sum(counter.counts)
                result.runs += 1
                if count != expected[name]:  # a consumer that drops chunks would look fast
                    raise SystemExit(f"{name}: expected {expected[name]} chunks, got {count}")
    finally:
        gc.callbacks.remove(counter)
    return results


def in_loop(loop: asyncio.AbstractEventLoop, runs: dict[str, AsyncRun]) -> dict[str, Run]:
    return {name: (lambda run=run: loop.run_until_complete(run())) for name, run in runs.items()}


def report(label: str, results: dict[str, Result]) -> None:
    raw, ours, peer = results["raw"], results["gatewise"], results["openai"]
    raw_rate, our_rate = CHUNKS / raw.best, CHUNKS / ours.best
    peer_rate = PEER_CHUNKS / peer.best
    print(
        f"  {label:<22}{raw_rate:10,.0f} {our_rate:10,.0f} {peer_rate:9,.0f}"
        f"  {our_rate / raw_rate:5.2f}x  {our_rate / peer_rate:6.1f}x"
        f"  {ours.full_gcs / ours.runs:5.1f} / {raw.full_gcs / raw.runs:3.1f}"
        f"  {ours.gcs / ours.runs:6.1f}"
    )


def main() -> None:
    ballast = [[i] for i in range(BALLAST)]  # noqa: F841 (kept alive: an application's heap)
    body, peer_body = event_stream(), event_stream(PEER_CHUNKS)
    expected = {"raw": CHUNKS, "gatewise": CHUNKS, "openai": PEER_CHUNKS}
    if "--profile" in sys.argv:
        sync_runs, _ = clients(
            BASE,
            lambda: httpx.Client(base_url=BASE, transport=transport(body, 65536)),
            lambda: httpx.AsyncClient(base_url=BASE, transport=transport(body, 65536)),
        )
        profile(sync_runs["gatewise"])
        return
    print(
        f"streaming: {CHUNKS:,} chat chunks ({len(body) / 2**20:.1f} MiB) per stream "
        f"(openai-python: {PEER_CHUNKS:,}); {BALLAST:,} other live objects; CPU time, best of "
        f"{ROUNDS} interleaved rounds (openai-python: {PEER_ROUNDS})"
    )
    print(
        "  reads                  raw/s  gatewise/s  openai/s  gw/raw  gw/openai"
        "  full GCs gw / raw  GCs gw"
    )
    loop = asyncio.new_event_loop()
    for mode in ("sync", "async"):
        for label, size in READ_SIZES.items():

            def make_transport(
                request_body: bytes = body, size: int | None = size
            ) -> httpx.MockTransport:
                peer = transport(peer_body, size)
                ours = transport(request_body, size)
                return httpx.MockTransport(
                    lambda r: (peer if r.headers.get("x-bench-events") else ours).handle_request(r)
                )

            sync_runs, async_runs = clients(
                BASE,
                lambda: httpx.Client(base_url=BASE, transport=make_transport()),
                lambda: httpx.AsyncClient(base_url=BASE, transport=make_transport()),
            )
            runs = sync_runs if mode == "sync" else in_loop(loop, async_runs)
            report(f"{mode} {label}", measure(runs, expected))
    with _loopback.serve() as url:
        write = {"x-bench-events": str(CHUNKS), "x-bench-write": str(LOOPBACK_WRITE)}
        for mode in ("sync", "async"):
            sync_runs, async_runs = clients(
                url,
                lambda: httpx.Client(base_url=url, headers=write),
                lambda: httpx.AsyncClient(base_url=url, headers=write),
            )
            runs = sync_runs if mode == "sync" else in_loop(loop, async_runs)
            report(f"{mode} loopback", measure(runs, expected))
    loop.close()
    print("  goals: gw/raw >= 0.85 on every row; no full GC during a gatewise stream")


def profile(run: Run, top: int = 18) -> None:
    run()  # warm-up, so one-time set-up stays out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
