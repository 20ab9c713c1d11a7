"""Fallback chains end to end: a client against a real MockGateway, sync and async.

What the chain did is read from `gw.requests`: which models were called, how often, in
which order. Streams are checked chunk by chunk: the caller must only see the winner.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import Any

import pytest

from gatewise import (
    AllProvidersFailed,
    APIError,
    AuthenticationError,
    BadRequestError,
    IncompleteStreamError,
    NotFoundError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitError,
    RetryConfig,
    UnprocessableEntityError,
)
from gatewise.testing import MockGateway
from tests.support import NO_RETRY, resolve

from .conftest import ClientFactory
from .support import CHAT, HELLO, HELLO_WORDS, read_all, read_into, text_of, wire
from .support import models_called as called

SMART = {"smart": ["openai/gpt-4o", "openai/gpt-4o-mini"]}


def create(client: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("messages", HELLO)
    return resolve(client.chat.completions.create(**kwargs))


# ------------------------------------------------------------------- advancing


async def test_alias_falls_back_only_after_the_first_model_used_its_own_retries(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    retry = RetryConfig(max_retries=2, initial_delay=0.01, max_delay=0.05)
    client = make_client(models=SMART, retry=retry)
    gw.faults.add(CHAT, status=503, times=3)  # every attempt of the first model

    answer = await create(client, model="smart")

    assert called(gw) == ["openai/gpt-4o"] * 3 + ["openai/gpt-4o-mini"]
    assert answer.content == "Tell me a short story please"
    # Retries of one model repeat its Idempotency-Key; the next model is a new request.
    keys = [r.headers["idempotency-key"] for r in gw.requests.to(CHAT)]
    assert len(set(keys[:3])) == 1
    assert keys[3] != keys[0]


async def test_per_call_fallbacks_are_tried_in_order_until_one_answers(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()

    answer = await create(
        client, model="mock/always-503", fallbacks=["mock/overloaded", "openai/gpt-4o-mini"]
    )

    assert called(gw) == [
        "mock/always-503",
        "mock/always-503",
        "mock/overloaded",
        "mock/overloaded",
        "openai/gpt-4o-mini",
    ]
    assert answer.model == "openai/gpt-4o-mini"


async def test_answer_names_the_model_and_provider_that_served_it(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client()
    chain = {"model": "openai/gpt-4o", "fallbacks": ["meta-llama/Llama-2-7b-chat-hf"]}
    gw.faults.add(CHAT, status=502, times=2)

    answer = await create(client, **chain)
    assert (answer.model, answer.provider) == ("meta-llama/Llama-2-7b-chat-hf", "meta-llama")

    gw.faults.add(CHAT, status=502, times=2)
    collected = await resolve((await create(client, stream=True, **chain)).collect())
    assert (collected.model, collected.provider) == ("meta-llama/Llama-2-7b-chat-hf", "meta-llama")
    assert collected.content == answer.content


async def test_rate_limit_with_retry_after_is_waited_out_and_retried_then_falls_back(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    # max_delay above the server's wait, so Retry-After (not the 10 ms backoff) sets it.
    client = make_client(retry=RetryConfig(max_retries=1, initial_delay=0.01, max_delay=1.0))
    gw.faults.add(CHAT, status=429, retry_after=0.3, times=2)

    started = time.monotonic()
    answer = await create(client, model="openai/gpt-4o", fallbacks=["openai/gpt-4o-mini"])

    assert time.monotonic() - started >= 0.3
    assert called(gw) == ["openai/gpt-4o", "openai/gpt-4o", "openai/gpt-4o-mini"]
    assert answer.model == "openai/gpt-4o-mini"


# -------------------------------------------------------------------- stopping


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
    ],
)
async def test_terminal_error_is_raised_at_once_without_trying_the_next_model(
    gw: MockGateway, make_client: ClientFactory, status: int, error: type[APIError]
) -> None:
    client = make_client(models=SMART)
    gw.faults.add(CHAT, status=status)

    with pytest.raises(error) as caught:
        await create(client, model="smart")

    assert type(caught.value) is error  # unwrapped, not an AllProvidersFailed
    assert caught.value.status_code == status
    assert called(gw) == ["openai/gpt-4o"]


@pytest.mark.parametrize(
    ("first", "scripted"),
    [
        pytest.param("mock/insufficient-quota", False, id="quota-model"),
        pytest.param("openai/gpt-4o", True, id="quota-fault"),
    ],
)
async def test_exhausted_quota_is_neither_retried_nor_falls_back(
    gw: MockGateway, make_client: ClientFactory, first: str, scripted: bool
) -> None:
    client = make_client(models={"quota": [first, "openai/gpt-4o-mini"]})
    if scripted:
        gw.faults.add(CHAT, status=429, error_code="insufficient_quota", times=None)

    with pytest.raises(RateLimitError) as caught:
        await create(client, model="quota")

    assert caught.value.code == "insufficient_quota"
    assert called(gw) == [first]


async def test_all_providers_failed_lists_every_hop_in_order(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    chain = ["mock/always-503", "mock/overloaded", "mock/always-429"]
    client = make_client(models={"doomed": chain})

    with pytest.raises(AllProvidersFailed) as caught:
        await create(client, model="doomed")

    errors = caught.value.errors
    assert [model for model, _ in errors] == chain
    assert [type(error) for _, error in errors] == [
        ProviderUnavailableError,
        ProviderUnavailableError,
        RateLimitError,
    ]
    assert [error.status_code for _, error in errors] == [503, 503, 429]
    message = str(caught.value)
    assert message.startswith("all 3 models failed")
    positions = [message.index(model) for model in chain]
    assert positions == sorted(positions)
    assert called(gw) == [model for model in chain for _ in range(2)]  # each with its retry


async def test_chain_of_one_model_failing_retryably_raises_all_providers_failed(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models={"solo": ["mock/always-503"]})

    with pytest.raises(AllProvidersFailed) as caught:
        await create(client, model="solo")

    ((model, error),) = caught.value.errors
    assert model == "mock/always-503"
    assert isinstance(error, ProviderUnavailableError)
    assert called(gw) == ["mock/always-503", "mock/always-503"]


# --------------------------------------------------------------------- streams


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"stream_error_after": 0}, id="error-first"),
        pytest.param({"stream_error_after": 1}, id="error-after-role-chunk"),
        pytest.param({"stream_cut_after": 1}, id="cut-after-role-chunk"),
    ],
)
async def test_stream_failing_before_first_content_falls_back_without_mixed_output(
    gw: MockGateway, make_client: ClientFactory, fault: dict[str, int]
) -> None:
    client = make_client(models=SMART)
    gw.faults.add(CHAT, **fault)

    chunks = await read_all(await create(client, model="smart", stream=True))

    assert called(gw) == ["openai/gpt-4o", "openai/gpt-4o-mini"]
    assert {chunk.model for chunk in chunks} == {"openai/gpt-4o-mini"}
    assert {chunk.id for chunk in chunks} == {chunks[0].id}
    assert [c.choices[0].delta.role for c in chunks].count("assistant") == 1
    assert text_of(chunks) == "Tell me a short story please"
    assert chunks[-1].choices[0].finish_reason == "stop"


async def test_stream_cut_after_content_raises_incomplete_stream_error_without_switching(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models=SMART)
    gw.faults.add(CHAT, stream_cut_after=3)  # role chunk, "Tell", " me", then the body ends

    received: list[Any] = []
    stream = await create(client, model="smart", stream=True)
    with pytest.raises(IncompleteStreamError):
        await read_into(stream, received)

    assert text_of(received) == "".join(HELLO_WORDS[:2])
    assert {chunk.model for chunk in received} == {"openai/gpt-4o"}
    assert called(gw) == ["openai/gpt-4o"]


async def test_in_band_error_after_content_raises_its_api_error_without_switching(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models=SMART)
    gw.faults.add(CHAT, stream_error_after=3, status=503, error_code="upstream_reset")

    received: list[Any] = []
    stream = await create(client, model="smart", stream=True)
    with pytest.raises(ProviderUnavailableError) as caught:
        await read_into(stream, received)

    assert caught.value.code == "upstream_reset"
    assert text_of(received) == "".join(HELLO_WORDS[:2])
    assert called(gw) == ["openai/gpt-4o"]


# ---------------------------------------------------------------------- stalls


@pytest.mark.parametrize("stream", [False, True], ids=["answer", "stream"])
async def test_stall_before_the_first_byte_times_out_and_falls_back(
    gw: MockGateway, make_client: ClientFactory, stream: bool
) -> None:
    client = make_client()

    started = time.monotonic()
    answer = await create(
        client,
        model="mock/slow",
        fallbacks=["openai/gpt-4o-mini"],
        stream=stream,
        timeout=0.2,
        retry=NO_RETRY,
    )
    if stream:
        answer = await resolve(answer.collect())

    assert time.monotonic() - started < gw.settings.slow_seconds
    assert called(gw) == ["mock/slow", "openai/gpt-4o-mini"]
    assert answer.model == "openai/gpt-4o-mini"
    assert answer.content == "Tell me a short story please"


@pytest.mark.parametrize("stall_after", [0, 1], ids=["no-event", "role-chunk-only"])
async def test_stream_stalling_after_headers_before_content_falls_back(
    gw: MockGateway, make_client: ClientFactory, stall_after: int
) -> None:
    client = make_client(models=SMART)
    gw.faults.add(CHAT, stall_after=stall_after)

    started = time.monotonic()
    chunks = await read_all(
        await create(client, model="smart", stream=True, stream_idle_timeout=0.2)
    )

    assert time.monotonic() - started < 2.0
    assert called(gw) == ["openai/gpt-4o", "openai/gpt-4o-mini"]
    assert {chunk.model for chunk in chunks} == {"openai/gpt-4o-mini"}
    assert text_of(chunks) == "Tell me a short story please"


# -------------------------------------------------------------------- cooldown
# A cooldown far longer than any test (skipping) or one the test waits out (expiry): no
# assertion depends on how fast two calls follow each other.
async def _fail_over_from_gpt_4o(gw: MockGateway, client: Any) -> None:
    """One call in which gpt-4o fails (retried once) and gpt-4o-mini answers; then the
    gateway's record is cleared for what follows."""
    gw.faults.add(CHAT, status=503, times=2)
    await create(client, model="smart")
    assert called(gw) == ["openai/gpt-4o", "openai/gpt-4o", "openai/gpt-4o-mini"]
    gw.requests.clear()


async def test_cooldown_skips_a_failed_model_in_later_calls(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models=SMART, fallback_cooldown=600.0)
    await _fail_over_from_gpt_4o(gw, client)

    cooled = await create(client, model="smart")
    assert called(gw) == ["openai/gpt-4o-mini"]  # gpt-4o is cooling down: not even tried
    assert cooled.model == "openai/gpt-4o-mini"


async def test_a_model_is_tried_again_once_its_cooldown_expires(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    client = make_client(models=SMART, fallback_cooldown=0.3)
    await _fail_over_from_gpt_4o(gw, client)

    await asyncio.sleep(0.4)  # the cooldown began before that call returned
    back = await create(client, model="smart")
    assert called(gw) == ["openai/gpt-4o"]
    assert back.model == "openai/gpt-4o"


# --------------------------------------------------------------------- logging


async def test_each_failed_hop_leaves_a_debug_record_naming_it(
    gw: MockGateway, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="gatewise")
    client = make_client()

    await create(
        client, model="mock/always-503", fallbacks=["mock/overloaded", "openai/gpt-4o-mini"]
    )

    records = [r for r in caplog.records if r.name == "gatewise"]
    hops = [r.getMessage() for r in records if r.getMessage().startswith("fallback:")]
    assert len(hops) == 2
    assert hops[0].startswith("fallback: mock/always-503 failed (ProviderUnavailableError")
    assert hops[1].startswith("fallback: mock/overloaded failed (ProviderUnavailableError")
    attempts = [r.getMessage() for r in records if f"POST {gw.url}{CHAT}" in r.getMessage()]
    assert len(attempts) == 5  # one record per attempt: 2 + 2 + 1
    assert all(r.levelno == logging.DEBUG for r in records)
    assert not any(gw.api_key in r.getMessage() for r in records)


async def test_last_hop_debug_record_does_not_promise_a_next_model(
    gw: MockGateway, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="gatewise")
    client = make_client(models={"solo": ["mock/always-503"]})

    with pytest.raises(AllProvidersFailed):
        await create(client, model="solo")

    (hop,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("fallback:")]
    assert "next model" not in hop


# ------------------------------------------------------------------ cancelling


@pytest.mark.gateway(slow_seconds=0.6)
@pytest.mark.parametrize("stream", [False, True], ids=["answer", "stream"])
async def test_cancelling_the_awaiting_task_stops_the_chain(
    gw: MockGateway,
    make_async_client: ClientFactory,
    recwarn: pytest.WarningsRecorder,
    stream: bool,
) -> None:
    client = make_async_client(models={"smart": ["mock/slow", "openai/gpt-4o-mini"]})
    call = asyncio.ensure_future(
        client.chat.completions.create(model="smart", messages=HELLO, stream=stream)
    )
    # Cancelled once the slow model has the request, however long sending it took.
    for _ in range(500):
        if wire(gw):
            break
        await asyncio.sleep(0.01)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call

    # Longer than the slow model takes: a chain still running would have moved on by now.
    await asyncio.sleep(gw.settings.slow_seconds + 0.2)
    assert wire(gw) == [(CHAT, "mock/slow")]
    gc.collect()  # an unclosed response would warn here
    assert not recwarn.list
