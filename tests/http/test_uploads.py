"""Uploads: Aerostack's file dict, files streamed (never read whole), rewound for a retry,
and a file that cannot be rewound sent once (chunked) and not retried, saying why."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gatewise import Gatewise, ServerError

from .. import answers
from .conftest import RecordingServer

BENCH_UPLOAD = Path(__file__).parents[2] / "bench" / "upload.py"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def edit(client: Gatewise, image: object, **options: object) -> object:
    return client.images.edit(model="openai/dall-e-2", prompt="x", image=image, **options)  # type: ignore[arg-type]


def test_a_file_dict_gives_content_name_and_type(server: RecordingServer, client: Gatewise) -> None:
    server.answer(answers.IMAGES)
    edit(client, {"content": io.BytesIO(PNG), "file_name": "a.bin", "content_type": "image/png"})
    assert server.last.files["image"] == ("a.bin", PNG, "image/png")
    edit(client, {"content": PNG})
    assert server.last.files["image"] == ("image", PNG, "application/octet-stream")


@pytest.mark.parametrize(
    "bad", [{"file_name": "a.png"}, {"content": PNG, "filename": "a.png"}, {"content": 3}]
)
def test_a_wrong_file_dict_is_a_type_error(
    server: RecordingServer, client: Gatewise, bad: dict[str, object]
) -> None:
    with pytest.raises(TypeError, match="image"):
        edit(client, bad)
    assert server.requests == []


def test_a_seekable_file_is_sent_whole_again_on_retry(
    server: RecordingServer, client: Gatewise
) -> None:
    server.then({"error": {"message": "busy"}}, status=503).answer(answers.IMAGES)
    file = io.BytesIO(PNG)
    file.seek(100)  # sent from its start all the same, as httpx does
    edit(client, file)
    assert len(server.requests) == 2
    assert [r.files["image"][1] for r in server.requests] == [PNG, PNG]
    assert all(r.headers.get("Content-Length") for r in server.requests)


class Pipe:
    """A reader that cannot seek, like a socket or a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


def test_a_file_that_cannot_seek_is_sent_once_and_not_retried(
    server: RecordingServer, client: Gatewise
) -> None:
    server.answer({"error": {"message": "busy"}}, status=503)
    with pytest.raises(
        ServerError, match=r"not retried: the file given as image cannot be rewound"
    ):
        edit(client, Pipe(PNG))
    assert len(server.requests) == 1
    assert server.last.files["image"][1] == PNG
    assert server.last.headers.get("Transfer-Encoding") == "chunked"


def test_a_real_pipe_is_sent_chunked(server: RecordingServer, client: Gatewise) -> None:
    server.answer(answers.IMAGES)
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb") as sink:
            sink.write(PNG)

    writer = threading.Thread(target=write)
    writer.start()
    with os.fdopen(read_end, "rb") as source:
        edit(client, source)
    writer.join()
    assert server.last.files["image"][1] == PNG


def test_a_fallback_chain_refuses_a_file_that_cannot_seek(
    server: RecordingServer, client: Gatewise
) -> None:
    with pytest.raises(TypeError, match=r"fallback chain.*cannot be rewound"):
        edit(client, Pipe(PNG), fallbacks=["openai/gpt-image-1"])
    assert server.requests == []


def test_a_text_mode_file_is_a_type_error(
    server: RecordingServer, client: Gatewise, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("x")
    with open(tmp_path / "a.txt") as text, pytest.raises(TypeError, match="'rb'"):
        edit(client, text)
    assert server.requests == []


@pytest.fixture
def linux_proc() -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("peak RSS is read from /proc (Linux)")


def test_a_200_mb_upload_streams_in_bounded_memory(linux_proc: None) -> None:
    # In its own process (bench/upload.py), so the peak RSS is the upload's alone.
    result = subprocess.run(
        [sys.executable, str(BENCH_UPLOAD), "--mib", "200", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    measured = json.loads(result.stdout)
    assert measured["bytes"] == 200 * 2**20
    assert measured["peak_rss_growth"] < 50 * 2**20, measured
