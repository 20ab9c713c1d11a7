"""How answers are printed: aligned tables for lists, `field: value` records for one item,
and `--json` (the pydantic models' JSON form) for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel


def print_json(answer: BaseModel | Sequence[BaseModel]) -> None:
    if isinstance(answer, BaseModel):
        data: Any = answer.model_dump(mode="json")
    else:
        data = [item.model_dump(mode="json") for item in answer]
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cell(value: object) -> str:
    """One value as table text: `-` for none, lists comma-joined, times to the second."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value) or "-"
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Plain columns, aligned by padding; the last column is not padded."""
    lines = [[header.upper() for header in headers]]
    lines += [[cell(value) for value in row] for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers) - 1)]
    for line in lines:
        padded = [text.ljust(width) for text, width in zip(line[:-1], widths, strict=True)]
        sys.stdout.write("  ".join([*padded, line[-1]]).rstrip() + "\n")


def print_record(fields: Mapping[str, object]) -> None:
    """One item as `name: value` lines, the values aligned."""
    width = max(len(name) for name in fields) + 1
    for name, value in fields.items():
        sys.stdout.write(f"{name + ':':<{width}} {cell(value)}\n")
