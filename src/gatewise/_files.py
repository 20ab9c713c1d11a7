"""File arguments of multipart operations (images.edit): a file object, bytes, a Path,
or a (name, content[, content_type]) tuple, normalised to what httpx sends."""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO

FileContent = IO[bytes] | bytes
FileInput = (
    IO[bytes] | bytes | os.PathLike[str] | tuple[str, FileContent] | tuple[str, FileContent, str]
)

HttpxFile = tuple[str, FileContent, str]


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def to_httpx_file(field: str, value: FileInput) -> HttpxFile:
    """One file argument as (filename, bytes, content type); raises TypeError for anything else.

    Files are read into memory once, so a retried request sends the same bytes again.
    """
    if isinstance(value, tuple):
        if len(value) not in (2, 3) or not isinstance(value[0], str):
            raise TypeError(
                f"{field}: a file tuple is (name, content) or (name, content, content_type)"
            )
        name, content = value[0], _read(field, value[1])
        return name, content, value[2] if len(value) == 3 else _content_type(name)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return field, bytes(value), "application/octet-stream"
    if isinstance(value, os.PathLike):
        path = Path(value)
        return path.name, path.read_bytes(), _content_type(path.name)
    if isinstance(value, (io.IOBase, io.BufferedIOBase)) or hasattr(value, "read"):
        name = os.path.basename(str(getattr(value, "name", field)))
        return name, _read(field, value), _content_type(name)
    raise TypeError(
        f"{field}: expected a binary file object, bytes, a Path or a (name, bytes[, type]) tuple, "
        f"got {type(value).__name__}"
    )


def _read(field: str, content: object) -> bytes:
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    read = getattr(content, "read", None)
    if read is None:
        raise TypeError(f"{field}: file content must be bytes or a binary file object")
    data = read()
    if isinstance(data, str):
        raise TypeError(f"{field}: the file is open in text mode; open it with 'rb'")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"{field}: reading the file gave {type(data).__name__}, not bytes")
    return bytes(data)


def to_httpx_files(files: Mapping[str, FileInput | None]) -> dict[str, HttpxFile]:
    """Every given file argument, normalised; None means the caller left it out."""
    return {name: to_httpx_file(name, value) for name, value in files.items() if value is not None}
