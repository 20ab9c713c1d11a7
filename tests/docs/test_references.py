"""Nothing in the project points outside it (the docs are the reference now)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Spelled in pieces so that this file does not match itself.
OUTSIDE = ("../" + "shared", "API" + ".md")
# What the project consists of (works in a git checkout and in the unpacked sdist alike).
PARTS = (
    "README.md",
    "CHANGELOG.md",
    "Makefile",
    "pyproject.toml",
    "mkdocs.yml",
    "openapi.yaml",
    "docs",
    "src",
    "codegen",
    "templates",
    "tests",
    "examples",
    "bench",
)


def _files() -> list[Path]:
    files: list[Path] = []
    for part in PARTS:
        path = ROOT / part
        candidates = [path] if path.is_file() else path.rglob("*")
        files.extend(f for f in candidates if f.is_file() and "__pycache__" not in f.parts)
    return files


def test_no_file_points_outside_the_project() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _files()
        if any(word in path.read_text(encoding="utf-8", errors="replace") for word in OUTSIDE)
    ]
    assert offenders == []
