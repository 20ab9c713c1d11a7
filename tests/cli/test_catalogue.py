"""`gatewise models ...` and `gatewise embed`: tables for people, --json for scripts."""

from __future__ import annotations

import json

from gatewise import Gatewise
from gatewise.testing import MockGateway

from .conftest import CLI


def _rows(stdout: str) -> list[list[str]]:
    return [line.split() for line in stdout.splitlines()]


def test_models_list_is_a_table_of_the_catalogue(cli: CLI, gateway: MockGateway) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        ids = [model.id for model in client.models.list()]
    result = cli.run("models", "list")
    assert result.returncode == 0, result.stderr
    header, *rows = _rows(result.stdout)
    assert header == ["ID", "PROVIDER", "CONTEXT", "STATUS", "CAPABILITIES"]
    assert [row[0] for row in rows] == ids
    # Aligned: every row's second column starts where the header's does.
    lines = result.stdout.splitlines()
    column = lines[0].index("PROVIDER")
    assert all(line[column - 2 : column] == "  " and line[column] != " " for line in lines)


def test_models_list_json_filters_by_provider(cli: CLI, gateway: MockGateway) -> None:
    result = cli.run("models", "list", "--provider", "anthropic", "--json")
    assert result.returncode == 0, result.stderr
    models = json.loads(result.stdout)
    assert models
    assert {model["provider"] for model in models} == {"anthropic"}
    assert gateway.requests.last.query == {"provider": "anthropic"}


def test_models_search_and_get(cli: CLI) -> None:
    found = cli.run("models", "search", "claude")
    assert found.returncode == 0, found.stderr
    assert all("claude" in row[0] for row in _rows(found.stdout)[1:])

    shown = cli.run("models", "get", "openai/gpt-4o")
    assert shown.returncode == 0, shown.stderr
    assert "id:" in shown.stdout
    assert "openai/gpt-4o" in shown.stdout
    assert "context_window:" in shown.stdout

    as_json = cli.run("models", "get", "openai/gpt-4o", "--json")
    assert json.loads(as_json.stdout)["id"] == "openai/gpt-4o"


def test_unknown_model_is_a_one_line_error_and_exit_1(cli: CLI) -> None:
    result = cli.run("models", "get", "nobody/nothing")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("gatewise: error: [404 model_not_found]")


def test_embed_prints_one_row_per_input_and_json_the_vectors(cli: CLI) -> None:
    model = "text-embedding-3-small"
    table = cli.run("embed", "-m", model, "first", "second")
    assert table.returncode == 0, table.stderr
    header, *rows = _rows(table.stdout)
    assert header == ["INDEX", "DIMENSIONS", "VECTOR"]
    assert [row[0] for row in rows] == ["0", "1"]

    as_json = cli.run("embed", "-m", model, "--dimensions", "4", "--json", "-", stdin="from stdin")
    assert as_json.returncode == 0, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert [len(item["embedding"]) for item in answer["data"]] == [4]
