"""`gatewise models list|search|get`: the gateway's model catalogue."""

from __future__ import annotations

import argparse
from typing import Any

from gatewise import Gatewise, ModelInfo

from .common import action_group
from .output import print_json, print_record, print_table


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    actions = action_group(
        commands, "models", "list, search and show models", "The model catalogue."
    )
    listing = actions.add_parser("list", parents=parents, help="list the models")
    listing.add_argument("--provider", help="only this provider's models")
    listing.add_argument("--capability", help="only models with this capability, e.g. chat")
    listing.set_defaults(handler=_list)
    search = actions.add_parser("search", parents=parents, help="find models by id or provider")
    search.add_argument("query", help="text to look for (case-insensitive)")
    search.set_defaults(handler=_search)
    get = actions.add_parser("get", parents=parents, help="show one model")
    get.add_argument("model_id", help="the model's id, e.g. openai/gpt-4o")
    get.set_defaults(handler=_get)


def _list(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.models.list(provider=args.provider, capability=args.capability), args.json)


def _search(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.models.search(args.query), args.json)


def _get(client: Gatewise, args: argparse.Namespace) -> None:
    model = client.models.retrieve(args.model_id)
    if args.json:
        print_json(model)
    else:
        print_record(dict(model))


def _show(models: list[ModelInfo], as_json: bool) -> None:
    if as_json:
        print_json(models)
        return
    print_table(
        ["id", "provider", "context", "status", "capabilities"],
        ([m.id, m.provider, m.context_window, m.status, m.capabilities] for m in models),
    )
