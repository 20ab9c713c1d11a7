"""The Anthropic overlay against the spec: every property of the chat request body is
either translated or refused, so a property added to or removed from openapi.yaml fails
here until `_anthropic.py` says what to do with it."""

from __future__ import annotations

from typing import Any

from gatewise._anthropic import OPENAI_ONLY_PARAMETERS, REFUSED_PARAMETERS, TRANSLATED_PARAMETERS
from gatewise._generated.request_schemas import OPERATIONS, SCHEMAS
from gatewise._routing import TRANSLATED_OPERATION


def body_properties(operation_id: str) -> set[str]:
    """The JSON body properties of one operation, as the spec states them."""
    schema: dict[str, Any] = OPERATIONS[operation_id]["body"]["schema"]
    ref = schema.get("$ref", "")
    if ref:
        schema = SCHEMAS[ref.removeprefix("#/components/schemas/")]
    return set(schema["properties"])


def test_the_translated_operation_is_the_specs_chat_call() -> None:
    assert TRANSLATED_OPERATION in OPERATIONS
    assert OPERATIONS[TRANSLATED_OPERATION]["body"]["content_type"] == "application/json"


def test_every_chat_request_property_is_translated_or_refused() -> None:
    properties = body_properties(TRANSLATED_OPERATION)
    refused = set(REFUSED_PARAMETERS) - OPENAI_ONLY_PARAMETERS
    assert sorted(properties - TRANSLATED_PARAMETERS - refused) == [], "new, neither handled"
    assert sorted(TRANSLATED_PARAMETERS - properties) == [], "translated, not in the spec"
    assert sorted(refused - properties) == [], "refused, not in the spec"
    assert sorted(TRANSLATED_PARAMETERS & refused) == [], "both translated and refused"


def test_openai_only_parameters_are_refused_and_not_in_the_spec() -> None:
    assert set(REFUSED_PARAMETERS) >= OPENAI_ONLY_PARAMETERS
    assert sorted(OPENAI_ONLY_PARAMETERS & body_properties(TRANSLATED_OPERATION)) == []
