"""The backoff schedule and retry decisions, without HTTP."""

from __future__ import annotations

import email.utils
import random
import time

import pytest

from gatewise import RetryConfig
from gatewise._retry import MAX_SERVER_DELAY, backoff_delay, retry_delay, server_delay


def decide(config: RetryConfig, n: int = 1, **kwargs: object) -> float | None:
    args: dict[str, object] = {"status": 503, "headers": {}, "error_code": None, "elapsed": 0.0}
    args.update(kwargs)
    return retry_delay(config, n, **args)  # type: ignore[arg-type]


def test_backoff_grows_exponentially_and_is_capped() -> None:
    config = RetryConfig(initial_delay=0.5, multiplier=2.0, max_delay=3.0, jitter=0.0)
    assert [backoff_delay(config, n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]


def test_jitter_stays_within_its_fraction() -> None:
    config = RetryConfig(initial_delay=1.0, jitter=0.25, max_delay=10.0)
    rng = random.Random(7)
    delays = [backoff_delay(config, 1, rng) for _ in range(500)]
    assert min(delays) >= 0.75
    assert max(delays) <= 1.25
    assert len(set(delays)) > 100


def test_retry_after_seconds_is_honoured_up_to_max_delay() -> None:
    config = RetryConfig(max_delay=8.0)
    assert decide(config, headers={"retry-after": "3"}) == 3.0
    assert decide(config, headers={"retry-after": "30"}) == 8.0


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert server_delay({"retry-after-ms": "250", "retry-after": "9"}) == 0.25


def test_retry_after_http_date_is_understood() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 5, usegmt=True)
    delay = server_delay({"retry-after": header}, now=now)
    assert delay is not None
    assert 3.9 <= delay <= 5.1


def test_unparseable_retry_after_falls_back_to_backoff() -> None:
    config = RetryConfig(initial_delay=0.5, jitter=0.0)
    assert decide(config, headers={"retry-after": "soon"}) == 0.5


def test_retry_after_is_ignored_when_not_respected() -> None:
    config = RetryConfig(initial_delay=0.5, jitter=0.0, respect_retry_after=False)
    assert decide(config, headers={"retry-after": "3"}) == 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    assert decide(RetryConfig(), status=status) is None


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_transient_statuses_are_retried(status: int) -> None:
    assert decide(RetryConfig(), status=status) is not None


def test_connection_errors_are_retried() -> None:
    assert decide(RetryConfig(), status=None, headers=None) is not None


def test_quota_exhausted_429_is_not_retried() -> None:
    assert decide(RetryConfig(), status=429, error_code="insufficient_quota") is None
    assert decide(RetryConfig(), status=429, error_code="rate_limit_exceeded") is not None


def test_retries_stop_after_max_retries() -> None:
    config = RetryConfig(max_retries=2)
    assert decide(config, 2) is not None
    assert decide(config, 3) is None
    assert decide(RetryConfig(max_retries=0), 1) is None


def test_max_elapsed_bounds_the_total_wait() -> None:
    config = RetryConfig(initial_delay=1.0, jitter=0.0, max_elapsed=1.5)
    assert decide(config, elapsed=0.2) == 1.0
    assert decide(config, elapsed=0.9) is None


def test_invalid_config_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryConfig(max_retries=-1)
    with pytest.raises(ValueError, match="jitter"):
        RetryConfig(jitter=2.0)


def test_thousands_of_retries_do_not_overflow_the_backoff() -> None:
    config = RetryConfig(max_retries=5000, initial_delay=0.5, max_delay=8.0, jitter=0.0)
    assert backoff_delay(config, 2000) == 8.0


def test_retry_after_beyond_range_is_capped_and_nan_ignored() -> None:
    assert server_delay({"retry-after": "1e999"}) == MAX_SERVER_DELAY
    assert server_delay({"retry-after-ms": "1e999"}) == MAX_SERVER_DELAY
    assert server_delay({"retry-after": "nan"}) is None
    assert server_delay({"retry-after": "-3"}) == 0.0
    assert server_delay({"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"}) == MAX_SERVER_DELAY
