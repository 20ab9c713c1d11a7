"""Cold start: a fresh process's `import` alone, and its first answer over a real socket.

Each snippet runs in a fresh interpreter (wall time from spawn to exit, RUNS runs, interleaved
so machine drift hits every snippet alike; median and min). The first answer is import + client
construction + one non-streaming chat call to the loopback gateway of bench/_loopback.py,
which runs in its own process on 127.0.0.1, read down to .choices[0].message.content; "raw
httpx + pydantic" (info) validates the answer with three small pydantic models: the floor of
any client whose answers pydantic validates.
The last column subtracts a bare `python -c pass` from both medians. Bytecode is cached (as
for an installed package), in a temporary folder. Run: `make bench`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import _loopback

RUNS = 25
CONTENT = "Hello! How can I help you today?"
MESSAGES = [{"role": "user", "content": "Hello!"}]
BODY = {"model": _loopback.MODEL, "messages": MESSAGES}
CHECK = f"assert content == {CONTENT!r}, content\n"  # every run checks its answer

IMPORTS = {
    "import gatewise": "import gatewise",
    "import httpx, pydantic": "import httpx, pydantic",
}


def first_answers(url: str) -> dict[str, str]:
    """The cold first-answer snippets, each ending with the answer's text in `content`."""
    call = f"model={_loopback.MODEL!r}, messages={MESSAGES!r}"
    raw_request = (
        "import json, httpx\n"
        f"client = httpx.Client(base_url={url!r})\n"
        f"body = json.dumps({BODY!r}).encode()\n"
        "response = client.post('/v1/chat/completions', content=body, headers={"
        "'Authorization': 'Bearer sk-bench', 'Content-Type': 'application/json'})\n"
        "response.raise_for_status()\n"
    )
    return {
        "gatewise": (
            "import gatewise\n"
            f"client = gatewise.Gatewise(api_key='sk-bench', base_url={url!r}, max_retries=0)\n"
            f"content = client.chat.completions.create({call}).choices[0].message.content\n"
        ),
        "raw httpx + json": raw_request
        + "content = json.loads(response.content)['choices'][0]['message']['content']\n",
        # Info: the floor of any answer that pydantic validates (its import, its first models).
        "raw httpx + pydantic": (
            "from pydantic import BaseModel\n"
            "class Message(BaseModel):\n    content: str | None = None\n"
            "class Choice(BaseModel):\n    message: Message\n"
            "class Answer(BaseModel):\n    choices: list[Choice]\n"
            + raw_request
            + "content = Answer.model_validate_json(response.content).choices[0].message.content\n"
        ),
        "openai-python": (
            "import openai\n"
            f"client = openai.OpenAI(api_key='sk-bench', base_url={url + '/v1'!r}, max_retries=0)\n"
            f"content = client.chat.completions.create({call}).choices[0].message.content\n"
        ),
    }


def bytecode_env(cache: str) -> dict[str, str]:
    """The environment with bytecode caching on, into `cache`, as an installed package has it.

    Under PYTHONDONTWRITEBYTECODE an editable install recompiles gatewise in every process
    (site-packages has its .pyc files); a cache outside the tree is fair and leaves it clean.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": cache}


def measure(snippets: dict[str, str], env: dict[str, str]) -> dict[str, list[float]]:
    """Wall seconds of a fresh interpreter per snippet, RUNS times, one of each per round."""
    runs: dict[str, list[float]] = {name: [] for name in snippets}
    for _ in range(RUNS):
        for name, code in snippets.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            runs[name].append(time.perf_counter() - started)
    return runs


def report(title: str, runs: dict[str, list[float]], bare: float, versus: str) -> None:
    """Median and min per snippet, and each as a ratio to `versus`'s (the min is steadier under load)."""
    print(f"{title}: wall ms of a fresh process, {RUNS} interleaved runs each")
    print(f"  {'':<24}{'median':>8}{'min':>8}   ratio: median   min  median-bare")
    median_of, min_of = statistics.median(runs[versus]), min(runs[versus])
    for name, times in runs.items():
        median, least = statistics.median(times), min(times)
        print(
            f"  {name:<24}{median * 1e3:8.1f}{least * 1e3:8.1f}{median / median_of:16.2f}"
            f"{least / min_of:6.2f}{(median - bare) / (median_of - bare):13.2f}"
        )


def main() -> None:
    with _loopback.serve() as url, tempfile.TemporaryDirectory(prefix="coldstart-pyc-") as cache:
        env = bytecode_env(cache)
        answers = {name: code + CHECK for name, code in first_answers(url).items()}
        for code in answers.values():  # a first run of each fills the bytecode cache
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
        runs = measure({"bare": "pass", **IMPORTS, **answers}, env)
    bare = statistics.median(runs.pop("bare"))
    print(f"bare interpreter start (python -c pass): median {bare * 1e3:.1f} ms")
    imports = {name: runs.pop(name) for name in IMPORTS}
    report("import alone", imports, bare, "import httpx, pydantic")
    report("cold first answer (import + client + 1 chat call)", runs, bare, "raw httpx + json")
    print("  goal: gatewise <= 1.6 x raw httpx + json")


if __name__ == "__main__":
    main()
