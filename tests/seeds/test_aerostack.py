"""The Aerostack (Speakeasy) SDK's examples, re-typed with gatewise's names, against the mock.

Each example keeps the seed's shape (RetryConfig("backoff", ...), server_url= ending in
/v1, errors.SDKBaseError / ErrorResponse with .raw_response and .data, a file dict, an
HttpClient wrapper, debug_logger=) and runs with Gatewise and AsyncGatewise.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import httpx
import pytest

from gatewise import AsyncGatewise, Gatewise, errors
from gatewise.httpclient import AsyncHttpClient, HttpClient
from gatewise.testing import MockGateway
from gatewise.utils import BackoffStrategy, RetryConfig
from tests.support import resolve

from ..e2e.helpers import ClientFactory

MODEL = "openai/gpt-4o"
REQUEST: dict[str, Any] = {"messages": [{"role": "user", "content": "Hi"}], "model": MODEL}


@pytest.fixture(params=["sync", "async"])
async def sdk_factory(request: pytest.FixtureRequest, gateway: MockGateway) -> Any:
    factory = ClientFactory(request.param, gateway)
    yield factory
    await factory.close_all()


def test_sync_example(gateway: MockGateway) -> None:
    with Gatewise(api_key=gateway.api_key, base_url=gateway.url) as sdk:
        res = sdk.chat.completions.create(**REQUEST)
        assert res.choices[0].message.content


async def test_async_example(gateway: MockGateway) -> None:
    async with AsyncGatewise(api_key=gateway.api_key, base_url=gateway.url) as sdk:
        res = await sdk.chat.completions.create(**REQUEST)
        assert res.choices[0].message.content


async def test_file_upload_as_a_stream(sdk_factory: ClientFactory) -> None:
    sdk = sdk_factory()
    res = await resolve(
        sdk.images.edit(
            model="openai/dall-e-2",
            prompt="Add a sunset",
            image={
                "content": io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(1000)),
                "file_name": "example.png",
                "content_type": "image/png",
            },
        )
    )
    assert res.data


async def test_retries_per_call_and_global(
    sdk_factory: ClientFactory, gateway: MockGateway
) -> None:
    gateway.faults.add("/v1/chat/completions", status=503, times=1)
    sdk = sdk_factory()
    res = await resolve(
        sdk.chat.completions.create(
            **REQUEST, retry=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 5000), False)
        )
    )
    assert res.choices
    gateway.faults.add("/v1/chat/completions", status=503, times=1)
    sdk = sdk_factory(retry=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 5000), False))
    assert (await resolve(sdk.chat.completions.create(**REQUEST))).choices


async def test_error_handling(sdk_factory: ClientFactory) -> None:
    sdk = sdk_factory()
    with pytest.raises(errors.SDKBaseError) as caught:
        await resolve(sdk.admin.keys.retrieve("key_does_not_exist"))
    e = caught.value
    assert e.message
    assert e.status_code == 404
    assert e.body
    assert e.headers["x-request-id"]
    assert isinstance(e.raw_response, httpx.Response)
    assert e.raw_response.status_code == 404
    assert isinstance(e, errors.ErrorResponse)
    assert e.data is not None
    assert e.data.message == e.message
    assert e.data.code == e.code
    assert e.data.details == e.details


async def test_select_server_by_index(sdk_factory: ClientFactory) -> None:
    sdk = sdk_factory(base_url=None, server_idx=0)
    assert sdk.base_url == "http://localhost:8080"


async def test_override_server_url(sdk_factory: ClientFactory, gateway: MockGateway) -> None:
    sdk = sdk_factory(base_url=None, server_url=f"{gateway.url}/v1")
    assert (await resolve(sdk.chat.completions.create(**REQUEST))).choices


def test_custom_httpx_client(gateway: MockGateway) -> None:
    seen: list[str] = []
    http_client = httpx.Client(
        headers={"x-custom-header": "someValue"},
        event_hooks={"request": [lambda r: seen.append(r.headers["x-custom-header"])]},
    )
    s = Gatewise(http_client=http_client, base_url=gateway.url, api_key=gateway.api_key)
    s.models.list()
    assert seen == ["someValue"]
    http_client.close()


class CustomClient(HttpClient):
    """The seed's wrapper (sync variant): adds a header, then sends through httpx."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        request.headers["Client-Level-Header"] = "added by client"
        return self.client.send(request, **kwargs)

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        return self.client.build_request(method, url, **kwargs)


class AsyncCustomClient(AsyncHttpClient):
    """The seed's wrapper of an httpx.AsyncClient."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        request.headers["Client-Level-Header"] = "added by client"
        return await self.client.send(request, **kwargs)

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        return self.client.build_request(method, url, **kwargs)


def test_custom_client_wrapper(gateway: MockGateway) -> None:
    inner = httpx.Client(event_hooks={"request": [_expect_wrapper_header]})
    s = Gatewise(http_client=CustomClient(inner), base_url=gateway.url, api_key=gateway.api_key)
    assert s.models.list()
    inner.close()


async def test_async_custom_client_wrapper(gateway: MockGateway) -> None:
    async def check(request: httpx.Request) -> None:
        _expect_wrapper_header(request)

    inner = httpx.AsyncClient(event_hooks={"request": [check]})
    s = AsyncGatewise(
        http_client=AsyncCustomClient(inner), base_url=gateway.url, api_key=gateway.api_key
    )
    assert await s.models.list()
    await inner.aclose()


def _expect_wrapper_header(request: httpx.Request) -> None:
    assert request.headers["Client-Level-Header"] == "added by client"


def test_resource_management(gateway: MockGateway) -> None:
    with Gatewise(api_key=gateway.api_key, base_url=gateway.url) as sdk:
        sdk.models.list()


async def test_async_resource_management(gateway: MockGateway) -> None:
    async with AsyncGatewise(api_key=gateway.api_key, base_url=gateway.url) as sdk:
        await sdk.models.list()


async def test_debug_logger(sdk_factory: ClientFactory, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="aerostack")
    s = sdk_factory(debug_logger=logging.getLogger("aerostack"))
    await resolve(s.models.list())
    assert [r.name for r in caplog.records] == ["aerostack"]
    assert "GET" in caplog.records[0].getMessage()
