"""The committed snapshot: the API of the last release as JSON, one short record a line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .extract import Api


@dataclass(frozen=True)
class Snapshot:
    """The API of one version of a package."""

    package: str
    version: str
    api: Api


def write(snapshot: Snapshot, path: Path) -> None:
    data = {"package": snapshot.package, "version": snapshot.version, "api": snapshot.api}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_layout(data, 0) + "\n", encoding="utf-8")


def read(path: Path) -> Snapshot:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Snapshot(package=data["package"], version=data["version"], api=data["api"])


def _layout(value: Any, indent: int) -> str:
    """JSON with stable line breaks, so that a change shows as a few changed lines: a
    record of plain values (a parameter, a field) is one line, a record of records is
    spread out."""
    if not _holds_records(value):
        return json.dumps(value, ensure_ascii=False)
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(key, ensure_ascii=False)}: {_layout(item, indent + 2)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{inner}{_layout(item, indent + 2)}" for item in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def _holds_records(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return any(isinstance(item, dict) or _holds_records(item) for item in items)
