"""A client's settled configuration: arguments, then environment, then defaults, checked once.

Everything per-request code needs is precomputed here (base headers, timeout, retry),
so a call only merges its own options on top.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from ._generated.servers import SERVERS
from ._headers import (
    HeaderValue,
    Secret,
    attribution_headers,
    check_headers,
    check_mapping,
    is_header_value,
    merge_headers,
)
from ._numbers import check_number
from ._retry import RetryConfig
from ._version import __version__

if TYPE_CHECKING:
    from ._hooks import Hooks
    from ._tracing import CallTracer

DEFAULT_BASE_URL = SERVERS[0][0]
DEFAULT_TIMEOUT = 120.0
# What httpx enforces per phase when no timeout is given (the deadline is DEFAULT_TIMEOUT).
DEFAULT_PHASES = httpx.Timeout(DEFAULT_TIMEOUT, connect=10.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_STREAM_IDLE_TIMEOUT = 60.0
DEFAULT_MAX_EVENT_BYTES = 16 * 2**20
USER_AGENT = f"gatewise-python/{__version__}"


@dataclass(frozen=True)
class ClientConfig:
    """Settled client configuration; the API key is a Secret, and kept out of repr."""

    api_key: Secret | None = field(repr=False)
    base_url: str
    anthropic_base_url: str  # where the Anthropic Messages API's paths (/v1/messages) go
    timeout: float | httpx.Timeout | None  # None: not given (see phase_timeouts)
    retry: RetryConfig
    default_headers: Mapping[str, HeaderValue]
    default_attribution: Mapping[str, str]
    models: Mapping[str, tuple[str, ...]]
    logger: logging.Logger
    stream_idle_timeout: float | None
    max_event_bytes: int | None
    max_response_bytes: int | None
    base_headers: Mapping[str, HeaderValue] = field(repr=False)
    # Set by the client after make_config (see _client.py): kept apart from the settings.
    hooks: Hooks | None = None
    tracer: CallTracer | None = None

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.repr}
        shown["base_url"] = redacted_url(self.base_url)
        shown["anthropic_base_url"] = redacted_url(self.anthropic_base_url)
        return f"ClientConfig({', '.join(f'{name}={value!r}' for name, value in shown.items())})"


def redacted_url(url: str) -> str:
    """`url` with its userinfo (a password put in base_url) replaced by ***, for display."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"***")) if parsed.userinfo else url


def to_timeout(
    value: float | httpx.Timeout | None, default: float | httpx.Timeout | None
) -> float | httpx.Timeout | None:
    """A checked timeout setting: `value`, or `default` when it is None.

    A float is a per-attempt deadline over connect, head and (non-streamed) body; an
    httpx.Timeout keeps httpx's per-phase meaning. Zero would fail or pass at random, so it
    is refused like a negative or non-finite value.
    """
    if value is None:
        return default
    if isinstance(value, httpx.Timeout):
        for phase, seconds in value.as_dict().items():
            if seconds is not None:
                check_number(f"timeout.{phase}", seconds, zero=False)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"timeout must be seconds (float) or httpx.Timeout, got {type(value).__name__}"
        )
    return check_number("timeout", value, zero=False)


def phase_timeouts(setting: float | httpx.Timeout | None, owned: bool) -> httpx.Timeout | None:
    """What httpx enforces per phase; None leaves a caller's own http_client its timeouts."""
    if setting is None:
        return DEFAULT_PHASES if owned else None
    return httpx.Timeout(setting) if isinstance(setting, float) else setting


def attempt_deadline(setting: float | httpx.Timeout | None, owned: bool) -> float | None:
    """Seconds one attempt may take in all (connect, head, non-streamed body), if bounded."""
    if setting is None:
        return DEFAULT_TIMEOUT if owned else None
    return setting if isinstance(setting, float) else None


def root_url(url: str | httpx.URL, name: str = "base_url") -> str:
    """The root a server's paths (`/v1/...`) are appended to: an http(s) URL without a
    trailing slash or `/v1`, as OpenAI-compatible servers are usually given
    (`http://host/v1` must not become `/v1/v1/...`)."""
    text = str(url)
    parsed = httpx.URL(text)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"{name} must be an http(s) URL, got {redacted_url(text)!r}")
    return text.rstrip("/").removesuffix("/v1")


def make_config(
    *,
    api_key: Secret | None,
    base_url: str | httpx.URL | None,
    anthropic_base_url: str | httpx.URL | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int | None,
    retry: RetryConfig | None,
    default_headers: Mapping[str, HeaderValue] | None,
    default_attribution: Mapping[str, str] | None,
    models: Mapping[str, Sequence[str]] | None,
    logger: logging.Logger | None,
    stream_idle_timeout: float | None,
    max_event_bytes: int | None,
    max_response_bytes: int | None,
    server_url: str | httpx.URL | None = None,
    server_idx: int | None = None,
) -> ClientConfig:
    """Check every argument and fill the gaps from the environment and the defaults
    (`api_key` is settled already: see settled_key)."""
    url = settled_base_url(base_url, server_url, server_idx)
    if retry is None:
        retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise TypeError(f"max_retries must be int, got {type(retries).__name__}")
        retry = RetryConfig(max_retries=retries)
    elif not isinstance(retry, RetryConfig):
        raise TypeError(f"retry must be a RetryConfig, got {type(retry).__name__}")
    headers = check_headers(default_headers or {}, "default_headers")
    tag_headers = attribution_headers(default_attribution, "default_attribution")
    attribution = dict(default_attribution or {})
    base_headers: dict[str, HeaderValue] = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if api_key is not None:
        base_headers["Authorization"] = Secret(f"Bearer {api_key.reveal()}")
    merge_headers(base_headers, headers)
    merge_headers(base_headers, tag_headers)
    return ClientConfig(
        api_key=api_key,
        base_url=url,
        anthropic_base_url=(
            root_url(anthropic_base_url, "anthropic_base_url")
            if anthropic_base_url is not None
            else f"{url}/anthropic"
        ),
        timeout=to_timeout(timeout, None),
        retry=retry,
        default_headers=headers,
        default_attribution=attribution,
        models=_check_models(models),
        logger=logger if logger is not None else logging.getLogger("gatewise"),
        stream_idle_timeout=check_idle_timeout(stream_idle_timeout),
        max_event_bytes=check_byte_limit("max_event_bytes", max_event_bytes),
        max_response_bytes=check_byte_limit("max_response_bytes", max_response_bytes),
        base_headers=base_headers,
    )


def settled_base_url(
    base_url: str | httpx.URL | None, server_url: str | httpx.URL | None, server_idx: int | None
) -> str:
    """The gateway's root URL: base_url (or its alias server_url), else the spec's server
    `server_idx`, else GATEWISE_BASE_URL, else OPENAI_BASE_URL, else the spec's first server.

    A trailing `/v1` is dropped, since the SDK adds `/v1/...` itself (OpenAI's and
    Aerostack's base URLs end in `/v1`).
    """
    if base_url is not None and server_url is not None:
        raise TypeError("give base_url or server_url (its alias), not both")
    given = base_url if base_url is not None else server_url
    if given is not None:
        url = str(given)
    elif server_idx is not None:
        url = _server(server_idx)
    else:
        url = _env("GATEWISE_BASE_URL") or _env("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    return root_url(url)


def _server(index: object) -> str:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"server_idx must be int, got {type(index).__name__}")
    if not 0 <= index < len(SERVERS):
        listed = ", ".join(f"{i}: {url}" for i, (url, _) in enumerate(SERVERS))
        raise ValueError(f"server_idx must be one of the spec's servers ({listed}), got {index}")
    return SERVERS[index][0]


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def settled_key(api_key: object) -> Secret | None:
    """The key (the argument, else the environment) as a Secret, None when there is none;
    what is wrong with it is said without the key."""
    key = api_key if api_key is not None else _env("GATEWISE_API_KEY") or _env("OPENAI_API_KEY")
    if key is not None and not isinstance(key, str):
        raise TypeError(f"api_key must be str, got {type(key).__name__}")
    if not key:
        return None
    if not is_header_value(key):
        raise ValueError(
            "api_key is not a valid header value: it must be printable ASCII, without "
            "control characters or leading/trailing whitespace"
        )
    return Secret(key)


def check_byte_limit(name: str, value: int | None) -> int | None:
    """A size limit in bytes: a positive int, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (bytes) or None, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def check_idle_timeout(value: float | None) -> float | None:
    """Seconds a stream may go without a complete line: a positive number, or None (no limit)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"stream_idle_timeout must be seconds (float) or None, got {type(value).__name__}"
        )
    if not value > 0:  # also refuses NaN
        raise ValueError(f"stream_idle_timeout must be > 0 seconds, got {value}")
    return float(value)


def _check_models(models: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    checked: dict[str, tuple[str, ...]] = {}
    for alias, chain in (models or {}).items():
        if isinstance(chain, str) or not all(isinstance(m, str) for m in chain) or not chain:
            raise TypeError(f"models[{alias!r}] must be a non-empty list of model names")
        checked[alias] = tuple(chain)
    return checked


def derive_config(
    config: ClientConfig,
    *,
    anthropic_base_url: str | httpx.URL | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int | None,
    retry: RetryConfig | None,
    default_headers: Mapping[str, str] | None,
    default_attribution: Mapping[str, str] | None,
    stream_idle_timeout: float | None,
    max_event_bytes: int | None,
    max_response_bytes: int | None,
) -> ClientConfig:
    """`config` with some settings replaced (with_options); headers and tags are merged."""
    if retry is None and max_retries is not None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"max_retries must be int, got {type(max_retries).__name__}")
        retry = dataclasses.replace(config.retry, max_retries=max_retries)
    return make_config(
        api_key=config.api_key,
        base_url=config.base_url,
        anthropic_base_url=(
            anthropic_base_url if anthropic_base_url is not None else config.anthropic_base_url
        ),
        timeout=timeout if timeout is not None else config.timeout,
        max_retries=None,
        retry=retry or config.retry,
        default_headers={
            **config.default_headers,
            **check_mapping("default_headers", default_headers or {}),
        },
        default_attribution={
            **config.default_attribution,
            **check_mapping("default_attribution", default_attribution or {}),
        },
        models=config.models,
        logger=config.logger,
        stream_idle_timeout=(
            stream_idle_timeout if stream_idle_timeout is not None else config.stream_idle_timeout
        ),
        max_event_bytes=max_event_bytes if max_event_bytes is not None else config.max_event_bytes,
        max_response_bytes=(
            max_response_bytes if max_response_bytes is not None else config.max_response_bytes
        ),
    )
