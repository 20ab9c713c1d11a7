"""Images (generate; edit as a multipart upload) and polled video jobs."""

from __future__ import annotations

import base64
import io
import struct
from pathlib import Path
from typing import Any

import httpx
import pytest

from gatewise import AsyncJobFailed, AsyncJobTimeout
from gatewise.testing import MockGateway
from gatewise.types import ImagesResponse, VideoTask
from tests.support import resolve

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST_POLL = 0.02


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def a_png(seed: int = 0) -> bytes:
    """A small file that starts like a PNG; the mock only needs some bytes."""
    return PNG_SIGNATURE + bytes(range(seed, seed + 24))


async def test_generated_b64_json_images_decode_to_pngs(client: Any) -> None:
    answer = await resolve(
        client.images.generate(
            model="openai/dall-e-3",
            prompt="A red fox",
            n=2,
            size="1024x512",
            quality="hd",
            style="vivid",
            response_format="b64_json",
        )
    )

    assert isinstance(answer, ImagesResponse)
    assert len(answer.data) == 2
    for image in answer.data:
        assert image.url is None
        # The mock draws at 1/16 of the requested size.
        assert png_size(base64.b64decode(image.b64_json)) == (64, 32)
        assert image.revised_prompt == "A red fox"
    assert answer.data[0].b64_json != answer.data[1].b64_json
    assert answer.provider == "openai"


async def test_a_generated_image_url_is_fetchable_from_the_gateway(
    client: Any, gateway: MockGateway
) -> None:
    answer = await resolve(
        client.images.generate(model="openai/dall-e-2", prompt="A blue whale", size="256x256")
    )
    url = answer.data[0].url

    assert url is not None
    assert url.startswith(gateway.url + "/files/")
    fetched = httpx.get(url)  # served without a key, like a CDN link
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/png"
    assert png_size(fetched.content) == (16, 16)


def _file_object(tmp_path: Path) -> Any:
    return io.BytesIO(a_png(1))


def _raw_bytes(tmp_path: Path) -> Any:
    return a_png(2)


def _path(tmp_path: Path) -> Any:
    path = tmp_path / "fox.png"
    path.write_bytes(a_png(3))
    return path


def _tuple(tmp_path: Path) -> Any:
    return ("fox.png", a_png(4), "image/png")


@pytest.mark.parametrize(
    ("make_image", "filename"),
    [
        pytest.param(_file_object, "image", id="file-object"),
        pytest.param(_raw_bytes, "image", id="bytes"),
        pytest.param(_path, "fox.png", id="path"),
        pytest.param(_tuple, "fox.png", id="tuple"),
    ],
)
async def test_images_edit_uploads_the_image_as_multipart(
    client: Any, gateway: MockGateway, tmp_path: Path, make_image: Any, filename: str
) -> None:
    image = make_image(tmp_path)

    answer = await resolve(
        client.images.edit(
            model="openai/dall-e-2",
            image=image,
            prompt="Add a sunset",
            n=1,
            size="512x512",
            response_format="b64_json",
        )
    )

    assert answer.data[0].revised_prompt == "Add a sunset (edited a 32-byte image)"
    assert png_size(base64.b64decode(answer.data[0].b64_json)) == (32, 32)
    sent = gateway.requests.last
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert f'name="image"; filename="{filename}"'.encode() in sent.body
    assert b'name="prompt"\r\n\r\nAdd a sunset\r\n' in sent.body


async def test_images_edit_sends_an_open_file_and_a_mask(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(a_png())
    with path.open("rb") as image:
        answer = await resolve(
            client.images.edit(
                model="openai/dall-e-2",
                image=image,
                mask=b"\x00" * 10,
                prompt="Remove the car",
            )
        )

    assert answer.data[0].revised_prompt == (
        "Remove the car (edited a 32-byte image with a 10-byte mask)"
    )
    assert answer.data[0].url is not None


@pytest.mark.mock_gateway(video_seconds=0.3)
async def test_a_submitted_video_job_reports_status_and_waits_for_its_url(
    client: Any, gateway: MockGateway
) -> None:
    job = await resolve(
        client.video.submit(model="byteplus/seedance", prompt="Cherry blossoms", seconds=5)
    )

    assert job.task_id.startswith("video_")
    assert await resolve(job.status()) in ("queued", "running")
    result = await resolve(job.wait(timeout=10, poll_interval=FAST_POLL))

    assert isinstance(result, VideoTask)
    assert result.status == "succeeded"
    assert result.progress == 100
    assert result.url == f"{gateway.url}/files/{job.task_id}.mp4"
    assert httpx.get(result.url).content[4:8] == b"ftyp"
    fetched = await resolve(client.video.retrieve(job.task_id))
    assert (fetched.task_id, fetched.status, fetched.seconds) == (job.task_id, "succeeded", 5)


@pytest.mark.mock_gateway(video_seconds=0.3)
async def test_a_cancelled_video_job_ends_cancelled_and_waiting_fails(client: Any) -> None:
    job = await resolve(client.video.submit(model="byteplus/seedance", prompt="Never mind"))

    cancelled = await resolve(job.cancel())

    assert cancelled.status == "cancelled"
    assert await resolve(job.status()) == "cancelled"
    with pytest.raises(AsyncJobFailed) as failure:
        await resolve(job.wait(timeout=10, poll_interval=FAST_POLL))
    assert failure.value.job.status == "cancelled"


@pytest.mark.mock_gateway(video_seconds=0.3)
async def test_video_generate_reports_progress_until_done(client: Any) -> None:
    seen: list[tuple[str, int | None]] = []

    result = await resolve(
        client.video.generate(
            model="byteplus/seedance",
            prompt="A paper boat",
            seconds=3,
            resolution="1080p",
            on_progress=lambda task: seen.append((task.status, task.progress)),
            poll_interval=FAST_POLL,
            wait_timeout=10,
        )
    )

    assert result.status == "succeeded"
    assert result.resolution == "1080p"
    assert seen[0] == ("queued", 0)
    assert seen[-1] == ("succeeded", 100)
    assert "running" in [status for status, _ in seen]
    progress = [value for _, value in seen]
    assert progress == sorted(progress)
    assert len(set(seen)) == len(seen)  # called on changes only


@pytest.mark.mock_gateway(video_seconds=0.3)
async def test_a_failing_video_job_raises_async_job_failed_with_the_error(client: Any) -> None:
    with pytest.raises(AsyncJobFailed) as failure:
        await resolve(
            client.video.generate(
                model="mock/video-fail", prompt="x", poll_interval=FAST_POLL, wait_timeout=10
            )
        )

    assert failure.value.job.status == "failed"
    assert failure.value.error.code == "video_generation_failed"


@pytest.mark.mock_gateway(video_seconds=30)
async def test_waiting_past_the_deadline_raises_async_job_timeout(client: Any) -> None:
    job = await resolve(client.video.submit(model="byteplus/seedance", prompt="Slow"))

    with pytest.raises(AsyncJobTimeout) as timeout:
        await resolve(job.wait(timeout=0.1, poll_interval=FAST_POLL))

    assert timeout.value.job.status == "running"
    assert await resolve(job.status()) == "running"  # the job keeps running on the server
