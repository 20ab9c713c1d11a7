"""Header hygiene: attribution tags to `X-Attr-<Tag>` headers, and no header injection.

Everything a caller can put into a header is checked here before anything is sent,
so a CR/LF smuggled through a tag value raises ValueError instead of reaching the wire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TAG = re.compile(r"[A-Za-z0-9_-]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FORBIDDEN_IN_VALUE = ("\r", "\n", "\x00")


def check_header_value(name: str, value: object) -> str:
    """The value, if it is a str that cannot end the header line; else TypeError/ValueError."""
    if not isinstance(value, str):
        raise TypeError(f"header {name!r}: value must be str, got {type(value).__name__}")
    if any(bad in value for bad in _FORBIDDEN_IN_VALUE):
        raise ValueError(f"header {name!r}: value must not contain CR, LF or NUL")
    if not value.isascii():
        raise ValueError(f"header {name!r}: value must be ASCII")
    return value


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Caller-supplied headers (default_headers, extra_headers), each name and value checked."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"invalid header name {name!r}")
        checked[name] = check_header_value(name, value)
    return checked


def attribution_header_name(tag: str) -> str:
    """`cost_center` -> `X-Attr-Cost-Center`; a tag outside [A-Za-z0-9_-]+ raises ValueError."""
    if not isinstance(tag, str) or not _TAG.fullmatch(tag):
        raise ValueError(f"attribution tag {tag!r} must match [A-Za-z0-9_-]+")
    words = [word for word in re.split(r"[_-]", tag) if word]
    if not words:
        raise ValueError(f"attribution tag {tag!r} needs a letter or digit")
    return "X-Attr-" + "-".join(word[:1].upper() + word[1:] for word in words)


def attribution_headers(tags: Mapping[str, str] | None) -> dict[str, str]:
    """The headers for a set of attribution tags."""
    if not tags:
        return {}
    if not isinstance(tags, Mapping):
        raise TypeError(f"attribution must be a mapping of tag -> value, got {type(tags).__name__}")
    headers: dict[str, str] = {}
    for tag, value in tags.items():
        name = attribution_header_name(tag)
        headers[name] = check_header_value(name, value)
    return headers
