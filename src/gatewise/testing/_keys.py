"""API keys: creation, authentication, scopes, rotation, and per-key usage.

Keys created through the admin API authenticate gateway calls at once; revoked,
deactivated and expired keys get 401, a missing scope 403 ("admin" implies all).
Not thread-safe on its own: State's lock guards it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import _clock
from ._errors import MockError
from ._validation import SCOPES

DEFAULT_SCOPES = tuple(scope for scope in SCOPES if scope != "admin")

# `sort=` of the usage report: accepted names -> the usage row's field.
_USAGE_SORTS: dict[str, str] = {
    "usage": "requests",
    "requests": "requests",
    "tokens": "tokens",
    "cost": "cost_usd",
    "cost_usd": "cost_usd",
    "last_used": "last_used_at",
    "last_used_at": "last_used_at",
    "name": "name",
    "created": "created_at",
    "created_at": "created_at",
}


@dataclass
class KeyRecord:
    """One API key; `secret` is what clients send as the bearer token."""

    id: str
    name: str
    secret: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None = None
    active: bool = True
    revoked: bool = False
    last_used_at: datetime | None = None
    usage: list[tuple[datetime, int, float]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return self.secret[:11]

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes

    def public(self) -> dict[str, Any]:
        """The APIKey object (never the secret)."""
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "scopes": list(self.scopes),
            "active": self.active and not self.revoked,
            "created_at": _clock.iso(self.created_at),
            "expires_at": _clock.iso(self.expires_at),
            "last_used_at": _clock.iso(self.last_used_at),
        }

    def with_secret(self) -> dict[str, Any]:
        """The CreatedAPIKey object: the APIKey and, this once, the secret."""
        return {**self.public(), "key": self.secret}


def new_secret() -> str:
    return "gw-" + secrets.token_hex(20)


class KeyStore:
    """Every key of one gateway, by id and by secret."""

    def __init__(self, admin_secret: str) -> None:
        self._keys: dict[str, KeyRecord] = {}
        self._by_secret: dict[str, str] = {}
        self._counter = 0
        admin = KeyRecord("key_admin", "admin", admin_secret, ["admin"], _clock.now())
        self._store(admin)

    def _store(self, record: KeyRecord) -> None:
        self._keys[record.id] = record
        self._by_secret[record.secret] = record.id

    def create(self, name: str, scopes: list[str] | None, expires_at: str | None) -> KeyRecord:
        self._counter += 1
        record = KeyRecord(
            id=f"key_{self._counter:06d}",
            name=name,
            secret=new_secret(),
            scopes=list(dict.fromkeys(scopes)) if scopes is not None else list(DEFAULT_SCOPES),
            created_at=_clock.now(),
            expires_at=_clock.parse(expires_at, "expires_at") if expires_at is not None else None,
        )
        self._store(record)
        return record

    def get(self, key_id: str) -> KeyRecord:
        record = self._keys.get(key_id)
        if record is None:
            raise MockError(404, f"No API key with id {key_id!r}.", code="key_not_found")
        return record

    def update(self, key_id: str, changes: dict[str, Any]) -> KeyRecord:
        record = self.get(key_id)
        if "expires_at" in changes:
            value = changes["expires_at"]
            record.expires_at = _clock.parse(value, "expires_at") if value is not None else None
        if "name" in changes:
            record.name = changes["name"]
        if "scopes" in changes:
            record.scopes = list(dict.fromkeys(changes["scopes"]))
        if "active" in changes:
            record.active = changes["active"]
        return record

    def delete(self, key_id: str) -> None:
        record = self.get(key_id)
        del self._keys[key_id]
        self._by_secret.pop(record.secret, None)

    def revoke(self, key_id: str) -> None:
        record = self.get(key_id)
        record.revoked = True
        record.active = False

    def rotate(self, key_id: str) -> KeyRecord:
        record = self.get(key_id)
        # The old secret stops working at once: it leaves the index before the answer.
        self._by_secret.pop(record.secret, None)
        record.secret = new_secret()
        self._by_secret[record.secret] = record.id
        return record

    def authenticate(self, secret: str | None, scope: str) -> KeyRecord:
        """The key behind a bearer token, allowed `scope`; else 401 / 403."""
        if not secret:
            raise MockError(
                401, "Missing API key: send 'Authorization: Bearer <key>'.", code="missing_api_key"
            )
        key_id = self._by_secret.get(secret)
        record = self._keys.get(key_id) if key_id is not None else None
        if record is None:
            raise MockError(401, "Invalid API key.", code="invalid_api_key")
        if record.revoked:
            raise MockError(401, "This API key has been revoked.", code="key_revoked")
        if not record.active:
            raise MockError(401, "This API key is deactivated.", code="key_inactive")
        if record.expires_at is not None and record.expires_at <= _clock.now():
            raise MockError(401, "This API key has expired.", code="key_expired")
        record.last_used_at = _clock.now()
        if not record.allows(scope):
            raise MockError(
                403,
                f"This API key lacks the {scope!r} scope.",
                code="insufficient_scope",
                details={"required_scope": scope, "scopes": list(record.scopes)},
            )
        return record

    def page(self, limit: int, offset: int, active: bool | None) -> dict[str, Any]:
        """An APIKeyPage, newest key first."""
        records = [
            r
            for r in reversed(self._keys.values())
            if active is None or r.public()["active"] == active
        ]
        chosen = records[offset : offset + limit]
        return {
            "object": "list",
            "data": [r.public() for r in chosen],
            "has_more": offset + len(chosen) < len(records),
            "total": len(records),
        }

    def record_usage(self, key_id: str, tokens: int, cost: float) -> None:
        record = self._keys.get(key_id)
        if record is not None:
            record.usage.append((_clock.now(), tokens, cost))

    def request_count(self, key_id: str) -> int:
        record = self._keys.get(key_id)
        return len(record.usage) if record is not None else 0

    def usage_page(
        self, limit: int, offset: int, sort: str, active: bool | None, since: datetime | None
    ) -> dict[str, Any]:
        """A KeyUsagePage sorted by `sort`: requests (default), tokens, cost_usd, last_used_at,
        name, created_at; descending unless prefixed with "+"."""
        # A literal "+" in a query string decodes as a space.
        ascending = sort.startswith(("+", " "))
        name = sort.strip().lstrip("+-")
        if name not in _USAGE_SORTS:
            allowed = ", ".join(sorted(_USAGE_SORTS))
            raise MockError(
                422, f"sort: must be one of {allowed}, optionally prefixed with '+' or '-'"
            )
        field_name = _USAGE_SORTS[name]
        rows = []
        for record in self._keys.values():
            public = record.public()
            if active is not None and public["active"] != active:
                continue
            events = [e for e in record.usage if since is None or e[0] >= since]
            rows.append(
                {
                    "key_id": record.id,
                    "name": record.name,
                    "prefix": record.prefix,
                    "active": public["active"],
                    "requests": len(events),
                    "tokens": sum(e[1] for e in events),
                    "cost_usd": round(sum(e[2] for e in events), 10),
                    "last_used_at": public["last_used_at"],
                    "created_at": public["created_at"],
                }
            )

        def sort_key(row: dict[str, Any]) -> tuple[bool, Any]:
            value = row[field_name]
            return (value is not None, value if value is not None else "")

        rows.sort(key=lambda row: row["key_id"])
        rows.sort(key=sort_key, reverse=not ascending)
        chosen = rows[offset : offset + limit]
        for row in chosen:
            del row["created_at"]
        return {
            "object": "list",
            "data": chosen,
            "has_more": offset + len(chosen) < len(rows),
            "total": len(rows),
        }
