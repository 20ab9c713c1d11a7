"""Request logs, recorded from the gateway calls the mock actually served.

One entry per model call (chat, completions, embeddings, images, videos, the
Anthropic passthrough), newest first in listings. `stage` says where the call
ended: "auth", "validation", "cache" or "provider". Stats group by any dimension
(provider, model, stage, status_code, key_id, method, path, cache_hit, attr.<tag>).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import _clock
from ._errors import MockError

_DIMENSIONS = ("provider", "model", "stage", "status_code", "key_id", "method", "path", "cache_hit")


@dataclass
class LogEntry:
    """One logged call."""

    id: str
    timestamp: datetime
    stage: str
    method: str
    path: str
    provider: str | None
    model: str | None
    status_code: int
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cache_hit: bool
    key_id: str | None
    trace_id: str | None
    attribution: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def public(self) -> dict[str, Any]:
        """The LogEntry object."""
        return {
            "id": self.id,
            "timestamp": _clock.iso(self.timestamp),
            "stage": self.stage,
            "method": self.method,
            "path": self.path,
            "provider": self.provider,
            "model": self.model,
            "status_code": self.status_code,
            "latency_ms": self.latency_ms,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": self.cost_usd,
            "cache_hit": self.cache_hit,
            "key_id": self.key_id,
            "trace_id": self.trace_id,
            "attribution": dict(self.attribution),
            "error": self.error,
        }

    def dimension(self, name: str) -> str:
        if name.startswith("attr."):
            return self.attribution.get(name[5:], "")
        value = getattr(self, name)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


def _model_matches(entry_model: str | None, wanted: str) -> bool:
    if entry_model is None:
        return False
    return entry_model == wanted or entry_model.split("/", 1)[-1] == wanted


class LogStore:
    """Every log entry, oldest first in memory; State's lock guards it."""

    def __init__(self) -> None:
        self._entries: list[LogEntry] = []
        self._counter = 0

    def add(self, **fields: Any) -> LogEntry:
        self._counter += 1
        entry = LogEntry(id=f"log_{self._counter:08d}", timestamp=_clock.now(), **fields)
        self._entries.append(entry)
        return entry

    def select(
        self,
        *,
        stage: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        since: datetime | None = None,
    ) -> list[LogEntry]:
        """Matching entries, newest first."""
        return [
            e
            for e in reversed(self._entries)
            if (stage is None or e.stage == stage)
            and (provider is None or e.provider == provider)
            and (model is None or _model_matches(e.model, model))
            and (since is None or e.timestamp >= since)
        ]

    def page(self, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
        """A LogPage."""
        entries = self.select(**filters)
        chosen = entries[offset : offset + limit]
        return {
            "object": "list",
            "data": [e.public() for e in chosen],
            "has_more": offset + len(chosen) < len(entries),
            "total": len(entries),
        }

    def stats(self, since: datetime | None, limit: int, group_by: list[str]) -> dict[str, Any]:
        """LogStats over the entries since `since`, grouped by the `group_by` dimensions."""
        for name in group_by:
            if name not in _DIMENSIONS and not (name.startswith("attr.") and len(name) > 5):
                allowed = ", ".join(_DIMENSIONS)
                raise MockError(
                    422, f"group_by: unknown dimension {name!r} (use {allowed} or attr.<tag>)"
                )
        entries = self.select(since=since)
        groups: dict[tuple[str, ...], list[LogEntry]] = {}
        for entry in entries:
            groups.setdefault(tuple(entry.dimension(n) for n in group_by), []).append(entry)
        rows = [
            {"key": dict(zip(group_by, key, strict=True)), **_totals(members)}
            for key, members in groups.items()
        ]
        rows.sort(key=lambda row: (-row["requests"], sorted(row["key"].items())))
        totals = _totals(entries)
        return {
            "total_requests": totals["requests"],
            "total_tokens": totals["tokens"],
            "total_cost_usd": totals["cost_usd"],
            "error_rate": (totals["errors"] / totals["requests"]) if entries else 0.0,
            "group_by": list(group_by),
            "groups": rows[:limit],
        }

    def delete(self, before: datetime | None, stage: str | None) -> int:
        """Remove matching entries; returns how many went."""
        keep = [
            e
            for e in self._entries
            if not (
                (before is None or e.timestamp < before) and (stage is None or e.stage == stage)
            )
        ]
        removed = len(self._entries) - len(keep)
        self._entries = keep
        return removed


def _totals(entries: list[LogEntry]) -> dict[str, Any]:
    requests = len(entries)
    latency = sum(e.latency_ms for e in entries)
    return {
        "requests": requests,
        "tokens": sum(e.prompt_tokens + e.completion_tokens for e in entries),
        "cost_usd": round(sum(e.cost_usd for e in entries), 10),
        "errors": sum(1 for e in entries if e.status_code >= 400),
        "avg_latency_ms": round(latency / requests, 3) if requests else 0.0,
    }
