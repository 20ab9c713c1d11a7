"""A fresh process builds only the response models its calls answer with.

Building every pydantic model of the spec used to be most of a process's first call; the
generated models are split per resource (codegen/model_modules.py) and loaded on first
use. What is asserted is which modules a fresh interpreter has loaded, never a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys

from gatewise.testing import MockGateway

MODELS = "gatewise._generated.models"
PARAMS = "gatewise._generated.params"  # request TypedDicts: annotations only

# Prints, as JSON, the model and params modules loaded after each step.
SCRIPT = """
import json, sys
def loaded():
    return sorted(m for m in sys.modules if m.startswith({models!r} + ".") or m == {params!r})
steps = {{}}
import gatewise
client = gatewise.Gatewise(api_key={key!r}, base_url={url!r}, max_retries=0)
steps["import"] = loaded()
steps["asyncio"] = ["asyncio"] if "asyncio" in sys.modules else []
answer = client.chat.completions.create(
    model="openai/gpt-4o", messages=[{{"role": "user", "content": "hi"}}]
)
assert answer.content == "hi", answer
steps["chat"] = loaded()
steps["helpers"] = [m for m in ("gatewise._structured", "gatewise._tools") if m in sys.modules]
from gatewise.types import ModelInfo
steps["types"] = loaded()
print(json.dumps(steps))
"""


def run_fresh(gateway: MockGateway) -> dict[str, list[str]]:
    script = SCRIPT.format(models=MODELS, params=PARAMS, key=gateway.api_key, url=gateway.url)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    steps: dict[str, list[str]] = json.loads(result.stdout)
    return steps


def test_a_chat_call_builds_the_chat_models_and_no_others(gateway: MockGateway) -> None:
    steps = run_fresh(gateway)

    assert steps["import"] == []  # `import gatewise` builds no model at all
    assert steps["asyncio"] == []  # nor imports asyncio (~20 ms), which a sync client never needs
    assert f"{MODELS}.chat" in steps["chat"]
    for module in ("admin", "anthropic", "embeddings", "images", "models", "video", "other"):
        assert f"{MODELS}.{module}" not in steps["chat"]
    assert PARAMS not in steps["chat"]
    assert steps["helpers"] == []  # parse() and run_tools() load their modules when called
    # A model taken from gatewise.types loads its own resource's module, and only that.
    assert set(steps["types"]) - set(steps["chat"]) == {f"{MODELS}.models"}
