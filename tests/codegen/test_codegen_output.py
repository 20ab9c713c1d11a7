"""The generated tree: deterministic bytes, replaced whole, and `--check` finding drift.

Everything runs through `codegen.__main__.main` against fixtures/mini.yaml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from codegen.__main__ import main
from codegen.models import HEADER
from codegen.render import PROJECT_ROOT
from codegen.tree import existing_files
from codegen_testkit import FIXTURE_SPEC


def generate(output: Path, *extra: str) -> int:
    return main(["--spec", str(FIXTURE_SPEC), "--output", str(output), *extra])


def test_two_generations_are_byte_identical(tmp_path: Path) -> None:
    assert generate(tmp_path / "a") == 0
    assert generate(tmp_path / "b") == 0
    first, second = existing_files(tmp_path / "a"), existing_files(tmp_path / "b")
    assert first == second
    assert "resources/chat.py" in first


def test_every_file_starts_with_the_header_and_compiles(fixture_files: dict[str, str]) -> None:
    for name, text in fixture_files.items():
        assert text.startswith(HEADER + "\n"), name
        compile(text, name, "exec")


def test_check_passes_on_fresh_output(tmp_path: Path) -> None:
    generate(tmp_path)
    assert generate(tmp_path, "--check") == 0


def test_check_names_a_hand_edited_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(tmp_path)
    chat = tmp_path / "resources" / "chat.py"
    chat.write_text(chat.read_text() + "\n# tweak\n")
    capsys.readouterr()
    assert generate(tmp_path, "--check") == 1
    assert f"differs: {chat}" in capsys.readouterr().err


def test_check_names_an_extra_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(tmp_path)
    (tmp_path / "resources" / "stale.py").write_text(HEADER + "\n")
    capsys.readouterr()
    assert generate(tmp_path, "--check") == 1
    assert f"extra: {tmp_path / 'resources' / 'stale.py'}" in capsys.readouterr().err


def test_check_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(tmp_path)
    (tmp_path / "params.py").unlink()
    capsys.readouterr()
    assert generate(tmp_path, "--check") == 1
    assert f"missing: {tmp_path / 'params.py'}" in capsys.readouterr().err


def test_check_ignores_bytecode_caches(tmp_path: Path) -> None:
    generate(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\0")
    assert generate(tmp_path, "--check") == 0


def test_generation_replaces_the_output_folder_whole(tmp_path: Path) -> None:
    generate(tmp_path)
    stale = tmp_path / "resources" / "removed_resource.py"
    stale.write_text(HEADER + "\n")
    generate(tmp_path)
    assert not stale.exists()


def test_generation_refuses_to_delete_a_folder_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert generate(tmp_path) == 2
    assert "notes.txt was not written by codegen" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").exists()


def test_output_is_clean_under_the_project_ruff_rules(tmp_path: Path) -> None:
    generate(tmp_path)
    # The project ignores some rules under src/gatewise/_generated/; apply the same here.
    ignores = '{"**/*.py" = ["E", "F401", "UP", "RUF", "SIM", "B"]}'
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--no-cache", "--config", "pyproject.toml"]
    lint = [*ruff, "check", *config, "--config", f"lint.per-file-ignores = {ignores}"]
    for command in ([*lint, str(tmp_path)], [*ruff, "format", "--check", *config, str(tmp_path)]):
        result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
