"""Fixtures for the command line: the installed `gatewise` script, run in a subprocess
against the `gateway` fixture (a fresh MockGateway per test).

`cli.run(...)` passes the gateway's URL and admin key as options and checks what holds
for every run: no traceback, no API key on stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from gatewise.testing import MockGateway

# The console script pip installed beside this interpreter (the venv's bin/).
SCRIPT = str(Path(sys.executable).with_name("gatewise"))
# Settings the client reads from the environment: each test says what it uses.
_CLIENT_ENV = ("GATEWISE_API_KEY", "OPENAI_API_KEY", "GATEWISE_BASE_URL", "OPENAI_BASE_URL")


def clean_env(**values: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in _CLIENT_ENV}
    return {**env, **values}


@dataclass
class CLI:
    gateway: MockGateway

    @property
    def connection(self) -> list[str]:
        return ["--base-url", self.gateway.url, "--api-key", self.gateway.api_key]

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        connect: bool = True,
        command: Sequence[str] = (SCRIPT,),
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*command, *args, *(self.connection if connect else [])],
            input=stdin,
            capture_output=True,
            text=True,
            env=clean_env() if env is None else env,
            timeout=60,
        )
        check_stderr(result.stderr, self.gateway.api_key)
        return result


def check_stderr(stderr: str, api_key: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert api_key not in stderr, stderr


@pytest.fixture
def cli(gateway: MockGateway) -> CLI:
    return CLI(gateway)
