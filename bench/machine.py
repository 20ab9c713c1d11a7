"""Prints the facts a benchmark figure needs beside it: date, CPU, Python and package versions.

`make bench` runs it first, so every saved run says what machine and versions it came from.
Run: python bench/machine.py
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

PACKAGES = ("gatewise", "httpx", "httpcore", "h11", "pydantic", "pydantic-core", "openai", "httpx2")


def cpu_model() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    for line in lscpu.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def source_state() -> str:
    """The commit benchmarked, and whether src/ had uncommitted changes (read-only git calls)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {head}" + (f", {len(dirty)} uncommitted file(s) in src/" if dirty else "")


def main() -> None:
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}")
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}")
    print(
        f"python: {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.platform()}"
    )
    print(f"source: {source_state()}")
    print("packages: " + ", ".join(f"{name} {version(name)}" for name in PACKAGES))


if __name__ == "__main__":
    main()
