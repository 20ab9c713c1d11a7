"""Header hygiene: attribution tags to `X-Attr-<Tag>` headers, no header injection, and
secrets that do not show.

Everything a caller can put into a header is checked here, once, before anything is sent,
so a bad name or value raises ValueError naming the header instead of failing on the wire
(or being retried as a connection error). Credentials are held as `Secret`, whose repr and
str hide the value, so that a traceback formatted with locals shows no key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NoReturn, TypeVar

T = TypeVar("T")

_TAG = re.compile(r"[A-Za-z0-9_-]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# RFC 9110 field-value, ASCII only: visible characters, inner spaces or tabs, no edge spaces.
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# Written by the HTTP layer from the request itself (framing, target, connection); a
# caller's value would contradict it and corrupt the request.
RESERVED_HEADERS = frozenset(
    {
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
    }
)
# Values of these are credentials: held as Secret.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key"})


class Secret:
    """A credential: `reveal()` gives the value; repr, str and pickle never do."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


HeaderValue = str | Secret


def merge_headers(headers: dict[str, HeaderValue], layer: Mapping[str, HeaderValue]) -> None:
    """Add `layer` to `headers`; a name already there in any case is replaced, not repeated
    (header names are case-insensitive: `authorization` must not add a second one)."""
    names = {name.lower() for name in layer}
    for name in [name for name in headers if name.lower() in names]:
        del headers[name]
    headers.update(layer)


def default_header(headers: dict[str, HeaderValue], name: str, value: HeaderValue) -> None:
    """Set header `name` unless the caller set it already, in any case (theirs wins)."""
    if not any(existing.lower() == name.lower() for existing in headers):
        headers[name] = value


def wire_headers(headers: Mapping[str, HeaderValue]) -> dict[str, str]:
    """The headers as sent, secrets revealed (only ever passed straight to httpx)."""
    return {
        name: value.reveal() if isinstance(value, Secret) else value
        for name, value in headers.items()
    }


def is_header_value(value: str) -> bool:
    """Whether `value` can be sent as a header value as is."""
    return _HEADER_VALUE.fullmatch(value) is not None


def check_header_value(name: str, value: object) -> str:
    """The value, if it is a str that is a valid header value; else TypeError/ValueError.

    The message names the header but never shows the value (it may be a credential)."""
    if not isinstance(value, str):
        raise TypeError(f"header {name!r}: value must be str, got {type(value).__name__}")
    if is_header_value(value):
        return value
    if _CONTROL.search(value):
        raise ValueError(f"header {name!r}: value must not contain CR, LF, NUL or other controls")
    if not value.isascii():
        raise ValueError(f"header {name!r}: value must be ASCII")
    raise ValueError(f"header {name!r}: value must not start or end with whitespace")


def check_mapping(what: str, value: T) -> T:
    """`value`, if it is a mapping (a str or a list of pairs is a TypeError, before sending)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a mapping, got {type(value).__name__}")
    return value


def check_headers(headers: Mapping[str, HeaderValue], what: str) -> dict[str, HeaderValue]:
    """Caller-supplied headers (`what`: default_headers, extra_headers), each name and value
    checked; credentials come back as Secret."""
    checked: dict[str, HeaderValue] = {}
    for name, value in check_mapping(what, headers).items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"{what}: invalid header name {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"{what}: header {name!r} is written by the HTTP layer, not settable")
        shown = value.reveal() if isinstance(value, Secret) else value
        text = check_header_value(name, shown)
        checked[name] = Secret(text) if name.lower() in SENSITIVE_HEADERS else text
    return checked


def check_hook_headers(sent: list[tuple[str, str]], changed: list[tuple[str, str]]) -> None:
    """The headers a hook added or changed (`sent` before it, `changed` after), checked like
    a caller's own (ValueError); the ones the HTTP layer writes must stay as they were."""
    before = set(sent)
    for name, value in changed:
        if (name, value) in before:
            continue
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"invalid header name {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"header {name!r} is written by the HTTP layer, not settable")
        check_header_value(name, value)
    if {item for item in before if item[0].lower() in RESERVED_HEADERS} - set(changed):
        raise ValueError("a header written by the HTTP layer was removed")


def attribution_header_name(tag: str) -> str:
    """`cost_center` -> `X-Attr-Cost-Center`; a tag outside [A-Za-z0-9_-]+ raises ValueError."""
    if not isinstance(tag, str) or not _TAG.fullmatch(tag):
        raise ValueError(f"attribution tag {tag!r} must match [A-Za-z0-9_-]+")
    words = [word for word in re.split(r"[_-]", tag) if word]
    if not words:
        raise ValueError(f"attribution tag {tag!r} needs a letter or digit")
    return "X-Attr-" + "-".join(word[:1].upper() + word[1:] for word in words)


def attribution_headers(tags: Mapping[str, str] | None, what: str) -> dict[str, str]:
    """The headers for a set of attribution tags (`what`: attribution, default_attribution)."""
    if tags is None:
        return {}
    headers: dict[str, str] = {}
    for tag, value in check_mapping(what, tags).items():
        name = attribution_header_name(tag)
        headers[name] = check_header_value(name, value)
    return headers
