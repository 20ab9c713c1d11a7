"""openapi.yaml as a test oracle: the spec loaded once, and validators for its schemas.

One JSON Schema checker for every test folder: openapi-schema-validator's OAS 3.1 validator
(JSON Schema 2020-12 plus the OpenAPI vocabulary), with formats checked. A schema given
here is a piece of the spec: its `#/...` references point into openapi.yaml.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests import SPEC_PATH

_SPEC_URI = "urn:gatewise:openapi"


@functools.cache
def load_spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def component(name: str) -> dict[str, str]:
    """The schema that points at components/schemas/<name>."""
    return {"$ref": f"#/components/schemas/{name}"}


def schema_validator(schema: Mapping[str, Any]) -> Any:
    """The validator of `schema` (cached: a stream's events share one)."""
    return _validator(json.dumps(schema, sort_keys=True))


def schema_errors(schema: Mapping[str, Any], instance: Any) -> list[str]:
    """Why `instance` does not fit `schema` (empty when it does), one line per error."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in schema_validator(schema).iter_errors(instance)
    ]


@functools.cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


@functools.cache
def _validator(schema_json: str) -> Any:
    schema = _into_spec(json.loads(schema_json))
    return OAS31Validator(schema, registry=_registry(), format_checker=oas31_format_checker)


def _into_spec(node: Any) -> Any:
    """`node` with each local reference (`#/...`) made absolute, into the spec's resource."""
    if isinstance(node, dict):
        return {
            key: f"{_SPEC_URI}{value}"
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else _into_spec(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_into_spec(value) for value in node]
    return node
