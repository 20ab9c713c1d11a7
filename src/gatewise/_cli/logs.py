"""`gatewise logs stats`: request totals, grouped by provider, model or attribution tag."""

from __future__ import annotations

import argparse
from typing import Any

from gatewise import Gatewise

from .common import action_group
from .output import print_json, print_record, print_table


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    actions = action_group(
        commands, "logs", "request log statistics (admin)", "The gateway's request logs."
    )
    stats = actions.add_parser(
        "stats",
        parents=parents,
        help="totals of requests, tokens, cost and errors",
        description="Totals of the logged requests, one row per group.",
    )
    stats.add_argument(
        "--group-by",
        help="comma-separated dimensions: provider, model, stage, ... or attr.<tag>",
    )
    stats.add_argument("--since", help="only requests from this ISO 8601 time on")
    stats.add_argument("--limit", type=int, help="at most this many groups")
    stats.set_defaults(handler=_stats)


def _stats(client: Gatewise, args: argparse.Namespace) -> None:
    stats = client.admin.logs.stats(group_by=args.group_by, since=args.since, limit=args.limit)
    if args.json:
        print_json(stats)
        return
    print_record(
        {
            "requests": stats.total_requests,
            "tokens": stats.total_tokens,
            "cost_usd": stats.total_cost_usd,
            "error_rate": stats.error_rate,
        }
    )
    dimensions = stats.group_by or sorted({name for g in stats.groups for name in g.key})
    print()
    print_table(
        [*dimensions, "requests", "tokens", "cost_usd", "errors", "avg_latency_ms"],
        (
            [
                *(g.key.get(name) for name in dimensions),
                g.requests,
                g.tokens,
                g.cost_usd,
                g.errors,
                g.avg_latency_ms,
            ]
            for g in stats.groups
        ),
    )
