"""Bytes of media: real PNGs (zlib + struct), a stub MP4, and a multipart/form-data parser.

The mock has no Pillow and no python-multipart: PNGs are written chunk by chunk and
uploads are split on the boundary by hand, which is all the image edit endpoint needs.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DISPOSITION_PARAM = re.compile(
    r';\s*([A-Za-z0-9_*-]+)="((?:[^"\\]|\\.)*)"|;\s*([A-Za-z0-9_*-]+)=([^;]*)'
)


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def png(width: int, height: int, seed: bytes) -> bytes:
    """An RGB PNG of width x height: a gradient whose colours come from `seed`."""
    red, green, blue = seed[0], seed[1 % len(seed)], seed[2 % len(seed)]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type "none" for this scanline
        for x in range(width):
            rows += bytes(((red + 4 * x) & 0xFF, (green + 4 * y) & 0xFF, blue))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def thumbnail_size(size: str) -> tuple[int, int]:
    """The mock draws images at 1/16 of the requested "WxH" (1024x1024 -> 64x64), at most
    256x256; the spec's pattern has checked the shape already."""
    width, _, height = size.partition("x")
    return max(1, min(int(width), 4096) // 16), max(1, min(int(height), 4096) // 16)


def mp4(seconds: int, resolution: str) -> bytes:
    """A stand-in video file: an ISO-BMFF `ftyp` box and a `free` box describing the clip."""
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 512) + b"isommp42"
    note = f"gatewise mock video: {seconds}s at {resolution}".encode()
    return (
        struct.pack(">I", 4 + len(ftyp)) + ftyp + struct.pack(">I", 8 + len(note)) + b"free" + note
    )


@dataclass(frozen=True)
class Part:
    """One field of a multipart/form-data body."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def is_file(self) -> bool:
        return self.filename is not None


def boundary_of(content_type: str) -> str | None:
    """The boundary parameter of a multipart Content-Type header."""
    match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', content_type, re.IGNORECASE)
    if match is None:
        return None
    return match.group(1) or match.group(2)


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """Split a multipart/form-data body into its parts; raise ValueError when malformed."""
    delimiter = b"--" + boundary.encode("latin-1")
    sections = body.split(delimiter)
    if len(sections) < 2:
        raise ValueError("multipart body has no boundary")
    parts: list[Part] = []
    for section in sections[1:]:
        if section.startswith(b"--"):
            return parts
        section = section.removeprefix(b"\r\n")
        head, sep, data = section.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("multipart part without headers")
        data = data.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        params = {}
        for match in _DISPOSITION_PARAM.finditer(disposition):
            if match.group(1):
                params[match.group(1).lower()] = match.group(2).replace('\\"', '"')
            else:
                params[match.group(3).lower()] = match.group(4).strip()
        if "name" not in params:
            raise ValueError("multipart part without a name")
        parts.append(
            Part(params["name"], params.get("filename"), headers.get("content-type"), data)
        )
    raise ValueError("multipart body is not terminated")
