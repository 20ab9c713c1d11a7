"""request_schemas.py: every operation's request schemas as the spec states them, for the mock.

Enums stay closed and inline bodies inline (the spec as written, not the normalised copy
the models are generated from); only the components that bodies and parameters reach;
annotations dropped; sorted keys; a plain literal that needs no spec at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from codegen.errors import CodegenError
from codegen.models import HEADER
from codegen.render import generate_files
from codegen.request_schemas import request_schemas
from codegen.spec import load_spec
from codegen_testkit import FIXTURE_SPEC, SpecEditor

REF = "#/components/schemas/"


def _generated(spec_path: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return request_schemas(load_spec(spec_path))


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _nodes(child)


def test_the_module_is_generated_with_the_header_and_imports_nothing_heavy(
    fixture_files: dict[str, str], fixture_package: SimpleNamespace
) -> None:
    source = fixture_files["request_schemas.py"]
    assert source.startswith(HEADER + "\n")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["from __future__ import annotations", "from typing import Any"]
    module = fixture_package.request_schemas
    assert request_schemas(load_spec(FIXTURE_SPEC)) == (module.OPERATIONS, module.SCHEMAS)


def test_every_operation_has_its_method_path_body_and_parameters(
    fixture_package: SimpleNamespace,
) -> None:
    operations = fixture_package.request_schemas.OPERATIONS
    document = yaml.safe_load(FIXTURE_SPEC.read_text(encoding="utf-8"))
    spec_ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert set(operations) == spec_ids
    assert operations["getInfo"] == {
        "body": None,
        "header": [],
        "method": "GET",
        "path": "/v1/info",
        "path_params": [],
        "query": [],
    }
    assert operations["createChatCompletion"]["body"] == {
        "binary": [],
        "content_type": "application/json",
        "required": True,
        "schema": {"$ref": REF + "ChatCompletionRequest"},
    }
    edit = operations["editImage"]["body"]
    assert (edit["content_type"], edit["binary"]) == ("multipart/form-data", ["image", "mask"])
    assert operations["listKeys"]["query"] == [
        {
            "name": "limit",
            "required": False,
            "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
        },
        {"name": "offset", "required": False, "schema": {"minimum": 0, "type": "integer"}},
        {"name": "active", "required": False, "schema": {"type": "boolean"}},
    ]
    assert operations["searchModels"]["query"] == [
        {"name": "q", "required": True, "schema": {"type": "string"}}
    ]
    assert operations["updateKey"]["path_params"] == [
        {"name": "key_id", "required": True, "schema": {"type": "string"}}
    ]


def test_enums_are_not_widened(fixture_package: SimpleNamespace) -> None:
    module = fixture_package.request_schemas
    role = module.SCHEMAS["ChatMessage"]["properties"]["role"]
    assert role == {"enum": ["system", "developer", "user", "assistant", "tool"], "type": "string"}
    (_, capability) = module.OPERATIONS["listModels"]["query"]
    assert capability["schema"] == {"enum": ["chat", "embeddings"], "type": "string"}
    scopes = module.SCHEMAS["APIKeyUpdateRequest"]["properties"]["scopes"]["items"]
    assert scopes == {"enum": ["chat", "admin"], "type": "string"}


def test_only_the_schemas_requests_reach_and_every_ref_resolves(
    fixture_package: SimpleNamespace,
) -> None:
    module = fixture_package.request_schemas
    refs = {
        node["$ref"]
        for node in _nodes([module.OPERATIONS, module.SCHEMAS])
        if isinstance(node, dict) and "$ref" in node
    }
    assert {ref.removeprefix(REF) for ref in refs} == set(module.SCHEMAS)
    assert set(module.SCHEMAS) == {
        "APIKeyUpdateRequest",
        "ChatCompletionRequest",
        "ChatMessage",
        "ContentPart",
        "ImageEditRequest",
        "NamedToolChoice",
        "ToolChoice",
        "VideoRequest",
    }
    # The spec as written: the inline stream_options object is not hoisted into a component.
    request = module.SCHEMAS["ChatCompletionRequest"]["properties"]
    assert request["stream_options"] == {
        "properties": {"include_usage": {"type": "boolean"}},
        "type": "object",
    }
    assert request["temperature"] == {"maximum": 2, "minimum": 0, "type": "number"}


def test_keys_are_sorted_and_lists_keep_the_spec_order(fixture_package: SimpleNamespace) -> None:
    module = fixture_package.request_schemas
    for node in _nodes([module.OPERATIONS, module.SCHEMAS]):
        if isinstance(node, dict):
            assert list(node) == sorted(node)
    assert module.SCHEMAS["ChatCompletionRequest"]["required"] == ["model", "messages"]


def test_annotations_are_dropped_but_fields_named_like_them_kept(edited_spec: SpecEditor) -> None:
    def annotate(document: dict[str, Any]) -> None:
        schema = document["components"]["schemas"]["VideoRequest"]
        schema["description"] = "A video."
        schema["examples"] = [{"model": "m", "prompt": "p"}]
        schema["x-internal"] = True
        schema["properties"]["description"] = {"type": "string", "description": "Notes."}
        schema["properties"]["seconds"] = {"type": "integer", "default": 5, "title": "Seconds"}

    _, schemas = _generated(edited_spec(annotate))
    video = schemas["VideoRequest"]
    assert not {"description", "examples", "x-internal"} & set(video)
    assert video["properties"]["description"] == {"type": "string"}
    assert video["properties"]["seconds"] == {"type": "integer"}


def test_inline_bodies_and_shared_or_referenced_parameters(edited_spec: SpecEditor) -> None:
    def edit(document: dict[str, Any]) -> None:
        content = document["paths"]["/v1/videos"]["post"]["requestBody"]["content"]
        content["application/json"]["schema"] = {
            "type": "object",
            "required": ["model"],
            "properties": {"model": {"type": "string", "enum": ["a", "b"]}},
        }
        document["components"]["parameters"] = {
            "Verbose": {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
        }
        item = document["paths"]["/v1/admin/keys/{key_id}"]
        item["parameters"] = [
            {"name": "key_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"$ref": "#/components/parameters/Verbose"},
        ]
        item["delete"]["parameters"] = []

    operations, schemas = _generated(edited_spec(edit))
    assert operations["createVideo"]["body"]["schema"] == {
        "properties": {"model": {"enum": ["a", "b"], "type": "string"}},
        "required": ["model"],
        "type": "object",
    }
    assert "VideoRequest" not in schemas
    update = operations["updateKey"]
    # The operation's own key_id (a string) wins over the path-level one.
    assert update["path_params"] == [
        {"name": "key_id", "required": True, "schema": {"type": "string"}}
    ]
    assert update["query"] == [
        {"name": "verbose", "required": False, "schema": {"type": "boolean"}}
    ]
    assert operations["deleteKey"]["path_params"][0]["schema"] == {"type": "integer"}


def test_a_ref_into_a_schema_fails_naming_the_place(edited_spec: SpecEditor) -> None:
    def edit(document: dict[str, Any]) -> None:
        video = document["components"]["schemas"]["VideoRequest"]["properties"]
        video["model"] = {"$ref": "#/components/schemas/ChatCompletionRequest/properties/model"}

    with pytest.raises(CodegenError, match=r"VideoRequest.model: \$ref .* may only refer to"):
        _generated(edited_spec(edit))


def test_header_parameters_are_checked_and_their_defaults_sent_by_the_sdk(
    edited_spec: SpecEditor,
) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/v1/info"]["get"]["parameters"] = [
            {
                "name": "X-Version",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "enum": ["1", "2"], "default": "1"},
            },
            {"name": "X-Note", "in": "header", "schema": {"type": "string"}},
        ]

    spec = edited_spec(edit)
    operations, _ = _generated(spec)
    assert operations["getInfo"]["header"] == [
        {"name": "X-Version", "required": True, "schema": {"enum": ["1", "2"], "type": "string"}},
        {"name": "X-Note", "required": False, "schema": {"type": "string"}},
    ]
    # The SDK gets no argument for them; a default becomes the Operation's header default.
    (module,) = [
        text for text in generate_files(load_spec(spec)).values() if "_GET_INFO = " in text
    ]
    assert 'headers=(("X-Version", "1"),)' in module
