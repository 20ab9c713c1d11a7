"""Facts the generator takes from the hand-written runtime, read from its source (not
imported: the runtime imports the generated code, which may be the thing being rebuilt)."""

from __future__ import annotations

import ast
from pathlib import Path

RUNTIME = Path(__file__).resolve().parent.parent / "src" / "gatewise"


def request_option_names() -> frozenset[str]:
    """The keys of `gatewise._options.RequestOptions`: every method takes them as keywords."""
    tree = ast.parse((RUNTIME / "_options.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "RequestOptions":
            return frozenset(
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            )
    raise RuntimeError("RequestOptions not found in src/gatewise/_options.py")
