"""Keyword arguments an operation method does not name: backend-specific extras, or typos.

OpenAI-compatible backends take sampling parameters of their own (`best_of`,
`repetition_penalty`, ...), which seed SDKs pass as plain keywords; they go into the body
as `extra_body` would put them. A keyword within a small edit distance of a name the
method (or RequestOptions) knows is far more likely a typo than a backend's parameter, so
it stays a TypeError naming the likely intended one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Edits (insert, delete, substitute) under which an unknown keyword counts as a typo.
TYPO_DISTANCE = 2


def extra_arguments(
    unknown: Mapping[str, object], known: Iterable[str], *, takes_body: bool
) -> dict[str, object]:
    """The extras to merge into the body (those given None are left out, as for named
    arguments); a TypeError for a likely typo, or for any extra on an operation without
    a body."""
    names = tuple(known)
    for name in sorted(unknown):
        intended = likely_intended(name, names)
        if intended is not None:
            raise TypeError(
                f"unexpected keyword argument {name!r}: did you mean {intended!r}? (a "
                "backend-specific parameter this close to a known name must be passed as "
                f"extra_body={{{name!r}: ...}})"
            )
    if unknown and not takes_body:
        raise TypeError(
            f"unexpected keyword argument(s): {', '.join(sorted(unknown))} (this operation "
            "has no request body to carry them)"
        )
    return {name: value for name, value in unknown.items() if value is not None}


def likely_intended(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to `name`, when it is within TYPO_DISTANCE edits and keeps
    some of it (`k` is no typo of `n`: every letter would have been changed)."""
    best: tuple[int, str] | None = None
    for candidate in known:
        distance = edit_distance(name, candidate, TYPO_DISTANCE)
        near = distance <= TYPO_DISTANCE and distance < len(candidate)
        if near and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best is not None else None


def edit_distance(a: str, b: str, bound: int) -> int:
    """Levenshtein distance of `a` and `b`; any value over `bound` is returned as bound + 1."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > bound:
            return bound + 1
        previous = current
    return min(previous[-1], bound + 1)
