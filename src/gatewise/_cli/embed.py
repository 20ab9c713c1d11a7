"""`gatewise embed`: the embedding vectors of one or more texts."""

from __future__ import annotations

import argparse
from typing import Any

from gatewise import Gatewise

from .common import text_argument
from .output import print_json, print_table

_PREVIEW = 4


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    embed = commands.add_parser(
        "embed",
        parents=parents,
        help="embed texts, print the vectors",
        description="Embed one or more texts; the table shows each vector's first values, "
        "--json the whole vectors.",
    )
    embed.add_argument("-m", "--model", required=True, help="embedding model id or alias")
    embed.add_argument(
        "input", nargs="+", type=text_argument, help="texts to embed; - reads one from stdin"
    )
    embed.add_argument("--dimensions", type=int, help="vector length, for models that allow it")
    embed.set_defaults(handler=_embed)


def _embed(client: Gatewise, args: argparse.Namespace) -> None:
    answer = client.embeddings.create(
        model=args.model, input=args.input, dimensions=args.dimensions
    )
    if args.json:
        print_json(answer)
        return
    print_table(
        ["index", "dimensions", "vector"],
        ([item.index, len(item.embedding), _preview(item.embedding)] for item in answer.data),
    )


def _preview(vector: list[float]) -> str:
    shown = " ".join(f"{value:.4f}" for value in vector[:_PREVIEW])
    return f"{shown} ..." if len(vector) > _PREVIEW else shown
