"""Attribution tags become X-Attr-<Tag> headers; nothing a caller passes can inject a header."""

from __future__ import annotations

import pytest

from gatewise._headers import attribution_header_name, attribution_headers, check_headers


@pytest.mark.parametrize(
    ("tag", "header"),
    [
        ("team", "X-Attr-Team"),
        ("cost_center", "X-Attr-Cost-Center"),
        ("feature-flag", "X-Attr-Feature-Flag"),
        ("v2", "X-Attr-V2"),
    ],
)
def test_tag_names_become_header_names(tag: str, header: str) -> None:
    assert attribution_header_name(tag) == header


@pytest.mark.parametrize("tag", ["", "team name", "team:x", "tëam", "a\r\nb", "__"])
def test_tags_outside_the_allowed_alphabet_raise(tag: str) -> None:
    with pytest.raises(ValueError, match="attribution tag"):
        attribution_headers({tag: "x"})


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00b"])
def test_values_that_would_inject_a_header_raise(value: str) -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        attribution_headers({"team": value})


def test_non_string_values_raise_type_error() -> None:
    with pytest.raises(TypeError, match="must be str"):
        attribution_headers({"team": 3})  # type: ignore[dict-item]


def test_extra_header_names_and_values_are_checked() -> None:
    assert check_headers({"X-Ok": "fine"}) == {"X-Ok": "fine"}
    with pytest.raises(ValueError, match="invalid header name"):
        check_headers({"X-Bad: 1\r\nX": "v"})
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        check_headers({"X-Ok": "v\r\nX-Evil: 1"})
