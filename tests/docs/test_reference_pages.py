"""The types reference renders every generated model module.

`gatewise.types` loads its models lazily (module `__getattr__`), which the static docs tool
cannot follow, so docs/reference/types.md names each generated module instead; a module the
generator adds must get its section.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "src" / "gatewise" / "_generated" / "models"


def test_the_types_page_renders_every_model_module() -> None:
    page = (ROOT / "docs" / "reference" / "types.md").read_text(encoding="utf-8")
    rendered = set(re.findall(r"^::: gatewise\._generated\.models\.(\w+)$", page, re.MULTILINE))
    modules = {path.stem for path in MODELS.glob("*.py") if path.stem != "__init__"}
    assert rendered == modules
