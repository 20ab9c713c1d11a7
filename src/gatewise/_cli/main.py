"""The `gatewise` command: parse the command line, run one command, map failures to exit codes.

Exit codes: 0 success, 1 an API or connection error (any GatewiseError), 2 a usage error,
130 Ctrl-C. A failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gatewise import GatewiseError, __version__

from . import batch, config, embed, generate, keys, logs, mock, models, video
from .common import Handler, connection_options, open_client

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gatewise",
        description="Try and debug an AI gateway from the command line.",
        epilog="Connection: --base-url/--api-key, else $GATEWISE_BASE_URL and "
        "$GATEWISE_API_KEY (or $OPENAI_API_KEY). Exit status: 0 success, 1 API or "
        "connection error, 2 usage error, 130 interrupted. "
        "`gatewise COMMAND --help` describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"gatewise {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parents = [connection_options()]
    for group in (generate, embed, models, video, keys, config, logs, batch):
        group.register(commands, parents)
    # Listed for --help only: `gatewise mock ...` goes straight to the mock's own parser.
    commands.add_parser("mock", help="serve the mock gateway (needs gatewise[mock])")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(list(sys.argv[1:] if argv is None else argv))
        # Flushed here, not at exit, so that a closed pipe is handled below.
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`gatewise models list | head`): stop quietly, and keep
        # Python's exit-time flush of stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: list[str]) -> int:
    if argv[:1] == ["mock"]:
        return mock.serve(argv[1:])
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        with open_client(args) as client:
            handler(client, args)
    except GatewiseError as exc:
        return _fail(exc, EXIT_API_ERROR)
    except ValueError as exc:
        # The client refuses bad settings (a negative retry count, a base URL that is not
        # http(s)) before sending anything.
        return _fail(exc, EXIT_USAGE)
    return EXIT_OK


def _fail(exc: Exception, code: int) -> int:
    message = " ".join(str(exc).split()) or type(exc).__name__
    print(f"gatewise: error: {message}", file=sys.stderr)
    return code
