"""Compares two extracted APIs: what was removed or changed (breaking), what was added.

Our rules, stricter than griffe's own: a removed keyword parameter breaks its callers even
when the function takes `**options`, and a removed Literal value breaks the code that
passes or matches it. A changed type or default breaks too: a text comparison cannot tell a
widened type from a narrowed one, and a new default silently changes what a call does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .extract import Api, Entry


@dataclass(frozen=True, order=True)
class Change:
    """One difference, at a public path."""

    path: str
    breaking: bool
    what: str


def compare(old: Api, new: Api) -> list[Change]:
    """Every difference between the two APIs, sorted by path."""
    changes: set[Change] = set()
    for path in old.keys() - new.keys():
        changes.add(Change(path, True, f"{old[path]['kind']} removed"))
    for path in new.keys() - old.keys():
        changes.add(Change(path, False, f"{new[path]['kind']} added"))
    for path in old.keys() & new.keys():
        changes.update(
            Change(path, breaking, what) for breaking, what in _entry(old[path], new[path])
        )
    return sorted(changes)


Found = Iterator[tuple[bool, str]]


def _entry(old: Entry, new: Entry) -> Found:
    if old["kind"] != new["kind"]:
        yield True, f"changed from {old['kind']} to {new['kind']}"
        return
    if old.get("target") != new.get("target"):
        yield True, f"now an alias of {new['target']}, was {old['target']}"
    yield from _members("base", old.get("bases", []), new.get("bases", []))
    yield from _members("label", old.get("labels", []), new.get("labels", []), added_breaks=True)
    yield from _typed("type", old, new)
    yield from _value(old.get("value"), new.get("value"))
    signature = list(_signature(old, new)) if "parameters" in old else []
    yield from signature
    old_overloads, new_overloads = old.get("overloads", []), new.get("overloads", [])
    for index, (before, after) in enumerate(
        zip(old_overloads, new_overloads, strict=False), start=1
    ):
        for breaking, what in _signature(before, after):
            if (breaking, what) not in signature:  # the overloads usually change alike
                yield breaking, f"overload {index}: {what}"
    if len(new_overloads) < len(old_overloads):
        yield True, f"overloads {len(old_overloads)} -> {len(new_overloads)}"
    elif len(new_overloads) > len(old_overloads):
        yield False, f"overloads {len(old_overloads)} -> {len(new_overloads)}"


def _signature(old: Entry, new: Entry) -> Found:
    before = {p["name"]: p for p in old["parameters"]}
    after = {p["name"]: p for p in new["parameters"]}
    for name in before.keys() - after.keys():
        yield True, f"parameter {name!r} removed"
    for name in after.keys() - before.keys():
        parameter = after[name]
        required = "default" not in parameter and not parameter["kind"].startswith("variadic")
        yield required, f"{'required ' if required else ''}parameter {name!r} added"
    for name in before.keys() & after.keys():
        for breaking, what in _parameter(before[name], after[name]):
            yield breaking, f"parameter {name!r}: {what}"
    positional = [p["name"] for p in old["parameters"] if p["kind"].startswith("positional")]
    still = [p["name"] for p in new["parameters"] if p["name"] in positional]
    if still != [name for name in positional if name in still]:
        yield True, f"positional parameters reordered: {', '.join(still)}"
    yield from _typed("returns", old, new)


def _parameter(old: Entry, new: Entry) -> Found:
    if old["kind"] != new["kind"]:
        yield True, f"now {new['kind']}, was {old['kind']}"
    yield from _typed("type", old, new)
    if "default" in old and "default" not in new:
        yield True, f"now required (was {old['default']})"
    elif "default" in new and "default" not in old:
        yield False, f"now optional (default {new['default']})"
    elif old.get("default") != new.get("default"):
        yield True, f"default changed from {old['default']} to {new['default']}"


def _typed(key: str, old: Entry, new: Entry) -> Found:
    """A type: its text (Literal values written `Literal[...]`), then its Literal values."""
    if old.get(key) != new.get(key):
        # A first annotation only tells what was already so.
        yield key in old, f"{key} changed from {old.get(key)} to {new.get(key)}"
    literals = f"{key}_literals"
    yield from _members(f"{key} Literal value", old.get(literals, []), new.get(literals, []))


def _value(old: str | None, new: str | None) -> Found:
    if old == new:
        return
    if new is None:
        yield True, f"value {old} removed"
    elif old is None:
        yield False, f"value {new} added"
    else:
        yield True, f"value changed from {old} to {new}"


def _members(
    what: str, old: Sequence[str], new: Sequence[str], added_breaks: bool = False
) -> Found:
    for item in sorted(set(old) - set(new)):
        yield True, f"{what} {item} removed"
    for item in sorted(set(new) - set(old)):
        yield added_breaks, f"{what} {item} added"
