"""Whether a release declares breaking changes: a version bump that semver allows to break
(the major version; before 1.0 the minor one) and a CHANGELOG.md entry for that version."""

from __future__ import annotations

import re
from pathlib import Path

_RELEASE = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def release(version: str) -> tuple[int, int, int]:
    """The (major, minor, micro) of a PEP 440 version; a pre-release suffix is ignored."""
    found = _RELEASE.match(version)
    if found is None:
        raise ValueError(f"not a version: {version!r}")
    major, minor, micro = (int(part or 0) for part in found.groups())
    return major, minor, micro


def next_breaking(version: str) -> str:
    """The first version after `version` allowed to break its API."""
    major, minor, _ = release(version)
    return f"0.{minor + 1}.0" if major == 0 else f"{major + 1}.0.0"


def may_break(old: str, new: str) -> bool:
    """Whether going from `old` to `new` is a bump that may break the API."""
    return release(new) >= release(next_breaking(old))


def changelog_entry(changelog: Path, version: str) -> bool:
    """Whether the changelog has a `## [version]` heading (Keep a Changelog's form)."""
    if not changelog.is_file():
        return False
    heading = re.compile(rf"^##\s+\[?{re.escape(version)}\]?(\s|$)", re.MULTILINE)
    return heading.search(changelog.read_text(encoding="utf-8")) is not None


def undeclared(old: str, new: str, changelog: Path, version_source: str) -> list[str]:
    """What a release from `old` still needs to declare a breaking change (empty: it is
    declared by `new`)."""
    missing = []
    target = new
    if not may_break(old, new):
        target = next_breaking(old)
        missing.append(f"the version in {version_source} raised to {target} or later (it is {new})")
    if not changelog_entry(changelog, target):
        missing.append(f"a '## [{target}]' entry in {changelog.name}")
    return missing
