"""`gatewise mock`: serve the mock gateway, which lives in the optional `mock` extra."""

from __future__ import annotations

import sys

MISSING_EXTRA = (
    "gatewise mock: error: the mock gateway needs the mock extra: pip install 'gatewise[mock]'"
)


def serve(argv: list[str]) -> int:
    """Hand the arguments to the mock's own command line; exit 2 when the extra is missing."""
    try:
        from gatewise.testing.__main__ import main
    except ModuleNotFoundError as exc:
        # Only a missing third-party module means a missing extra; our own would be a bug.
        if exc.name is None or exc.name.partition(".")[0] == "gatewise":
            raise
        print(f"{MISSING_EXTRA} (no module named {exc.name!r})", file=sys.stderr)
        return 2
    return main(argv, prog="gatewise mock")
