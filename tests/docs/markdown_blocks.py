"""The ```python blocks of a Markdown page, with the marker that keeps a block from running.

A block right after the comment `<!-- not-run: reason -->` (the nearest non-blank line
above its fence) is not executed: a seed SDK's shape, or code that cannot run here.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(?P<reason>\S.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)")


@dataclass(frozen=True)
class CodeBlock:
    path: Path
    line: int  # of the first code line, 1-based
    source: str
    not_run: str | None  # the marker's reason

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def python_blocks(path: Path) -> list[CodeBlock]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent = opening["indent"]
        end = index + 1
        while end < len(lines) and not lines[end].startswith(f"{indent}```"):
            end += 1
        if opening["lang"] == "python":
            body = textwrap.dedent("\n".join(lines[index + 1 : end]))
            blocks.append(CodeBlock(path, index + 2, body + "\n", _marker(lines, index)))
        index = end + 1
    return blocks


def _marker(lines: list[str], fence: int) -> str | None:
    above = fence - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    found = NOT_RUN.match(lines[above]) if above >= 0 else None
    return found["reason"] if found else None
