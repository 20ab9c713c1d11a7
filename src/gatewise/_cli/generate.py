"""`gatewise chat` and `gatewise complete`: one prompt in, the generated text out.

Both stream by default, writing text as it arrives; `--no-stream` asks for the whole
answer at once; `--json` prints the answer (a streamed one accumulated) as one object.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gatewise import ChatCompletion, Completion, Gatewise, Stream
from gatewise.params import ChatMessage

from .common import text_argument
from .output import print_json


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    chat = commands.add_parser(
        "chat",
        parents=[*parents, _generation_options()],
        help="send one chat message, print the reply",
        description="Send one user message (after an optional system message) and print "
        "the reply as it streams in.",
    )
    chat.add_argument("--system", help="a system message sent before the prompt")
    chat.set_defaults(handler=_chat)
    complete = commands.add_parser(
        "complete",
        parents=[*parents, _generation_options()],
        help="complete a text prompt",
        description="Send a text completion request and print the completion as it streams in.",
    )
    complete.set_defaults(handler=_complete)


def _generation_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-m", "--model", required=True, help="model id or alias")
    parent.add_argument("prompt", type=text_argument, help="the prompt; - reads it from stdin")
    parent.add_argument("--max-tokens", type=int, help="the most tokens to generate")
    parent.add_argument("--temperature", type=float, help="sampling temperature")
    parent.add_argument(
        "--no-stream", dest="stream", action="store_false", help="wait for the whole answer"
    )
    return parent


def _chat(client: Gatewise, args: argparse.Namespace) -> None:
    messages: list[ChatMessage] = [{"role": "user", "content": args.prompt}]
    if args.system is not None:
        messages.insert(0, {"role": "system", "content": args.system})
    answer = client.chat.completions.create(
        model=args.model,
        messages=messages,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        stream=args.stream,
    )
    _show(answer, args.json)


def _complete(client: Gatewise, args: argparse.Namespace) -> None:
    answer = client.completions.create(
        model=args.model,
        prompt=args.prompt,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        stream=args.stream,
    )
    _show(answer, args.json)


def _show(answer: ChatCompletion | Completion | Stream[Any], as_json: bool) -> None:
    if isinstance(answer, Stream):
        _show_stream(answer, as_json)
    elif as_json:
        print_json(answer)
    elif isinstance(answer, ChatCompletion):
        print(answer.content or "")
    else:
        print(answer.choices[0].text if answer.choices else "")


def _show_stream(stream: Stream[Any], as_json: bool) -> None:
    # The stream is closed however this ends, Ctrl-C included.
    with stream:
        if as_json:
            print_json(stream.collect())
            return
        wrote = False
        try:
            for text in stream.text_stream:
                sys.stdout.write(text)
                sys.stdout.flush()
                wrote = True
        finally:
            # Even an interrupted reply ends its line, so the shell prompt starts on its own.
            if wrote:
                sys.stdout.write("\n")
