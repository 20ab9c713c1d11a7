"""Timestamps of the admin API: RFC 3339 date-times, what the spec's `format: date-time` means.

Admin objects carry `...Z` date-times. Bodies (expires_at) and query filters (since=,
before=) must send a full date-time with its time zone (`Z` or `+hh:mm`): a bare date, a
naive time or "" is a 422, as it would be on a real gateway, never a guess.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ._errors import MockError

# RFC 3339 `date-time`: full-date "T" partial-time time-offset ("T" and "Z" in either case).
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_FRACTION = re.compile(r"\.\d+")

EXAMPLE = "2027-01-01T00:00:00Z"


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """`2024-01-01T00:00:00.000Z`, or None."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_date_time(text: str) -> datetime | None:
    """The moment an RFC 3339 date-time names; None when `text` is not one."""
    if _DATE_TIME.fullmatch(text) is None:
        return None
    value = text[:-1] + "+00:00" if text[-1] in "Zz" else text
    # Python 3.10's fromisoformat takes only 3 or 6 fraction digits: pad (or cut) to 6.
    value = _FRACTION.sub(lambda m: m.group(0).ljust(7, "0")[:7], value)
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # well formed, but no such moment (month 13, hour 25, ...)
        return None


def parse(text: str, field: str) -> datetime:
    """An RFC 3339 date-time; a 422 naming `field` when it is not one."""
    moment = parse_date_time(text)
    if moment is None:
        raise MockError(
            422, f"{field}: not an RFC 3339 date-time with a time zone (e.g. {EXAMPLE}): {text!r}"
        )
    return moment
