"""Reads a package's public API with griffe (statically) as JSON-ready data.

The API maps each public path (`gatewise.Gatewise.chat.completions.create`) to a record:
its kind, and for a class its public ancestors, for a function its parameters, return type
and overloads, for an attribute (a model field, a TypedDict key) its type and value. Types
are texts with their Literal values taken out into a list, so that adding a value is an
addition and removing one a break.

Public means: the names of every public module (`__all__`, else its public names defined
in the package), the public members of their classes (inherited ones included, unless the
class that defines them is public itself) and, followed through the types of those
members, the classes only reachable from them (`client.chat.completions` is a
`ChatCompletions`, a class no module exports), recorded at the first path reaching them.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path
from typing import Any

import griffe

from .project import Project

Entry = dict[str, Any]
Api = dict[str, Entry]

_LITERAL_PATHS = frozenset({"typing.Literal", "typing_extensions.Literal"})
# Labels whose change breaks a caller: `await`, `Class.method()`.
_KEPT_LABELS = frozenset({"async", "classmethod", "staticmethod"})
# Set by every release: the snapshot records the version on its own.
_VERSION_NAME = "__version__"


class _TypeGuardedWildcards(griffe.Extension):
    """Records `if TYPE_CHECKING: from x import *` in each module.

    griffe expands only the wildcard imports made at run time; a lazy module re-exports
    these names through `__getattr__` at run time, so they are part of its API.
    """

    def __init__(self) -> None:
        self.targets: dict[str, list[str]] = {}

    def on_alias_instance(self, *, alias: griffe.Alias, **kwargs: Any) -> None:
        if alias.wildcard and not alias.runtime and alias.parent is not None:
            self.targets.setdefault(alias.parent.path, []).append(alias.wildcard)


def load(project: Project) -> tuple[griffe.Module, dict[str, list[str]]]:
    """The package as griffe reads it, and the type-guarded wildcard imports of its modules."""
    wildcards = _TypeGuardedWildcards()
    package = griffe.load(
        project.package,
        search_paths=[str(project.source)],
        extensions=griffe.load_extensions(wildcards),
        resolve_aliases=True,
        resolve_external=False,
        store_source=False,
    )
    assert isinstance(package, griffe.Module)
    return package, wildcards.targets


def package_version(package: griffe.Module) -> str:
    """The package's `__version__`, a string literal."""
    value = _version_attribute(package).value
    version = ast.literal_eval(str(value))
    if not isinstance(version, str):
        raise ValueError(f"{package.path}.{_VERSION_NAME} is not a string: {value}")
    return version


def version_file(package: griffe.Module) -> Path:
    """The file `__version__` is written in (the one version source)."""
    path = _version_attribute(package).module.filepath
    assert isinstance(path, Path)
    return path


def _version_attribute(package: griffe.Module) -> griffe.Attribute:
    attribute = _target(package.members[_VERSION_NAME])
    if not isinstance(attribute, griffe.Attribute):
        raise ValueError(f"{package.path} has no {_VERSION_NAME}")
    return attribute


def extract(package: griffe.Module, wildcards: dict[str, list[str]]) -> Api:
    """The public API of `package`, keyed by public path."""
    return _Extractor(package, wildcards).run()


class _Extractor:
    def __init__(self, package: griffe.Module, wildcards: dict[str, list[str]]) -> None:
        self.package = package
        self.wildcards = wildcards
        self.api: Api = {}
        # Each public object's canonical (griffe) path -> the public path recording it.
        self.public: dict[str, str] = {}
        self.expanded: set[str] = set()
        self.classes: deque[tuple[str, griffe.Class]] = deque()

    def run(self) -> Api:
        names = [name for module in self._public_modules() for name in self._names(module)]
        # An object exported under several names is recorded once, at the name its module
        # lists in `__all__` (then the shortest); the other names are aliases of it.
        names.sort(key=lambda name: (not name[2], len(name[0]), name[0]))
        for path, obj, _ in names:
            target = _target(obj)
            if target is None:
                self.api[path] = _outside(obj)
            elif target.path in self.public and target.kind is not griffe.Kind.MODULE:
                self.api[path] = {"kind": "alias", "target": self.public[target.path]}
            else:
                self.public.setdefault(target.path, path)
        for canonical, path in sorted(self.public.items(), key=lambda item: item[1]):
            self._describe(path, self.package.modules_collection[canonical], owner=None)
        while self.classes:
            path, cls = self.classes.popleft()
            self._describe_class_members(path, cls, exported=False)
        return dict(sorted(self.api.items()))

    def _public_modules(self) -> list[griffe.Module]:
        modules, pending = [], [self.package]
        while pending:
            module = pending.pop()
            modules.append(module)
            pending.extend(
                member
                for name, member in module.members.items()
                if isinstance(member, griffe.Module) and not name.startswith("_")
            )
        return modules

    def _names(self, module: griffe.Module) -> list[tuple[str, griffe.Object | griffe.Alias, bool]]:
        """The public names of a module: each one's path, what it is, and whether the
        module lists it in `__all__`."""
        lazy: dict[str, griffe.Object | griffe.Alias] = {}
        for source in self.wildcards.get(module.path, []):
            exporter = self.package.modules_collection[source]
            for name in exporter.exports or []:
                lazy[str(name)] = exporter.members[str(name)]
        if module.exports is not None:
            chosen = [str(name) for name in module.exports]
            found = {name: module.members.get(name) or lazy.get(name) for name in chosen}
        else:
            found = {
                name: member
                for name, member in module.members.items()
                if member.is_public and _inside(member, self.package.path)
            }
        found |= {name: member for name, member in lazy.items() if name not in found}
        names = []
        for name, member in sorted(found.items()):
            if member is None:
                raise ValueError(f"{module.path}.__all__ names {name!r}, which is not defined")
            listed = module.exports is not None and name in module.exports
            names.append((f"{module.path}.{name}", member, listed))
        return names

    def _describe(self, path: str, obj: griffe.Object | griffe.Alias, owner: str | None) -> None:
        target = _target(obj)
        if target is None:
            self.api[path] = _outside(obj)
        elif isinstance(target, griffe.Module):
            self.api[path] = {"kind": "module"}
        elif isinstance(target, griffe.Class):
            self.api[path] = {"kind": "class", "bases": sorted(self._ancestors(target))}
            if owner is None:
                self._describe_class_members(path, target, exported=True)
        elif isinstance(target, griffe.Function):
            self.api[path] = self._function(target)
            self._reach(f"{path}()", target.returns)
        elif isinstance(target, griffe.Attribute):
            self.api[path] = self._attribute(target, module_level=owner is None)
            self._reach(path, target.annotation)
        else:
            self.api[path] = {"kind": target.kind.value}

    def _describe_class_members(self, path: str, cls: griffe.Class, exported: bool) -> None:
        for name, member in sorted(cls.all_members.items()):
            if not _public_member(member) or (name == "__init__" and not exported):
                continue  # a class no module exports is not built by its users
            defined_in = _target(member)
            home = defined_in.parent.path if defined_in and defined_in.parent else cls.path
            if home != cls.path and home in self.public:
                continue  # recorded with the public ancestor that defines it
            self._describe(f"{path}.{name}", member, owner=path)

    def _ancestors(self, cls: griffe.Class) -> set[str]:
        """The public and outside classes a class derives from (private ones are seen
        through: their members are the class's own)."""
        found: set[str] = set()
        for base in cls.bases:
            resolved = _resolve(self.package, base)
            if not isinstance(resolved, griffe.Class):
                found.add(str(base))
            elif resolved.path in self.public:
                found.add(self.public[resolved.path])
                found |= self._ancestors(resolved)
            else:
                found |= self._ancestors(resolved)
        return found

    def _reach(self, path: str, annotation: str | griffe.Expr | None) -> None:
        """Queues the package's classes that only this annotation reaches."""
        if not isinstance(annotation, griffe.Expr):
            return
        for part in annotation.iterate(flat=True):
            if not isinstance(part, griffe.ExprName):
                continue
            resolved = _resolve(self.package, part)
            if (
                isinstance(resolved, griffe.Class)
                and resolved.path not in self.public
                and resolved.path not in self.expanded
            ):
                self.expanded.add(resolved.path)
                self.classes.append((path, resolved))

    def _function(self, function: griffe.Function) -> Entry:
        entry: Entry = {"kind": "function", **self._signature(function)}
        labels = sorted(_KEPT_LABELS & function.labels)
        if labels:
            entry["labels"] = labels
        if function.overloads:
            entry["overloads"] = [self._signature(overload) for overload in function.overloads]
        return entry

    def _signature(self, function: griffe.Function) -> Entry:
        parameters = list(function.parameters)
        in_class = bool(function.parent and function.parent.is_class)
        if parameters and in_class and "staticmethod" not in function.labels:
            parameters = parameters[1:]  # self or cls
        signature: Entry = {"parameters": [self._parameter(p) for p in parameters]}
        signature.update(_typed("returns", function.returns))
        return signature

    def _parameter(self, parameter: griffe.Parameter) -> Entry:
        kind = parameter.kind.value if parameter.kind else "positional or keyword"
        entry: Entry = {"name": parameter.name, "kind": kind}
        entry.update(_typed("type", parameter.annotation))
        if parameter.default is not None:
            entry["default"] = self._value(parameter.default)
        return entry

    def _attribute(self, attribute: griffe.Attribute, module_level: bool) -> Entry:
        entry: Entry = {"kind": "attribute"}
        entry.update(_typed("type", attribute.annotation))
        labels = attribute.labels
        per_instance = "instance-attribute" in labels and "class-attribute" not in labels
        keeps_value = not per_instance and not (module_level and attribute.name == _VERSION_NAME)
        if attribute.value is not None and keeps_value:
            entry["value"] = self._value(attribute.value)
        return entry

    def _value(self, value: str | griffe.Expr) -> str:
        """A default or a value; a name of one of the package's constants shows the
        constant's value too, so that changing the constant shows."""
        text = str(value)
        if isinstance(value, griffe.ExprName):
            resolved = _resolve(self.package, value)
            if isinstance(resolved, griffe.Attribute) and resolved.value is not None:
                return f"{text} = {resolved.value}"
        return text


def _typed(key: str, annotation: str | griffe.Expr | None) -> Entry:
    """`{key: text}` of an annotation, with a `literals` list when it holds Literal values."""
    if annotation is None:
        return {}
    literals: list[str] = []
    entry: Entry = {key: _render(annotation, literals)}
    if literals:
        entry[f"{key}_literals"] = sorted(set(literals))
    return entry


def _render(expr: str | griffe.Expr, literals: list[str]) -> str:
    """The annotation's text, each `Literal[...]` written so and its values collected."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, griffe.ExprName):
        return str(expr)
    if isinstance(expr, griffe.ExprSubscript) and _is_literal(expr.left):
        values = expr.slice.elements if isinstance(expr.slice, griffe.ExprTuple) else [expr.slice]
        literals.extend(str(value) for value in values)
        return "Literal[...]"
    return "".join(_render(part, literals) for part in expr.iterate(flat=False))


def _is_literal(expr: str | griffe.Expr) -> bool:
    return not isinstance(expr, str) and expr.canonical_path in _LITERAL_PATHS


def _outside(obj: griffe.Object | griffe.Alias) -> Entry:
    """A public name for an object of another package: what it names."""
    return {
        "kind": "alias",
        "target": obj.target_path if isinstance(obj, griffe.Alias) else obj.path,
    }


def _target(obj: griffe.Object | griffe.Alias) -> griffe.Object | None:
    """What a name finally is, or None for an object outside the loaded package."""
    if not isinstance(obj, griffe.Alias):
        return obj
    try:
        target = obj.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return target if isinstance(target, griffe.Object) else None


def _resolve(package: griffe.Module, expr: str | griffe.Expr) -> griffe.Object | None:
    """The package's object an annotation or base names, if it is one of the package's."""
    if not isinstance(expr, (griffe.ExprName, griffe.ExprAttribute, griffe.ExprSubscript)):
        return None
    name = expr.left if isinstance(expr, griffe.ExprSubscript) else expr
    path = name if isinstance(name, str) else name.canonical_path
    if not path.startswith(f"{package.path}."):
        return None
    try:
        return _target(package.modules_collection[path])
    except KeyError:
        return None


def _inside(obj: griffe.Object | griffe.Alias, package: str) -> bool:
    target = _target(obj)
    return target is not None and target.path.startswith(f"{package}.")


def _public_member(member: griffe.Object | griffe.Alias) -> bool:
    """Public names, and the special methods (`__init__`, `__iter__`, ...)."""
    if not member.name.startswith("_"):
        return True
    return member.is_special and member.kind is griffe.Kind.FUNCTION
