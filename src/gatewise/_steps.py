"""Drivers of the multi-call helpers (parse's re-asks, the tool loop).

Each helper is written once as a generator that yields what it needs done (a call's
keyword arguments, tools to run) and receives the outcome; these two shells feed it,
one calling synchronously, one awaiting, so the logic has no sync/async twins.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import TypeVar

Need = TypeVar("Need")
Got = TypeVar("Got")
R = TypeVar("R")


def drive(steps: Generator[Need, Got, R], act: Callable[[Need], Got]) -> R:
    """Run `steps` to its end, answering each need with `act(need)`."""
    need = next(steps)
    while True:
        try:
            need = steps.send(act(need))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


async def adrive(steps: Generator[Need, Got, R], act: Callable[[Need], Awaitable[Got]]) -> R:
    """`drive`, awaiting each `act(need)`."""
    need = next(steps)
    while True:
        try:
            need = steps.send(await act(need))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
