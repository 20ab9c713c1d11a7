"""What every command shares: the connection options, the client they build, argument types.

Connection settings come from `--base-url` / `--api-key` / `--timeout` / `--max-retries`,
else from the client's own environment variables (GATEWISE_API_KEY, OPENAI_API_KEY,
GATEWISE_BASE_URL), so the CLI reaches the same gateway a script would.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from gatewise import Gatewise

Handler = Callable[[Gatewise, argparse.Namespace], None]


def connection_options() -> argparse.ArgumentParser:
    """The options every gateway command takes (a parent parser, so they go anywhere)."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection")
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="the gateway's root URL (default $GATEWISE_BASE_URL, else localhost:8080)",
    )
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="the API key (default $GATEWISE_API_KEY, else $OPENAI_API_KEY)",
    )
    group.add_argument(
        "--timeout",
        type=positive_seconds,
        metavar="SECONDS",
        help="seconds per attempt (default 120)",
    )
    group.add_argument(
        "--max-retries", type=int, metavar="N", help="retries of a failed request (default 2)"
    )
    parent.add_argument("--json", action="store_true", help="print the answer as JSON, for scripts")
    return parent


def action_group(commands: Any, name: str, summary: str, description: str) -> Any:
    """A command made of actions (`gatewise models list`): the subparsers to add them to."""
    group = commands.add_parser(name, help=summary, description=description)
    return group.add_subparsers(required=True, metavar="ACTION")


def open_client(args: argparse.Namespace) -> Gatewise:
    return Gatewise(
        api_key=args.api_key,
        base_url=args.base_url,
        timeout=args.timeout,
        max_retries=args.max_retries,
    )


def positive_seconds(value: str) -> float:
    """A duration option: a number of seconds above zero (checked before anything is sent)."""
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected seconds above 0, got {value!r}")
    return number


def text_argument(value: str) -> str:
    """A prompt or input as given, or all of stdin for `-` (one trailing newline dropped)."""
    if value != "-":
        return value
    text = sys.stdin.read()
    return text[:-1] if text.endswith("\n") else text
