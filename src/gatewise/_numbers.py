"""The check of numeric arguments (seconds, delays, factors): one rule and one message."""

from __future__ import annotations

import math


def check_number(name: str, value: object, *, zero: bool = True) -> float:
    """`value` as a float when it is a finite number >= 0 (> 0 unless `zero`); else a
    TypeError or ValueError naming `name`, before anything is sent."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise ValueError(f"{name} must be a finite number {'>=' if zero else '>'} 0, got {value!r}")
    return float(value)
