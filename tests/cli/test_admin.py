"""`gatewise keys|config|logs ...`: the admin API from the command line."""

from __future__ import annotations

import json

from gatewise import Gatewise
from gatewise.testing import MockGateway

from .conftest import CLI


def _record(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines())


def test_keys_create_prints_the_secret_and_list_shows_the_key(
    cli: CLI, gateway: MockGateway
) -> None:
    created = cli.run("keys", "create", "ci", "--scope", "chat", "--scope", "models")
    assert created.returncode == 0, created.stderr
    fields = {name: value.strip() for name, value in _record(created.stdout).items()}
    assert fields["name"] == "ci"
    assert fields["scopes"] == "chat, models"
    assert "not shown again" in created.stderr
    # The printed secret is a working key.
    with Gatewise(base_url=gateway.url, api_key=fields["key"]) as client:
        assert client.models.list()

    listed = cli.run("keys", "list")
    assert listed.returncode == 0, listed.stderr
    header, *rows = (line.split() for line in listed.stdout.splitlines())
    assert header[:4] == ["ID", "NAME", "PREFIX", "ACTIVE"]
    assert [fields["id"], "ci", fields["prefix"], "yes"] in [row[:4] for row in rows]
    assert fields["key"] not in listed.stdout


def test_keys_rotate_gives_a_new_secret_and_revoke_deactivates(cli: CLI) -> None:
    created = json.loads(cli.run("keys", "create", "ci", "--json").stdout)
    rotated = cli.run("keys", "rotate", created["id"], "--json")
    assert rotated.returncode == 0, rotated.stderr
    renewed = json.loads(rotated.stdout)
    assert renewed["id"] == created["id"]
    assert renewed["key"] != created["key"]

    revoked = cli.run("keys", "revoke", created["id"])
    assert revoked.returncode == 0, revoked.stderr
    assert _record(revoked.stdout)["active"].strip() == "no"
    assert "key:" not in revoked.stdout


def test_config_get_history_rollback(cli: CLI, gateway: MockGateway) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        first = client.admin.config.get()
        client.admin.config.update(config={"cache": {"enabled": False}})

    shown = cli.run("config", "get")
    assert shown.returncode == 0, shown.stderr
    heading, _, document = shown.stdout.partition("\n")
    assert heading.startswith(f"version {first.version + 1} ")
    assert json.loads(document)["cache"]["enabled"] is False

    history = cli.run("config", "history", "--json")
    assert [entry["action"] for entry in json.loads(history.stdout)] == ["create", "update"]

    rolled = cli.run("config", "rollback", str(first.version), "--json")
    assert rolled.returncode == 0, rolled.stderr
    assert json.loads(rolled.stdout)["config"] == first.config


def test_logs_stats_groups_by_the_given_dimensions(cli: CLI, gateway: MockGateway) -> None:
    with Gatewise(base_url=gateway.url, api_key=gateway.api_key) as client:
        for model in ("openai/gpt-4o", "openai/gpt-4o", "anthropic/claude-3-5-sonnet-20241022"):
            client.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])

    table = cli.run("logs", "stats", "--group-by", "provider,model")
    assert table.returncode == 0, table.stderr
    totals, groups = table.stdout.split("\n\n")
    assert _record(totals)["requests"].strip() == "3"
    header, *rows = (line.split() for line in groups.splitlines())
    assert header[:3] == ["PROVIDER", "MODEL", "REQUESTS"]
    assert ["openai", "openai/gpt-4o", "2"] in [row[:3] for row in rows]

    as_json = cli.run("logs", "stats", "--group-by", "provider", "--json")
    assert json.loads(as_json.stdout)["group_by"] == ["provider"]
