"""Fixtures for the command line: the installed `gatewise` script, run in a subprocess
against the `gateway` fixture (a fresh MockGateway per test).

`cli.run(...)` passes the gateway's URL and admin key as options and checks what holds
for every run: no traceback, no API key on stderr.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
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

    def run_on_terminal(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the command with its stderr on a pseudo-terminal (where progress bars go)."""
        command = [SCRIPT, *args, *self.connection]
        controller, terminal = pty.openpty()
        try:
            process = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=terminal,
                env=clean_env(),
                timeout=60,
                check=False,
            )
            os.close(terminal)
            shown = _read_all(controller)
        finally:
            os.close(controller)
        check_stderr(shown, self.gateway.api_key)
        return subprocess.CompletedProcess(command, process.returncode, process.stdout, shown)

    def interrupt(self, *args: str, when: Callable[[], bool]) -> subprocess.CompletedProcess[str]:
        """Start the command, press Ctrl-C (SIGINT) once `when()` holds, collect its output."""
        command = [SCRIPT, *args, *self.connection]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env()
        )
        try:
            deadline = time.monotonic() + 30
            while not when():
                assert time.monotonic() < deadline, "the moment to interrupt never came"
                time.sleep(0.02)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
        finally:
            process.kill()
        check_stderr(err, self.gateway.api_key)
        return subprocess.CompletedProcess(command, process.returncode, out, err)


def _read_all(fd: int) -> str:
    data = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side of the terminal is closed
            break
        if not chunk:
            break
        data += chunk
    return data.decode()


def check_stderr(stderr: str, api_key: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert api_key not in stderr, stderr


@pytest.fixture
def cli(gateway: MockGateway) -> CLI:
    return CLI(gateway)
