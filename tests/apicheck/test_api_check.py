"""The public API check (apicheck/) on a small package written to a temporary folder:
snapshot it, change it as a maintainer would, read the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from apicheck.__main__ import main
from apicheck.project import Project
from apicheck.report import Report, build, current
from apicheck.snapshot import write

PACKAGE = {
    "__init__.py": """
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import Client
from ._options import Options
from ._version import __version__

if TYPE_CHECKING:
    from ._models import *  # noqa: F403

__all__ = ["Client", "Options", "__version__"]


def __getattr__(name: str) -> Any:
    from . import _models

    return getattr(_models, name)
""",
    "_version.py": '__version__ = "0.1.0"\n',
    "_options.py": """
from typing_extensions import TypedDict


class Options(TypedDict, total=False):
    timeout: float | None
""",
    "_models.py": """
from typing import Literal

__all__ = ["Job"]


class Job:
    id: str
    status: Literal["queued", "running", "done"] | str
    error: str | None = None
""",
    "types.py": """
from ._models import Job

__all__ = ["Job"]
""",
    "_client.py": """
from typing_extensions import Unpack

from ._models import Job
from ._options import Options


class Jobs:
    def create(self, *, prompt: str, seconds: int | None = None, **options: Unpack[Options]) -> Job:
        raise NotImplementedError


class Client:
    def __init__(self, *, api_key: str | None = None) -> None:
        self.api_key = api_key

    @property
    def jobs(self) -> Jobs:
        return Jobs()
""",
}
CHANGELOG = "# Changelog\n\n## [0.1.0] - 2026-11-02\n\nThe first release.\n"


class Package:
    """The small package, snapshotted as released, then changed by the test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.project = Project(
            package="apidemo",
            source=root / "src",
            snapshot=root / "api" / "apidemo.json",
            changelog=root / "CHANGELOG.md",
        )
        for name, text in PACKAGE.items():
            self.file(name).parent.mkdir(parents=True, exist_ok=True)
            self.file(name).write_text(text.lstrip(), encoding="utf-8")
        self.project.changelog.write_text(CHANGELOG, encoding="utf-8")
        write(current(self.project)[0], self.project.snapshot)

    def file(self, name: str) -> Path:
        return self.project.source / "apidemo" / name

    def edit(self, name: str, old: str, new: str) -> None:
        text = self.file(name).read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {name}"
        self.file(name).write_text(text.replace(old, new), encoding="utf-8")

    def release(self, version: str, changelog: bool = True) -> None:
        self.edit("_version.py", '"0.1.0"', f'"{version}"')
        if changelog:
            entry = f"## [{version}] - 2026-12-01\n\n### Changed\n\n- A break.\n\n"
            self.edit_changelog("## [0.1.0]", entry + "## [0.1.0]")

    def edit_changelog(self, old: str, new: str) -> None:
        text = self.project.changelog.read_text(encoding="utf-8")
        self.project.changelog.write_text(text.replace(old, new), encoding="utf-8")

    def report(self) -> Report:
        return build(self.project)


@pytest.fixture
def package(tmp_path: Path) -> Package:
    return Package(tmp_path)


def breaking(report: Report) -> list[str]:
    return [f"{change.path}: {change.what}" for change in report.changes if change.breaking]


def added(report: Report) -> list[str]:
    return [f"{change.path}: {change.what}" for change in report.changes if not change.breaking]


def test_an_unchanged_package_passes_with_an_empty_report(package: Package) -> None:
    report = package.report()
    assert not report.failed
    assert report.changes == []
    assert report.lines() == ["apidemo 0.1.0 against the snapshot of 0.1.0: 0 breaking, 0 added"]


def test_a_renamed_keyword_parameter_fails_naming_it(package: Package) -> None:
    # griffe's own rules let this pass: `**options` would swallow `seconds=`.
    package.edit("_client.py", "seconds: int | None", "duration: int | None")
    report = package.report()
    assert report.failed
    assert breaking(report) == ["apidemo.Client.jobs.create: parameter 'seconds' removed"]
    assert added(report) == ["apidemo.Client.jobs.create: parameter 'duration' added"]
    text = "\n".join(report.lines())
    assert "apidemo.Client.jobs.create: parameter 'seconds' removed" in text
    assert "FAILED: 1 breaking changes are not declared" in text
    assert "raised to 0.2.0 or later (it is 0.1.0)" in text
    assert "a '## [0.2.0]' entry in CHANGELOG.md" in text


def test_a_removed_model_field_fails_naming_it(package: Package) -> None:
    package.edit("_models.py", "    error: str | None = None\n", "")
    report = package.report()
    assert report.failed
    assert breaking(report) == ["apidemo.types.Job.error: attribute removed"]


def test_a_removed_literal_value_fails_naming_it(package: Package) -> None:
    package.edit("_models.py", '"queued", "running", "done"', '"queued", "done"')
    report = package.report()
    assert report.failed
    assert breaking(report) == ["apidemo.types.Job.status: type Literal value 'running' removed"]


def test_a_removed_request_option_fails_naming_it(package: Package) -> None:
    package.edit("_options.py", "    timeout: float | None\n", "    deadline: float | None\n")
    report = package.report()
    assert report.failed
    assert breaking(report) == ["apidemo.Options.timeout: attribute removed"]


def test_a_lazily_re_exported_name_is_part_of_the_api(package: Package) -> None:
    package.edit("__init__.py", "    from ._models import *  # noqa: F403\n", "    pass\n")
    report = package.report()
    assert report.failed
    assert breaking(report) == ["apidemo.Job: alias removed"]


def test_a_changed_default_and_a_new_required_parameter_break(package: Package) -> None:
    package.edit("_client.py", "seconds: int | None = None", "seconds: int | None = 5, size: int")
    assert breaking(package.report()) == [
        "apidemo.Client.jobs.create: parameter 'seconds': default changed from None to 5",
        "apidemo.Client.jobs.create: required parameter 'size' added",
    ]


def test_additions_are_reported_and_pass(package: Package) -> None:
    package.edit(
        "_client.py", "seconds: int | None = None", "seconds: int | None = None, seed: int = 0"
    )
    package.edit("_models.py", '"done"]', '"done", "expired"]')
    report = package.report()
    assert not report.failed
    assert breaking(report) == []
    assert added(report) == [
        "apidemo.Client.jobs.create: parameter 'seed' added",
        "apidemo.types.Job.status: type Literal value 'expired' added",
    ]
    assert report.lines()[-1].startswith("Compatible.")


def test_a_break_declared_by_a_version_bump_and_a_changelog_entry_passes(package: Package) -> None:
    package.edit("_client.py", "seconds: int | None", "duration: int | None")
    package.release("0.2.0")
    report = package.report()
    assert not report.failed
    assert breaking(report) == ["apidemo.Client.jobs.create: parameter 'seconds' removed"]
    assert report.lines()[-1] == "Declared by version 0.2.0 and its changelog entry."


@pytest.mark.parametrize(
    ("version", "changelog", "missing"),
    [
        ("0.2.0", False, "a '## [0.2.0]' entry in CHANGELOG.md"),
        ("0.1.1", True, "raised to 0.2.0 or later (it is 0.1.1)"),
    ],
    ids=["no changelog entry", "a patch release"],
)
def test_a_break_half_declared_fails_naming_what_is_missing(
    package: Package, version: str, changelog: bool, missing: str
) -> None:
    package.edit("_models.py", "    error: str | None = None\n", "")
    package.release(version, changelog=changelog)
    report = package.report()
    assert report.failed
    assert missing in "\n".join(report.lines())


def test_a_changelog_entry_without_a_version_bump_does_not_declare(package: Package) -> None:
    package.edit("_models.py", "    error: str | None = None\n", "")
    package.edit_changelog("## [0.1.0]", "## [0.2.0] - unreleased\n\n- A break.\n\n## [0.1.0]")
    report = package.report()
    assert report.failed
    assert len(report.missing) == 1
    assert report.missing[0].endswith("_version.py raised to 0.2.0 or later (it is 0.1.0)")


def test_the_snapshot_is_written_the_same_every_time(package: Package) -> None:
    first = package.project.snapshot.read_bytes()
    write(current(package.project)[0], package.project.snapshot)
    assert package.project.snapshot.read_bytes() == first
    # One record a line: a parameter is one line of the diff.
    assert (
        '{"name": "seconds", "kind": "keyword-only", "type": "int | None", "default": "None"}'
        in (first.decode())
    )


def test_gatewise_keeps_the_api_of_its_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("gatewise ")
