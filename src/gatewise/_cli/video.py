"""`gatewise video generate|get|cancel`: polled video jobs, with a progress bar on stderr.

`generate` submits and waits (the URL goes to stdout); `--no-wait` prints the submitted
job at once. Interrupted while waiting, it says which job keeps running.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gatewise import Gatewise, VideoTask

from .common import action_group, positive_seconds, text_argument
from .output import print_json, print_record
from .progress import ProgressBar


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    actions = action_group(commands, "video", "generate videos, follow jobs", "Polled video jobs.")
    generate = actions.add_parser(
        "generate",
        parents=parents,
        help="submit a video job and wait for it",
        description="Submit a video job and wait for it, showing its progress on stderr; "
        "prints the video's URL.",
    )
    generate.add_argument("-m", "--model", required=True, help="video model id")
    generate.add_argument("prompt", type=text_argument, help="what to film; - reads stdin")
    generate.add_argument("--seconds", type=int, help="length of the video")
    generate.add_argument("--resolution", help="e.g. 720p")
    generate.add_argument(
        "--no-wait", action="store_true", help="print the submitted job and return at once"
    )
    generate.add_argument(
        "--wait-timeout", type=positive_seconds, help="give up waiting after this many seconds"
    )
    generate.add_argument(
        "--poll-interval",
        type=positive_seconds,
        default=2.0,
        help="first wait between polls (default 2 s)",
    )
    generate.set_defaults(handler=_generate)
    for name, handler, text in (
        ("get", _get, "show a job's status"),
        ("cancel", _cancel, "cancel a job"),
    ):
        action = actions.add_parser(name, parents=parents, help=text)
        action.add_argument("task_id", help="the job's id")
        action.set_defaults(handler=handler)


def _generate(client: Gatewise, args: argparse.Namespace) -> None:
    job = client.video.submit(
        model=args.model, prompt=args.prompt, seconds=args.seconds, resolution=args.resolution
    )
    if args.no_wait:
        _show(job.task, args.json)
        return
    bar = ProgressBar(sys.stderr)
    try:
        task = job.wait(
            args.wait_timeout,
            poll_interval=args.poll_interval,
            on_progress=lambda task: bar.update(task.status, task.progress),
        )
    except KeyboardInterrupt:
        bar.finish()
        print(
            f"interrupted; job {job.task_id} keeps running: gatewise video get {job.task_id}",
            file=sys.stderr,
        )
        raise
    finally:
        bar.finish()
    if args.json:
        print_json(task)
    else:
        print(task.url)


def _get(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.video.retrieve(args.task_id), args.json)


def _cancel(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.video.cancel(args.task_id), args.json)


def _show(task: VideoTask, as_json: bool) -> None:
    if as_json:
        print_json(task)
    else:
        print_record(dict(task))
