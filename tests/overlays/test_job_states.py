"""A job status the client does not know (a newer server's) counts as pending: the wait
goes on until a known final status, and says so once, as a WARNING on the client's logger."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from gatewise import AsyncGatewise, Gatewise
from tests.support import resolve

LOGGER = "tests.overlays.job_states"
# The answers of the status call, in order; the last one repeats.
POLLED = ["running", "expired", "expired", "archiving", "succeeded"]


@pytest.fixture
def job_server(httpserver: HTTPServer) -> HTTPServer:
    answers = iter(POLLED)

    def status(_request: Request) -> Response:
        task = {"task_id": "t1", "status": next(answers, POLLED[-1])}
        return Response(json.dumps(task), content_type="application/json")

    submitted = {"task_id": "t1", "status": "queued"}
    httpserver.expect_request("/v1/videos", method="POST").respond_with_json(submitted)
    httpserver.expect_request("/v1/videos/t1", method="GET").respond_with_handler(status)
    return httpserver


@pytest.mark.parametrize("client_class", [Gatewise, AsyncGatewise])
async def test_an_unknown_status_counts_as_pending_and_is_logged_once(
    job_server: HTTPServer, client_class: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_class(
        api_key="sk-test", base_url=job_server.url_for(""), logger=logging.getLogger(LOGGER)
    )
    try:
        job = await resolve(client.video.submit(model="m", prompt="p"))
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            task = await resolve(job.wait(5.0, poll_interval=0.01))
    finally:
        await resolve(client.close())

    assert task.status == "succeeded"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "job t1 has the status 'expired', which this version of gatewise does not know; "
        "waiting on as if it were pending",
        "job t1 has the status 'archiving', which this version of gatewise does not know; "
        "waiting on as if it were pending",
    ]
