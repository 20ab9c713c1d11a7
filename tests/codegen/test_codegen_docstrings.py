"""Every generated method documents every argument (what `help()` and an IDE show)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator

import pytest

from gatewise import Gatewise
from gatewise._generated import resources


def _generated_methods() -> Iterator[tuple[str, Callable[..., object]]]:
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for class_name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for name, member in vars(cls).items():
                if inspect.isfunction(member) and not name.startswith("_"):
                    yield f"{class_name}.{name}", member
    yield "Gatewise.info", Gatewise.info


METHODS = sorted(_generated_methods(), key=lambda pair: pair[0])


def _argument_names(method: Callable[..., object]) -> list[str]:
    prefixes = {inspect.Parameter.VAR_KEYWORD: "**", inspect.Parameter.VAR_POSITIONAL: "*"}
    return [
        prefixes.get(p.kind, "") + name
        for name, p in inspect.signature(method).parameters.items()
        if name != "self"
    ]


@pytest.mark.parametrize(("where", "method"), METHODS, ids=[where for where, _ in METHODS])
def test_every_argument_has_an_args_entry(where: str, method: Callable[..., object]) -> None:
    doc = inspect.getdoc(method) or ""
    args = doc.partition("\nArgs:\n")[2]
    documented = [
        line.split(":")[0].strip()
        for line in args.splitlines()
        if line[:4] == "    " and line[4:5] != " "
    ]
    assert documented == _argument_names(method), doc


def test_the_request_options_are_referenced_not_repeated() -> None:
    from gatewise._generated.resources.chat import ChatCompletions

    doc = inspect.getdoc(ChatCompletions.create) or ""
    assert "see `gatewise.RequestOptions`" in doc
    assert "extra_headers" not in doc
