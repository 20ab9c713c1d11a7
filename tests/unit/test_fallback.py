"""Fallback chain decisions, without HTTP."""

from __future__ import annotations

import logging

import httpx
import pytest

import gatewise
from gatewise._errors import error_from_response
from gatewise._fallback import Cooldowns, FallbackRun, call_chain, falls_back, resolve_chain

ALIASES = {
    "smart": ("openai/gpt-4o", "anthropic/claude-3-5-sonnet"),
    "cheap": ("openai/gpt-4o-mini",),
}


def api_error(status: int, code: str | None = None) -> gatewise.APIError:
    body = {"error": {"message": "x", "code": code}}
    return error_from_response(
        httpx.Response(status, json=body, request=httpx.Request("POST", "http://x"))
    )


def test_a_plain_model_without_fallbacks_has_no_chain() -> None:
    assert resolve_chain("openai/gpt-4o", None, ALIASES) is None


def test_an_alias_expands_to_its_models() -> None:
    assert resolve_chain("smart", None, ALIASES) == ("openai/gpt-4o", "anthropic/claude-3-5-sonnet")


def test_per_call_fallbacks_follow_the_model_and_may_name_aliases() -> None:
    chain = resolve_chain("openai/gpt-4o", ["cheap", "smart"], ALIASES)
    assert chain == ("openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-3-5-sonnet")


def test_fallbacks_given_as_a_string_raise_type_error() -> None:
    with pytest.raises(TypeError, match="list"):
        resolve_chain("m", "other", ALIASES)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (api_error(500), True),
        (api_error(503), True),
        (api_error(529), True),
        (api_error(429), True),
        (api_error(429, "insufficient_quota"), False),
        (api_error(400), False),
        (api_error(401), False),
        (api_error(403), False),
        (api_error(404), False),
        (api_error(422), False),
        (gatewise.APITimeoutError(), True),
        (gatewise.APIConnectionError(), True),
        (gatewise.IncompleteStreamError("cut"), True),
    ],
)
def test_which_failures_fall_back(error: gatewise.GatewiseError, expected: bool) -> None:
    assert falls_back(error) is expected


def run_of(*models: str, cooldown: float | None = None) -> FallbackRun:
    return FallbackRun(models, Cooldowns(cooldown), logging.getLogger("test"))


def test_chain_moves_on_after_retryable_failures_and_returns_the_winner() -> None:
    tried: list[str] = []

    def attempt(model: str) -> str:
        tried.append(model)
        if model != "c":
            raise api_error(503)
        return model

    assert call_chain(run_of("a", "b", "c"), attempt) == "c"
    assert tried == ["a", "b", "c"]


def test_terminal_error_raises_at_once_unwrapped() -> None:
    tried: list[str] = []

    def attempt(model: str) -> str:
        tried.append(model)
        raise api_error(400)

    with pytest.raises(gatewise.BadRequestError):
        call_chain(run_of("a", "b"), attempt)
    assert tried == ["a"]


def test_all_failing_raises_all_providers_failed_in_order() -> None:
    errors = {"a": api_error(503), "b": gatewise.APITimeoutError()}

    def attempt(model: str) -> str:
        raise errors[model]

    with pytest.raises(gatewise.AllProvidersFailed) as caught:
        call_chain(run_of("a", "b"), attempt)
    assert caught.value.errors == [("a", errors["a"]), ("b", errors["b"])]


def test_a_chain_of_one_that_fails_retryably_ends_in_all_providers_failed() -> None:
    def attempt(model: str) -> str:
        raise api_error(502)

    with pytest.raises(gatewise.AllProvidersFailed):
        call_chain(run_of("a"), attempt)


def test_cooldown_skips_a_model_that_just_failed() -> None:
    cooldowns = Cooldowns(60.0)
    logger = logging.getLogger("test")

    def attempt(model: str) -> str:
        if model == "a":
            raise api_error(503)
        return model

    assert call_chain(FallbackRun(("a", "b"), cooldowns, logger), attempt) == "b"
    assert list(FallbackRun(("a", "b"), cooldowns, logger)) == ["b"]
    assert list(FallbackRun(("a", "b"), Cooldowns(None), logger)) == ["a", "b"]


def test_when_every_model_is_cooling_down_all_are_tried() -> None:
    cooldowns = Cooldowns(60.0)
    cooldowns.start("a")
    assert list(FallbackRun(("a",), cooldowns, logging.getLogger("test"))) == ["a"]
