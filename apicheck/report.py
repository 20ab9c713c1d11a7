"""The report a maintainer reads before a release: the snapshot against the tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compare import Change, compare
from .extract import extract, load, package_version, version_file
from .project import Project
from .release import undeclared
from .snapshot import Snapshot, read


@dataclass(frozen=True)
class Report:
    """The tree's API compared with the snapshot, and what a breaking change still needs."""

    snapshot: Snapshot
    current: Snapshot
    changes: list[Change]
    # Empty when there is no breaking change or the release declares it.
    missing: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.missing)

    def lines(self) -> list[str]:
        breaking = [change for change in self.changes if change.breaking]
        added = [change for change in self.changes if not change.breaking]
        lines = [
            f"{self.current.package} {self.current.version} against the snapshot of "
            f"{self.snapshot.version}: {len(breaking)} breaking, {len(added)} added"
        ]
        for title, changes in (("Breaking", breaking), ("Added", added)):
            if changes:
                lines.append(f"{title}:")
                lines.extend(f"  {change.path}: {change.what}" for change in changes)
        if self.missing:
            lines.append(f"FAILED: {len(breaking)} breaking changes are not declared. Undo them,")
            lines.append(f"or declare them with {' and '.join(self.missing)}.")
        elif breaking:
            lines.append(f"Declared by version {self.current.version} and its changelog entry.")
        elif added:
            lines.append("Compatible. `make api-snapshot` records the additions when releasing.")
        return lines


def current(project: Project) -> tuple[Snapshot, Path]:
    """The tree's API as a snapshot, and the file holding its version."""
    package, wildcards = load(project)
    snapshot = Snapshot(project.package, package_version(package), extract(package, wildcards))
    return snapshot, version_file(package)


def build(project: Project) -> Report:
    if not project.snapshot.is_file():
        raise FileNotFoundError(f"no API snapshot at {project.snapshot}: run `make api-snapshot`")
    before = read(project.snapshot)
    after, source = current(project)
    changes = compare(before.api, after.api)
    missing = []
    if any(change.breaking for change in changes):
        missing = undeclared(before.version, after.version, project.changelog, _shown(source))
    return Report(before, after, changes, missing)


def _shown(path: Path) -> str:
    """A path as short as the working directory allows."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
