"""The mock's model catalogue, providers and plugins, and how model names route.

"provider/model" names route to their prefix (any provider is accepted); plain names
route by prefix (gpt-* -> openai, claude-* -> anthropic, ...) or by their catalogue
entry. `mock/*` models script failures (see FAULT_MODELS). The Anthropic passthrough takes
only Anthropic's own names (ANTHROPIC_ALIASES: dated ids and their family aliases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_CHAT = ("chat", "streaming", "tools")


@dataclass(frozen=True)
class ModelSpec:
    """One catalogue entry (the ModelInfo answer is built from it)."""

    id: str
    capabilities: tuple[str, ...]
    context_window: int | None = None
    max_output_tokens: int | None = None
    input_cost: float | None = None  # USD per token
    output_cost: float | None = None  # USD per token
    unit_cost: float | None = None  # USD per image, or per second of video
    created: int = 1700000000
    parameters: int | str | None = None
    format: str | None = None
    owned_by: str | None = None

    @property
    def provider(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    def info(self) -> dict[str, Any]:
        """The ModelInfo object."""
        return {
            "id": self.id,
            "object": "model",
            "provider": self.provider,
            "context_window": self.context_window,
            "max_output_tokens": self.max_output_tokens,
            "input_cost_per_token": self.input_cost,
            "output_cost_per_token": self.output_cost,
            "capabilities": list(self.capabilities),
            "status": "available",
            "parameters": self.parameters,
            "format": self.format,
            "created": self.created,
            "owned_by": self.owned_by or self.provider,
        }


_ALL = (*_CHAT, "completions", "embeddings", "images", "video")

# fmt: off
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("openai/gpt-4o", (*_CHAT, "vision", "json_mode"), 128000, 16384, 2.5e-6, 1e-5, created=1715367049),
    ModelSpec("openai/gpt-4o-mini", (*_CHAT, "vision", "json_mode"), 128000, 16384, 1.5e-7, 6e-7, created=1721172741),
    ModelSpec("openai/gpt-3.5-turbo-instruct", ("completions", "streaming"), 4096, 4096, 1.5e-6, 2e-6, created=1692901427),
    ModelSpec("openai/text-embedding-3-small", ("embeddings",), 8191, None, 2e-8, created=1705948997),
    ModelSpec("openai/text-embedding-3-large", ("embeddings",), 8191, None, 1.3e-7, created=1705953180),
    ModelSpec("openai/dall-e-2", ("images", "image_edit"), unit_cost=0.02, created=1698798177),
    ModelSpec("openai/dall-e-3", ("images",), unit_cost=0.04, created=1698785189),
    ModelSpec("anthropic/claude-3-5-sonnet-20241022", (*_CHAT, "vision"), 200000, 8192, 3e-6, 1.5e-5, created=1729555200),
    ModelSpec("anthropic/claude-3-5-haiku-20241022", _CHAT, 200000, 8192, 8e-7, 4e-6, created=1729555200),
    ModelSpec("meta-llama/Llama-2-7b-chat-hf", ("chat", "completions", "streaming"), 4096, 4096, 2e-7, 2e-7,
              created=1689638400, parameters="7B", format="safetensors", owned_by="inferneo"),
    ModelSpec("byteplus/seedance", ("video",), unit_cost=0.05, created=1735689600),
    ModelSpec("mock/echo", (*_CHAT, "completions", "embeddings"), 32768, 4096, 1e-6, 2e-6),
    ModelSpec("mock/always-503", _ALL),
    ModelSpec("mock/always-429", _ALL),
    ModelSpec("mock/insufficient-quota", _ALL),
    ModelSpec("mock/overloaded", _ALL),
    ModelSpec("mock/slow", _ALL),
    ModelSpec("mock/stream-cut", (*_CHAT, "completions")),
    ModelSpec("mock/video-fail", ("video",)),
    ModelSpec("mock/invalid-json", (*_CHAT, "json_mode")),
    ModelSpec("mock/refuse", (*_CHAT, "json_mode")),
)
# fmt: on

# What a model outside the catalogue costs.
_DEFAULT_COSTS = (1e-6, 2e-6, 0.01)

_BY_ID = {spec.id: spec for spec in MODELS}
_BY_NAME = {spec.name: spec for spec in MODELS}

# Plain-name routing, first match wins.
PREFIX_ROUTES: tuple[tuple[str, str], ...] = (
    ("gpt-", "openai"),
    ("chatgpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("text-embedding-", "openai"),
    ("dall-e-", "openai"),
    ("davinci", "openai"),
    ("babbage", "openai"),
    ("claude-", "anthropic"),
    ("gemini-", "google"),
    ("llama", "meta-llama"),
    ("Llama", "meta-llama"),
    ("mistral", "mistral"),
    ("mixtral", "mistral"),
    ("command", "cohere"),
    ("qwen", "alibaba"),
    ("seedance", "byteplus"),
)

PROVIDER_URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com/v1",
    "meta-llama": "http://localhost:8000/v1",
    "byteplus": "https://ark.ap-southeast.bytepluses.com/api/v3",
    "mock": "http://127.0.0.1/mock",
}

PLUGINS: tuple[dict[str, Any], ...] = (
    {"name": "auth", "version": "1.0.0", "enabled": True, "stage": "pre_request",
     "description": "API key authentication and scope checks"},
    {"name": "cache", "version": "1.0.0", "enabled": True, "stage": "pre_request",
     "description": "Exact-match response cache (config: cache.enabled)"},
    {"name": "quota", "version": "1.0.0", "enabled": True, "stage": "pre_request",
     "description": "Per-key request quota (config: quota.requests_per_key)"},
    {"name": "cost_tracker", "version": "1.0.0", "enabled": True, "stage": "post_response",
     "description": "Per-request cost accounting"},
    {"name": "request_logger", "version": "1.0.0", "enabled": True, "stage": "post_response",
     "description": "Request logs with attribution tags"},
)  # fmt: skip


_DATED = re.compile(r"(?P<family>.+)-(?P<date>\d{8})")


def _anthropic_aliases() -> dict[str, str]:
    """Every name the Anthropic passthrough takes -> the dated model it means, as Anthropic's
    aliases work: a dated id is itself; its family (`claude-3-5-sonnet`) and the family's
    `-latest` alias are the family's newest dated model."""
    names: dict[str, str] = {}
    # By name, so within a family the dates ascend and the newest is written last.
    for name in sorted(spec.name for spec in MODELS if spec.provider == "anthropic"):
        names[name] = name
        dated = _DATED.fullmatch(name)
        if dated is not None:
            names[dated["family"]] = names[dated["family"] + "-latest"] = name
    return names


ANTHROPIC_ALIASES = _anthropic_aliases()


def find(model_id: str) -> ModelSpec | None:
    """The catalogue entry for a full id ("openai/gpt-4o") or a plain name ("gpt-4o")."""
    return _BY_ID.get(model_id) or _BY_NAME.get(model_id)


def provider_of(model: str) -> str | None:
    """The provider a model name routes to; None for an unroutable plain name."""
    if "/" in model:
        provider = model.split("/", 1)[0]
        return provider or None
    spec = _BY_NAME.get(model)
    if spec is not None:
        return spec.provider
    for prefix, provider in PREFIX_ROUTES:
        if model.startswith(prefix):
            return provider
    return None


def costs(model: str) -> tuple[float, float, float]:
    """(input per token, output per token, per unit) in USD; unknown models get defaults."""
    spec = find(model)
    if spec is None:
        return _DEFAULT_COSTS
    token_in, token_out, unit = _DEFAULT_COSTS
    return (
        spec.input_cost if spec.input_cost is not None else token_in,
        spec.output_cost if spec.output_cost is not None else token_out,
        spec.unit_cost if spec.unit_cost is not None else unit,
    )


def fault_of(model: str) -> str | None:
    """The scripted behaviour of a `mock/*` model ("always-503", "slow", ...), if any."""
    if not model.startswith("mock/"):
        return None
    name = model.split("/", 1)[1]
    return name if name in FAULT_MODELS else None


FAULT_MODELS = frozenset(
    {
        "always-503",
        "always-429",
        "insufficient-quota",
        "overloaded",
        "slow",
        "stream-cut",
        "video-fail",
        "invalid-json",
        "refuse",
    }
)


def providers() -> list[str]:
    """Every provider of the catalogue, sorted."""
    return sorted({spec.provider for spec in MODELS})


def provider_info(name: str) -> dict[str, Any]:
    """The ProviderInfo object of one provider."""
    return {
        "name": name,
        "status": "ok",
        "models": [spec.id for spec in MODELS if spec.provider == name],
        "base_url": PROVIDER_URLS.get(name, f"https://{name}.example.invalid/v1"),
        "healthy": True,
        "latency_ms": 12.5 if name != "mock" else 0.1,
    }
