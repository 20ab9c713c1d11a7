"""One request in flight: what handlers get, and the checks shared by every model call.

`Call` carries the request, its parsed body, the authenticated key, the trace id and
what the request log will say about it. `model_gate` routes the model name, enforces
the quota and plays the `mock/*` fault models.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request

from .._version import __version__
from . import _catalogue, _clock
from ._errors import MockError, quota_exhausted
from ._faults import FaultRule, retry_headers
from ._keys import KeyRecord
from ._state import State

# How often long sleeps (mock/slow, fault delays) check whether the gateway is stopping.
_SLEEP_STEP_SECONDS = 0.02


@dataclass(frozen=True)
class Settings:
    """The knobs of one MockGateway."""

    video_seconds: float = 1.0
    slow_seconds: float = 5.0
    video_retry_after: float | None = None
    embedding_dimensions: int = 8
    version: str = f"gatewise-mock/{__version__}"


@dataclass
class LogInfo:
    """What the request log will record about a model call."""

    stage: str = "provider"
    provider: str | None = None
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cache_hit: bool = False
    error: str | None = None


@dataclass
class Call:
    """The request being answered."""

    request: Request
    state: State
    settings: Settings
    stopping: threading.Event
    params: dict[str, str]
    body: Any
    raw_body: bytes
    request_id: str
    trace_id: str
    started: float = field(default_factory=time.monotonic)
    key: KeyRecord | None = None
    stream_fault: FaultRule | None = None
    log: LogInfo = field(default_factory=LogInfo)

    @property
    def path(self) -> str:
        return self.request.url.path

    @property
    def anthropic(self) -> bool:
        """On the Anthropic passthrough: Anthropic's error shapes, statuses and model names."""
        return self.path.startswith("/anthropic/")

    @property
    def base_url(self) -> str:
        """The gateway's root URL as the client reached it, without a trailing slash."""
        return str(self.request.base_url).rstrip("/")

    @property
    def streaming(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    def elapsed_ms(self) -> float:
        return round((time.monotonic() - self.started) * 1000.0, 3)

    async def sleep(self, seconds: float) -> None:
        """Sleep, waking early when the gateway stops so shutdown stays fast."""
        deadline = time.monotonic() + seconds
        while not self.stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, _SLEEP_STEP_SECONDS))

    def query_str(self, name: str) -> str | None:
        return self.request.query_params.get(name)

    def query_int(self, name: str, default: int) -> int:
        """An integer query parameter; its bounds were checked against the spec before."""
        raw = self.query_str(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise MockError(422, f"{name}: expected an integer, got {raw!r}") from None

    def query_bool(self, name: str) -> bool | None:
        raw = self.query_str(name)
        if raw is None:
            return None
        lowered = raw.lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise MockError(422, f"{name}: expected a boolean, got {raw!r}")

    def query_time(self, name: str) -> datetime | None:
        raw = self.query_str(name)
        return _clock.parse(raw, name) if raw is not None else None

    def cache_key(self) -> str:
        """The response cache's key: the path and the body minus its streaming options."""
        body = {k: v for k, v in (self.body or {}).items() if k not in ("stream", "stream_options")}
        text = json.dumps([self.path, body], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


async def model_gate(call: Call, model: str) -> str:
    """Route `model` to its provider and apply quota and fault models; returns the provider.
    On the Anthropic passthrough `call.log.model` becomes the dated model an alias names."""
    if call.anthropic and not model.startswith("mock/"):
        model = _anthropic_model(model)
    call.log.model = model
    provider = _catalogue.provider_of(model)
    if provider is None:
        raise MockError(
            404,
            f"The model {model!r} does not exist: use provider/model or a known name.",
            code="model_not_found",
        )
    call.log.provider = provider
    with call.state.lock:
        limit = call.state.config.setting("quota", "requests_per_key")
        used = call.state.keys.request_count(call.key.id) if call.key is not None else 0
    if isinstance(limit, int) and not isinstance(limit, bool) and used >= limit:
        raise quota_exhausted(f"This key used its quota of {limit} requests.")
    fault = _catalogue.fault_of(model)
    if fault == "always-503":
        raise MockError(503, f"{model} is unavailable (scripted).", code="provider_unavailable")
    if fault == "always-429":
        raise MockError(429, f"{model} is rate limited (scripted).", headers=retry_headers(1))
    if fault == "insufficient-quota":
        raise quota_exhausted()
    if fault == "overloaded":
        # 529 is Anthropic's overload status; the OpenAI-shaped paths say 503.
        status = 529 if call.anthropic else 503
        raise MockError(status, f"{model} is overloaded (scripted).", code="overloaded")
    if fault == "slow":
        await call.sleep(call.settings.slow_seconds)
    if fault == "stream-cut" and call.streaming and call.stream_fault is None:
        call.stream_fault = FaultRule(call.path, stream_cut_after=3)
    return provider


def _anthropic_model(name: str) -> str:
    """The catalogue's dated Anthropic model `name` is or aliases; else Anthropic's 404."""
    dated = _catalogue.ANTHROPIC_ALIASES.get(name)
    if dated is None:
        known = ", ".join(sorted(_catalogue.ANTHROPIC_ALIASES))
        raise MockError(
            404, f"model: {name!r} is not an Anthropic model (known: {known})", code="not_found"
        )
    return dated


def cost(
    model: str, prompt_tokens: int, completion_tokens: int, cache_hit: bool, units: int = 0
) -> float:
    """The call's price in USD (tokens, plus images or video seconds); a cache hit is free."""
    if cache_hit:
        return 0.0
    input_cost, output_cost, unit_cost = _catalogue.costs(model)
    return round(
        prompt_tokens * input_cost + completion_tokens * output_cost + units * unit_cost, 10
    )


def usage(call: Call, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    """The Usage object (and the log's token and cost fields) of a text call."""
    model = call.log.model or ""
    price = cost(model, prompt_tokens, completion_tokens, call.log.cache_hit)
    call.log.prompt_tokens = prompt_tokens
    call.log.completion_tokens = completion_tokens
    call.log.cost_usd = price
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "cost_usd": price,
        "cache_hit": call.log.cache_hit,
        "provider": call.log.provider,
        "prompt_tokens_details": {"cached_tokens": prompt_tokens if call.log.cache_hit else 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def check_cache(call: Call) -> bool:
    """Look the request up in the response cache; a hit marks the log's stage "cache"."""
    with call.state.lock:
        hit = call.state.cache_lookup(call.cache_key())
    call.log.cache_hit = hit
    if hit:
        call.log.stage = "cache"
    return hit
