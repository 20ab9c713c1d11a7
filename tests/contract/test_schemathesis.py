"""Contract: schemathesis generates requests for every operation of openapi.yaml and sends
them to a real MockGateway; each answer must be what the spec declares.

Setup (schemathesis 4.x Python API; the config, schema and checks live in contract.py):
- `schemathesis.openapi.from_path(openapi.yaml, config=CONFIG)` and `schema.parametrize()`:
  one pytest test per operation. The gateway URL is known only at run time, so it goes to
  `case.call(base_url=...)` from a module-scoped MockGateway fixture; the answer is
  judged by `case.validate_response(response, checks=[...])`.
- `CONFIG` (a `schemathesis.Config`): fixed seed and `deterministic` (Hypothesis
  derandomize; deadline off, as schemathesis always sets it), no example database, the
  spec's own examples plus at most MAX_EXAMPLES generated cases per operation, positive
  and negative ones, and `Authorization: Bearer <admin key>` on every request (no
  generated security values). The coverage and stateful phases are off: their case
  counts are not bounded by max-examples, and the run must stay short.
- Two schemathesis hooks steer generated values to things that exist (a real `model` per
  operation, existing key / task / model ids in paths), each alongside the generated
  value, so the 200 answers are judged too and not only the 404s of made-up names.
  test_known_good_requests.py adds one hand-written successful request per operation.

Checks run on every answer: not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance, and response_headers_conformance
(the spec requires X-Request-Id on every answer).

Excluded or special-cased, and why:
- text/event-stream answers: the spec declares their body `type: string` and describes
  each event in `x-events` beside it (OpenAPI 3.1 has no per-event schema), while
  schemathesis validates each parsed event object against that schema, which can never
  pass. For those answers response_schema_conformance is replaced
  by `stream_events_conform`, which validates every event against its `x-events` schema
  (tests/contract/spec.py); the other checks still run.
- the `mock/*` fault models (always-503, always-429, slow, stream-cut, ...) fail on
  purpose (5xx, 5 s stalls, cut streams): a case naming one is rejected, not sent.
- positive_data_acceptance runs: a schema-valid request must not get a 400 or 422. What the
  mock restricts is in openapi.yaml (the usage `sort` and stats `group_by` patterns, a
  non-empty image, the numeric limits). Exempt are the refusals no schema can express,
  `KNOWN_REFUSALS`: a tool_choice naming a tool the request does not give. (Revoking or
  deleting the key a request is authenticated with is refused too, but the fuzzer never
  learns the admin key's id.)
- built-in checks not run: ignored_auth (the key comes from the config headers, which
  schemathesis re-applies when it re-sends a request "without" auth, so every operation
  would be reported); negative_data_rejection, missing_required_header,
  unsupported_method, use_after_free, ensure_resource_availability, max_response_time:
  about API behaviour beyond conformance, not this contract.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st

from gatewise.testing import MockGateway

from .contract import (
    ADMIN_HEADERS,
    ADMIN_KEY,
    JSON_CHECKS,
    STREAM_CHECKS,
    is_event_stream,
    positive_data_acceptance,
    schema,
)
from .examples import request_examples


def _names_a_fault_model(case: schemathesis.Case) -> bool:
    model = case.body.get("model") if isinstance(case.body, dict) else None
    return isinstance(model, str) and model.startswith("mock/")


def _swap_in(
    values: dict[str, Any], name: str, choices: list[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """`values` with `values[name]` drawn from `choices`."""
    return st.sampled_from(choices).map(lambda chosen: {**values, name: chosen})


def _tool_name(item: Any, anthropic: bool) -> Any:
    """The tool an Anthropic (`name`) or OpenAI (`function.name`) tool or tool_choice names."""
    if not isinstance(item, dict):
        return None
    if anthropic:
        return item.get("name")
    function = item.get("function")
    return function.get("name") if isinstance(function, dict) else None


def _names_an_absent_tool(case: schemathesis.Case) -> bool:
    """Given tools, a tool_choice object (Anthropic: of type `tool`) naming none of them."""
    body = case.body if isinstance(case.body, dict) else {}
    choice, tools = body.get("tool_choice"), body.get("tools")
    anthropic = case.operation.path.startswith("/anthropic/")
    if not isinstance(choice, dict) or not isinstance(tools, list) or not tools:
        return False
    if anthropic and choice.get("type") != "tool":
        return False
    given = {_tool_name(tool, anthropic) for tool in tools}
    return _tool_name(choice, anthropic) not in given


# Schema-valid requests the mock refuses on meaning, which no schema can express.
KNOWN_REFUSALS = (_names_an_absent_tool,)

# Real model names per path, drawn alongside the generated `model`: the spec's examples'.
REAL_MODELS: dict[str, list[str]] = {}
for _example in request_examples():
    if isinstance(_example.body, dict) and isinstance(_example.body.get("model"), str):
        REAL_MODELS.setdefault(_example.path, []).append(_example.body["model"])

# Ids that exist on the gateway, drawn alongside the generated path parameter. The
# contract_gateway fixture fills in the keys and video jobs it creates; DELETE gets keys of
# its own, so that deleting them leaves the other key operations something to find.
EXISTING_IDS: dict[str, list[str]] = {
    "model_id": ["openai/gpt-4o", "gpt-4o-mini", "meta-llama/Llama-2-7b-chat-hf"],
    "key_id": [],
    "task_id": [],
}
DELETABLE_KEY_IDS: list[str] = []


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    models = REAL_MODELS.get(context.operation.path if context.operation else "", [])
    if not models or not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return st.just(body)
    return _swap_in(body, "model", [body["model"], *models])


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    deleting = context.operation is not None and context.operation.method.upper() == "DELETE"
    strategy: st.SearchStrategy[Any] = st.just(path_parameters)
    for name, value in (path_parameters or {}).items():
        ids = DELETABLE_KEY_IDS if deleting and name == "key_id" else EXISTING_IDS.get(name)
        if ids:
            strategy = strategy.flatmap(
                functools.partial(_swap_in, name=name, choices=[value, *ids])
            )
    return strategy


@pytest.fixture(scope="module")
def contract_gateway() -> Iterator[MockGateway]:
    # Shared by every operation: the fuzzed admin calls change its state (keys, config,
    # logs), which only moves answers between documented statuses.
    with (
        MockGateway(api_key=ADMIN_KEY, video_seconds=0.2, slow_seconds=0.0) as gateway,
        httpx.Client(base_url=gateway.url, headers=ADMIN_HEADERS) as http,
    ):

        def create(path: str, body: dict[str, Any], field: str) -> str:
            answer = http.post(path, json=body)
            answer.raise_for_status()
            return str(answer.json()[field])

        EXISTING_IDS["key_id"] = [create("/v1/admin/keys", {"name": "kept"}, "id") for _ in "ab"]
        DELETABLE_KEY_IDS[:] = [create("/v1/admin/keys", {"name": "doomed"}, "id") for _ in "ab"]
        video = {"model": "byteplus/seedance", "prompt": "contract"}
        EXISTING_IDS["task_id"] = [create("/v1/videos", video, "task_id") for _ in "ab"]
        yield gateway
        EXISTING_IDS["key_id"], EXISTING_IDS["task_id"], DELETABLE_KEY_IDS[:] = [], [], []


@schema.parametrize()
def test_every_operation_answers_as_the_spec_declares(
    case: schemathesis.Case, contract_gateway: MockGateway
) -> None:
    if _names_a_fault_model(case):
        hypothesis.reject()
    response = case.call(base_url=contract_gateway.url)
    checks = STREAM_CHECKS if is_event_stream(response) else JSON_CHECKS
    if any(refusal(case) for refusal in KNOWN_REFUSALS):
        checks = [check for check in checks if check is not positive_data_acceptance]
    case.validate_response(response, checks=checks)
