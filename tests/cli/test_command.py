"""The `gatewise` command as a whole: help, configuration, exit codes, Ctrl-C, `mock`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from gatewise.testing import MockGateway

from .conftest import CLI, SCRIPT, check_stderr, clean_env


def test_help_names_gatewise_at_every_level(cli: CLI) -> None:
    top = cli.run("--help", connect=False)
    assert top.returncode == 0
    assert top.stdout.startswith("usage: gatewise ")
    for command in (
        "chat",
        "complete",
        "embed",
        "models",
        "video",
        "keys",
        "config",
        "logs",
        "batch",
    ):
        assert f"    {command} " in top.stdout
    leaf = cli.run("keys", "create", "--help", connect=False)
    assert leaf.stdout.startswith("usage: gatewise keys create ")
    assert "--api-key KEY" in leaf.stdout
    module = cli.run("models", "--help", connect=False, command=(sys.executable, "-m", "gatewise"))
    assert module.stdout.startswith("usage: gatewise models ")


def test_usage_errors_exit_2(cli: CLI, gateway: MockGateway) -> None:
    for args in (
        ["chat", "no model given"],
        ["models", "rename"],
        ["models", "list", "--timeout", "0"],
        [],
    ):
        result = cli.run(*args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert "usage: gatewise" in result.stderr
    # A value only the client can judge is refused before anything is sent, also with 2.
    refused = cli.run("models", "list", "--max-retries", "-1")
    assert refused.returncode == 2
    assert refused.stderr == "gatewise: error: max_retries must be >= 0\n"
    assert len(gateway.requests) == 0


def test_settings_come_from_the_environment(cli: CLI, gateway: MockGateway) -> None:
    env = clean_env(GATEWISE_BASE_URL=gateway.url, GATEWISE_API_KEY=gateway.api_key)
    result = cli.run("models", "get", "openai/gpt-4o", env=env, connect=False)
    assert result.returncode == 0, result.stderr
    assert gateway.requests.last.headers["authorization"] == f"Bearer {gateway.api_key}"

    wrong_key = cli.run("models", "list", "--api-key", "sk-not-a-key", env=env, connect=False)
    assert wrong_key.returncode == 1
    assert wrong_key.stderr.startswith("gatewise: error: [401 ")
    assert "sk-not-a-key" not in wrong_key.stderr


def test_a_server_error_after_retries_is_exit_1(cli: CLI, gateway: MockGateway) -> None:
    result = cli.run("chat", "-m", "mock/always-503", "hi", "--max-retries", "1")
    assert result.returncode == 1
    assert len(gateway.requests.to("/v1/chat/completions")) == 2
    assert result.stderr.startswith("gatewise: error: [503 provider_unavailable]")
    assert result.stderr.count("\n") == 1


def test_an_unreachable_gateway_is_exit_1(cli: CLI) -> None:
    with MockGateway() as stopped:
        url = stopped.url
    result = cli.run("models", "list", "--base-url", url, "--max-retries", "0", connect=False)
    assert result.returncode == 1
    assert result.stderr.startswith("gatewise: error: connection error")


def test_ctrl_c_while_streaming_exits_130_without_a_traceback(
    cli: CLI, gateway: MockGateway
) -> None:
    # mock/slow holds its answer back for seconds: interrupt once the request is in.
    result = cli.interrupt(
        "chat",
        "-m",
        "mock/slow",
        "hi",
        when=lambda: bool(gateway.requests.to("/v1/chat/completions")),
    )
    assert result.returncode == 130
    assert result.stdout == ""


def test_a_closed_stdout_ends_quietly(cli: CLI) -> None:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        process = subprocess.run(
            [SCRIPT, "models", "get", "openai/gpt-4o", *cli.connection],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
            timeout=60,
        )
    finally:
        os.close(writer)
    assert process.returncode == 141
    check_stderr(process.stderr, cli.gateway.api_key)
    assert process.stderr == ""


def test_mock_serves_the_gateway_until_interrupted(cli: CLI) -> None:
    server = subprocess.Popen(
        [SCRIPT, "mock", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().rsplit(" ", 1)[1].strip()
        served = cli.run(
            "models",
            "get",
            "openai/gpt-4o",
            "--base-url",
            url,
            "--api-key",
            "cli-key",
            connect=False,
        )
        assert served.returncode == 0, served.stderr
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=10)
    finally:
        server.kill()
    assert server.returncode == 0, err
    check_stderr(err, "cli-key")

    shown = cli.run("mock", "--help", connect=False)
    assert shown.stdout.startswith("usage: gatewise mock ")


def test_mock_without_the_extra_says_what_to_install(cli: CLI) -> None:
    # The extra's server made unimportable, as in an install without [mock].
    program = (
        "import sys; sys.modules['uvicorn'] = None; "
        "from gatewise._cli import main; sys.exit(main(['mock']))"
    )
    result = cli.run(connect=False, command=(sys.executable, "-c", program))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "pip install 'gatewise[mock]'" in result.stderr
