"""RetryConfig and the backoff schedule: pure functions, testable without HTTP.

The pipeline asks `retry_delay()` after each failed attempt; `None` means stop.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, overload

from ._numbers import check_number

DEFAULT_RETRY_STATUSES: tuple[int, ...] = (408, 409, 429, 500, 502, 503, 504, 529)

# Error codes meaning the caller's quota is spent: waiting will not help.
QUOTA_EXHAUSTED_CODES = frozenset(
    {"insufficient_quota", "quota_exceeded", "quota_exhausted", "billing_hard_limit_reached"}
)

# The longest wait a server may ask for; a longer one (1e999 included) is capped to it, so a
# hostile Retry-After can neither overflow time.sleep nor report an infinite retry_after.
MAX_SERVER_DELAY = 24 * 3600.0


@dataclass(frozen=True)
class BackoffStrategy:
    """Aerostack's (Speakeasy's) backoff, in milliseconds, for `RetryConfig("backoff", ...)`.

    Attributes:
        initial_interval: Milliseconds before the first retry.
        max_interval: The longest wait between two attempts, in milliseconds.
        exponent: How much longer each wait is than the one before.
        max_elapsed_time: No retry starts later than this many milliseconds after the
            first attempt; the number of retries is bounded by this time only.
    """

    initial_interval: int | float
    max_interval: int | float
    exponent: float
    max_elapsed_time: int | float

    def __post_init__(self) -> None:
        for name in ("initial_interval", "max_interval", "exponent", "max_elapsed_time"):
            check_number(name, getattr(self, name))


_STRATEGIES = ("backoff", "none")


@dataclass(frozen=True, init=False)
class RetryConfig:
    """How failed attempts are retried: exponential backoff with jitter.

    Give it to a client (`retry=`), to `with_options`, or to one call. The wait before
    retry n is `initial_delay * multiplier ** (n - 1)`, spread by `jitter` and capped by
    `max_delay`; a server's `Retry-After` (or `retry-after-ms`) replaces it when
    `respect_retry_after` is set, still capped by `max_delay`.

    Aerostack's positional form is accepted too: `RetryConfig("backoff",
    BackoffStrategy(initial_ms, max_ms, exponent, max_elapsed_ms), retry_connection_errors)`
    is `RetryConfig(max_retries=None, initial_delay=initial_ms / 1000, max_delay=max_ms /
    1000, multiplier=exponent, max_elapsed=max_elapsed_ms / 1000, retry_connection_errors=...)`;
    `RetryConfig("none", ...)` never retries.

    Attributes:
        max_retries: Retries after the first attempt (0: none; None: as many as
            `max_elapsed` allows).
        initial_delay: Seconds before the first retry.
        max_delay: The longest wait between two attempts, in seconds.
        multiplier: How much longer each wait is than the one before.
        jitter: Randomness of each wait, as a fraction of it (0.25: plus or minus 25 %).
        max_elapsed: No retry whose wait would end later than this many seconds after
            the first attempt (an attempt under way is not cut: its timeout bounds it);
            None for no bound.
        retry_on_status: The HTTP statuses retried (a 429 with an exhausted quota never is).
        respect_retry_after: Wait as long as the server asks.
        retry_connection_errors: Retry connection errors and timeouts.
    """

    max_retries: int | None
    initial_delay: float
    max_delay: float
    multiplier: float
    jitter: float
    max_elapsed: float | None
    retry_on_status: tuple[int, ...]
    respect_retry_after: bool
    retry_connection_errors: bool

    @overload
    def __init__(
        self,
        strategy: Literal["backoff", "none"],
        backoff: BackoffStrategy,
        retry_connection_errors: bool,
        /,
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        max_retries: int | None = 2,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        multiplier: float = 2.0,
        jitter: float = 0.25,
        max_elapsed: float | None = None,
        retry_on_status: tuple[int, ...] = DEFAULT_RETRY_STATUSES,
        respect_retry_after: bool = True,
        retry_connection_errors: bool = True,
    ) -> None: ...

    def __init__(
        self,
        strategy: str | None = None,
        backoff: BackoffStrategy | None = None,
        retry_connection_errors_: bool | None = None,
        *,
        max_retries: int | None = 2,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        multiplier: float = 2.0,
        jitter: float = 0.25,
        max_elapsed: float | None = None,
        retry_on_status: tuple[int, ...] = DEFAULT_RETRY_STATUSES,
        respect_retry_after: bool = True,
        retry_connection_errors: bool = True,
    ) -> None:
        if strategy is not None:
            if strategy not in _STRATEGIES:
                raise ValueError(f"strategy must be 'backoff' or 'none', got {strategy!r}")
            if not isinstance(backoff, BackoffStrategy):
                raise TypeError(
                    f"RetryConfig({strategy!r}, ...) needs a BackoffStrategy second, "
                    f"got {type(backoff).__name__}"
                )
            max_retries = None if strategy == "backoff" else 0
            initial_delay = backoff.initial_interval / 1000
            max_delay = backoff.max_interval / 1000
            multiplier = backoff.exponent
            max_elapsed = backoff.max_elapsed_time / 1000
            retry_connection_errors = bool(retry_connection_errors_)
        settings = {
            "max_retries": max_retries,
            "initial_delay": initial_delay,
            "max_delay": max_delay,
            "multiplier": multiplier,
            "jitter": jitter,
            "max_elapsed": max_elapsed,
            "retry_on_status": retry_on_status,
            "respect_retry_after": respect_retry_after,
            "retry_connection_errors": retry_connection_errors,
        }
        for name, value in settings.items():
            object.__setattr__(self, name, value)  # frozen: assigned once, here
        self._check()

    def _check(self) -> None:
        retries = self.max_retries
        if retries is not None:
            if isinstance(retries, bool) or not isinstance(retries, int):
                raise TypeError(f"max_retries must be int or None, got {type(retries).__name__}")
            if retries < 0:
                raise ValueError("max_retries must be >= 0")
        for name in ("initial_delay", "max_delay", "multiplier", "jitter", "max_elapsed"):
            value = getattr(self, name)
            if value is not None or name != "max_elapsed":
                check_number(name, value)
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        if retries is None and self.max_elapsed is None:
            raise ValueError("max_retries=None needs max_elapsed, or retries would never end")


def backoff_delay(
    config: RetryConfig, retry_number: int, rng: random.Random | None = None
) -> float:
    """The wait before retry `retry_number` (1-based) when the server named none."""
    try:
        grown = config.initial_delay * config.multiplier ** (retry_number - 1)
    except OverflowError:  # thousands of retries with a multiplier > 1
        grown = config.max_delay
    base = min(grown, config.max_delay)
    spread = base * config.jitter
    draw = (rng or random).uniform(-spread, spread)
    return max(0.0, min(base + draw, config.max_delay))


def server_delay(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait the server asked for: retry-after-ms, or Retry-After in seconds or as an HTTP
    date; between 0 and MAX_SERVER_DELAY, None when absent or not a number (NaN included)."""
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return _bounded(millis / 1000.0)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return _bounded(seconds)
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _bounded(when.timestamp() - (time.time() if now is None else now))


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return None if math.isnan(seconds) else seconds


def _bounded(seconds: float) -> float:
    return min(max(0.0, seconds), MAX_SERVER_DELAY)


def retry_delay(
    config: RetryConfig,
    retry_number: int,
    *,
    status: int | None,
    headers: Mapping[str, str] | None,
    error_code: str | None,
    elapsed: float,
) -> float | None:
    """Seconds to wait before retry `retry_number`, or None when the failure is final.

    `status` is None for connection errors and timeouts (retried unless
    `retry_connection_errors` is off).
    """
    if config.max_retries is not None and retry_number > config.max_retries:
        return None
    if status is None and not config.retry_connection_errors:
        return None
    if status is not None:
        if status not in config.retry_on_status:
            return None
        if status == 429 and error_code in QUOTA_EXHAUSTED_CODES:
            return None
    delay: float | None = None
    if config.respect_retry_after and headers is not None:
        delay = server_delay(headers)
    if delay is None:
        delay = backoff_delay(config, retry_number)
    delay = min(delay, config.max_delay)
    if config.max_elapsed is not None and elapsed + delay > config.max_elapsed:
        return None
    return delay
