"""Python annotations for method parameters, computed from (normalised) JSON schemas.

Parameters are inputs, so containers are the read-only, covariant `Sequence`/`Mapping`
(a caller's `list[dict]` fits), named object schemas are the TypedDicts of
`_generated/params.py`, and `format: binary` is the runtime's `FileInput`.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from typing import Any

from .errors import CodegenError
from .spec import Spec, component_name

# (module, name) to import. Module "@params" is the generated TypedDict module, whose
# relative spelling depends on the file that imports it.
Import = tuple[str, str]
PARAMS = "@params"

_KNOWN_NAMES: dict[str, str] = {
    "Any": "typing",
    "Literal": "typing",
    "Iterable": "collections.abc",
    "Mapping": "collections.abc",
    "MutableMapping": "collections.abc",
    "MutableSequence": "collections.abc",
    "Sequence": "collections.abc",
    "FileInput": "gatewise._files",
}
_PRIMITIVES = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass(frozen=True)
class PyType:
    """A union of annotation members (`("str", "None")` is `str | None`) and their imports."""

    members: tuple[str, ...]
    imports: frozenset[Import] = frozenset()

    def __str__(self) -> str:
        return " | ".join(self.members)

    @property
    def nullable(self) -> bool:
        return "None" in self.members

    def or_none(self) -> PyType:
        return union(self, NONE)


NONE = PyType(("None",))
OBJECT = PyType(("object",))


def union(*types: PyType) -> PyType:
    """The union of `types`, each member once, `None` last (as people write it)."""
    members: list[str] = []
    for member in (m for t in types for m in t.members):
        if member not in members:
            members.append(member)
    if "None" in members:
        members.remove("None")
        members.append("None")
    return PyType(tuple(members), frozenset().union(*(t.imports for t in types)))


def _wrap(template: str, inner: PyType, *imports: Import) -> PyType:
    return PyType((template.format(inner),), inner.imports | frozenset(imports))


def annotation(schema: Any, spec: Spec, where: str) -> PyType:
    """The parameter annotation for `schema`; `where` names the parameter in errors."""
    if not isinstance(schema, dict):
        return OBJECT
    if isinstance(schema.get("x-python-type"), str):
        return python_type(schema["x-python-type"], where)
    name = component_name(schema)
    if name is not None:
        return PyType((name,), frozenset({(PARAMS, name)}))
    if "$ref" in schema:
        return annotation(spec.resolve(schema), spec, where)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return union(*(annotation(branch, spec, where) for branch in schema[key]))
    if "allOf" in schema:
        if len(schema["allOf"]) == 1:
            return annotation(schema["allOf"][0], spec, where)
        raise CodegenError(f"{where}: an inline allOf has no Python type; make it a component")
    base = _base_annotation(schema, spec, where)
    return base.or_none() if schema.get("nullable") is True else base


def _base_annotation(schema: dict[str, Any], spec: Spec, where: str) -> PyType:
    if "enum" in schema or "const" in schema:
        values = schema["enum"] if "enum" in schema else [schema["const"]]
        literal = PyType(
            (f"Literal[{', '.join(repr(v) for v in values if v is not None)}]",),
            frozenset({("typing", "Literal")}),
        )
        return literal.or_none() if None in values else literal
    kind = schema.get("type")
    if isinstance(kind, list):
        return union(*(_base_annotation({**schema, "type": k}, spec, where) for k in kind))
    if kind == "string":
        if schema.get("format") == "binary":
            return PyType(("FileInput",), frozenset({("gatewise._files", "FileInput")}))
        return PyType(("str",))
    if kind in _PRIMITIVES:
        return PyType((_PRIMITIVES[str(kind)],))
    if kind == "array":
        items = annotation(schema.get("items", {}), spec, where)
        return _wrap("Sequence[{}]", items, ("collections.abc", "Sequence"))
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        if schema.get("properties"):
            # spec.hoist_body_objects names every inline object a signature can reach.
            raise CodegenError(f"{where}: an inline object has no TypedDict; make it a component")
        values = schema.get("additionalProperties")
        value_type = annotation(values, spec, where) if isinstance(values, dict) else OBJECT
        return _wrap("Mapping[str, {}]", value_type, ("collections.abc", "Mapping"))
    return OBJECT


def python_type(text: str, where: str) -> PyType:
    """An `x-python-type` annotation, taken as written, with the imports its names need.

    Dotted names (`datetime.datetime`) are imported from their module; bare names must be
    builtins or the typing names in `_KNOWN_NAMES`.
    """
    imports: set[Import] = set()

    def bind(match: re.Match[str]) -> str:
        dotted = match.group(0)
        module, _, name = dotted.rpartition(".")
        if module:
            imports.add((module, name))
            return name
        if dotted in _KNOWN_NAMES:
            imports.add((_KNOWN_NAMES[dotted], dotted))
        elif not hasattr(builtins, dotted) and dotted != "None":
            raise CodegenError(f"{where}: x-python-type {text!r}: unknown name {dotted!r}")
        return dotted

    # Names outside string literals: Literal["a"] keeps "a" as written.
    parts = re.split(r"""("[^"]*"|'[^']*')""", text)
    expr = "".join(
        part if index % 2 else re.sub(r"[A-Za-z_][A-Za-z_0-9.]*", bind, part)
        for index, part in enumerate(parts)
    )
    try:
        compile(expr, where, "eval")
    except SyntaxError as exc:
        raise CodegenError(f"{where}: x-python-type {text!r} is not an expression") from exc
    return PyType(_split_union(expr), frozenset(imports))


def qualified_python_type(text: str, where: str) -> str:
    """`x-python-type` spelled with dotted names (`collections.abc.Mapping[str, str]`).

    datamodel-code-generator's `type_overrides` imports each dotted name it finds.
    """
    python_type(text, where)  # the same checks as for signatures
    parts = re.split(r"""("[^"]*"|'[^']*')""", text)
    return "".join(
        part
        if index % 2
        else re.sub(
            r"(?<![.\w])[A-Za-z_]\w*(?![.\w])",
            lambda m: (
                f"{_KNOWN_NAMES[m.group(0)]}.{m.group(0)}"
                if m.group(0) in _KNOWN_NAMES
                else m.group(0)
            ),
            part,
        )
        for index, part in enumerate(parts)
    )


def _split_union(expr: str) -> tuple[str, ...]:
    """`"Sequence[str] | None"` -> `("Sequence[str]", "None")`: split at top-level bars only."""
    members: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(expr):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(expr[start:index].strip())
            start = index + 1
    members.append(expr[start:].strip())
    return tuple(members)
