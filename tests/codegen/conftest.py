"""Shared fixtures of the codegen tests: the fixture spec, its generated files, and the
generated package imported under a throwaway name (`gw_codegen_fixture`)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

# `codegen` lives at the project root, which plain `pytest` (unlike `python -m pytest`)
# does not put on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from codegen.render import generate_files
from codegen.spec import load_spec
from codegen.tree import write_tree
from codegen_testkit import FIXTURE_SPEC, PACKAGE, SpecEditor


@pytest.fixture(scope="session")
def fixture_files() -> dict[str, str]:
    """{relative path: text} of everything generated from the fixture spec."""
    return generate_files(load_spec(FIXTURE_SPEC))


@pytest.fixture(scope="session")
def fixture_package(
    fixture_files: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimpleNamespace]:
    """The generated fixture code, imported as the package `gw_codegen_fixture`.

    Its modules are attributes (`.client`, `.models`, `.resources.chat`, ...); `.folder` is
    the folder holding the package.
    """
    root = tmp_path_factory.mktemp("package")
    write_tree(fixture_files, root / PACKAGE)
    sys.path.insert(0, str(root))
    try:
        # `models/__init__.py` is the package `models`; the top-level one is the fixture itself.
        dotted = [
            name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            for name in sorted(fixture_files)
            if name != "__init__.py"
        ]
        modules = {name: importlib.import_module(f"{PACKAGE}.{name}") for name in dotted}
        resources = {
            k.split(".", 1)[1]: m for k, m in modules.items() if k.startswith("resources.")
        }
        yield SimpleNamespace(
            folder=root,
            resources=SimpleNamespace(**resources),
            **{k: m for k, m in modules.items() if "." not in k and k != "resources"},
        )
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def edited_spec(tmp_path: Path) -> SpecEditor:
    """Write a copy of the fixture spec changed by `edit(document)`; returns its path."""

    def make(edit: Callable[[dict[str, Any]], None]) -> Path:
        document = yaml.safe_load(FIXTURE_SPEC.read_text(encoding="utf-8"))
        edit(document)
        path = tmp_path / "spec.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    return make
