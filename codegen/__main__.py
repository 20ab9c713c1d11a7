"""Command line: `python -m codegen [--check] [--spec FILE] [--output DIR]`.

Without `--check` it rewrites the output folder; with it, it writes nothing and exits 1
naming every file that differs from what the spec generates (CI runs this).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import CodegenError
from .render import PROJECT_ROOT, generate_files
from .spec import load_spec
from .tree import compare_tree, write_tree

DEFAULT_SPEC = PROJECT_ROOT / "openapi.yaml"
DEFAULT_OUTPUT = PROJECT_ROOT / "src" / "gatewise" / "_generated"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="compare, write nothing; exit 1 on drift"
    )
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the OpenAPI file")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the generated package")
    args = parser.parse_args(argv)
    try:
        files = generate_files(load_spec(args.spec))
        if args.check:
            problems = compare_tree(files, args.output)
            for line in problems:
                print(line, file=sys.stderr)
            if problems:
                print("generated code is out of date: run `python -m codegen`", file=sys.stderr)
                return 1
            return 0
        write_tree(files, args.output)
    except CodegenError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(files)} files to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
