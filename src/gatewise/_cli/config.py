"""`gatewise config get|history|rollback`: the gateway's versioned configuration."""

from __future__ import annotations

import argparse
import json
from typing import Any

from gatewise import GatewayConfig, Gatewise

from .common import action_group
from .output import cell, print_json, print_table


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    actions = action_group(
        commands,
        "config",
        "show and roll back the gateway configuration (admin)",
        "The gateway's configuration; every change makes a new version.",
    )
    get = actions.add_parser("get", parents=parents, help="show the current configuration")
    get.set_defaults(handler=_get)
    history = actions.add_parser("history", parents=parents, help="list every version")
    history.set_defaults(handler=_history)
    rollback = actions.add_parser(
        "rollback", parents=parents, help="make a new version equal to an earlier one"
    )
    rollback.add_argument("version", type=int, help="the earlier version number")
    rollback.set_defaults(handler=_rollback)


def _get(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.admin.config.get(), args.json)


def _history(client: Gatewise, args: argparse.Namespace) -> None:
    entries = client.admin.config.history()
    if args.json:
        print_json(entries)
        return
    print_table(
        ["version", "action", "created", "config"],
        ([e.version, e.action, e.created_at, e.config] for e in entries),
    )


def _rollback(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.admin.config.rollback(version=args.version), args.json)


def _show(config: GatewayConfig, as_json: bool) -> None:
    if as_json:
        print_json(config)
        return
    print(f"version {config.version} (updated {cell(config.updated_at)})")
    print(json.dumps(config.config, indent=2, ensure_ascii=False))
