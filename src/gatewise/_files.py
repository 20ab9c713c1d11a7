"""File arguments of multipart operations (images.edit): a file object, bytes, a Path, a
(name, content[, content_type]) tuple or Aerostack's {"content", "file_name",
"content_type"} dict, normalised to what httpx sends.

A file object is streamed, never read whole: httpx reads it in 64 KiB chunks, from its
start (it seeks to 0 before each attempt, so a retry sends the same bytes) and sends a
Content-Length from its size. A file that cannot seek (a pipe, a socket, a generator's
reader) is sent once, chunked: it is not retried (see `one_shot_fields`).
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from typing_extensions import NotRequired, TypedDict

FileContent = IO[bytes] | bytes


class FileDict(TypedDict):
    """Aerostack's file shape: `{"content": open(...), "file_name": ..., "content_type": ...}`."""

    content: FileContent
    file_name: NotRequired[str]
    content_type: NotRequired[str]


FileInput = (
    IO[bytes]
    | bytes
    | os.PathLike[str]
    | tuple[str, FileContent]
    | tuple[str, FileContent, str]
    | FileDict
)


class OneShotReader:
    """A file that cannot be rewound, shown to httpx with `read` only: httpx then sends it
    chunked (a pipe's size from fstat would be a wrong Content-Length) and it is read once."""

    def __init__(self, field: str, file: Any) -> None:
        self._field = field
        self._file = file

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        return _checked_bytes(self._field, data)


HttpxFile = tuple[str, bytes | IO[bytes] | OneShotReader, str]


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def to_httpx_file(field: str, value: FileInput) -> HttpxFile:
    """One file argument as (filename, content, content type); raises TypeError for anything
    else. A Path is read into memory; open it (`open(path, "rb")`) to stream it."""
    if isinstance(value, Mapping):
        return _from_dict(field, value)
    if isinstance(value, tuple):
        if len(value) not in (2, 3) or not isinstance(value[0], str):
            raise TypeError(
                f"{field}: a file tuple is (name, content) or (name, content, content_type)"
            )
        name, content = value[0], _content(field, value[1])
        return name, content, value[2] if len(value) == 3 else _content_type(name)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return field, bytes(value), "application/octet-stream"
    if isinstance(value, os.PathLike):
        path = Path(value)
        return path.name, path.read_bytes(), _content_type(path.name)
    if hasattr(value, "read"):
        name = os.path.basename(str(getattr(value, "name", field)))
        return name, _content(field, value), _content_type(name)
    raise TypeError(
        f"{field}: expected a binary file object, bytes, a Path, a (name, bytes[, type]) tuple "
        f'or a {{"content": ..., "file_name": ...}} dict, got {type(value).__name__}'
    )


def _from_dict(field: str, value: Mapping[str, Any]) -> HttpxFile:
    unknown = set(value) - {"content", "file_name", "content_type"}
    if "content" not in value or unknown:
        raise TypeError(
            f'{field}: a file dict has "content" and optionally "file_name" and "content_type"'
            + (f", not {', '.join(sorted(unknown))}" if unknown else "")
        )
    content = value["content"]
    default_name = getattr(content, "name", field) if hasattr(content, "read") else field
    name = value.get("file_name", os.path.basename(str(default_name)))
    if not isinstance(name, str):
        raise TypeError(f"{field}: file_name must be str, got {type(name).__name__}")
    return name, _content(field, content), value.get("content_type") or _content_type(name)


def _content(field: str, content: object) -> bytes | IO[bytes] | OneShotReader:
    """Bytes as they are; a binary file object as it is when it can seek, else one-shot."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    if not hasattr(content, "read"):
        raise TypeError(f"{field}: file content must be bytes or a binary file object")
    if isinstance(content, io.TextIOBase):
        raise TypeError(f"{field}: the file is open in text mode; open it with 'rb'")
    if _seekable(content):
        return content  # type: ignore[return-value]
    return OneShotReader(field, content)


def _seekable(file: object) -> bool:
    seekable = getattr(file, "seekable", None)
    if callable(seekable):
        try:
            return bool(seekable())
        except (OSError, ValueError):  # a closed file says so here
            return False
    return callable(getattr(file, "seek", None)) and callable(getattr(file, "tell", None))


def _checked_bytes(field: str, data: object) -> bytes:
    if isinstance(data, str):
        raise TypeError(f"{field}: the file is open in text mode; open it with 'rb'")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"{field}: reading the file gave {type(data).__name__}, not bytes")
    return bytes(data)


def to_httpx_files(files: Mapping[str, FileInput | None]) -> dict[str, HttpxFile]:
    """Every given file argument, normalised; None means the caller left it out."""
    return {name: to_httpx_file(name, value) for name, value in files.items() if value is not None}


def one_shot_fields(files: Mapping[str, FileInput | None] | None) -> list[str]:
    """The fields whose file cannot be rewound: their request cannot be sent twice."""
    return [name for name, value in (files or {}).items() if _is_one_shot(value)]


def _is_one_shot(value: object) -> bool:
    if isinstance(value, Mapping):
        value = value.get("content")
    elif isinstance(value, tuple) and len(value) > 1:
        value = value[1]
    return hasattr(value, "read") and not _seekable(value)
