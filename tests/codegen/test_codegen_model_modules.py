"""The split of the generated models into modules (codegen/model_modules.py).

A class goes to the module of the one resource whose answers reach it, to shared.py when
several do, to other.py when none does; the modules import and validate as one module did.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest
from codegen.errors import CodegenError
from codegen.model_modules import ModelModules, split_models

SOURCE = """# header
from __future__ import annotations

from typing import Literal

from pydantic import Field

from gatewise._models import GatewiseModel


class Usage(GatewiseModel):
    total: int


class Detail(GatewiseModel):
    message: str


class Answer(GatewiseModel):
    usage: Usage
    kind: Literal["a"] | str


class Completion(GatewiseModel):
    usage: Usage | None = None


class Node(GatewiseModel):
    children: list[Node] = Field(default_factory=list)


class Request(GatewiseModel):
    detail: Detail
    example: Answer | None = None


Node.model_rebuild()
"""
GROUPS = {"chat": {"Answer"}, "completions": {"Completion"}, "tree": {"Node"}, "idle": set()}


def split() -> ModelModules:
    return split_models(SOURCE, GROUPS)


def test_each_class_goes_to_the_one_group_its_answers_reach_or_to_shared_or_other() -> None:
    models = split()
    assert models.module_of == {
        "Usage": "shared",
        "Detail": "other",
        "Answer": "chat",
        "Completion": "completions",
        "Node": "tree",
        "Request": "other",
    }
    assert models.modules() == ["chat", "completions", "other", "shared", "tree"]


def test_a_module_imports_what_its_classes_use_and_keeps_their_statements() -> None:
    models = split()
    chat = models.source("chat", "# header", "Chat.")
    assert "from .shared import Usage" in chat
    assert "from typing import Literal" in chat
    assert "Field" not in chat
    assert "from .chat import Answer" in models.source("other", "# header", "Other.")
    tree = models.source("tree", "# header", "Tree.")
    assert tree.rstrip().endswith("Node.model_rebuild()")
    assert "from .shared" not in models.source("shared", "# header", "Shared.")


def test_the_modules_import_and_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = split()
    package = tmp_path / "gw_split_fixture"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module in models.modules():
        (package / f"{module}.py").write_text(models.source(module, "# header", module))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        other = importlib.import_module("gw_split_fixture.other")
        request = other.Request.model_validate(
            {"detail": {"message": "m"}, "example": {"usage": {"total": 1}, "kind": "new"}}
        )
        assert request.example.usage.total == 1
        tree = importlib.import_module("gw_split_fixture.tree")
        assert tree.Node.model_validate({"children": [{}]}).children[0].children == []
    finally:
        for name in [n for n in sys.modules if n.startswith("gw_split_fixture")]:
            del sys.modules[name]


@pytest.mark.parametrize("name", ["shared", "other"])
def test_a_resource_cannot_take_a_reserved_module_name(name: str) -> None:
    with pytest.raises(CodegenError, match=re.escape(repr(name))):
        split_models(SOURCE, {name: {"Answer"}})


def test_an_unexpected_statement_in_the_generator_output_fails() -> None:
    with pytest.raises(CodegenError, match=r"unexpected statement.*print"):
        split_models(SOURCE + "print('hello')\n", GROUPS)
