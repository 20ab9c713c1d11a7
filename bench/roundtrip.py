"""End-to-end wall time of one chat call over real HTTP on 127.0.0.1 (sequential, keep-alive).

raw httpx vs gatewise vs openai-python, each answer read down to .choices[0].message.content,
against gatewise's mock gateway (`python -m gatewise.testing`, uvicorn+starlette) and the minimal
asyncio server of bench/_loopback.py, each in its own process; median over interleaved rounds.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import _loopback

ROUNDS = 6
CALLS = 100  # per round and client
MODEL = "openai/gpt-4o"
MESSAGES: Any = [{"role": "user", "content": "Hello!"}]
API_KEY = "gw-mock-admin"  # the mock gateway's default admin key; the asyncio server ignores it


@contextlib.contextmanager
def mock_gateway() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gatewise.testing", "--port", "0", "--api-key", API_KEY],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "gatewise mock gateway on http://127.0.0.1:PORT"
        if "http://" not in line:
            raise RuntimeError(f"mock gateway did not start: {line!r}")
        yield line.split()[-1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def raw_httpx(url: str) -> Callable[[], str]:
    client = httpx.Client(base_url=url)
    static = {
        "User-Agent": "gatewise-python/0.1.0",
        "Accept": "application/json",
        "Authorization": f"Bearer {API_KEY}",
    }

    def call() -> str:
        headers = {**static, "Idempotency-Key": f"gw-{uuid.uuid4().hex}"}
        response = client.post(
            "/v1/chat/completions", json={"model": MODEL, "messages": MESSAGES}, headers=headers
        )
        response.raise_for_status()
        content: str = response.json()["choices"][0]["message"]["content"]
        return content

    return call


def gatewise_sdk(url: str) -> Callable[[], str]:
    from gatewise import Gatewise

    client = Gatewise(api_key=API_KEY, base_url=url, max_retries=0)

    def call() -> str:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return completion.choices[0].message.content or ""

    return call


def openai_sdk(url: str) -> Callable[[], str]:
    import openai

    client = openai.OpenAI(api_key=API_KEY, base_url=url + "/v1", max_retries=0)

    def call() -> str:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return completion.choices[0].message.content or ""

    return call


CLIENTS = {"raw httpx": raw_httpx, "gatewise": gatewise_sdk, "openai-python": openai_sdk}


def measure(url: str) -> dict[str, tuple[float, float]]:
    """Per client: (median wall seconds per call, client CPU seconds per call)."""
    calls = {name: make(url) for name, make in CLIENTS.items()}
    walls: dict[str, list[float]] = {name: [] for name in calls}
    cpus: dict[str, float] = dict.fromkeys(calls, 0.0)
    for call in calls.values():
        for _ in range(20):  # warm-up: connection opened, lazy set-up done
            if not call():
                raise SystemExit("empty answer")
    for _ in range(ROUNDS):  # interleaved, so drift hits every client alike
        for name, call in calls.items():
            cpu = time.process_time()
            for _ in range(CALLS):
                started = time.perf_counter()
                call()
                walls[name].append(time.perf_counter() - started)
            cpus[name] += time.process_time() - cpu
    return {name: (statistics.median(walls[name]), cpus[name] / (ROUNDS * CALLS)) for name in calls}


def main() -> None:
    print(
        f"chat call round trip over loopback HTTP/1.1 keep-alive, sequential; median of "
        f"{ROUNDS} x {CALLS} calls per client, rounds interleaved; CPU = client process only"
    )
    for label, server in (
        ("gatewise mock gateway (uvicorn+starlette)", mock_gateway),
        ("minimal asyncio server (bench/_loopback.py)", _loopback.serve),
    ):
        with server() as url:
            results = measure(url)
        print(f"  server: {label}")
        for name, (wall, cpu) in results.items():
            print(f"    {name:<14}{wall * 1e6:8.0f} us wall   {cpu * 1e6:6.0f} us client CPU")
        ours, raw, peer = results["gatewise"], results["raw httpx"], results["openai-python"]
        print(
            f"    gatewise / raw httpx = {ours[0] / raw[0]:.2f} wall, {ours[1] / raw[1]:.2f} CPU;"
            f" openai-python / gatewise = {peer[0] / ours[0]:.2f} wall, {peer[1] / ours[1]:.2f} CPU"
        )


if __name__ == "__main__":
    main()
