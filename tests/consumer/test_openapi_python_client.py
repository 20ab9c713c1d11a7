"""A second, independent consumer of openapi.yaml: a client openapi-python-client generates.

The generator pins typer and httpx ranges of its own, so it lives in its own venv under
build/ (made on the first run, kept for the next: its name holds the pinned version), and
the generated client runs from that venv too; only the mock gateway runs here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from gatewise.testing import DEFAULT_API_KEY, MockGateway
from tests import ROOT, SPEC_PATH

GENERATOR = "openapi-python-client"
VERSION = "0.29.1"
VENV = ROOT / "build" / f"{GENERATOR}-{VERSION}"
CALLS = Path(__file__).with_name("calls.py")
# No post hooks: the default ones run ruff from PATH and warn when it is missing.
CONFIG = "post_hooks: []\n"


def _bin(venv_dir: Path, name: str) -> Path:
    return venv_dir / ("Scripts" if sys.platform == "win32" else "bin") / name


def _run(*command: str | Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def generator() -> Path:
    """The generator's command, from its cached venv (a stamp marks a finished install, so an
    interrupted one is made again rather than used)."""
    stamp = VENV / "installed"
    if not stamp.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        venv.create(VENV, with_pip=True)
        pip = _run(
            _bin(VENV, "python"), "-m", "pip", "install", "--quiet",
            f"{GENERATOR}=={VERSION}", timeout=300,
        )  # fmt: skip
        assert pip.returncode == 0, f"installing {GENERATOR}=={VERSION} failed:\n{pip.stderr}"
        stamp.touch()
    return _bin(VENV, GENERATOR)


@pytest.fixture
def generated(generator: Path, tmp_path: Path) -> Path:
    """The package generated from openapi.yaml: tmp_path/gateway_client."""
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    result = _run(
        generator, "generate", "--path", SPEC_PATH, "--meta", "none", "--config", config,
        "--output-path", tmp_path / "gateway_client", "--fail-on-warning", timeout=120,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    return tmp_path / "gateway_client"


def test_generation_gives_one_enum_class_per_property(generated: Path) -> None:
    # A nullable enum written as `type: [string, 'null']` + enum came out as one class per
    # branch (FinishReasonType1, FinishReasonType2Type1, ...); `anyOf` gives one.
    stems: dict[str, list[str]] = {}
    for module in sorted((generated / "models").glob("*.py")):
        for name in re.findall(r"^class (\w+)\((?:str, )?(?:Str)?Enum\)", module.read_text(), re.M):
            stems.setdefault(re.sub(r"(Type\d+)+$", "", name), []).append(name)
    assert stems, "no enum classes found: the generator's output changed shape"
    assert {stem: names for stem, names in stems.items() if len(names) > 1} == {}


def test_the_generated_client_calls_the_mock_gateway(generated: Path) -> None:
    with MockGateway() as gateway:
        result = _run(
            _bin(VENV, "python"), CALLS, generated.parent, gateway.url, DEFAULT_API_KEY,
            timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        answers = json.loads(result.stdout)
        paths = [(request.method, request.path) for request in gateway.requests]
    assert answers["chat"]
    assert answers["finish_reason"] == "stop"
    assert "openai/gpt-4o" in answers["models"]
    assert len(answers["embeddings"]) == 2
    assert answers["created"] in answers["keys"]
    assert paths == [
        ("POST", "/v1/chat/completions"),
        ("GET", "/v1/models"),
        ("POST", "/v1/embeddings"),
        ("POST", "/v1/admin/keys"),
        ("GET", "/v1/admin/keys"),
    ]
