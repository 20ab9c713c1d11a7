"""Command line: `python -m apicheck {check,diff,snapshot}`.

`check` prints the report and exits 1 on an undeclared breaking change (`make test` runs
it); `diff` prints the same report and exits 0 (`make api-diff`); `snapshot` records the
tree's API as the last release's (`make api-snapshot`, when releasing).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .project import GATEWISE, ROOT
from .report import build, current
from .snapshot import write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apicheck", description=__doc__)
    parser.add_argument("command", choices=("check", "diff", "snapshot"))
    args = parser.parse_args(argv)
    project = GATEWISE
    if args.command == "snapshot":
        snapshot, _ = current(project)
        write(snapshot, project.snapshot)
        where = project.snapshot.relative_to(ROOT)
        print(f"wrote the API of {snapshot.package} {snapshot.version} to {where}")
        return 0
    try:
        report = build(project)
    except FileNotFoundError as exc:
        print(f"apicheck: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 1 if report.failed and args.command == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
