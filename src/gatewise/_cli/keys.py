"""`gatewise keys list|create|rotate|revoke`: the gateway's API keys.

`create` and `rotate` print the new secret: the one time the gateway shows it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gatewise import APIKey, CreatedAPIKey, Gatewise

from .common import action_group
from .output import print_json, print_record, print_table


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    actions = action_group(commands, "keys", "manage API keys (admin)", "The gateway's API keys.")
    listing = actions.add_parser("list", parents=parents, help="list every key (no secrets)")
    listing.set_defaults(handler=_list)
    create = actions.add_parser("create", parents=parents, help="create a key, print its secret")
    create.add_argument("name", help="a label for the key")
    create.add_argument(
        "--scope",
        dest="scopes",
        metavar="SCOPE",
        action="append",
        help="what the key may call (repeatable: chat, models, ..., admin); default all but admin",
    )
    create.add_argument("--expires-at", help="ISO 8601 time when the key stops working")
    create.set_defaults(handler=_create)
    rotate = actions.add_parser(
        "rotate", parents=parents, help="issue a new secret (the old one stops at once)"
    )
    rotate.add_argument("key_id", help="the key's id")
    rotate.set_defaults(handler=_rotate)
    revoke = actions.add_parser("revoke", parents=parents, help="deactivate a key")
    revoke.add_argument("key_id", help="the key's id")
    revoke.set_defaults(handler=_revoke)


def _list(client: Gatewise, args: argparse.Namespace) -> None:
    keys = list(client.admin.keys.iter())
    if args.json:
        print_json(keys)
        return
    print_table(
        ["id", "name", "prefix", "active", "created", "expires", "last used", "scopes"],
        (
            [k.id, k.name, k.prefix, k.active, k.created_at, k.expires_at, k.last_used_at, k.scopes]
            for k in keys
        ),
    )


def _create(client: Gatewise, args: argparse.Namespace) -> None:
    _show(
        client.admin.keys.create(name=args.name, scopes=args.scopes, expires_at=args.expires_at),
        args.json,
    )


def _rotate(client: Gatewise, args: argparse.Namespace) -> None:
    _show(client.admin.keys.rotate(args.key_id), args.json)


def _revoke(client: Gatewise, args: argparse.Namespace) -> None:
    client.admin.keys.revoke(args.key_id)
    # Revoking answers nothing; the key as it now stands (active: no) confirms it.
    _show(client.admin.keys.retrieve(args.key_id), args.json)


def _show(key: APIKey, as_json: bool) -> None:
    if as_json:
        print_json(key)
        return
    print_record(dict(key))
    if isinstance(key, CreatedAPIKey):
        print("store the secret (key) now: it is not shown again", file=sys.stderr)
