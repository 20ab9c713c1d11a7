"""Names shared by the codegen tests (conftest.py holds the fixtures built from them).

A plain module rather than conftest imports: tests/codegen is not a package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

FIXTURE_SPEC = Path(__file__).parent / "fixtures" / "mini.yaml"
PACKAGE = "gw_codegen_fixture"  # the name the generated fixture package is imported under

# edited_spec(edit) writes a copy of the fixture spec changed by edit(document).
SpecEditor = Callable[[Callable[[dict[str, Any]], None]], Path]
