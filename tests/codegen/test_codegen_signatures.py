"""The generated resource methods: their signatures, and what they hand to the pipeline.

A recording pipeline stands in for the runtime one, so no HTTP is involved.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typing_extensions
from codegen.render import generate_files
from codegen.spec import load_spec
from codegen.tree import write_tree
from codegen_testkit import PACKAGE, SpecEditor

from gatewise._jobs import DEFAULT_POLL_INTERVAL, JobSpec
from gatewise._operation import decode_none
from gatewise._raw import raw_mode

Call = tuple[str, Any, dict[str, Any]]


class FakeJob:
    """What RecordingPipeline.start_job answers: remembers how it was waited for."""

    def __init__(self, calls: list[Call]) -> None:
        self.calls = calls

    def wait(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("wait", args, kwargs))
        return "finished"


class AsyncFakeJob(FakeJob):
    async def wait(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        return super().wait(*args, **kwargs)


class RecordingPipeline:
    """Stands in for the runtime pipeline: remembers each call and answers a marker."""

    job_class: type[FakeJob] = FakeJob

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def request(self, op: Any, **kwargs: Any) -> str | None:
        self.calls.append(("request", op, {**kwargs, "raw": raw_mode.get()}))
        return None if op.decode is decode_none else "answer"  # as the real decoder would

    def start_job(self, op: Any, spec: Any, **kwargs: Any) -> FakeJob:
        self.calls.append(("start_job", op, {**kwargs, "spec": spec, "raw": raw_mode.get()}))
        return self.job_class(self.calls)

    def stream(self, op: Any, chunk: Any, **kwargs: Any) -> str:
        self.calls.append(("stream", op, {**kwargs, "chunk": chunk}))
        return "stream"

    def paginate(self, op: Any, **kwargs: Any) -> Iterator[str]:
        self.calls.append(("paginate", op, kwargs))
        return iter(["item"])


class AsyncRecordingPipeline(RecordingPipeline):
    job_class = AsyncFakeJob

    async def request(self, op: Any, **kwargs: Any) -> str | None:  # type: ignore[override]
        return super().request(op, **kwargs)

    async def start_job(self, op: Any, spec: Any, **kwargs: Any) -> FakeJob:  # type: ignore[override]
        return super().start_job(op, spec, **kwargs)

    async def stream(self, op: Any, chunk: Any, **kwargs: Any) -> str:  # type: ignore[override]
        return super().stream(op, chunk, **kwargs)

    async def paginate(self, op: Any, **kwargs: Any) -> AsyncIterator[str]:  # type: ignore[override]
        self.calls.append(("paginate", op, kwargs))
        yield "item"


def make_client(
    package: SimpleNamespace, pipeline: RecordingPipeline, *, is_async: bool = False
) -> Any:
    mixin = package.client.AsyncResources if is_async else package.client.SyncResources
    client = mixin.__new__(mixin)
    client._pipeline = pipeline
    return client


def parameters(method: Any) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(method).parameters)


def test_chat_create_takes_required_keywords_then_optional_ones(
    fixture_package: SimpleNamespace,
) -> None:
    params = parameters(fixture_package.resources.chat.ChatCompletions.create)
    assert list(params)[:5] == ["self", "model", "messages", "stream", "temperature"]
    assert list(params)[-2:] == ["fallbacks", "options"]
    assert params["model"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["model"].default is inspect.Parameter.empty
    assert params["messages"].annotation == "Sequence[ChatMessage]"
    assert params["stream"].annotation == "bool | None"
    assert params["temperature"].annotation == "float | None"
    assert params["temperature"].default is None
    assert params["tool_choice"].annotation == "ToolChoice | None"
    assert params["stream_options"].annotation == "ChatCompletionRequestStreamOptions | None"
    assert params["fallbacks"].annotation == "Sequence[str] | None"
    assert params["options"].kind is inspect.Parameter.VAR_KEYWORD
    assert params["options"].annotation == "Unpack[RequestOptions]"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is 3.11+")
def test_stream_overloads_return_a_model_or_a_stream(fixture_package: SimpleNamespace) -> None:
    for cls, stream in (("ChatCompletions", "Stream"), ("AsyncChatCompletions", "AsyncStream")):
        create = getattr(fixture_package.resources.chat, cls).create
        overloads = typing_extensions.get_overloads(create)
        streams = [inspect.signature(o).parameters["stream"].annotation for o in overloads]
        assert streams == ["Literal[False] | None", "Literal[True]", "bool"]
        returns = [inspect.signature(o).return_annotation for o in overloads]
        chunk = f"{stream}[ChatCompletionChunk]"
        assert returns == ["ChatCompletion", chunk, f"ChatCompletion | {chunk}"]


def test_path_params_and_flagged_query_params_are_positional(
    fixture_package: SimpleNamespace,
) -> None:
    models = fixture_package.resources.models.Models
    retrieve = parameters(models.retrieve)["model_id"]
    assert retrieve.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    search = parameters(models.search)["query"]  # x-gatewise-name: the wire name is `q`
    assert search.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert search.annotation == "str"


def test_aliases_are_the_same_method(fixture_package: SimpleNamespace) -> None:
    models = fixture_package.resources.models
    assert models.Models.get is models.Models.retrieve
    assert models.AsyncModels.get is models.AsyncModels.retrieve


def test_files_and_enums_in_signatures(fixture_package: SimpleNamespace) -> None:
    params = parameters(fixture_package.resources.images.Images.edit)
    assert params["image"].annotation == "FileInput"
    assert params["mask"].annotation == "FileInput | None"
    assert params["response_format"].annotation == "Literal['url', 'b64_json'] | str | None"


def test_page_operations_get_an_iterator_without_offset(fixture_package: SimpleNamespace) -> None:
    keys = fixture_package.resources.admin.AdminKeys
    assert "offset" in parameters(keys.list)
    assert list(parameters(keys.iter)) == ["self", "limit", "active", "options"]
    assert inspect.signature(keys.iter).return_annotation == "Iterator[APIKey]"
    assert inspect.signature(keys.list).return_annotation == "Page[APIKey]"


def test_job_submit_returns_a_job_and_the_wait_method_adds_waiting_arguments(
    fixture_package: SimpleNamespace,
) -> None:
    for cls, job in (("Video", "Job"), ("AsyncVideo", "AsyncJob")):
        video = getattr(fixture_package.resources.video, cls)
        submit, generate = inspect.signature(video.submit), inspect.signature(video.generate)
        assert submit.return_annotation == f"{job}[VideoTask]"
        assert generate.return_annotation == "VideoTask"
        names = ["self", "prompt", "model", "seconds", "resolution"]
        assert list(submit.parameters) == [*names, "options"]
        assert list(generate.parameters) == [
            *names,
            *("on_progress", "wait_timeout", "poll_interval", "options"),
        ]
        for name in names[1:]:  # the same arguments, the same way
            assert generate.parameters[name] == submit.parameters[name]
        assert submit.parameters["prompt"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        extra = generate.parameters
        assert extra["on_progress"].annotation == "Callable[[VideoTask], object] | None"
        assert extra["on_progress"].kind is inspect.Parameter.KEYWORD_ONLY
        assert extra["on_progress"].default is None
        assert extra["wait_timeout"].annotation == "float | None"
        assert extra["wait_timeout"].default is None
        assert extra["poll_interval"].annotation == "float"
        assert extra["poll_interval"].default == DEFAULT_POLL_INTERVAL


def test_job_spec_constant_names_the_poll_and_cancel_operations(
    fixture_package: SimpleNamespace,
) -> None:
    video = fixture_package.resources.video
    spec = video._CREATE_VIDEO_JOB
    assert isinstance(spec, JobSpec)
    assert spec.poll is video._RETRIEVE_VIDEO
    assert spec.cancel is video._CANCEL_VIDEO
    assert spec.id_field == "task_id"
    assert spec.succeeded == frozenset({"succeeded"})
    assert spec.failed == frozenset({"failed", "cancelled"})


def test_job_submit_starts_a_job_and_generate_waits_for_it(
    fixture_package: SimpleNamespace,
) -> None:
    pipeline = RecordingPipeline()
    client = make_client(fixture_package, pipeline)
    job = client.video.submit("a cat", model="m", timeout=5.0)
    assert isinstance(job, FakeJob)
    progress = print
    finished = client.video.generate(
        "a dog", model="m", seconds=4, on_progress=progress, wait_timeout=60.0
    )
    assert finished == "finished"

    (submitted, generated, waited) = pipeline.calls
    video = fixture_package.resources.video
    assert submitted[0] == "start_job"
    assert submitted[1] is video._CREATE_VIDEO
    assert submitted[2] == {
        "body": {"prompt": "a cat", "model": "m"},
        "options": {"timeout": 5.0},
        "spec": video._CREATE_VIDEO_JOB,
        "raw": False,
    }
    assert generated[2]["body"] == {"prompt": "a dog", "model": "m", "seconds": 4}
    assert waited == (
        "wait",
        (60.0,),
        {"poll_interval": DEFAULT_POLL_INTERVAL, "on_progress": progress},
    )


async def test_async_job_methods_await_the_pipeline_and_the_job(
    fixture_package: SimpleNamespace,
) -> None:
    pipeline = AsyncRecordingPipeline()
    client = make_client(fixture_package, pipeline, is_async=True)
    assert isinstance(await client.video.submit("a cat", model="m"), AsyncFakeJob)
    assert await client.video.generate("a dog", model="m", poll_interval=0.5) == "finished"
    assert [call[0] for call in pipeline.calls] == ["start_job", "start_job", "wait"]
    assert pipeline.calls[-1][2]["poll_interval"] == 0.5


def test_with_raw_response_wraps_submit_but_not_the_wait_method(
    fixture_package: SimpleNamespace,
) -> None:
    pipeline = RecordingPipeline()
    client = make_client(fixture_package, pipeline)
    raw = client.video.with_raw_response
    raw.submit("a cat", model="m")
    assert pipeline.calls[0][0] == "start_job"
    assert pipeline.calls[0][2]["raw"] is True
    assert not hasattr(raw, "generate")
    assert not hasattr(client.video.with_raw_response, "generate")


def test_async_classes_mirror_the_sync_ones(fixture_package: SimpleNamespace) -> None:
    modules = fixture_package.resources
    for module in (modules.admin, modules.models, modules.video):
        for name, cls in vars(module).items():
            if not isinstance(cls, type) or not hasattr(module, "Async" + name):
                continue
            twin = getattr(module, "Async" + name)
            for attr, member in vars(cls).items():
                if inspect.isfunction(member) and not attr.startswith("_"):
                    async_member = getattr(twin, attr)
                    assert list(parameters(member)) == list(parameters(async_member))
                    is_iter = attr.startswith("iter")
                    assert inspect.iscoroutinefunction(async_member) is not is_iter, attr


def test_calls_reach_the_pipeline_with_path_query_body_and_files(
    fixture_package: SimpleNamespace,
) -> None:
    pipeline = RecordingPipeline()
    client = make_client(fixture_package, pipeline)

    assert client.models.search("claude", timeout=3.0) == "answer"
    assert client.admin.keys.delete("key_1") is None
    client.images.edit(model="m", image=b"png", prompt="p", n=2, fallbacks=["m2"])
    client.admin.keys.update("key_1", name="renamed")

    (search, delete, edit, update) = pipeline.calls
    assert search[1].method == "GET"
    assert search[1].path == "/v1/models/search"
    assert search[2] == {"query": {"q": "claude"}, "options": {"timeout": 3.0}, "raw": False}
    assert delete[2]["path"] == {"key_id": "key_1"}
    assert edit[2]["body"] == {"model": "m", "prompt": "p", "n": 2}
    assert edit[2]["files"] == {"image": b"png"}
    assert edit[2]["fallbacks"] == ["m2"]
    assert update[2]["body"] == {"name": "renamed"}


def test_stream_true_goes_to_the_stream_call_with_the_chunk_model(
    fixture_package: SimpleNamespace,
) -> None:
    pipeline = RecordingPipeline()
    client = make_client(fixture_package, pipeline)
    messages = [{"role": "user", "content": "hi"}]
    assert client.chat.completions.create(model="m", messages=messages, stream=True) == "stream"
    assert client.chat.completions.create(model="m", messages=messages) == "answer"
    (stream, plain) = pipeline.calls
    assert stream[0] == "stream"
    assert stream[2]["chunk"] is fixture_package.models.ChatCompletionChunk
    assert stream[2]["body"] == {"model": "m", "messages": messages, "stream": True}
    assert plain[0] == "request"
    assert plain[2]["body"] == {"model": "m", "messages": messages}


def test_iter_paginates_without_offset(fixture_package: SimpleNamespace) -> None:
    pipeline = RecordingPipeline()
    client = make_client(fixture_package, pipeline)
    assert list(client.admin.keys.iter(limit=10)) == ["item"]
    assert pipeline.calls[0][0] == "paginate"
    assert pipeline.calls[0][2]["query"] == {"limit": 10}


async def test_async_client_awaits_the_pipeline(fixture_package: SimpleNamespace) -> None:
    pipeline = AsyncRecordingPipeline()
    client = make_client(fixture_package, pipeline, is_async=True)
    assert await client.info() == "answer"
    assert await client.models.get("gpt-4o") == "answer"
    assert [item async for item in client.admin.keys.iter()] == ["item"]
    assert [call[1].path for call in pipeline.calls] == [
        "/v1/info",
        "/v1/models/{model_id}",
        "/v1/admin/keys",
    ]


def test_with_raw_response_calls_the_same_method_in_raw_mode(
    fixture_package: SimpleNamespace,
) -> None:
    pipeline = RecordingPipeline()
    client = make_client(fixture_package, pipeline)
    client.with_raw_response.models.get("gpt-4o")
    client.with_raw_response.info()
    client.models.with_raw_response.retrieve("gpt-4o")
    assert [call[2]["raw"] for call in pipeline.calls] == [True, True, True]
    raw = client.admin.with_raw_response
    assert callable(raw.keys.list)
    assert callable(raw.health)


def test_client_mixin_imports_resource_modules_on_first_use(
    fixture_package: SimpleNamespace,
) -> None:
    # A fresh interpreter: this process has imported every generated module already.
    script = f"""
import sys
sys.path.insert(0, {str(fixture_package.folder)!r})
from {PACKAGE}.client import SyncResources
print(sorted(m for m in sys.modules if m.startswith("{PACKAGE}.")))
client = SyncResources()
client._pipeline = None
client.chat
print(sorted(m for m in sys.modules if m.startswith("{PACKAGE}.")))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before, after = (ast.literal_eval(line) for line in result.stdout.splitlines())
    assert before == [f"{PACKAGE}.client"]  # no models, params or resources yet
    assert f"{PACKAGE}.resources.chat" in after
    assert f"{PACKAGE}.models.chat" in after  # the models chat answers with, and no others
    assert f"{PACKAGE}.resources.admin" not in after
    assert not {f"{PACKAGE}.models.{m}" for m in ("admin", "video", "other")} & set(after)


def test_client_level_operations_may_stream_take_queries_and_page(
    edited_spec: SpecEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def to_client(document: dict[str, Any]) -> None:
        paths = document["paths"]
        paths["/v1/chat/completions"]["post"]["x-gatewise"].update(resource="", method="complete")
        paths["/v1/admin/keys"]["get"]["x-gatewise"].update(resource="", method="keys")
        paths["/v1/models"]["get"]["x-gatewise"].update(resource="", method="models_list")

    package = "gw_codegen_client_ops"
    write_tree(generate_files(load_spec(edited_spec(to_client))), tmp_path / package)
    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = importlib.import_module(f"{package}.client")
    pipeline = RecordingPipeline()
    client = client_module.SyncResources()
    client._pipeline = pipeline
    try:
        client.complete(model="m", messages=[], stream=True)
        client.models_list(provider="openai")
        assert list(client.iter_keys(limit=5)) == ["item"]
        assert callable(client.with_raw_response.complete)
    finally:
        for name in [n for n in sys.modules if n.startswith(package)]:
            del sys.modules[name]
    (stream, listed, paged) = pipeline.calls
    assert stream[0] == "stream"
    assert stream[2]["chunk"].__name__ == "ChatCompletionChunk"
    assert listed[2]["query"] == {"provider": "openai"}
    assert paged[0] == "paginate"
    assert paged[2]["query"] == {"limit": 5}


def test_client_level_jobs_import_their_operations_on_first_call(
    edited_spec: SpecEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def to_client(document: dict[str, Any]) -> None:
        paths = document["paths"]
        submit = paths["/v1/videos"]["post"]["x-gatewise"]
        submit.update(resource="", method="submit_video")
        submit["job"]["wait"] = "generate_video"
        paths["/v1/videos/{task_id}"]["get"]["x-gatewise"].update(resource="", method="video")
        cancel = paths["/v1/videos/{task_id}/cancel"]["post"]["x-gatewise"]
        cancel.update(resource="", method="cancel_video")

    package = "gw_codegen_client_jobs"
    files = generate_files(load_spec(edited_spec(to_client)))
    assert "JobSpec" not in files["client.py"].split("if TYPE_CHECKING:")[0]  # stays light
    write_tree(files, tmp_path / package)
    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = importlib.import_module(f"{package}.client")
    pipeline = RecordingPipeline()
    client = client_module.SyncResources()
    client._pipeline = pipeline
    try:
        root = importlib.import_module(f"{package}.root")
        assert client.generate_video("a cat", model="m") == "finished"
        assert callable(client.with_raw_response.submit_video)
        assert not hasattr(client.with_raw_response, "generate_video")
    finally:
        for name in [n for n in sys.modules if n.startswith(package)]:
            del sys.modules[name]
    (submitted, waited) = pipeline.calls
    assert submitted[1] is root._CREATE_VIDEO
    assert submitted[2]["spec"] is root._CREATE_VIDEO_JOB
    assert root._CREATE_VIDEO_JOB.poll is root._RETRIEVE_VIDEO
    assert waited[0] == "wait"
