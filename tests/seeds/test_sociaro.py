"""Sociaro's SDK page, every example re-typed: `Sociaro` is `Gatewise`, `AsyncSociaro`
`AsyncGatewise`, the models the mock's (`byteplus/seedance`, a dated Claude); the stats
call of "tags show up as dimensions in GET /gw/stats" is `client.stats(...)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import gatewise
from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway

FAST_POLL = 0.02  # gatewise's poll_interval (Sociaro's has none), so the tests do not wait 2 s
MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]


@pytest.fixture
def api_key(gateway: MockGateway, monkeypatch: pytest.MonkeyPatch) -> str:
    # The seed's "gw_live_..." key; GATEWISE_BASE_URL stands for its default URL.
    monkeypatch.setenv("GATEWISE_BASE_URL", gateway.url)
    return gateway.api_key


def test_quick_start(api_key: str) -> None:
    client = Gatewise(api_key=api_key)  # or set GATEWISE_API_KEY env var
    response = client.chat.completions.create(
        model="openai/gpt-4o",  # always "provider/model"
        messages=[{"role": "user", "content": "What is the speed of light?"}],
    )
    print(response.choices[0].message.content)
    assert response.choices[0].message.content == "What is the speed of light?"
    client.close()


def test_streaming(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    for chunk in client.chat.completions.create(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "Count to 5."}], stream=True
    ):
        print(chunk.choices[0].delta.content or "", end="", flush=True)
    assert capsys.readouterr().out == "Count to 5."


def test_images(client: Gatewise, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("original.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(24))

    img = client.images.generate(model="openai/dall-e-3", prompt="A red fox in snow")
    print(img.data[0].url)
    with open("original.png", "rb") as image:  # the seed leaves it open
        edited = client.images.edit(model="openai/dall-e-2", image=image, prompt="Add a sunset")
    assert img.data[0].url
    assert edited.data


@pytest.mark.mock_gateway(video_seconds=0.1)
def test_video_jobs(client: Gatewise, capsys: pytest.CaptureFixture[str]) -> None:
    result = client.video.generate(
        model="byteplus/seedance",
        prompt="A timelapse of cherry blossoms blooming",
        seconds=5,
        resolution="720p",
        on_progress=lambda status: print("status:", status),
        poll_interval=FAST_POLL,
    )
    print(result.url)

    job = client.video.submit(model="byteplus/seedance", prompt="Ocean waves", seconds=5)
    print(job.task_id, job.status())
    result = job.wait(timeout=300.0, poll_interval=FAST_POLL)
    assert result.url
    assert "status:" in capsys.readouterr().out


def test_fallback_chains(api_key: str) -> None:
    client = Gatewise(
        api_key=api_key,
        models={"smart": ["mock/always-503", "anthropic/claude-3-5-sonnet-20241022"]},
    )
    response = client.chat.completions.create(model="smart", messages=MESSAGES)
    assert response.model == "anthropic/claude-3-5-sonnet-20241022"
    client.close()


def test_all_providers_failed(api_key: str) -> None:
    client = Gatewise(api_key=api_key, models={"smart": ["mock/always-503", "mock/always-503"]})
    with pytest.raises(gatewise.AllProvidersFailed):
        client.with_options(max_retries=0).chat.completions.create(model="smart", messages=MESSAGES)
    client.close()


def test_attribution_and_stats(api_key: str, gateway: MockGateway) -> None:
    client = Gatewise(api_key=api_key, default_attribution={"team": "product"})
    client.chat.completions.create(
        model="openai/gpt-4o",
        messages=MESSAGES,
        attribution={"feature": "chat"},  # → X-Attr-Feature header
    )
    assert gateway.requests.last.headers["x-attr-feature"] == "chat"

    # Tags show up as dimensions in GET /gw/stats.
    stats = client.stats(group_by="attr.feature")
    assert stats.groups[0].key == {"attr.feature": "chat"}
    by_team = client.stats(group_by="attr.team")
    assert by_team["groups"][0]["key"] == {"attr.team": "product"}
    client.close()


def test_errors(client: Gatewise) -> None:
    tree = [
        (gatewise.APIError, gatewise.GatewiseError),
        (gatewise.AuthError, gatewise.APIError),
        (gatewise.RateLimitError, gatewise.APIError),
        (gatewise.BadRequestError, gatewise.APIError),
        (gatewise.ProviderUnavailableError, gatewise.APIError),
        (gatewise.AsyncJobFailed, gatewise.GatewiseError),
        (gatewise.AsyncJobTimeout, gatewise.GatewiseError),
        (gatewise.AllProvidersFailed, gatewise.GatewiseError),
    ]
    assert all(issubclass(error, base) for error, base in tree)
    with pytest.raises(gatewise.BadRequestError):
        client.models.retrieve("no/such-model")


async def test_async_client(api_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    async with AsyncGatewise(api_key=api_key) as client:
        response = await client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "Hello"}]
        )
        assert response.choices[0].message.content == "Hello"

        async for chunk in await client.chat.completions.create(
            model="openai/gpt-4o",
            messages=[{"role": "user", "content": "Count to 5."}],
            stream=True,
        ):
            print(chunk.choices[0].delta.content or "", end="", flush=True)
        await client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, attribution={"feature": "chat"}
        )
        stats = await client.stats(group_by="attr.feature")
        img = await client.images.generate(model="openai/dall-e-3", prompt="A red fox in snow")
    assert capsys.readouterr().out == "Count to 5."
    assert {group.key["attr.feature"]: group.requests for group in stats.groups}["chat"] == 1
    assert img.data[0].url


@pytest.mark.mock_gateway(video_seconds=0.1)
async def test_async_video_jobs(async_client: AsyncGatewise) -> None:
    result = await async_client.video.generate(
        model="byteplus/seedance", prompt="Cherry blossoms", seconds=5, poll_interval=FAST_POLL
    )
    job = await async_client.video.submit(model="byteplus/seedance", prompt="Ocean waves")
    print(job.task_id, await job.status())
    done = await job.wait(timeout=300.0, poll_interval=FAST_POLL)
    assert result.url
    assert done.url
