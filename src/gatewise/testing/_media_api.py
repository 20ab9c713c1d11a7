"""Handlers of the media paths: image generation and edits, video jobs, served files.

Images are real PNGs, returned as base64 or as URLs under /files/ that the mock
serves without a key; edits read the multipart upload. Video jobs progress per poll
(_video) and their finished clip is served under /files/ as well.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

from starlette.responses import Response

from . import _media, _validation
from ._call import Call, cost, model_gate
from ._errors import MockError
from ._faults import retry_headers
from ._handlers import handles
from ._openai_api import json_response

_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _images(call: Call, body: dict[str, Any], seed_text: str, revised: str) -> Response:
    n = int(body.get("n", 1))  # its range and the size's shape are checked against the spec
    width, height = _media.thumbnail_size(str(body.get("size", "1024x1024")))
    as_url = body.get("response_format", "url") == "url"
    data = []
    for index in range(n):
        seed = hashlib.sha256(f"{seed_text}\0{index}".encode()).digest()
        image = _media.png(width, height, seed)
        item: dict[str, Any] = {"revised_prompt": revised}
        if as_url:
            with call.state.lock:
                name = call.state.next_id("img_") + ".png"
                call.state.files[name] = (image, "image/png")
            item["url"] = f"{call.base_url}/files/{name}"
        else:
            item["b64_json"] = base64.b64encode(image).decode("ascii")
        data.append(item)
    call.log.completion_tokens = 0
    call.log.cost_usd = cost(call.log.model or "", 0, 0, False, units=n)
    return json_response(
        {
            "created": int(time.time()),
            "data": data,
            "trace_id": call.trace_id,
            "provider": call.log.provider,
        }
    )


@handles("createImage")
async def generate_image(call: Call) -> Response:
    body: dict[str, Any] = call.body
    call.log.prompt_tokens = len(body["prompt"].split())
    seed = f"{body['model']}\0{body['prompt']}\0{body.get('style')}\0{body.get('quality')}"
    return _images(call, body, seed, body["prompt"])


@handles("editImage")
async def edit_image(call: Call) -> Response:
    content_type = call.request.headers.get("content-type", "")
    boundary = _media.boundary_of(content_type)
    if not content_type.lower().startswith("multipart/form-data") or boundary is None:
        raise MockError(
            400,
            "Image edits take multipart/form-data with an 'image' file.",
            code="multipart_required",
        )
    if len(call.raw_body) > _MAX_UPLOAD_BYTES:
        raise MockError(400, "The upload is larger than 20 MB.", code="file_too_large")
    try:
        parts = _media.parse_multipart(call.raw_body, boundary)
    except ValueError as exc:
        raise MockError(400, f"Malformed multipart body: {exc}", code="invalid_multipart") from None
    files = {p.name: p for p in parts if p.is_file}
    text = {p.name: p.data.decode("utf-8", "replace") for p in parts if not p.is_file}
    call.log.stage = "validation"
    fields, problems = _validation.check_form(
        "editImage", text, {name: part.data for name, part in files.items()}
    )
    if problems:
        raise MockError(422, _validation.summary(problems), details={"errors": problems})
    image = files["image"].data
    await model_gate(call, fields["model"])
    call.log.stage = "provider"
    mask = files.get("mask")
    revised = f"{fields['prompt']} (edited a {len(image)}-byte image"
    revised += f" with a {len(mask.data)}-byte mask)" if mask is not None else ")"
    seed = f"{fields['model']}\0{fields['prompt']}\0{hashlib.sha256(image).hexdigest()}"
    return _images(call, fields, seed, revised)


@handles("createVideo")
async def submit_video(call: Call) -> Response:
    body: dict[str, Any] = call.body
    seconds = int(body.get("seconds", 5))
    with call.state.lock:
        job = call.state.videos.submit(
            body["model"],
            body["prompt"],
            seconds,
            body.get("resolution", "720p"),
            will_fail=body["model"] == "mock/video-fail",
        )
        task = job.public()
    call.log.prompt_tokens = len(body["prompt"].split())
    call.log.cost_usd = cost(body["model"], 0, 0, False, units=seconds)
    return json_response(task, status=202)


def _video_headers(call: Call, task: dict[str, Any]) -> dict[str, str]:
    retry_after = call.settings.video_retry_after
    if retry_after is None or task["status"] not in ("queued", "running"):
        return {}
    return retry_headers(retry_after)


@handles("retrieveVideo")
async def retrieve_video(call: Call) -> Response:
    with call.state.lock:
        job = call.state.videos.get(call.params["task_id"])
        job.advance(call.settings.video_seconds, call.base_url)
        task = job.public()
    return json_response(task, headers=_video_headers(call, task))


@handles("cancelVideo")
async def cancel_video(call: Call) -> Response:
    with call.state.lock:
        task = call.state.videos.cancel(call.params["task_id"]).public()
    return json_response(task)


async def serve_file(call: Call) -> Response:
    name = call.params["name"]
    with call.state.lock:
        found = call.state.files.get(name)
        if found is None and name.endswith(".mp4"):
            try:
                job = call.state.videos.get(name.removesuffix(".mp4"))
            except MockError:
                job = None
            if job is not None and job.status == "succeeded":
                found = (_media.mp4(job.seconds, job.resolution), "video/mp4")
    if found is None:
        raise MockError(404, f"No file named {name!r}.", code="file_not_found")
    data, media_type = found
    return Response(data, media_type=media_type)
