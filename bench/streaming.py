"""Typed chunks per second through gatewise `Stream`, vs raw httpx and openai-python's stream.

All three read the same bytes from an httpx.MockTransport: CHUNKS `data: {chunk json}` events +
`data: [DONE]` in 4 KiB reads; each touches .choices[0].delta.content of every chunk; best of
ROUNDS, CPU time. Run: python bench/streaming.py [--profile]  (cProfile of the gatewise loop)
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

CHUNKS = 20_000  # chat chunks per stream (plus [DONE])
NET_READ = 4096  # bytes per network read handed to the client
ROUNDS = 7
PEER_ROUNDS = 3  # openai-python is slow: fewer rounds keep the run short
BASE = "http://gateway.bench"
MODEL = "openai/gpt-4o"
MESSAGES: Any = [{"role": "user", "content": "Tell me a long story."}]
WORDS = [" Once", " upon", " a", " time", ",", " the", " naïve", " fox", " 🦊", " ran", ".\\n"]


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


def network_reads(body: bytes, size: int = NET_READ) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def transport(reads: list[bytes]) -> httpx.MockTransport:
    headers = {"content-type": "text/event-stream", "x-request-id": "req_1"}

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        # A fresh iterator per request: the client pulls one 4 KiB read at a time.
        return httpx.Response(200, headers=headers, content=iter(reads))

    return httpx.MockTransport(handler)


def raw_httpx(reads: list[bytes]) -> Callable[[], int]:
    """The practical limit: iter_lines + json.loads, no typing, no validation."""
    client = httpx.Client(transport=transport(reads), base_url=BASE)
    headers = {"Authorization": "Bearer sk-bench", "Accept": "text/event-stream"}
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}

    def run() -> int:
        count = 0
        with client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as r:
            r.raise_for_status()
            for line in r.iter_lines():
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


def gatewise_sdk(reads: list[bytes]) -> Callable[[], int]:
    from gatewise import Gatewise

    client = Gatewise(
        api_key="sk-bench", base_url=BASE, http_client=httpx.Client(transport=transport(reads))
    )

    def run() -> int:
        count = 0
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        for chunk in stream:
            for choice in chunk.choices[:1]:
                _ = choice.delta.content
            count += 1
        return count

    return run


def openai_sdk(reads: list[bytes]) -> Callable[[], int]:
    import openai

    client = openai.OpenAI(
        api_key="sk-bench",
        base_url=BASE + "/v1",
        http_client=httpx.Client(transport=transport(reads)),  # type: ignore[arg-type]
    )

    def run() -> int:
        count = 0
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        for chunk in stream:
            for choice in chunk.choices[:1]:
                _ = choice.delta.content
            count += 1
        return count

    return run


def best_seconds(runs: dict[str, Callable[[], int]], rounds: dict[str, int]) -> dict[str, float]:
    """Best CPU seconds per stream of each consumer; rounds interleaved so drift hits all alike.

    Process CPU time, not wall: all work is in-process, and the machine may be shared.
    """
    best = dict.fromkeys(runs, float("inf"))
    for run in runs.values():
        run()  # warm-up: lazy imports, validator and model class set-up
    for round_number in range(max(rounds.values())):
        for name, run in runs.items():
            if round_number >= rounds[name]:
                continue
            started = time.process_time()
            count = run()
            best[name] = min(best[name], time.process_time() - started)
            if count != CHUNKS:  # a consumer that drops chunks would look fast
                raise SystemExit(f"{name}: expected {CHUNKS} chunks, got {count}")
    return best


def profile(run: Callable[[], int], top: int = 18) -> None:
    run()  # warm-up, so one-time set-up stays out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def main() -> None:
    body = event_stream()
    reads = network_reads(body)
    gatewise_run = gatewise_sdk(reads)
    if "--profile" in sys.argv:
        profile(gatewise_run)
        return
    runs = {"raw": raw_httpx(reads), "ours": gatewise_run, "peer": openai_sdk(reads)}
    best = best_seconds(runs, {"raw": ROUNDS, "ours": ROUNDS, "peer": PEER_ROUNDS})
    raw, ours, peer = best["raw"], best["ours"], best["peer"]
    mib = len(body) / 2**20
    print(
        f"streaming: {CHUNKS:,} chat chunks ({mib:.1f} MiB) per stream in {len(reads):,} reads "
        f"of {NET_READ} B over httpx.MockTransport; CPU time, best of {ROUNDS} interleaved rounds "
        f"(openai-python: {PEER_ROUNDS}); each consumer reads .choices[0].delta.content of "
        "every chunk"
    )
    for name, seconds, note in (
        ("raw httpx", raw, "iter_lines + json.loads -> dicts"),
        ("gatewise", ours, "Stream -> validated ChatCompletionChunk"),
        ("openai-python", peer, "Stream -> ChatCompletionChunk"),
    ):
        print(
            f"  {name:<14}{CHUNKS / seconds:12,.0f} chunks/s  "
            f"{seconds / CHUNKS * 1e6:6.2f} us/chunk  ({note})"
        )
    print(f"  gatewise / raw httpx       = {raw / ours:5.2f}x the rate  (goal >= 0.7)")
    print(f"  gatewise / openai-python   = {peer / ours:5.2f}x the rate  (goal >= 20)")


if __name__ == "__main__":
    main()
