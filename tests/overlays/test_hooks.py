"""Hooks end to end: before_request / after_success / after_error around every attempt,
against a real MockGateway, sync and async (retries, fallback hops, streams, Anthropic)."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from gatewise import (
    APIConnectionError,
    AsyncGatewise,
    Gatewise,
    HookContext,
    HookError,
    ProviderUnavailableError,
)
from gatewise.testing import MockGateway
from tests.support import NO_RETRY, resolve

from .conftest import ClientFactory
from .support import CHAT, CLAUDE, HELLO, MESSAGES, models_called, read_all


class Recorder:
    """Writes down what each stage saw; before_request tags the request with a header."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None, int, int]] = []
        self.errors: list[tuple[httpx.Response | None, Exception]] = []
        self.headers_shown: list[str] = []

    def _note(self, stage: str, ctx: HookContext) -> None:
        self.seen.append((stage, ctx.operation_id, ctx.model, ctx.attempt, ctx.hop))

    def before_request(self, ctx: HookContext, request: httpx.Request) -> httpx.Request:
        self._note("before", ctx)
        self.headers_shown.append(repr(request.headers))
        request.headers["X-Audit"] = f"attempt-{ctx.attempt}-hop-{ctx.hop}"
        return request

    def after_success(self, ctx: HookContext, response: httpx.Response) -> None:
        self._note("success", ctx)

    def after_error(
        self, ctx: HookContext, response: httpx.Response | None, error: Exception
    ) -> None:
        self._note("error", ctx)
        self.errors.append((response, error))


def chat(client: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("messages", HELLO)
    kwargs.setdefault("model", "openai/gpt-4o")
    return resolve(client.chat.completions.create(**kwargs))


async def test_before_request_changes_headers_and_every_stage_sees_the_call(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    hook = Recorder()
    client = make_client(hooks=[hook])

    answer = await chat(client)

    assert answer.content == "Tell me a short story please"
    assert gw.requests.to(CHAT)[0].headers["x-audit"] == "attempt-1-hop-0"
    assert hook.seen == [
        ("before", "createChatCompletion", "openai/gpt-4o", 1, 0),
        ("success", "createChatCompletion", "openai/gpt-4o", 1, 0),
    ]
    # The request a hook sees shows no credential.
    assert gw.api_key not in hook.headers_shown[0]


async def test_retries_and_fallback_hops_each_call_the_hooks(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    hook = Recorder()
    client = make_client(hooks=[hook])  # FAST_RETRY: one retry per model
    gw.faults.add(CHAT, status=503, times=2)

    await chat(client, fallbacks=["openai/gpt-4o-mini"])

    assert models_called(gw) == ["openai/gpt-4o", "openai/gpt-4o", "openai/gpt-4o-mini"]
    assert [(stage, model, attempt, hop) for stage, _, model, attempt, hop in hook.seen] == [
        ("before", "openai/gpt-4o", 1, 0),
        ("error", "openai/gpt-4o", 1, 0),
        ("before", "openai/gpt-4o", 2, 0),
        ("error", "openai/gpt-4o", 2, 0),
        ("before", "openai/gpt-4o-mini", 1, 1),
        ("success", "openai/gpt-4o-mini", 1, 1),
    ]
    assert [r.headers["x-audit"] for r in gw.requests.to(CHAT)] == [
        "attempt-1-hop-0",
        "attempt-2-hop-0",
        "attempt-1-hop-1",
    ]
    for response, error in hook.errors:
        assert response is not None
        assert response.status_code == 503
        assert isinstance(error, ProviderUnavailableError)


async def test_an_anthropic_model_keeps_the_callers_operation_id(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    hook = Recorder()
    client = make_client(hooks=[hook])

    await chat(client, model=CLAUDE)

    assert gw.requests.to(MESSAGES)[0].headers["x-audit"] == "attempt-1-hop-0"
    assert hook.seen[0] == ("before", "createChatCompletion", CLAUDE, 1, 0)


async def test_after_error_sees_no_response_on_a_connection_error(
    make_client: ClientFactory,
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    hook = Recorder()
    cls = type(make_client())
    client = cls(base_url=f"http://127.0.0.1:{port}", hooks=[hook], retry=NO_RETRY)
    try:
        with pytest.raises(APIConnectionError):
            await chat(client)
    finally:
        await resolve(client.close())

    [(response, error)] = hook.errors
    assert response is None
    assert isinstance(error, APIConnectionError)


class Failing:
    def __init__(self, stage: str) -> None:
        self.stage = stage

    def __getattr__(self, name: str) -> Any:
        if name != self.stage:
            raise AttributeError(name)

        def fail(*args: object) -> None:
            raise RuntimeError("audit service down")

        return fail


@pytest.mark.parametrize("stage", ["before_request", "after_success", "after_error"])
async def test_a_hooks_own_exception_is_a_hook_error_with_its_cause(
    gw: MockGateway, make_client: ClientFactory, stage: str
) -> None:
    client = make_client(hooks=[Failing(stage)], retry=NO_RETRY)
    if stage == "after_error":
        gw.faults.add(CHAT, status=503)

    with pytest.raises(HookError, match="audit service down") as caught:
        await chat(client)

    assert isinstance(caught.value.__cause__, RuntimeError)
    assert caught.value.hook == f"Failing.{stage}"
    # The pipeline is intact: the next call without the failing stage goes through.
    await chat(client.with_options(hooks=[]))


async def test_a_failing_hook_on_a_stream_releases_its_connection(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    one_connection = httpx.Limits(max_connections=1)
    timeout = httpx.Timeout(5.0, pool=2.0)
    cls = make_client().__class__
    http_class = httpx.AsyncClient if cls is AsyncGatewise else httpx.Client
    http = http_class(limits=one_connection, timeout=timeout)
    client = cls(base_url=gw.url, api_key=gw.api_key, http_client=http)
    try:
        for _ in range(3):  # each would wait for the pool if a connection leaked
            with pytest.raises(HookError):
                await chat(client.with_options(hooks=[Failing("after_success")]), stream=True)
        assert len(await read_all(await chat(client, stream=True))) > 1
    finally:
        await resolve(client.close())
        await resolve(http.aclose() if isinstance(http, httpx.AsyncClient) else http.close())


class BadHeader:
    def before_request(self, ctx: HookContext, request: httpx.Request) -> httpx.Request:
        request.headers["X-Audit"] = "one\r\nInjected: yes"
        return request


class Rerouting:
    def before_request(self, ctx: HookContext, request: httpx.Request) -> httpx.Request:
        return httpx.Request(request.method, "http://127.0.0.1:9/elsewhere")


class WrongAnswer:
    def after_success(self, ctx: HookContext, response: httpx.Response) -> object:
        return {"not": "a response"}


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        (BadHeader(), "must not contain CR, LF"),
        (Rerouting(), "may change headers, not the method or URL"),
        (WrongAnswer(), "must return an httpx.Response or None"),
    ],
)
async def test_what_a_hook_returns_is_checked(
    gw: MockGateway, make_client: ClientFactory, hook: object, message: str
) -> None:
    client = make_client(hooks=[hook])

    with pytest.raises(HookError, match=message):
        await chat(client)

    if not isinstance(hook, WrongAnswer):
        assert gw.requests.to(CHAT) == []


class AsyncAudit:
    def __init__(self) -> None:
        self.seen: list[int] = []

    async def before_request(self, ctx: HookContext, request: httpx.Request) -> httpx.Request:
        self.seen.append(ctx.attempt)
        request.headers["X-Audit"] = "async"
        return request

    async def after_success(self, ctx: HookContext, response: httpx.Response) -> None:
        self.seen.append(response.status_code)


async def test_async_hooks_are_awaited_on_the_async_client(gw: MockGateway) -> None:
    hook = AsyncAudit()
    async with AsyncGatewise(base_url=gw.url, api_key=gw.api_key, hooks=[hook]) as client:
        await client.chat.completions.create(model="openai/gpt-4o", messages=HELLO)

    assert hook.seen == [1, 200]
    assert gw.requests.to(CHAT)[0].headers["x-audit"] == "async"


def test_an_async_hook_on_the_sync_client_is_refused_when_it_is_made() -> None:
    with pytest.raises(TypeError, match="async hooks need AsyncGatewise"):
        Gatewise(hooks=[AsyncAudit()])
    with pytest.raises(TypeError, match="async hooks need AsyncGatewise"):
        Gatewise().with_options(hooks=[AsyncAudit()])


class LambdaAsync:
    """A sync method that hands back a coroutine: no check at construction can see it."""

    def __init__(self) -> None:
        self.after_error = lambda ctx, response, error: AsyncAudit().after_success(ctx, response)


def test_a_coroutine_returned_to_the_sync_client_is_a_hook_error(gw: MockGateway) -> None:
    gw.faults.add(CHAT, status=400)
    client = Gatewise(base_url=gw.url, api_key=gw.api_key, hooks=[LambdaAsync()])
    with client, pytest.raises(HookError, match="async hooks need AsyncGatewise"):
        client.chat.completions.create(model="openai/gpt-4o", messages=HELLO)


@pytest.mark.parametrize("hooks", [Recorder(), [object()], "audit"])
def test_hooks_that_could_never_run_are_refused(hooks: object) -> None:
    with pytest.raises(TypeError, match="hook"):
        Gatewise(hooks=hooks)  # type: ignore[arg-type]


async def test_with_options_sets_hooks_on_the_copy_only(
    gw: MockGateway, make_client: ClientFactory
) -> None:
    hook = Recorder()
    client = make_client()

    await chat(client.with_options(hooks=[hook]))
    await chat(client)

    assert [stage for stage, *_ in hook.seen] == ["before", "success"]
    assert [r.headers.get("x-audit") for r in gw.requests.to(CHAT)] == ["attempt-1-hop-0", None]
