"""A tiny HTTP/1.1 server on 127.0.0.1 that misbehaves on cue: raw-socket answers.

pytest-httpserver cannot stall mid-body, cut a chunked body short, split a CRLF across two
network writes, trickle bytes or send a malformed head; this server can. `Script` is a
chunked answer written chunk by chunk; `Raw` writes exactly the bytes given, head included.
It records each request and counts TCP connections, for pool-reuse tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

Step = bytes | float | None  # bytes: one write; float: sleep; None: drop the connection now


@dataclass
class Script:
    """A chunked answer: each bytes step is sent as one chunk."""

    steps: Sequence[Step]
    status: int = 200
    content_type: str = "text/event-stream"
    finish: bool = True  # send the terminating zero-length chunk after the steps

    def wire(self) -> Iterator[Step]:
        yield (
            f"HTTP/1.1 {self.status} X\r\nContent-Type: {self.content_type}\r\n"
            "Transfer-Encoding: chunked\r\nX-Request-Id: req_stream\r\n\r\n"
        ).encode()
        for step in self.steps:
            yield b"%x\r\n%s\r\n" % (len(step), step) if isinstance(step, bytes) else step
        yield b"0\r\n\r\n" if self.finish else None


@dataclass
class Raw:
    """An answer written exactly as given, head included; the connection is closed after it
    unless `keep_open` (then the next request on it gets the next answer)."""

    steps: Sequence[Step]
    keep_open: bool = False

    def wire(self) -> Iterator[Step]:
        yield from self.steps
        if not self.keep_open:
            yield None


Answer = Script | Raw


def raw_answer(status: int, body: bytes, *headers: str) -> Raw:
    """A complete Content-Length answer with the given extra header lines."""
    head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", *headers]
    return Raw([("\r\n".join(head) + "\r\n\r\n").encode() + body], keep_open=True)


@dataclass
class ScriptedServer:
    scripts: list[Answer] = field(default_factory=list)
    connections: int = 0
    closed: int = 0  # connections that have ended (the client closed them, or the script did)
    requests: list[bytes] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _read_request(conn: socket.socket, buffer: bytearray) -> bytes | None:
    while b"\r\n\r\n" not in buffer:
        try:
            data = conn.recv(65536)
        except OSError:  # an idle keep-alive connection timing out, or reset by the client
            return None
        if not data:
            return None
        buffer.extend(data)
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = bytearray(rest)
    while len(body) < length:
        data = conn.recv(65536)
        if not data:
            return None
        body.extend(data)
    buffer[:] = body[length:]
    return head + b"\r\n\r\n" + bytes(body[:length])


def _serve_connection(server: ScriptedServer, conn: socket.socket, stop: threading.Event) -> None:
    try:
        _answer_requests(server, conn, stop)
    finally:
        server.closed += 1


def _answer_requests(server: ScriptedServer, conn: socket.socket, stop: threading.Event) -> None:
    buffer = bytearray()
    with conn:
        while not stop.is_set():
            request = _read_request(conn, buffer)
            if request is None:
                return
            server.requests.append(request)
            script = server.scripts.pop(0) if len(server.scripts) > 1 else server.scripts[0]
            try:
                for step in script.wire():
                    if step is None:
                        return
                    if isinstance(step, float):
                        if stop.wait(step):
                            return
                        continue
                    conn.sendall(step)
            except OSError:
                return


@contextmanager
def scripted_server(*scripts: Answer) -> Iterator[ScriptedServer]:
    """Serve `scripts` in order, one per request; the last one answers every later request."""
    server = ScriptedServer(scripts=list(scripts))
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.05)
    server.port = listener.getsockname()[1]
    workers: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server.connections += 1
            conn.settimeout(5)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            worker = threading.Thread(
                target=_serve_connection, args=(server, conn, stop), daemon=True
            )
            worker.start()
            workers.append(worker)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(2)
        listener.close()
        for worker in workers:
            worker.join(2)
        time.sleep(0)
