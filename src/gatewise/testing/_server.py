"""MockGateway: the mock served by uvicorn on 127.0.0.1 from a background thread.

`with MockGateway() as gw:` binds a free port, serves until the block ends, then stops
in well under a second, leaving no thread or socket behind: long sleeps and stalled
streams watch a stopping flag, and shutdown polls briefly instead of uvicorn's ticks.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import uvicorn

from ._app import MockApp
from ._call import Settings
from ._errors import MockError
from ._faults import Faults
from ._state import RecordedRequests, State

DEFAULT_API_KEY = "gw-mock-admin"

_START_TIMEOUT_SECONDS = 10.0
# How long in-flight answers get to finish once the gateway stops.
_GRACE_SECONDS = 2.0
_POLL_SECONDS = 0.005


class MockGateway:
    """A real HTTP gateway implementing the gatewise API, in-process.

    `with MockGateway() as gw:` serves it from a background thread on 127.0.0.1 until
    the block ends. `url` and `api_key` (scope admin) are what a client needs; `faults`
    scripts failures; `requests` lists what the gateway received.

    Args:
        host: The interface to bind.
        port: The port to bind; 0 (the default) picks a free one (see `port`).
        api_key: The admin key clients use.
        video_seconds: How long a video job takes from queued to succeeded.
        slow_seconds: How long the `mock/slow` model waits before its first byte.
        video_retry_after: A `Retry-After` (seconds) for the video status answers.
        embedding_dimensions: The length of the embedding vectors it returns.

    Attributes:
        faults: The scripted faults (`gw.faults.add(...)`).
        settings: The timings and sizes above.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        video_seconds: float = 1.0,
        slow_seconds: float = 5.0,
        video_retry_after: float | None = None,
        embedding_dimensions: int = 8,
    ) -> None:
        if video_seconds < 0 or slow_seconds < 0:
            raise ValueError("video_seconds and slow_seconds must be >= 0")
        self.host = host
        self.api_key = api_key
        self.faults = Faults()
        self.settings = Settings(
            video_seconds=video_seconds,
            slow_seconds=slow_seconds,
            video_retry_after=video_retry_after,
            embedding_dimensions=embedding_dimensions,
        )
        self._port = port
        self._state = State(api_key)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._started = False

    @property
    def port(self) -> int:
        """The bound port (the free one picked at start when constructed with port=0)."""
        return self._port

    @property
    def url(self) -> str:
        """The base URL clients use, e.g. http://127.0.0.1:53211."""
        if not self._started:
            raise RuntimeError("MockGateway is not running: use `with MockGateway() as gw:`")
        return f"http://{self.host}:{self._port}"

    @property
    def requests(self) -> RecordedRequests:
        """The requests received so far (method, path, query, headers, json, body)."""
        return RecordedRequests(self._state)

    def create_key(
        self, name: str = "test", scopes: Sequence[str] | None = None, expires_at: str | None = None
    ) -> str:
        """Create an API key directly (no HTTP round trip) and return its secret; `expires_at`
        is an RFC 3339 date-time with a time zone (ValueError otherwise)."""
        with self._state.lock:
            try:
                record = self._state.keys.create(
                    name, list(scopes) if scopes is not None else None, expires_at
                )
            except MockError as exc:
                raise ValueError(exc.message) from None
            return record.secret

    def start(self) -> MockGateway:
        """Serve from a background thread; returns once the port accepts connections."""
        if self._thread is not None:
            raise RuntimeError("a MockGateway can be started once")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="gatewise-mock", daemon=True
        )
        self._thread.start()
        if not ready.wait(_START_TIMEOUT_SECONDS) or self._error is not None:
            self.stop()
            raise RuntimeError(
                f"MockGateway failed to start on {self.host}:{self._port}"
            ) from self._error
        self._started = True
        return self

    def stop(self) -> None:
        """Stop serving and join the thread; in-flight answers get a short grace period."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            self._started = False
            return
        self._stopping.set()
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            # A closed loop means the thread is ending anyway.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wake.set)
        thread.join(_START_TIMEOUT_SECONDS)
        self._started = False

    def serve_forever(self) -> None:
        """Start (unless running), then block until KeyboardInterrupt (the command line's mode)."""
        if not self._started:
            self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> MockGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"{self.host}:{self._port}" if self._started else "stopped"
        return f"MockGateway({where})"

    def _run(self, ready: threading.Event) -> None:
        try:
            asyncio.run(self._serve(ready))
        except BaseException as exc:  # uvicorn reports a failed bind with SystemExit
            self._error = exc
        finally:
            ready.set()

    async def _serve(self, ready: threading.Event) -> None:
        app = MockApp(self._state, self.faults, self.settings, self._stopping)
        config = uvicorn.Config(
            app,
            host=self.host,
            port=self._port,
            lifespan="off",
            interface="asgi3",
            http="h11",
            ws="none",
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
        )
        server = uvicorn.Server(config)
        config.load()
        server.lifespan = config.lifespan_class(config)
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await server.startup()
        sockets = server.servers[0].sockets
        self._port = sockets[0].getsockname()[1]
        ready.set()
        await self._wake.wait()
        await self._shutdown(server)

    async def _shutdown(self, server: uvicorn.Server) -> None:
        # uvicorn's own shutdown sleeps in 0.1 s steps; this polls finely so `with` blocks
        # end fast, closing idle keep-alive connections at once and waiting for busy ones.
        for listener in server.servers:
            listener.close()
        state = server.server_state
        for connection in list(state.connections):
            connection.shutdown()
        deadline = time.monotonic() + _GRACE_SECONDS
        while (state.connections or state.tasks) and time.monotonic() < deadline:
            await asyncio.sleep(_POLL_SECONDS)
        for task in list(state.tasks):
            task.cancel()
        for listener in server.servers:
            # Since Python 3.12 this waits for every connection; a stuck client must not hang us.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(listener.wait_closed(), _GRACE_SECONDS)
