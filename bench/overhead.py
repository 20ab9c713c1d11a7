"""CPU cost of one non-streaming chat call: gatewise vs raw httpx vs openai-python.

All three talk to the same in-process httpx.MockTransport returning the same canned
answer, so only client-side work is measured. Also times `import gatewise` + client
construction against `import httpx, pydantic`. Run with `make bench`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

ANSWER = json.dumps(
    {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "openai/gpt-4o",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
    }
).encode()
MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hello!"}]
BASE = "http://gateway.bench"


def transport() -> httpx.MockTransport:
    headers = {"content-type": "application/json", "x-request-id": "req_1"}
    return httpx.MockTransport(lambda request: httpx.Response(200, content=ANSWER, headers=headers))


def raw_httpx() -> Callable[[], object]:
    client = httpx.Client(transport=transport(), base_url=BASE)
    headers = {"Authorization": "Bearer sk-bench"}

    def call() -> object:
        response = client.post(
            "/v1/chat/completions",
            json={"model": "openai/gpt-4o", "messages": MESSAGES},
            headers=headers,
        )
        response.raise_for_status()
        return response.json()

    return call


def gatewise_sdk() -> Callable[[], object]:
    from gatewise import Gatewise

    client = Gatewise(
        api_key="sk-bench", base_url=BASE, http_client=httpx.Client(transport=transport())
    )

    def call() -> object:
        return client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[arg-type]

    return call


def openai_sdk() -> Callable[[], object]:
    import openai

    client = openai.OpenAI(
        api_key="sk-bench", base_url=BASE + "/v1", http_client=httpx.Client(transport=transport())
    )

    def call() -> object:
        return client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES)  # type: ignore[arg-type]

    return call


def cpu_per_call(call: Callable[[], object], calls: int = 2000, repeats: int = 5) -> float:
    """Best-of-repeats CPU seconds per call (process time, so other load matters less)."""
    for _ in range(200):
        call()
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time() - started) / calls)
    return best


def startup(code: str, runs: int = 15) -> float:
    """Median wall seconds of a fresh interpreter running `code`, minus bare interpreter start."""

    def run(snippet: str) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", snippet], check=True)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    return run(code) - run("pass")


def main() -> None:
    raw = cpu_per_call(raw_httpx())
    sdk = cpu_per_call(gatewise_sdk())
    peer = cpu_per_call(openai_sdk(), calls=500)
    print("non-streaming chat call, CPU per call over httpx.MockTransport")
    print(f"  raw httpx      {raw * 1e6:8.1f} us")
    print(f"  gatewise       {sdk * 1e6:8.1f} us")
    print(f"  openai-python  {peer * 1e6:8.1f} us")
    print(f"  gatewise / raw httpx        = {sdk / raw:5.2f}  (goal <= 1.3)")
    print(f"  openai-python / gatewise    = {peer / sdk:5.2f}  (goal >= 5)")
    base = startup("import httpx, pydantic")
    ours = startup("import gatewise; gatewise.Gatewise(api_key='k')")
    theirs = startup("import openai; openai.OpenAI(api_key='k')")
    print("import + construct (wall, minus interpreter start)")
    print(f"  import httpx, pydantic        {base * 1e3:7.1f} ms")
    print(f"  import gatewise + Gatewise()  {ours * 1e3:7.1f} ms")
    print(f"  import openai + OpenAI()      {theirs * 1e3:7.1f} ms")
    print(f"  gatewise / (httpx+pydantic)   = {ours / base:5.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    main()
