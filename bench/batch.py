"""1,000 chat calls over a real loopback socket: client.batch against a naive gather.

Each variant runs in a fresh process against bench/_loopback.py (its own process): raw httpx
and AsyncGatewise under an unbounded `asyncio.gather`, and `batch()` on AsyncGatewise and
Gatewise at concurrency 16 and 64. Then the same with 10% of the calls scripted to fail
(503, no retries). Reported: calls/s, the ratio to the gather, peak RSS over the warmed idle
client (VmHWM), and whether every item got its own result (answers and errors counted).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import _loopback

CALLS = 1000
FAILING_EVERY = 10  # every 10th call scripted to fail: 10 %
MESSAGES: Any = [{"role": "user", "content": "Hello"}]
KIB = 1024
RUNS = 2  # fresh worker processes per variant; the best time and the worst memory are kept
FAIL = {"x-bench-status": "503"}


def proc_status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * KIB
    raise RuntimeError(f"no {field} in /proc/self/status")


def requests(failing: bool) -> list[dict[str, Any]]:
    return [
        {
            "model": _loopback.MODEL,
            "messages": MESSAGES,
            **({"extra_headers": FAIL} if failing and n % FAILING_EVERY == 0 else {}),
        }
        for n in range(CALLS)
    ]


def expected_failures(failing: bool) -> int:
    return len(range(0, CALLS, FAILING_EVERY)) if failing else 0


async def raw_gather(url: str, items: list[dict[str, Any]]) -> tuple[int, int]:
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def call(item: dict[str, Any]) -> bool:
            headers = {"Authorization": "Bearer sk-bench", **item.get("extra_headers", {})}
            body = {"model": item["model"], "messages": item["messages"]}
            response = await client.post("/v1/chat/completions", json=body, headers=headers)
            if response.status_code != 200:
                return False
            return bool(json.loads(response.content)["choices"])

        await call(items[1])  # warm-up
        return await timed(lambda: asyncio.gather(*(call(item) for item in items)))


async def gatewise_gather(url: str, items: list[dict[str, Any]]) -> tuple[int, int]:
    from gatewise import AsyncGatewise

    async with AsyncGatewise(api_key="sk-bench", base_url=url, max_retries=0) as client:

        async def call(item: dict[str, Any]) -> bool:
            answer = await client.chat.completions.create(**item)
            return bool(answer.choices)

        await call(items[1])
        return await timed(
            lambda: asyncio.gather(*(call(item) for item in items), return_exceptions=True)
        )


def async_batch(concurrency: int) -> Callable[[str, list[dict[str, Any]]], Any]:
    async def run(url: str, items: list[dict[str, Any]]) -> tuple[int, int]:
        from gatewise import AsyncGatewise

        async with AsyncGatewise(api_key="sk-bench", base_url=url, max_retries=0) as client:
            create = client.chat.completions.create
            await create(**items[1])

            async def batch() -> list[bool]:
                results = await client.batch(create, items, concurrency=concurrency)
                return [result.ok and bool(result.value.choices) for result in results]

            return await timed(batch)

    return run


def sync_batch(concurrency: int) -> Callable[[str, list[dict[str, Any]]], Any]:
    async def run(url: str, items: list[dict[str, Any]]) -> tuple[int, int]:
        from gatewise import Gatewise

        with Gatewise(api_key="sk-bench", base_url=url, max_retries=0) as client:
            create = client.chat.completions.create
            create(**items[1])

            async def batch() -> list[bool]:
                results = client.batch(create, items, concurrency=concurrency)
                return [result.ok and bool(result.value.choices) for result in results]

            return await timed(batch)

    return run


_TIMES: dict[str, float] = {}


async def timed(run: Callable[[], Any]) -> tuple[int, int]:
    """(answers, failures) of one timed run; the time goes to _TIMES."""
    started = time.perf_counter()
    outcomes = await run()
    _TIMES["s"] = time.perf_counter() - started
    answers = sum(outcome is True for outcome in outcomes)
    return answers, len(outcomes) - answers


VARIANTS: dict[str, Callable[[str, list[dict[str, Any]]], Any]] = {
    "raw httpx gather": raw_gather,
    "gatewise gather": gatewise_gather,
    "async batch(16)": async_batch(16),
    "async batch(64)": async_batch(64),
    "sync batch(16)": sync_batch(16),
    "sync batch(64)": sync_batch(64),
}


def worker(kind: str, url: str, failing: bool) -> dict[str, float]:
    items = requests(failing)
    idle = proc_status("VmRSS")
    answers, failures = asyncio.run(VARIANTS[kind](url, items))
    return {
        "s": _TIMES["s"],
        "peak": proc_status("VmHWM") - idle,
        "answers": answers,
        "failures": failures,
    }


def run_worker(kind: str, url: str, failing: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", kind, url, str(int(failing))]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    print(
        f"{CALLS:,} chat calls, loopback asyncio server in another process; each variant in "
        f"a fresh process, {RUNS} runs: best time, worst peak RSS"
    )
    with _loopback.serve() as url:
        for failing in (False, True):
            title = "10% scripted 503s, no retries" if failing else "all succeed"
            print(f"  {title}")
            print("    variant            calls/s  x gatewise gather  peak RSS  answers  errors")
            results: dict[str, dict[str, float]] = {}
            for kind in VARIANTS:
                runs = [run_worker(kind, url, failing) for _ in range(RUNS)]
                results[kind] = {
                    "s": min(run["s"] for run in runs),
                    "peak": max(run["peak"] for run in runs),
                    "answers": min(run["answers"] for run in runs),
                    "failures": max(run["failures"] for run in runs),
                }
            base = results["gatewise gather"]["s"]
            for kind, r in results.items():
                complete = r["answers"] + r["failures"] == CALLS and r["failures"] == (
                    expected_failures(failing)
                )
                print(
                    f"    {kind:<18}{CALLS / r['s']:8.0f}  {base / r['s']:17.2f}"
                    f"  {r['peak'] / 2**20:5.1f} MiB  {r['answers']:7.0f}  {r['failures']:6.0f}"
                    f"{'' if complete else '  INCOMPLETE'}"
                )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], sys.argv[4] == "1")))
    else:
        main()
