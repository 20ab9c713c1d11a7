"""The generated code and a user's calls into it pass `mypy --strict`, runtime included.

fixtures/typing_usage.py holds the calls, with assert_type and expected errors.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from codegen.render import PROJECT_ROOT
from codegen.tree import write_tree
from codegen_testkit import FIXTURE_SPEC

RUNTIME = PROJECT_ROOT / "src" / "gatewise"
USAGE = FIXTURE_SPEC.parent / "typing_usage.py"


def test_generated_code_passes_mypy_strict(fixture_files: dict[str, str], tmp_path: Path) -> None:
    # The real runtime with the fixture's generated package in place of the real one.
    package = tmp_path / "gatewise"
    shutil.copytree(RUNTIME, package, ignore=shutil.ignore_patterns("_generated", "__pycache__"))
    write_tree(fixture_files, package / "_generated")
    shutil.copy(USAGE, tmp_path / "typing_usage.py")
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--config-file",
        str(PROJECT_ROOT / "pyproject.toml"),
        # Report only the files named here: the runtime refers to models mini.yaml lacks.
        "--follow-imports=silent",
        # Shared across runs: the third-party stubs and pydantic need not be re-read.
        "--cache-dir",
        str(PROJECT_ROOT / ".mypy_cache" / "codegen-tests"),
        "gatewise/_generated",
        "typing_usage.py",
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
