"""Write the generated files to disk, or compare them with what is there (`--check`).

The output folder is replaced whole, so a removed operation leaves no stale module; it is
only ever deleted when everything in it was written by the generator.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from .errors import CodegenError
from .models import HEADER

# Python writes these next to the generated modules on import; they are not output.
_IGNORED_PARTS = frozenset({"__pycache__"})


def existing_files(folder: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file under `folder` except bytecode caches."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not _IGNORED_PARTS.intersection(path.relative_to(folder).parts)
    }


def write_tree(files: Mapping[str, str], folder: Path) -> None:
    """Replace `folder` with exactly `files`."""
    for name, content in existing_files(folder).items():
        if not content.startswith(HEADER.encode()):
            raise CodegenError(f"refusing to delete {folder}: {name} was not written by codegen")
    if folder.exists():
        shutil.rmtree(folder)
    for name, text in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def compare_tree(files: Mapping[str, str], folder: Path) -> list[str]:
    """One line per differing, missing or extra file; empty when `folder` is up to date."""
    expected = {name: text.encode("utf-8") for name, text in files.items()}
    actual = existing_files(folder)
    problems = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"missing: {folder / name}")
        elif name not in expected:
            problems.append(f"extra: {folder / name}")
        elif actual[name] != expected[name]:
            problems.append(f"differs: {folder / name}")
    return problems
