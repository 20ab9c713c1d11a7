"""Embeddings, images (real PNGs, URLs the mock serves, multipart edits) and video jobs."""

from __future__ import annotations

import base64
import math
import struct
import time
import zlib

import httpx
import pytest

from gatewise.testing import MockGateway

from .conftest import ClientFactory


def png_header(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, checking its signature, IHDR and that IDAT inflates."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, tag = struct.unpack(">I4s", data[8:16])
    assert (length, tag) == (13, b"IHDR")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2)
    assert zlib.crc32(data[12:29]) & 0xFFFFFFFF == struct.unpack(">I", data[29:33])[0]
    idat_length = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    assert len(zlib.decompress(data[41 : 41 + idat_length])) == height * (1 + 3 * width)
    assert data.endswith(b"IEND\xaeB`\x82")
    return width, height


def test_embeddings_are_deterministic_unit_vectors(client: httpx.Client) -> None:
    body = {"model": "openai/text-embedding-3-small", "input": ["alpha", "beta gamma"]}
    first = client.post("/v1/embeddings", json=body).json()
    vectors = [item["embedding"] for item in first["data"]]
    assert [len(v) for v in vectors] == [8, 8]
    assert all(math.isclose(math.fsum(x * x for x in v), 1.0, rel_tol=1e-6) for v in vectors)
    assert vectors[0] != vectors[1]
    assert client.post("/v1/embeddings", json=body).json()["data"] == first["data"]
    assert first["usage"]["prompt_tokens"] == 3


def test_base64_embeddings_decode_to_the_same_unit_vectors(client: httpx.Client) -> None:
    body = {"model": "text-embedding-3-small", "input": "alpha", "dimensions": 32}
    floats = client.post("/v1/embeddings", json=body).json()["data"][0]["embedding"]
    encoded = client.post("/v1/embeddings", json={**body, "encoding_format": "base64"}).json()[
        "data"
    ][0]["embedding"]
    decoded = list(struct.unpack("<32f", base64.b64decode(encoded)))
    assert decoded == floats
    assert math.isclose(math.fsum(x * x for x in decoded), 1.0, rel_tol=1e-6)


def test_token_array_inputs_are_embedded(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/embeddings", json={"model": "text-embedding-3-small", "input": [[1, 2, 3]]}
    )
    assert answer.json()["usage"]["total_tokens"] == 3


def test_generated_images_are_real_pngs_as_base64(client: httpx.Client) -> None:
    body = {
        "model": "openai/dall-e-3",
        "prompt": "A red fox",
        "size": "1024x1024",
        "response_format": "b64_json",
        "n": 2,
    }
    data = client.post("/v1/images/generations", json=body).json()["data"]
    images = [base64.b64decode(item["b64_json"]) for item in data]
    assert [png_header(image) for image in images] == [(64, 64), (64, 64)]
    assert images[0] != images[1]
    assert data[0]["revised_prompt"] == "A red fox"


def test_image_urls_are_served_by_the_mock_without_a_key(
    client: httpx.Client, make_client: ClientFactory
) -> None:
    body = {"model": "dall-e-2", "prompt": "A boat", "size": "512x256"}
    url = client.post("/v1/images/generations", json=body).json()["data"][0]["url"]
    image = make_client(key=None).get(url)
    assert image.headers["content-type"] == "image/png"
    assert png_header(image.content) == (32, 16)
    assert client.get("/files/img_999999.png").status_code == 404
    assert client.post("/v1/images/generations", json={**body, "size": "huge"}).status_code == 422


def test_image_edits_read_the_multipart_upload(client: httpx.Client) -> None:
    image = b"\x89PNG fake image bytes"
    files = {"image": ("a.png", image, "image/png"), "mask": ("m.png", b"mask", "image/png")}
    form = {
        "model": "openai/dall-e-2",
        "prompt": "Add a sunset",
        "n": "1",
        "response_format": "b64_json",
    }
    answer = client.post("/v1/images/edits", data=form, files=files)
    assert answer.status_code == 200
    item = answer.json()["data"][0]
    assert (
        item["revised_prompt"]
        == f"Add a sunset (edited a {len(image)}-byte image with a 4-byte mask)"
    )
    png_header(base64.b64decode(item["b64_json"]))


def test_image_edits_without_an_image_are_rejected(client: httpx.Client) -> None:
    missing = client.post(
        "/v1/images/edits", data={"model": "dall-e-2", "prompt": "x"}, files={"mask": ("m", b"1")}
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["errors"] == [
        {"loc": ["image"], "msg": "image: file required"}
    ]
    as_json = client.post("/v1/images/edits", json={"model": "dall-e-2", "prompt": "x"})
    assert as_json.status_code == 400


def test_an_empty_image_is_refused_as_the_spec_says(client: httpx.Client) -> None:
    # openapi.yaml: image has minLength 1, so a fuzzer never sends it empty as valid data.
    empty = {"image": ("a.png", b"", "image/png")}
    answer = client.post("/v1/images/edits", data={"model": "dall-e-2", "prompt": "x"}, files=empty)

    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["errors"] == [
        {"loc": ["image"], "msg": "image: the file must hold at least 1 byte(s)"}
    ]


def test_video_jobs_progress_on_each_poll_then_succeed(
    client: httpx.Client, make_client: ClientFactory
) -> None:
    submitted = client.post(
        "/v1/videos", json={"model": "byteplus/seedance", "prompt": "Waves", "seconds": 5}
    )
    assert submitted.status_code == 202
    task = submitted.json()
    assert (task["status"], task["progress"]) == ("queued", 0)
    seen = []
    while task["status"] not in ("succeeded", "failed"):
        task = client.get(f"/v1/videos/{task['task_id']}").json()
        seen.append((task["status"], task["progress"]))
        time.sleep(0.03)
    running = [progress for status, progress in seen if status == "running"]
    assert len(running) >= 2
    assert running == sorted(set(running))
    assert seen[-1] == ("succeeded", 100)
    video = make_client(key=None).get(task["url"])
    assert video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"


def test_the_video_fail_model_fails_with_an_error(gw: MockGateway, client: httpx.Client) -> None:
    task = client.post("/v1/videos", json={"model": "mock/video-fail", "prompt": "x"}).json()
    time.sleep(0.25)
    failed = client.get(f"/v1/videos/{task['task_id']}").json()
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "video_generation_failed"
    assert failed["url"] is None


def test_cancel_stops_an_unfinished_video(client: httpx.Client) -> None:
    task = client.post("/v1/videos", json={"model": "byteplus/seedance", "prompt": "x"}).json()
    assert client.post(f"/v1/videos/{task['task_id']}/cancel").json()["status"] == "cancelled"
    time.sleep(0.25)
    assert client.get(f"/v1/videos/{task['task_id']}").json()["status"] == "cancelled"
    assert client.get("/v1/videos/video_nope").status_code == 404


@pytest.mark.parametrize("retry_after", [0.5])
def test_video_polls_can_carry_retry_after(retry_after: float) -> None:
    with MockGateway(video_retry_after=retry_after) as gw, httpx.Client(base_url=gw.url) as client:
        headers = {"Authorization": f"Bearer {gw.api_key}"}
        task = client.post(
            "/v1/videos", json={"model": "byteplus/seedance", "prompt": "x"}, headers=headers
        ).json()
        polled = client.get(f"/v1/videos/{task['task_id']}", headers=headers)
        assert polled.headers["retry-after"] == "0.5"
