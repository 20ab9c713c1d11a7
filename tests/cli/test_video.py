"""`gatewise video ...`: progress on stderr (a bar on a terminal), the result on stdout."""

from __future__ import annotations

import json

import pytest

from gatewise.testing import MockGateway

from .conftest import CLI

pytestmark = pytest.mark.mock_gateway(video_seconds=0.3)
GENERATE = ("video", "generate", "-m", "byteplus/seedance", "a red fox", "--poll-interval", "0.05")


def test_generate_prints_the_url_and_plain_progress_lines_off_a_terminal(cli: CLI) -> None:
    result = cli.run(*GENERATE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("http")
    assert result.stdout.count("\n") == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "queued 0%"
    assert lines[-1] == "succeeded 100%"
    assert "\r" not in result.stderr


def test_generate_draws_a_live_bar_on_a_terminal(cli: CLI) -> None:
    process = cli.run_on_terminal(*GENERATE)
    shown = process.stderr
    assert process.returncode == 0, shown
    # Redrawn in place: each update starts with \r; the line is ended once at the end.
    assert shown.count("\r[") >= 2
    assert "[" + "#" * 30 + "] 100% succeeded" in shown
    assert shown.endswith("\n")


def test_generate_json_and_no_wait_then_get(cli: CLI) -> None:
    done = cli.run(*GENERATE, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "succeeded"

    submitted = cli.run(*GENERATE, "--no-wait", "--json")
    assert submitted.returncode == 0, submitted.stderr
    task = json.loads(submitted.stdout)
    assert task["status"] == "queued"
    assert submitted.stderr == ""

    status = cli.run("video", "get", task["task_id"])
    assert status.returncode == 0, status.stderr
    assert f"task_id:    {task['task_id']}" in status.stdout


def test_a_failed_job_is_exit_1_with_its_reason(cli: CLI) -> None:
    result = cli.run("video", "generate", "-m", "mock/video-fail", "x", "--poll-interval", "0.05")
    assert result.returncode == 1
    assert result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith("gatewise: error: job ")
    assert "failed" in last


@pytest.mark.mock_gateway(video_seconds=60)
def test_ctrl_c_while_waiting_names_the_job_that_keeps_running(
    cli: CLI, gateway: MockGateway
) -> None:
    def polled() -> bool:
        return any(request.method == "GET" for request in gateway.requests)

    result = cli.interrupt(*GENERATE, when=polled)
    assert result.returncode == 130
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "interrupted; job video_000001 keeps running: gatewise video get video_000001"
    )
