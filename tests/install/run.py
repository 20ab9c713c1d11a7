"""The install test: build the sdist and the wheel, then use the wheel as a consumer would.

`make install-test` (part of `make test`) runs it with the dev venv's Python:

1. `python -m build --no-isolation` (the dev venv has the pinned hatchling; build checks it
   satisfies `[build-system] requires`); the wheel must hold the package and nothing else,
   the sdist what is needed to rebuild and test.
2. A fresh venv with the wheel alone: import it, call a mock gateway started from the dev
   venv, the console script.
3. The same venv with `[mock]`, pytest and mypy (the dev venv's versions, from the package
   registry): a consumer's pytest run using the `gateway` fixture, `gatewise mock --help`,
   and mypy --strict on the consumer files against the installed package.

Every step prints what it checks; the first failure stops the run with the command's output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# What a rebuild and a test run from the unpacked sdist need.
SDIST_MUST_HOLD = (
    "pyproject.toml",
    "openapi.yaml",
    "Makefile",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "mkdocs.yml",
    "docs/index.md",
    "codegen/__main__.py",
    "apicheck/__main__.py",
    "api/gatewise.json",
    "templates/client.py.jinja",
    "tests/install/run.py",
    "src/gatewise/py.typed",
)


@dataclass(frozen=True)
class ConsoleCheck:
    """One run of the installed `gatewise` script: the exit code a user should get, and a
    text its output must hold."""

    args: tuple[str, ...]
    exit_code: int = 0
    says: str = ""


CONSOLE_WITHOUT_MOCK = (
    ConsoleCheck(("--help",), says="usage: gatewise"),
    ConsoleCheck(("mock",), exit_code=2, says="pip install 'gatewise[mock]'"),
)
CONSOLE_WITH_MOCK = (
    ConsoleCheck(("--help",), says="usage: gatewise"),
    ConsoleCheck(("mock", "--help"), says="usage: gatewise mock"),
)


class InstallTestFailed(Exception):
    pass


def step(title: str) -> None:
    print(f"-- {title}", flush=True)


def attempt(
    command: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, whatever its exit code."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


def run(
    command: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; a non-zero exit raises with its output."""
    result = attempt(command, cwd=cwd, env=env)
    if result.returncode != 0:
        raise InstallTestFailed(describe(result))
    return result


def consumer_env(extra: Mapping[str, str] = {}) -> dict[str, str]:
    """The environment of a consumer's process: nothing of the dev venv or the source tree."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
        and not key.startswith("GATEWISE_")
    }
    return {**env, **extra}


def build(dist: Path) -> tuple[Path, Path]:
    step("build the sdist and the wheel (python -m build --no-isolation)")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT], cwd=ROOT)
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    return sdist, wheel


def check_wheel(wheel: Path) -> None:
    step(f"{wheel.name} holds the package, py.typed and its metadata only")
    names = zipfile.ZipFile(wheel).namelist()
    dist_info = f"gatewise-{version('gatewise')}.dist-info/"
    strays = [n for n in names if not n.startswith(("gatewise/", dist_info))]
    compiled = [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    if strays or compiled or "gatewise/py.typed" not in names:
        raise InstallTestFailed(f"unexpected wheel contents: {strays + compiled}, {names[:5]}...")
    if f"{dist_info}licenses/LICENSE" not in names:
        raise InstallTestFailed("the wheel carries no LICENSE")


def check_sdist(sdist: Path) -> None:
    step(f"{sdist.name} holds what a rebuild and `make test` need")
    with tarfile.open(sdist) as archive:
        top = sdist.name.removesuffix(".tar.gz")
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    missing = [name for name in SDIST_MUST_HOLD if name not in names]
    if missing:
        raise InstallTestFailed(f"the sdist lacks {missing}")


def make_venv(path: Path) -> Path:
    run([sys.executable, "-m", "venv", path], cwd=path.parent)
    return path / "bin"


@contextlib.contextmanager
def mock_gateway(command: Sequence[str | Path], env: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """A mock gateway served by `command` on a free port; yields the client's environment."""
    process = subprocess.Popen(
        [*map(str, command), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url_line, key_line = process.stdout.readline(), process.stdout.readline()
        if not key_line.startswith("admin key: "):
            raise InstallTestFailed(f"the mock gateway did not start: {url_line}{key_line}")
        yield {
            "GATEWISE_BASE_URL": url_line.split()[-1],
            "GATEWISE_API_KEY": key_line.split()[-1],
        }
    finally:
        process.terminate()
        process.communicate(timeout=30)


def check_console(bin_dir: Path, checks: Sequence[ConsoleCheck], cwd: Path) -> None:
    for check in checks:
        step(f"gatewise {' '.join(check.args)} exits {check.exit_code}")
        result = attempt([bin_dir / "gatewise", *check.args], cwd=cwd, env=consumer_env())
        if result.returncode != check.exit_code or check.says not in result.stdout + result.stderr:
            raise InstallTestFailed(describe(result))


def without_extras(bin_dir: Path, wheel: Path, work: Path) -> None:
    step("install the wheel without extras into a fresh venv")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=work)
    step("import gatewise and call the mock gateway (chat, a stream, a 404)")
    with mock_gateway([sys.executable, "-m", "gatewise.testing"], os.environ) as env:
        result = run(
            [bin_dir / "python", HERE / "consumer_plain.py"], cwd=work, env=consumer_env(env)
        )
    print("  ", result.stdout.strip().replace("\n", "\n   "))
    if str(work) not in result.stdout:
        raise InstallTestFailed("gatewise was not imported from the fresh venv")
    step("gatewise.testing without the mock extra says which extra to install")
    probe = "from gatewise.testing import MockGateway"
    result = attempt([bin_dir / "python", "-c", probe], cwd=work, env=consumer_env())
    if result.returncode == 0 or "pip install 'gatewise[mock]'" not in result.stderr:
        raise InstallTestFailed(f"no clear message without the extra:\n{result.stderr}")
    check_console(bin_dir, CONSOLE_WITHOUT_MOCK, work)


def with_mock(bin_dir: Path, wheel: Path, work: Path) -> None:
    tools = [f"pytest=={version('pytest')}", f"mypy=={version('mypy')}"]
    step(f"install {wheel.name}[mock] and {', '.join(tools)}")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[mock]", *tools], cwd=work)
    consumer = work / "consumer"
    consumer.mkdir()
    shutil.copy(HERE / "consumer_pytest.py", consumer / "test_consumer.py")
    shutil.copy(HERE / "consumer_plain.py", consumer / "consumer_plain.py")
    step("a consumer's pytest run with the `gateway` fixture")
    result = run(
        [bin_dir / "python", "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"],
        cwd=consumer,
        env=consumer_env(),
    )
    print("  ", result.stdout.strip().splitlines()[-1])
    check_console(bin_dir, CONSOLE_WITH_MOCK, consumer)
    step("`gatewise mock` of the fresh venv serves the consumer's program")
    with mock_gateway([bin_dir / "gatewise", "mock"], consumer_env()) as env:
        run([bin_dir / "python", "consumer_plain.py"], cwd=consumer, env=consumer_env(env))
    step("mypy --strict on the consumer files against the installed package")
    result = run(
        [bin_dir / "mypy", "--strict", "test_consumer.py", "consumer_plain.py"],
        cwd=consumer,
        env=consumer_env(),
    )
    print("  ", result.stdout.strip())


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gatewise-install-") as temp:
        work = Path(temp)
        try:
            sdist, wheel = build(work / "dist")
            check_wheel(wheel)
            check_sdist(sdist)
            bin_dir = make_venv(work / "venv")
            without_extras(bin_dir, wheel, work)
            with_mock(bin_dir, wheel, work)
        except InstallTestFailed as exc:
            print(f"INSTALL TEST FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"install test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
