"""Spec mistakes stop generation with a message naming the operation at fault.

Each test edits one thing in a copy of fixtures/mini.yaml.
"""

from __future__ import annotations

from typing import Any

import pytest
from codegen.__main__ import main
from codegen.errors import CodegenError
from codegen.render import generate_files
from codegen.runtime import request_option_names
from codegen.spec import load_spec
from codegen_testkit import SpecEditor


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = document["paths"][path][method]
    return op


def generation_error(spec_path: Any) -> str:
    with pytest.raises(CodegenError) as caught:
        generate_files(load_spec(spec_path))
    return str(caught.value)


def test_operation_without_x_gatewise_fails_naming_it(edited_spec: SpecEditor) -> None:
    path = edited_spec(lambda d: operation(d, "/v1/info", "get").pop("x-gatewise"))
    message = generation_error(path)
    assert "getInfo" in message
    assert "no x-gatewise" in message


def test_two_operations_on_one_method_fail_naming_both(edited_spec: SpecEditor) -> None:
    def remap(document: dict[str, Any]) -> None:
        operation(document, "/v1/models/search", "get")["x-gatewise"]["method"] = "list"

    message = generation_error(edited_spec(remap))
    assert "listModels" in message
    assert "searchModels" in message
    assert "models.list" in message


def test_alias_clashing_with_another_method_fails(edited_spec: SpecEditor) -> None:
    def alias(document: dict[str, Any]) -> None:
        operation(document, "/v1/models/{model_id}", "get")["x-gatewise"]["aliases"] = ["search"]

    message = generation_error(edited_spec(alias))
    assert "retrieveModel" in message
    assert "models.search" in message


def test_unknown_returns_value_fails_naming_the_operation(edited_spec: SpecEditor) -> None:
    def returns(document: dict[str, Any]) -> None:
        operation(document, "/v1/models", "get")["x-gatewise"]["returns"] = "stream"

    message = generation_error(edited_spec(returns))
    assert "listModels" in message
    assert "'stream'" in message
    assert "model, items, page, none" in message


def test_chunk_schema_missing_from_the_models_fails_naming_the_operation(
    edited_spec: SpecEditor,
) -> None:
    def chunk(document: dict[str, Any]) -> None:
        op = operation(document, "/v1/chat/completions", "post")
        op["x-gatewise"]["stream"] = "NoSuchChunk"

    message = generation_error(edited_spec(chunk))
    assert "createChatCompletion" in message
    assert "'NoSuchChunk'" in message
    assert "_generated/models" in message


def test_page_whose_items_are_not_a_named_schema_fails(edited_spec: SpecEditor) -> None:
    def items(document: dict[str, Any]) -> None:
        operation(document, "/v1/admin/keys", "get")["x-gatewise"]["items"] = "has_more"

    message = generation_error(edited_spec(items))
    assert "listKeys" in message
    assert "APIKeyPage.has_more" in message


def job(document: dict[str, Any]) -> dict[str, Any]:
    """The x-gatewise.job block of the fixture's createVideo."""
    block: dict[str, Any] = operation(document, "/v1/videos", "post")["x-gatewise"]["job"]
    return block


def test_job_polling_an_unknown_operation_fails(edited_spec: SpecEditor) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(poll="retrieveVid")))
    assert "createVideo" in message
    assert "x-gatewise.job.poll 'retrieveVid' is not an operationId" in message


def test_job_cancelling_with_an_unknown_operation_fails(edited_spec: SpecEditor) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(cancel="stopVideo")))
    assert "createVideo" in message
    assert "x-gatewise.job.cancel 'stopVideo'" in message


def test_job_id_that_is_no_field_of_the_answer_fails(edited_spec: SpecEditor) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(id="job_id")))
    assert "createVideo" in message
    assert "'job_id' is not a field of the response schema VideoTask" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # `url` is a field of VideoTask, but the status call's path says {task_id}
        ({"id": "url"}, "poll retrieveVideo must take exactly the path parameter 'url'"),
        # createVideo (POST /v1/videos) has no path parameter at all
        ({"cancel": "createVideo"}, "cancel createVideo must take exactly the path parameter"),
    ],
)
def test_job_calls_without_exactly_the_id_path_parameter_fail(
    edited_spec: SpecEditor, change: dict[str, str], expected: str
) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(change)))
    assert message.startswith("createVideo: x-gatewise.job.")
    assert expected in message


def test_job_status_call_with_a_second_path_parameter_fails(edited_spec: SpecEditor) -> None:
    def two_params(document: dict[str, Any]) -> None:
        paths = document["paths"]
        paths["/v1/videos/{task_id}/{part}"] = paths.pop("/v1/videos/{task_id}")
        status = operation(document, "/v1/videos/{task_id}/{part}", "get")
        status["parameters"].append(
            {"name": "part", "in": "path", "required": True, "schema": {"type": "string"}}
        )

    message = generation_error(edited_spec(two_params))
    assert "createVideo" in message
    assert "retrieveVideo must take exactly the path parameter 'task_id'" in message
    assert "['task_id', 'part']" in message


def test_job_without_succeeded_states_fails(edited_spec: SpecEditor) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(succeeded=[])))
    assert "createVideo" in message
    assert "x-gatewise.job.succeeded is empty" in message


@pytest.mark.parametrize(
    ("wait", "owner"),
    [("retrieve", "operation retrieveVideo"), ("submit", "operation createVideo")],
)
def test_job_wait_method_clashing_with_another_member_fails(
    edited_spec: SpecEditor, wait: str, owner: str
) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(wait=wait)))
    assert message.startswith("createVideo: ")
    assert f"video.{wait} is already defined by {owner}" in message


def test_job_calls_in_another_module_fail(edited_spec: SpecEditor) -> None:
    def move(document: dict[str, Any]) -> None:
        cancel = operation(document, "/v1/videos/{task_id}/cancel", "post")["x-gatewise"]
        cancel["resource"] = "admin"

    message = generation_error(edited_spec(move))
    assert "createVideo: x-gatewise.job.cancel cancelVideo" in message
    assert "another module (admin)" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: job(d).update(every=5), "unknown keys ['every']"),
        (
            lambda d: job(d).update(succeeded=["done"]),
            "['done'] are not values of VideoTask.status",
        ),
        (
            lambda d: job(d).update(failed=["succeeded"]),
            "['succeeded'] are both succeeded and failed",
        ),
        (lambda d: job(d).update(wait="wait for it"), "'wait for it' is not a Python identifier"),
        (
            lambda d: d["components"]["schemas"]["VideoRequest"]["properties"].update(
                poll_interval={"type": "number"}
            ),
            "rename the parameter 'poll_interval'",
        ),
        (
            lambda d: operation(d, "/v1/videos", "post")["x-gatewise"].update(fallback=True),
            "without stream or fallback",
        ),
    ],
)
def test_malformed_job_extension_fails_naming_the_operation(
    edited_spec: SpecEditor, edit: Any, expected: str
) -> None:
    message = generation_error(edited_spec(edit))
    assert message.startswith("createVideo: ")
    assert expected in message


def test_command_line_reports_the_error_and_exits_2(
    edited_spec: SpecEditor, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited_spec(lambda d: operation(d, "/health", "get").pop("x-gatewise"))
    assert main(["--spec", str(path), "--output", str(tmp_path / "out")]) == 2
    assert "codegen: getHealth" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_job_status_value_left_unclassified_fails_naming_it(edited_spec: SpecEditor) -> None:
    def expired(document: dict[str, Any]) -> None:
        status = document["components"]["schemas"]["VideoTask"]["properties"]["status"]
        status["enum"].append("expired")

    message = generation_error(edited_spec(expired))
    assert message.startswith("createVideo: x-gatewise.job: ")
    assert "the VideoTask.status values ['expired'] are not classified" in message
    assert "pending, succeeded or failed" in message


def test_job_status_value_classified_twice_fails(edited_spec: SpecEditor) -> None:
    message = generation_error(edited_spec(lambda d: job(d).update(pending=["queued", "failed"])))
    assert "createVideo: x-gatewise.job: ['failed'] are both pending and failed" in message


def test_job_status_without_an_enum_fails(edited_spec: SpecEditor) -> None:
    def free_text(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["VideoTask"]["properties"]["status"].pop("enum")

    message = generation_error(edited_spec(free_text))
    assert "createVideo: x-gatewise.job: VideoTask.status has no enum" in message


@pytest.mark.parametrize("option", sorted(request_option_names()))
def test_body_field_named_like_a_request_option_fails_naming_it(
    edited_spec: SpecEditor, option: str
) -> None:
    # The reserved names come from gatewise._options.RequestOptions itself, so a new
    # option is reserved at once (the method's **options would take the keyword otherwise).
    def field(document: dict[str, Any]) -> None:
        schema = document["components"]["schemas"]["ChatCompletionRequest"]
        schema["properties"][option] = {"type": "number"}

    message = generation_error(edited_spec(field))
    assert "createChatCompletion" in message
    assert f"the name {option!r} is reserved; set x-gatewise-name" in message


@pytest.mark.parametrize(
    ("mock", "expected"),
    [
        (None, "getInfo: x-gatewise.mock must be a mapping with at least `scope`"),
        ({"scope": "chat", "auth": True}, "getInfo: x-gatewise.mock has unknown keys ['auth']"),
        ({"scope": ""}, "getInfo: x-gatewise.mock.scope must be a scope name or null"),
        ({"scope": None, "traced": "no"}, "getInfo: x-gatewise.mock.traced must be a boolean"),
        ({"scope": "chat", "path_rest": "id"}, "x-gatewise.mock.path_rest 'id' is not the last"),
    ],
)
def test_a_malformed_mock_route_fails_naming_the_operation(
    edited_spec: SpecEditor, mock: dict[str, Any] | None, expected: str
) -> None:
    def edit(document: dict[str, Any]) -> None:
        ext = operation(document, "/v1/info", "get")["x-gatewise"]
        ext.pop("mock")
        if mock is not None:
            ext["mock"] = mock

    assert expected in generation_error(edited_spec(edit))
