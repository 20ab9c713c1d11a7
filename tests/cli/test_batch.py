"""`gatewise batch FILE`: one JSON line per request in, one JSON line per result out, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gatewise.testing import MockGateway

from .conftest import CLI


def chat_line(model: str, text: str) -> str:
    return json.dumps({"model": model, "messages": [{"role": "user", "content": text}]})


@pytest.fixture
def requests_file(tmp_path: Path) -> Path:
    path = tmp_path / "requests.jsonl"
    lines = [
        chat_line("openai/gpt-4o", "zero"),
        "",
        chat_line("mock/always-503", "one"),
        "not json",
        chat_line("openai/gpt-4o", "three"),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_results_are_json_lines_in_input_order_and_a_failure_is_exit_1(
    cli: CLI, requests_file: Path
) -> None:
    result = cli.run("batch", str(requests_file), "--max-retries", "0", "--concurrency", "2")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(record["index"], record["ok"]) for record in records] == [
        (0, True),
        (1, False),
        (2, False),
        (3, True),
    ]
    assert "zero" in records[0]["value"]["choices"][0]["message"]["content"]
    assert records[1]["error"]["status"] == 503
    assert records[2]["error"]["type"] == "ValueError"
    assert "three" in records[3]["value"]["choices"][0]["message"]["content"]
    assert result.stderr == "gatewise: error: 2 request(s) failed\n"  # no progress off a terminal


def test_stdin_and_embeddings_all_ok_is_exit_0(cli: CLI) -> None:
    lines = "".join(
        json.dumps({"model": "openai/text-embedding-3-small", "input": text}) + "\n"
        for text in ("a", "b", "c")
    )
    result = cli.run("batch", "-", "--operation", "embeddings.create", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["index"] for record in records] == [0, 1, 2]
    assert all(record["value"]["data"][0]["embedding"] for record in records)


def test_a_missing_file_or_a_bad_concurrency_is_a_usage_error(
    cli: CLI, gateway: MockGateway, tmp_path: Path
) -> None:
    missing = cli.run("batch", str(tmp_path / "absent.jsonl"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("gatewise: error: cannot read ")
    zero = cli.run("batch", "-", "--concurrency", "0", stdin="")
    assert zero.returncode == 2
    assert len(gateway.requests) == 0


def test_a_terminal_gets_a_progress_bar(cli: CLI, requests_file: Path) -> None:
    process = cli.run_on_terminal("batch", str(requests_file), "--max-retries", "0")
    assert process.returncode == 1
    assert "\r[" in process.stderr
    assert "4/4" in process.stderr
    assert "100%" in process.stderr
    assert len(process.stdout.splitlines()) == 4


@pytest.mark.mock_gateway(slow_seconds=30.0)
def test_ctrl_c_stops_the_batch_with_exit_130(
    cli: CLI, gateway: MockGateway, tmp_path: Path
) -> None:
    path = tmp_path / "slow.jsonl"
    path.write_text("".join(chat_line("mock/slow", str(n)) + "\n" for n in range(20)))
    result = cli.interrupt(
        "batch", str(path), "--concurrency", "3", when=lambda: len(gateway.requests) >= 3
    )
    assert result.returncode == 130
    assert result.stdout == ""
    assert len(gateway.requests) == 3
