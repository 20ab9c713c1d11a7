"""Where the API check finds the package, its snapshot and its changelog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Project:
    """A package checked against its snapshot (tests point one at a temporary package)."""

    package: str
    source: Path
    snapshot: Path
    changelog: Path


GATEWISE = Project(
    package="gatewise",
    source=ROOT / "src",
    snapshot=ROOT / "api" / "gatewise.json",
    changelog=ROOT / "CHANGELOG.md",
)
