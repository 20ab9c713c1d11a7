"""Split the generated response models into modules, so a call builds only what it decodes.

Building a pydantic model costs far more than importing a line of code: a process that made
one chat call used to build every model of the spec. datamodel-code-generator writes one
module; this splits its output by the answers that reach each class (its responses, page
items and stream chunks, through field types and base classes):

- `<resource>.py` per top-level resource (`root.py` for the client's own operations): the
  classes that only that resource's answers reach;
- `shared.py`: the classes the answers of more than one resource reach;
- `other.py`: the classes no answer reaches (request and error bodies).

A class that an answer reaches reaches only classes that answer reaches too, so a resource's
module imports from `shared.py` alone, `shared.py` from nothing, and `other.py` from any of
them: the modules cannot import in a circle, and no call loads `other.py`.
Classes keep the generator's order (bases and field types first), and a statement after the
classes (`X.model_rebuild()`) goes with its class.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import CodegenError
from .models import closure

SHARED = "shared"
OTHER = "other"
ROOT = "root"  # the group of the client-level operations (`client.info()`)


@dataclass(frozen=True)
class Definition:
    """One top-level class or alias of the generator's module, with the names it uses."""

    name: str
    source: str
    uses: frozenset[str]


@dataclass(frozen=True)
class ModelModules:
    """The split: each module's definitions, imports and trailing statements."""

    module_of: dict[str, str]  # defined name -> module (without `.py`)
    imports: tuple[ast.ImportFrom, ...]  # the generator's imports
    definitions: tuple[Definition, ...]
    trailers: dict[str, list[str]]  # defined name -> statements after the classes

    def modules(self) -> list[str]:
        return sorted(set(self.module_of.values()))

    def names(self, module: str) -> list[str]:
        return [d.name for d in self.definitions if self.module_of[d.name] == module]

    def source(self, module: str, header: str, docstring: str) -> str:
        """The text of `module`: its imports, its definitions, then their trailing statements."""
        own = [d for d in self.definitions if self.module_of[d.name] == module]
        uses = frozenset().union(*(d.uses for d in own))
        lines = [header, f'"""{docstring}"""', "", "from __future__ import annotations", ""]
        for node in self.imports:
            names = sorted(a.name for a in node.names if (a.asname or a.name) in uses)
            if names and node.module != "__future__":
                lines.append(f"from {node.module} import {', '.join(names)}")
        borrowed = sorted(n for n in uses if self.module_of.get(n, module) != module)
        for other in sorted({self.module_of[n] for n in borrowed}):
            names = [n for n in borrowed if self.module_of[n] == other]
            lines.append(f"from .{other} import {', '.join(names)}")
        lines.append("")
        lines += [d.source + "\n" for d in own]
        lines += [s for d in own for s in self.trailers.get(d.name, [])]
        return "\n".join(lines) + "\n"


def split_models(source: str, groups: Mapping[str, Iterable[str]]) -> ModelModules:
    """Assign every definition of `source` to a module; `groups` maps a module to its roots."""
    for name in groups:
        if name in (SHARED, OTHER):
            raise CodegenError(
                f"a top-level resource cannot be named {name!r} (models/{name}.py is taken)"
            )
    imports, definitions, trailers = _parse(source)
    defined = {d.name: d for d in definitions}
    reach = {group: _closure(defined, roots) for group, roots in groups.items()}
    module_of = {}
    for name in defined:
        users = [group for group, names in reach.items() if name in names]
        module_of[name] = OTHER if not users else users[0] if len(users) == 1 else SHARED
    for name in trailers:
        if name not in defined:
            raise CodegenError(f"a statement of the generated models refers to unknown {name!r}")
    return ModelModules(module_of, tuple(imports), tuple(definitions), trailers)


def _closure(defined: Mapping[str, Definition], roots: Iterable[str]) -> set[str]:
    def uses(name: str) -> Iterable[str]:
        if name not in defined:
            raise CodegenError(f"response model {name!r} is not defined by the generated models")
        return [n for n in defined[name].uses if n in defined]

    return closure(roots, uses)


def _parse(source: str) -> tuple[list[ast.ImportFrom], list[Definition], dict[str, list[str]]]:
    lines = source.splitlines()
    imports: list[ast.ImportFrom] = []
    definitions: list[Definition] = []
    trailers: dict[str, list[str]] = {}
    for node in ast.parse(source).body:
        text = "\n".join(lines[_first_line(node) - 1 : node.end_lineno])
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            imports.append(node)
        elif isinstance(node, (ast.ClassDef, ast.Assign, ast.AnnAssign)):
            uses = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
            definitions.append(Definition(_defined_name(node), text, uses))
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and isinstance(node.value.func.value, ast.Name)
        ):
            trailers.setdefault(node.value.func.value.id, []).append(text)
        else:
            raise CodegenError(
                f"unexpected statement in datamodel-code-generator output, line {node.lineno}: "
                f"{text.splitlines()[0]!r}"
            )
    return imports, definitions, trailers


def _first_line(node: ast.stmt) -> int:
    decorators = node.decorator_list if isinstance(node, ast.ClassDef) else []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _defined_name(node: ast.ClassDef | ast.Assign | ast.AnnAssign) -> str:
    if isinstance(node, ast.ClassDef):
        return node.name
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        raise CodegenError(f"unexpected assignment in the generated models, line {node.lineno}")
    return targets[0].id
