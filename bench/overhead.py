"""CPU cost of one non-streaming chat call: gatewise vs raw httpx vs openai-python.

Same JSON body, same in-process httpx.MockTransport and canned answer; each result is read down to
.choices[0].message.content (forces lazy parsing); best of ROUNDS, process CPU time. Also times
`import gatewise` + client construction against `import httpx, pydantic`, and (info) the cost
of a no-op hook and of tracing. Run: `make bench`; `--gatewise-only` times gatewise alone.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

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
CONTENT = "Hello! How can I help you today?"
MODEL = "openai/gpt-4o"
MESSAGES: Any = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Hello!"},
]
BASE = "http://gateway.bench"
CALLS = 2000  # per round, gatewise and raw httpx
PEER_CALLS = 500  # per round, openai-python (about 7x slower)
ROUNDS = 5
STARTUP_RUNS = 15


class Recorder:
    """The canned gateway: counts requests and keeps the first one, to compare what was sent."""

    def __init__(self) -> None:
        self.count = 0
        self.first: httpx.Request | None = None
        headers = {"content-type": "application/json", "x-request-id": "req_1"}
        self.transport = httpx.MockTransport(self._answer)
        self._headers = headers

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.first is None:
            self.first = request
        return httpx.Response(200, content=ANSWER, headers=self._headers)


def raw_httpx(recorder: Recorder) -> Callable[[], str]:
    """What a careful hand-written client does: the SDK's headers, json=, raise, .json()."""
    client = httpx.Client(transport=recorder.transport, base_url=BASE)
    static = {
        "User-Agent": "gatewise-python/0.1.0",
        "Accept": "application/json",
        "Authorization": "Bearer sk-bench",
    }

    def call() -> str:
        # One idempotency key per call, as the SDK sends; json= builds the body each call.
        headers = {**static, "Idempotency-Key": f"gw-{uuid.uuid4().hex}"}
        response = client.post(
            "/v1/chat/completions", json={"model": MODEL, "messages": MESSAGES}, headers=headers
        )
        response.raise_for_status()
        content: str = response.json()["choices"][0]["message"]["content"]
        return content

    return call


def raw_httpx_lean(recorder: Recorder) -> Callable[[], str]:
    """Info only: the same, bypassing Client.build_request (as the SDK's pipeline does)."""
    client = httpx.Client(transport=recorder.transport)
    static = {
        "User-Agent": "gatewise-python/0.1.0",
        "Accept": "application/json",
        "Authorization": "Bearer sk-bench",
        "Content-Type": "application/json",
    }
    url = BASE + "/v1/chat/completions"

    def call() -> str:
        headers = {**static, "Idempotency-Key": f"gw-{uuid.uuid4().hex}"}
        body = json.dumps({"model": MODEL, "messages": MESSAGES}, separators=(",", ":")).encode()
        response = client.send(httpx.Request("POST", url, headers=headers, content=body))
        response.raise_for_status()
        content: str = json.loads(response.content)["choices"][0]["message"]["content"]
        return content

    return call


def gatewise_sdk(recorder: Recorder, **options: Any) -> Callable[[], str]:
    from gatewise import Gatewise

    client = Gatewise(
        api_key="sk-bench",
        base_url=BASE,
        http_client=httpx.Client(transport=recorder.transport),
        **options,
    )

    def call() -> str:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return completion.choices[0].message.content or ""

    return call


class NoOpHook:
    """A hook at each stage that keeps what it is given: the cost of the hook machinery."""

    def before_request(self, ctx: Any, request: httpx.Request) -> None:
        return None

    def after_success(self, ctx: Any, response: httpx.Response) -> None:
        return None


def sdk_tracer_provider() -> Any:
    """An OpenTelemetry SDK TracerProvider that samples every span and exports none (the cost
    of recording, not of an exporter)."""
    from opentelemetry.sdk.trace import TracerProvider

    return TracerProvider()


def openai_sdk(recorder: Recorder) -> Callable[[], str]:
    import openai

    client = openai.OpenAI(
        api_key="sk-bench",
        base_url=BASE + "/v1",
        http_client=httpx.Client(transport=recorder.transport),  # type: ignore[arg-type]
    )

    def call() -> str:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return completion.choices[0].message.content or ""

    return call


def cpu_per_call(call: Callable[[], str], calls: int) -> float:
    """Best-of-ROUNDS CPU seconds per call (process time, so other load matters less)."""
    for _ in range(200):
        if call() != CONTENT:  # a client that skipped the answer would look fast
            raise SystemExit("wrong answer content")
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time() - started) / calls)
    return best


def floors() -> tuple[float, float]:
    """CPU per call of the bare decoders: json.loads vs the SDK's pydantic-core validator."""
    from gatewise import ChatCompletion

    validate = ChatCompletion.__pydantic_validator__.validate_json
    out = []
    for decode in (json.loads, validate):
        started = time.process_time()
        for _ in range(20_000):
            decode(ANSWER)
        out.append((time.process_time() - started) / 20_000)
    return out[0], out[1]


def startup(snippets: dict[str, str]) -> dict[str, float]:
    """Median wall seconds of a fresh interpreter running each snippet, minus a bare start.

    Runs are interleaved (one of each per round) so that machine drift hits all alike.
    """
    times: dict[str, list[float]] = {name: [] for name in [*snippets, ""]}
    for _ in range(STARTUP_RUNS):
        for name, code in [*snippets.items(), ("", "pass")]:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[name].append(time.perf_counter() - started)
    bare = statistics.median(times.pop(""))
    return {name: statistics.median(runs) - bare for name, runs in times.items()}


def describe(recorder: Recorder) -> str:
    request = recorder.first
    assert request is not None
    names = sorted(name for name in request.headers if name not in ("host", "content-length"))
    return f"{len(request.content)} B body, headers: {', '.join(names)}"


def main() -> None:
    if "--gatewise-only" in sys.argv:  # the same call on another checkout (PYTHONPATH)
        print(f"gatewise {cpu_per_call(gatewise_sdk(Recorder()), CALLS) * 1e6:.1f} us/call")
        return
    recorders = {name: Recorder() for name in ("raw", "sdk", "peer")}
    raw = cpu_per_call(raw_httpx(recorders["raw"]), CALLS)
    lean = cpu_per_call(raw_httpx_lean(Recorder()), CALLS)
    sdk = cpu_per_call(gatewise_sdk(recorders["sdk"]), CALLS)
    peer = cpu_per_call(openai_sdk(recorders["peer"]), PEER_CALLS)
    hooked = cpu_per_call(gatewise_sdk(Recorder(), hooks=[NoOpHook()]), CALLS)
    traced = cpu_per_call(gatewise_sdk(Recorder(), tracing=sdk_tracer_provider()), CALLS)
    bodies = {name: r.first.content if r.first else b"" for name, r in recorders.items()}
    loads, validate = floors()
    print(
        f"non-streaming chat call: CPU per call over httpx.MockTransport, best of {ROUNDS} x "
        f"{CALLS} calls ({PEER_CALLS} for openai-python); every result is read down to "
        ".choices[0].message.content so lazy parsing cannot hide work (openai-python 3.x "
        "builds its models eagerly anyway; it constructs without validating)"
    )
    print(f"  raw httpx      {raw * 1e6:8.1f} us  json= body, .json() -> dict")
    print(f"  raw httpx lean {lean * 1e6:8.1f} us  info: Request + send(), skips build_request")
    print(f"  gatewise       {sdk * 1e6:8.1f} us  -> validated ChatCompletion")
    print(f"  openai-python  {peer * 1e6:8.1f} us  -> ChatCompletion (model_construct)")
    print(f"  gatewise hooks {hooked * 1e6:8.1f} us  info: one no-op hook (2 stages)")
    print(f"  gatewise traced{traced * 1e6:8.1f} us  info: tracing=SDK TracerProvider, no export")
    print(f"  gatewise / raw httpx        = {sdk / raw:5.2f}  (goal <= 1.3)")
    print(f"  openai-python / gatewise    = {peer / sdk:5.2f}  (goal >= 5)")
    print(f"  gatewise / raw httpx lean   = {sdk / lean:5.2f}  (info)")
    print(
        f"  floors: json.loads(answer) {loads * 1e6:.1f} us, validate_json {validate * 1e6:.1f} us"
    )
    print("  same body bytes (raw vs gatewise vs openai):", len(set(bodies.values())) == 1)
    for name, label in (("raw", "raw httpx"), ("sdk", "gatewise"), ("peer", "openai-python")):
        print(f"  sent by {label:<14}{describe(recorders[name])}")
    counts = {r.count for r in recorders.values()}
    print(f"  requests seen by each transport: {sorted(r.count for r in recorders.values())}")
    if 0 in counts:
        raise SystemExit("a client never reached its transport")
    results = startup(
        {
            "base": "import httpx, pydantic",
            "base_model": "import httpx; from pydantic import BaseModel",
            "ours": "import gatewise; gatewise.Gatewise(api_key='k')",
            "theirs": "import openai; openai.OpenAI(api_key='k')",
        }
    )
    print(f"import + construct: wall, median of {STARTUP_RUNS}, minus bare interpreter start")
    print(f"  import httpx, pydantic                    {results['base'] * 1e3:7.1f} ms")
    print(f"  import httpx; from pydantic import BaseModel {results['base_model'] * 1e3:4.1f} ms")
    print(f"  import gatewise + Gatewise()              {results['ours'] * 1e3:7.1f} ms")
    print(f"  import openai + OpenAI()                  {results['theirs'] * 1e3:7.1f} ms")
    print(
        f"  gatewise / (httpx+pydantic)   = {results['ours'] / results['base']:5.2f}  (goal <= 1.5)"
    )
    print(
        f"  gatewise / (httpx+BaseModel)  = {results['ours'] / results['base_model']:5.2f}  (info)"
    )


if __name__ == "__main__":
    main()
