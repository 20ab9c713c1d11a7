"""The schemathesis setup shared by the contract tests: config, the loaded schema, checks.

See test_schemathesis.py for what is checked, what is not, and why.
"""

from __future__ import annotations

import json

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import SPEC_PATH

from .spec import stream_problems

ADMIN_KEY = "gw-contract-admin"
MAX_EXAMPLES = 20
SEED = 20_241_125

ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        # Hypothesis' too_slow health check measures generation time: it says nothing about
        # the contract and would make a busy machine fail the run.
        "suppress-health-check": ["too_slow"],
        "headers": ADMIN_HEADERS,
        "request-timeout": 10,
        # Read whole streams: the check requires their terminator, and the mock's streams end
        # (n <= 128 choices of short answers) far below this.
        "max-stream-events": 200_000,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_path(SPEC_PATH, config=CONFIG)


def stream_events_conform(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """A custom check: every event of an SSE answer fits the spec's chunk or event schema."""
    if response.status_code != 200:
        return
    problems = stream_problems(case.operation.path, response.content)
    assert not problems, "the event stream does not conform:\n" + "\n".join(problems)


def served_by_the_mock(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """A custom check: the mock serves every operation the spec declares. Its "no such path"
    404 and its 501 for an operation without a handler are declared statuses or server
    errors a plain status check would let through (a 404 is declared for unknown ids)."""
    if response.status_code == 501:
        raise AssertionError(f"the mock does not serve {case.operation.label}: {response.text}")
    if response.status_code == 404:
        error = json.loads(response.content or b"{}").get("error")
        if isinstance(error, dict) and error.get("code") == "path_not_found":
            raise AssertionError(f"the mock has no route for {case.operation.label}")


JSON_CHECKS = [
    served_by_the_mock,
    not_a_server_error,
    positive_data_acceptance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
STREAM_CHECKS = [*JSON_CHECKS[:-1], stream_events_conform]


def is_event_stream(response: schemathesis.Response) -> bool:
    values = response.headers.get("content-type") or [""]
    return values[0].split(";", 1)[0].strip() == "text/event-stream"
