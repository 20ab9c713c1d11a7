"""Timestamps of the admin API: ISO 8601 strings in UTC, parsed leniently.

Admin objects carry `...Z` date-times; query filters (since=, before=) accept any
ISO 8601 form, a trailing Z included, and naive times count as UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ._errors import MockError

_FRACTION = re.compile(r"\.\d+")


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """`2024-01-01T00:00:00.000Z`, or None."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse(text: str, field: str) -> datetime:
    """An ISO 8601 date-time; a 422 naming `field` when it is not one."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    # Python 3.10's fromisoformat takes only 3 or 6 fraction digits: pad to 6.
    value = _FRACTION.sub(lambda m: m.group(0).ljust(7, "0")[:7], value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MockError(422, f"{field}: not an ISO 8601 date-time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment
