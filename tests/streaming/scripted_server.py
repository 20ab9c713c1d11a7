"""A tiny HTTP/1.1 server on 127.0.0.1 that answers with a scripted, chunk-by-chunk body.

pytest-httpserver cannot stall mid-body, cut a chunked body short or split a CRLF across
two network writes; this server can. It counts TCP connections, for pool-reuse tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

Step = bytes | float | None  # bytes: one chunk; float: sleep; None: drop the connection now


@dataclass
class Script:
    steps: Sequence[Step]
    status: int = 200
    content_type: str = "text/event-stream"
    finish: bool = True  # send the terminating zero-length chunk after the steps


@dataclass
class ScriptedServer:
    scripts: list[Script] = field(default_factory=list)
    connections: int = 0
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
    buffer = bytearray()
    with conn:
        while not stop.is_set():
            request = _read_request(conn, buffer)
            if request is None:
                return
            server.requests.append(request)
            script = server.scripts.pop(0) if len(server.scripts) > 1 else server.scripts[0]
            head = (
                f"HTTP/1.1 {script.status} X\r\nContent-Type: {script.content_type}\r\n"
                "Transfer-Encoding: chunked\r\nX-Request-Id: req_stream\r\n\r\n"
            )
            try:
                conn.sendall(head.encode())
                for step in script.steps:
                    if step is None:
                        return
                    if isinstance(step, float):
                        if stop.wait(step):
                            return
                        continue
                    conn.sendall(b"%x\r\n%s\r\n" % (len(step), step))
                if script.finish:
                    conn.sendall(b"0\r\n\r\n")
                else:
                    return
            except OSError:
                return


@contextmanager
def scripted_server(*scripts: Script) -> Iterator[ScriptedServer]:
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
