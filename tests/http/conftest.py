"""A real HTTP server on 127.0.0.1 (pytest-httpserver) that records what the SDK sends."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from gatewise import AsyncGatewise, Gatewise
from tests.support import RETRY_TWICE

API_KEY = "sk-test-secret-key-0123456789"


@dataclass
class Recorded:
    method: str
    raw_path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


class RecordingServer:
    """Answers from a script of (status, body, headers), recording every request."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[Recorded] = []
        self.script: list[tuple[int, Any, dict[str, str]]] = []
        self.default: tuple[int, Any, dict[str, str]] = (200, {}, {})
        server.expect_request(_ANY).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def answer(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.default = (status, body, headers or {})

    def then(
        self, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> RecordingServer:
        self.script.append((status, body, headers or {}))
        return self

    def _handle(self, request: Request) -> Response:
        raw_uri = (
            request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        )
        self.requests.append(
            Recorded(
                method=request.method,
                raw_path=raw_uri.split("?", 1)[0],
                query={key: request.args.getlist(key) for key in request.args},
                headers=dict(request.headers),
                body=request.get_data(cache=True),
                form={key: request.form[key] for key in request.form},
                files={
                    key: (f.filename or "", f.read(), f.content_type or "")
                    for key, f in request.files.items()
                },
            )
        )
        status, body, headers = self.script.pop(0) if self.script else self.default
        if isinstance(body, bytes):
            return Response(body, status=status, headers={"X-Request-Id": "req_test", **headers})
        if status == 204:
            return Response(status=204, headers={"X-Request-Id": "req_test", **headers})
        return Response(
            json.dumps(body),
            status=status,
            headers={"X-Request-Id": "req_test", **headers},
            content_type="application/json",
        )

    @property
    def last(self) -> Recorded:
        return self.requests[-1]


_ANY = re.compile(".*")


@pytest.fixture
def server(httpserver: HTTPServer) -> Iterator[RecordingServer]:
    yield RecordingServer(httpserver)
    httpserver.clear()


@pytest.fixture
def client(server: RecordingServer) -> Iterator[Gatewise]:
    with Gatewise(api_key=API_KEY, base_url=server.url, retry=RETRY_TWICE) as c:
        yield c


@pytest.fixture
async def aclient(server: RecordingServer) -> AsyncIterator[AsyncGatewise]:
    async with AsyncGatewise(api_key=API_KEY, base_url=server.url, retry=RETRY_TWICE) as c:
        yield c
