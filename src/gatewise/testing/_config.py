"""The gateway configuration, versioned: every write is a new version in the history.

create replaces the config, update deep-merges into it (RFC 7386: a null removes a
key), delete resets it to {}, rollback(v) writes a new version equal to version v.
The mock honours `cache.enabled` and `quota.requests_per_key`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from . import _clock
from ._errors import MockError

DEFAULT_CONFIG: dict[str, Any] = {
    "routing": {"strategy": "priority"},
    "cache": {"enabled": True, "ttl_seconds": 3600},
}


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """`base` updated by `patch`, recursively for objects; None values delete keys."""
    merged = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class ConfigStore:
    """The current config and its history; State's lock guards it."""

    def __init__(self, initial: Mapping[str, Any] | None = None) -> None:
        self._history: list[tuple[int, dict[str, Any], datetime, str]] = []
        self._write(copy.deepcopy(dict(DEFAULT_CONFIG if initial is None else initial)), "create")

    def _write(self, config: dict[str, Any], action: str) -> dict[str, Any]:
        version = len(self._history) + 1
        self._history.append((version, config, _clock.now(), action))
        return self.current()

    @property
    def config(self) -> dict[str, Any]:
        return self._history[-1][1]

    def current(self) -> dict[str, Any]:
        """The GatewayConfig object."""
        version, config, when, _ = self._history[-1]
        return {"version": version, "config": copy.deepcopy(config), "updated_at": _clock.iso(when)}

    def create(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return self._write(copy.deepcopy(dict(config)), "create")

    def update(self, patch: Mapping[str, Any]) -> dict[str, Any]:
        return self._write(deep_merge(self.config, patch), "update")

    def delete(self) -> dict[str, Any]:
        return self._write({}, "delete")

    def rollback(self, version: int) -> dict[str, Any]:
        for number, config, _, _ in self._history:
            if number == version:
                return self._write(copy.deepcopy(config), "rollback")
        raise MockError(404, f"No config version {version}.", code="config_version_not_found")

    def history(self) -> list[dict[str, Any]]:
        """ConfigHistoryEntry objects, oldest first."""
        return [
            {"version": v, "config": copy.deepcopy(c), "created_at": _clock.iso(t), "action": a}
            for v, c, t, a in self._history
        ]

    def setting(self, *path: str) -> Any:
        """A nested value of the current config, or None."""
        node: Any = self.config
        for part in path:
            if not isinstance(node, Mapping):
                return None
            node = node.get(part)
        return node
