"""The pytest plugin, loaded the way its pytest11 entry point will load it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

TEST_FILE = """
import httpx
import pytest


def test_gateway_fixture_serves(gateway):
    headers = {"Authorization": f"Bearer {gateway.api_key}"}
    with httpx.Client(base_url=gateway.url, headers=headers) as client:
        assert client.get("/v1/models").status_code == 200


@pytest.mark.mock_gateway(video_seconds=0.0, api_key="custom-key")
def test_marker_passes_options(gateway):
    assert gateway.api_key == "custom-key"
    assert gateway.settings.video_seconds == 0.0
"""


def test_gateway_fixture_and_marker_work_when_the_plugin_is_registered(tmp_path: Path) -> None:
    (tmp_path / "test_uses_plugin.py").write_text(textwrap.dedent(TEST_FILE))
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "gatewise.testing.pytest_plugin",
            "-p", "no:cacheprovider", "-W", "error", "--strict-markers", str(tmp_path),
        ],
        cwd=tmp_path,
        # Only this plugin: as if installed alone, and not loaded twice once the entry point exists.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


BLOCKED_IMPORT = """
import sys
sys.modules["uvicorn"] = None
sys.modules["starlette"] = None
import gatewise.testing.pytest_plugin
from gatewise.testing import Faults
try:
    from gatewise.testing import MockGateway
except ImportError as exc:
    print(exc)
"""


def test_the_plugin_loads_without_the_mock_extra_and_names_it_when_needed() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'gatewise[mock]'" in result.stdout
