"""A minimal HTTP/1.1 chat gateway on 127.0.0.1 for the loopback benchmarks (asyncio, no deps).

POST */chat/completions answers JSON (`x-bench-status: 503` answers that error instead), or
for "stream": true a chunked SSE stream of `x-bench-events`
chunks + [DONE] in HTTP chunks of `x-bench-write` bytes (default READ); `x-bench-hold: 1` holds it
after the first chunk until POST /release. Sockets set TCP_NODELAY, as production servers do. Run
as a script it prints `PORT <n>` and stops when stdin closes or after LIFETIME s; `serve()` wraps
that.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator

LIFETIME = 600.0  # the server stops by itself after this long, whatever happens to its parent
READ = 4096  # bytes per write of a released stream, like a network read
MODEL = "openai/gpt-4o"
ANSWER = json.dumps(
    {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
    }
).encode()
FAILURE = json.dumps(
    {"error": {"message": "scripted failure", "type": "server_error", "code": "unavailable"}}
).encode()
WORDS = [" Once", " upon", " a", " time", ",", " the", " naïve", " fox", " 🦊", " ran", "."]


def chunk_event(i: int, finish: bool = False) -> bytes:
    delta = {} if finish else {"content": WORDS[i % len(WORDS)]}
    if i == 0:
        delta = {"role": "assistant", "content": ""}
    event = {
        "id": "chatcmpl-9x7Yq2AbCdEfGh",
        "object": "chat.completion.chunk",
        "created": 1732579200,
        "model": MODEL,
        "system_fingerprint": "fp_44709d6fcb",
        "choices": [
            {
                "index": 0,
                "delta": delta,
                "logprobs": None,
                "finish_reason": "stop" if finish else None,
            }
        ],
    }
    return (
        b"data: " + json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"
    )


def http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


class Gateway:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self._streams: dict[tuple[int, int], list[bytes]] = {}

    def stream_body(self, events: int, write: int) -> list[bytes]:
        """The event stream cut into `write`-sized HTTP chunks, built once per shape."""
        if (events, write) not in self._streams:
            body = b"".join(chunk_event(i, finish=i == events - 1) for i in range(1, events))
            body += b"data: [DONE]\n\n"
            self._streams[events, write] = [body[i : i + write] for i in range(0, len(body), write)]
        return self._streams[events, write]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # CancelledError too: at shutdown a cancelled handler would be reported as an error.
        with contextlib.suppress(
            ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError
        ):
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                body = await reader.readexactly(length) if length else b""
                path = request_line.split(" ")[1]
                if path.endswith("/release"):
                    event, self.release = self.release, asyncio.Event()
                    event.set()
                    writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                elif path.endswith("/chat/completions") and "x-bench-status" in headers:
                    status = int(headers["x-bench-status"])
                    writer.write(
                        b"HTTP/1.1 %d Scripted\r\ncontent-type: application/json\r\n"
                        b"content-length: %d\r\n\r\n%s" % (status, len(FAILURE), FAILURE)
                    )
                elif path.endswith("/chat/completions"):
                    if json.loads(body or b"{}").get("stream"):
                        await self.stream(writer, headers)
                    else:
                        writer.write(
                            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                            b"x-request-id: req_1\r\ncontent-length: %d\r\n\r\n%s"
                            % (len(ANSWER), ANSWER)
                        )
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        writer.close()

    async def stream(self, writer: asyncio.StreamWriter, headers: dict[str, str]) -> None:
        events = int(headers.get("x-bench-events", "64"))
        write = int(headers.get("x-bench-write", str(READ)))
        release = self.release if headers.get("x-bench-hold") == "1" else None
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\n\r\n" + http_chunk(chunk_event(0))
        )
        await writer.drain()
        if release is not None:
            await release.wait()
        for data in self.stream_body(events, write):
            writer.write(http_chunk(data))
            await writer.drain()
        writer.write(b"0\r\n\r\n")


async def main() -> None:
    gateway = Gateway()
    server = await asyncio.start_server(gateway.handle, "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = loop.create_future()

    def on_stdin() -> None:
        if not os.read(sys.stdin.fileno(), 4096) and not stdin_closed.done():
            stdin_closed.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    async with server:
        await asyncio.wait_for(stdin_closed, LIFETIME)


@contextlib.contextmanager
def serve() -> Iterator[str]:
    """Run the server in a subprocess for the block; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"loopback server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        assert process.stdin is not None
        process.stdin.close()  # the server's signal to stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, TimeoutError):
        asyncio.run(main())
