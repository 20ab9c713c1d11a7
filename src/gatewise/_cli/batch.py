"""`gatewise batch FILE`: one request per line of a JSON-lines file, run with `client.iter_batch`.

Each line is one call's keyword arguments (blank lines skipped). Results go to stdout as
JSON lines in input order, `{"index": N, "ok": true, "value": ...}` or `{"index": N, "ok":
false, "error": {"type", "message", "status"}}`; a bar on stderr when it is a terminal.
Exit 0 when every request succeeded, 1 when any failed (after printing them all).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from pydantic import BaseModel

from gatewise import APIError, Gatewise, GatewiseError

from .progress import ProgressBar

OPERATIONS = ("chat.completions.create", "completions.create", "embeddings.create")


class BatchFailed(GatewiseError):
    """Some requests of the batch failed (each has its error line on stdout)."""


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    batch = commands.add_parser(
        "batch",
        parents=parents,
        help="run one request per line of a JSON-lines file",
        description="Run one request per line of FILE (each line: the keyword arguments of "
        "one call, as a JSON object), --concurrency at a time. Prints one JSON line per "
        'request, in input order: {"index", "ok", "value" or "error"}. Exit 1 when any '
        "request failed.",
    )
    batch.add_argument("file", help="the JSON-lines file; - reads stdin")
    batch.add_argument(
        "--operation",
        choices=OPERATIONS,
        default=OPERATIONS[0],
        help="the call each line is for (default chat.completions.create)",
    )
    batch.add_argument(
        "--concurrency", type=_positive_int, default=16, help="requests at once (default 16)"
    )
    batch.set_defaults(handler=_batch)


def _batch(client: Gatewise, args: argparse.Namespace) -> None:
    operation = _operation(client, args.operation)
    source = sys.stdin if args.file == "-" else _open(args.file)
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    total = _count(source) if bar is not None else None

    def show(done: int, _: int | None) -> None:
        assert bar is not None
        bar.update(
            f"{done}/{total}" if total else str(done), done * 100 // total if total else None
        )

    failed = 0
    try:
        lines = ({"line": line} for line in source if line.strip())
        results = client.iter_batch(
            operation, lines, concurrency=args.concurrency, on_progress=show if bar else None
        )
        for result in results:
            failed += not result.ok
            outcome = result.value if result.ok else result.error
            print(json.dumps(_record(result.index, outcome)), flush=True)
    finally:
        if bar is not None:
            bar.finish()
        source.close()
    if failed:
        raise BatchFailed(f"{failed} request(s) failed")


def _operation(client: Gatewise, name: str) -> Callable[..., BaseModel]:
    """The call of one line: its JSON parsed in the worker, so a bad line is that line's error."""
    target: Any = client
    for part in name.split("."):
        target = getattr(target, part)

    def call(line: str) -> BaseModel:
        try:
            kwargs = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"a line must be a JSON object: {exc}") from None
        if not isinstance(kwargs, dict):
            raise ValueError("a line must be a JSON object of keyword arguments")
        if kwargs.get("stream"):
            raise ValueError("stream is not supported in a batch")
        answer: BaseModel = target(**kwargs)
        return answer

    return call


def _record(index: int, outcome: BaseModel | Exception | None) -> dict[str, Any]:
    if isinstance(outcome, BaseModel):
        return {"index": index, "ok": True, "value": outcome.model_dump(mode="json")}
    error: dict[str, Any] = {"type": type(outcome).__name__, "message": str(outcome)}
    if isinstance(outcome, APIError):
        error["status"] = outcome.status_code
    return {"index": index, "ok": False, "error": error}


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")  # closed by _batch
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {value!r}")
    return number


def _count(source: TextIO) -> int | None:
    """How many requests a file holds (one cheap pass), for the bar; None for a pipe."""
    if source is sys.stdin or not source.seekable():
        return None
    count = sum(1 for line in source if line.strip())
    source.seek(0)
    return count
