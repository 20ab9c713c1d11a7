"""String enums accept values a newer server may send; x-python-type overrides a type.

Checked on the generated models themselves and on the spec normaliser alone.
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

from codegen.spec import widen_enums


def test_widened_enum_accepts_an_unknown_value(fixture_package: SimpleNamespace) -> None:
    models = fixture_package.models
    assert models.HealthStatus.model_validate({"status": "melting"}).status == "melting"
    assert models.HealthStatus.model_validate({"status": "ok"}).status == "ok"
    key = {"id": "k", "name": "n", "active": True, "created_at": "2024-05-01T12:00:00"}
    assert models.APIKey.model_validate({**key, "scopes": ["chat", "telepathy"]}).scopes == [
        "chat",
        "telepathy",
    ]


def test_nullable_enum_still_accepts_null_and_unknown_values(
    fixture_package: SimpleNamespace,
) -> None:
    choice = fixture_package.models.ChatCompletionChoice
    message = {"role": "assistant", "content": "hi"}
    for reason in (None, "stop", "laser_interference"):
        parsed = choice.model_validate({"index": 0, "message": message, "finish_reason": reason})
        assert parsed.finish_reason == reason


def test_models_and_params_say_literal_or_str(fixture_files: dict[str, str]) -> None:
    assert 'status: Literal["ok", "degraded", "down"] | str' in fixture_files["models/admin.py"]
    assert (
        'role: Required[Literal["system", "developer", "user", "assistant", "tool"] | str]'
        in fixture_files["params.py"]
    )


def test_widening_keeps_null_and_the_rest_of_the_schema() -> None:
    schema = {"type": ["string", "null"], "enum": ["a", None], "description": "d"}
    widened = widen_enums({"components": {"schemas": {"X": schema}}}, openapi30=False)
    assert widened["components"]["schemas"]["X"] == {
        "description": "d",
        "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string"}, {"type": "null"}],
    }


def test_widening_uses_nullable_on_openapi_30() -> None:
    schema = {"type": "string", "enum": ["a"], "nullable": True}
    widened = widen_enums({"components": {"schemas": {"X": schema}}}, openapi30=True)
    assert widened["components"]["schemas"]["X"] == {
        "nullable": True,
        "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string"}],
    }


def test_widening_is_idempotent_and_leaves_other_enums_alone() -> None:
    document: dict[str, Any] = {
        "components": {
            "schemas": {
                "Open": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string"}]},
                "Level": {"type": "integer", "enum": [1, 2]},
                "Deep": {"type": "array", "items": {"type": "string", "const": "x"}},
            }
        }
    }
    once = widen_enums(document, openapi30=False)
    assert widen_enums(once, openapi30=False) == once
    assert once["components"]["schemas"]["Open"] == document["components"]["schemas"]["Open"]
    assert once["components"]["schemas"]["Level"] == {"type": "integer", "enum": [1, 2]}
    assert once["components"]["schemas"]["Deep"]["items"] == {
        "anyOf": [{"type": "string", "enum": ["x"]}, {"type": "string"}]
    }


def test_x_python_type_overrides_the_model_the_typeddict_and_the_signature(
    fixture_files: dict[str, str], fixture_package: SimpleNamespace
) -> None:
    # metadata is a request field: its model sits with the schemas no answer reaches.
    assert "metadata: Mapping[str, str] | None = None" in fixture_files["models/other.py"]
    assert "metadata: Mapping[str, str]\n" in fixture_files["params.py"]
    create = fixture_package.resources.chat.ChatCompletions.create
    metadata = inspect.signature(create).parameters["metadata"]
    assert metadata.annotation == "Mapping[str, str] | None"
