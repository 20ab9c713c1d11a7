"""`python -m gatewise.testing [--host H] [--port P]`: serve the mock gateway until stopped.

Prints the base URL and the admin key; Ctrl-C (or SIGTERM) stops it.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from ._server import DEFAULT_API_KEY, MockGateway


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Serve the gatewise mock gateway.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port to bind, 0 for a free one (default 8080)"
    )
    parser.add_argument(
        "--api-key", default=DEFAULT_API_KEY, help="the admin key (default %(default)s)"
    )
    parser.add_argument("--video-seconds", type=float, default=1.0, help="video job duration")
    parser.add_argument(
        "--slow-seconds", type=float, default=5.0, help="delay of the mock/slow model"
    )
    return parser


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None, prog: str = "python -m gatewise.testing") -> int:
    """Serve until stopped; `prog` names the command in --help (`gatewise mock` delegates here)."""
    args = _parser(prog).parse_args(argv)
    gateway = MockGateway(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        video_seconds=args.video_seconds,
        slow_seconds=args.slow_seconds,
    )
    # SIGTERM ends the process like Ctrl-C, so the server thread is joined cleanly.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        gateway.start()
    except RuntimeError as exc:
        print(f"error: {exc}: {exc.__cause__}", file=sys.stderr)
        return 1
    print(f"gatewise mock gateway on {gateway.url}", flush=True)
    print(f"admin key: {gateway.api_key}", flush=True)
    gateway.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
