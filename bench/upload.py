"""Upload memory: `images.edit` of a large file, and how much the process's peak RSS grows.

The file is sparse (it reads as zeros and takes no disk); the server is a raw socket on
127.0.0.1, in a thread of this process, that reads the multipart body in 64 KiB pieces and
throws them away, so any growth is the client's. The growth is the peak RSS of the upload
(`VmHWM` of /proc/self/status, reset just before it through /proc/self/clear_refs) minus
the RSS before it (`VmRSS`), after a small warm-up upload. Linux only.
Run: `make bench` (1 GiB), or `python bench/upload.py --mib 200 --json` (what
tests/http/test_uploads.py runs).
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from pathlib import Path

from gatewise import Gatewise

ANSWER = json.dumps({"created": 1700000000, "data": [{"url": "http://x/1.png"}]}).encode()
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(ANSWER),
    ANSWER,
)


def _serve(listener: socket.socket, received: list[int]) -> None:
    """Answer each request after reading (and dropping) its Content-Length body."""
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        break
                    buffer += data
                if b"\r\n\r\n" not in buffer:
                    break
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                left = length - len(rest)
                while left > 0:
                    left -= len(conn.recv(min(left, 65536)))
                received.append(length)
                buffer = b""
                conn.sendall(RESPONSE)


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak_rss() -> None:
    # ru_maxrss would not do: it survives exec, so a child of a big process starts "peaked".
    Path("/proc/self/clear_refs").write_text("5")


def _upload(client: Gatewise, path: Path) -> None:
    with path.open("rb") as file:
        client.images.edit(model="openai/dall-e-2", prompt="x", image=file)


def measure(size: int) -> dict[str, float]:
    """Upload a `size`-byte file; the peak RSS growth (bytes), the seconds and the rate."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    received: list[int] = []
    threading.Thread(target=_serve, args=(listener, received), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with tempfile.TemporaryDirectory() as folder, Gatewise(base_url=url, api_key="k") as client:
        small, big = Path(folder, "small.png"), Path(folder, "big.png")
        for path, length in ((small, 2**20), (big, size)):
            with path.open("wb") as file:
                file.truncate(length)  # sparse: no disk blocks
        _upload(client, small)  # warm-up: imports, the connection, the pool
        _reset_peak_rss()
        before = _status_bytes("VmRSS")
        started = time.perf_counter()
        _upload(client, big)
        seconds = time.perf_counter() - started
        peak = _status_bytes("VmHWM")
    listener.close()
    if received[-1] < size:
        raise RuntimeError(f"the server got {received[-1]} bytes, fewer than {size}")
    return {
        "bytes": size,
        "peak_rss_growth": peak - before,
        "seconds": seconds,
        "mib_per_s": size / 2**20 / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = measure(args.mib * 2**20)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"upload {args.mib} MiB through images.edit: peak RSS +"
        f"{result['peak_rss_growth'] / 2**20:.1f} MiB, {result['seconds']:.2f} s "
        f"({result['mib_per_s']:.0f} MiB/s)"
    )


if __name__ == "__main__":
    main()
