"""Attribution tags become X-Attr-<Tag> headers; nothing a caller passes can inject a header,
set one the HTTP layer owns, or show a credential."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gatewise._headers import (
    RESERVED_HEADERS,
    Secret,
    attribution_header_name,
    attribution_headers,
    check_headers,
    wire_headers,
)


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
        attribution_headers({tag: "x"}, "attribution")


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00b", "a\x0bb", "\x7f"])
def test_values_with_control_characters_raise(value: str) -> None:
    with pytest.raises(ValueError, match="'X-Attr-Team': value must not contain CR, LF, NUL"):
        attribution_headers({"team": value}, "attribution")


@pytest.mark.parametrize("value", ["a ", " a", "a\t", "\t"])
def test_values_with_edge_whitespace_raise(value: str) -> None:
    with pytest.raises(ValueError, match="'X-A': value must not start or end with whitespace"):
        check_headers({"X-A": value}, "extra_headers")


def test_inner_whitespace_and_empty_values_are_valid() -> None:
    assert check_headers({"X-A": "a b\tc", "X-B": ""}, "extra_headers") == {
        "X-A": "a b\tc",
        "X-B": "",
    }


def test_non_string_values_raise_type_error() -> None:
    with pytest.raises(TypeError, match="must be str"):
        attribution_headers({"team": 3}, "attribution")  # type: ignore[dict-item]


@pytest.mark.parametrize("not_a_mapping", ["x", [("X-A", "1")], 3])
def test_header_arguments_that_are_not_mappings_raise_type_error(not_a_mapping: object) -> None:
    with pytest.raises(TypeError, match="extra_headers must be a mapping, got"):
        check_headers(not_a_mapping, "extra_headers")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="attribution must be a mapping, got"):
        attribution_headers(not_a_mapping, "attribution")  # type: ignore[arg-type]


def test_extra_header_names_and_values_are_checked() -> None:
    assert check_headers({"X-Ok": "fine"}, "extra_headers") == {"X-Ok": "fine"}
    with pytest.raises(ValueError, match="invalid header name"):
        check_headers({"X-Bad: 1\r\nX": "v"}, "extra_headers")
    with pytest.raises(ValueError, match="CR, LF"):
        check_headers({"X-Ok": "v\r\nX-Evil: 1"}, "extra_headers")


@pytest.mark.parametrize(
    "name", ["Content-Length", "transfer-encoding", "Host", "Connection", "Upgrade", "TE"]
)
def test_headers_the_http_layer_writes_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"default_headers: header '{name}' is written by"):
        check_headers({name: "0"}, "default_headers")


def test_credentials_are_held_as_secrets_that_never_show() -> None:
    checked = check_headers({"Authorization": "Bearer sk-mine", "x-api-key": "k2"}, "h")
    assert all(isinstance(value, Secret) for value in checked.values())
    assert "sk-mine" not in repr(checked)
    assert "sk-mine" not in str(checked)
    assert "k2" not in f"{checked}"
    assert wire_headers(checked) == {"Authorization": "Bearer sk-mine", "x-api-key": "k2"}


def test_a_secret_passed_again_stays_a_secret() -> None:
    once = check_headers({"Authorization": "Bearer sk-mine"}, "default_headers")
    again = check_headers(once, "default_headers")
    assert isinstance(again["Authorization"], Secret)
    assert wire_headers(again) == {"Authorization": "Bearer sk-mine"}


def test_the_readme_names_exactly_the_reserved_headers() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    paragraph = readme.partition("The HTTP layer writes ")[2].partition("itself")[0]
    named = {name.lower() for name in re.findall(r"`([A-Za-z-]+)`", paragraph)}
    assert named == RESERVED_HEADERS
