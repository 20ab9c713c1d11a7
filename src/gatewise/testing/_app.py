"""The ASGI app: routing on the raw path, then one pipeline for every request.

Pipeline: record the request -> route (404/405) -> scripted fault -> auth (401/403)
-> request checks against the spec: headers, query, body (400/422) -> model gate
(routing, quota, fault models) -> handler; model calls are then logged and counted
against their key. Routing splits the *raw* path so a percent-encoded id
(`/v1/models/openai%2Fgpt-4o`) stays one segment.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from .._generated.request_schemas import MOCK_ROUTES, OPERATIONS

# The handler modules register their handlers (by operationId) when imported.
from . import _admin_api, _anthropic, _catalogue, _openai_api, _validation  # noqa: F401
from . import _media_api as media
from ._call import Call, LogInfo, Settings, model_gate
from ._errors import MockError
from ._faults import Faults
from ._handlers import HANDLERS, Handler
from ._state import RecordedRequest, State

logger = logging.getLogger("gatewise.testing")


@dataclass(frozen=True)
class Route:
    """One operation: `template` segments in braces are parameters, `{x:path}` takes the rest.

    `operation_id` is the spec operation served, whose request schemas
    (gatewise._generated.request_schemas) the request is checked against; None off the spec.
    `handler` None: the spec declares the operation but the mock does not serve it (501).
    """

    method: str
    template: str
    handler: Handler | None
    scope: str | None  # the key scope it needs; None: no key needed
    model_call: bool = False  # logged, counted per key, passes the model gate
    traced: bool = True  # answers carry X-Trace-Id
    operation_id: str | None = None
    segments: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(self.template.strip("/").split("/")))

    @property
    def precedence(self) -> tuple[int, ...]:
        """Literal segments before parameters: /v1/models/search wins over /v1/models/{id}."""
        return tuple(2 if s.endswith(":path}") else int(s.startswith("{")) for s in self.segments)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            if segment.startswith("{") and segment.endswith(":path}"):
                rest = parts[index:]
                if not rest or not all(rest):
                    return None
                params[segment[1:-6]] = "/".join(rest)
                return params
            if index >= len(parts):
                return None
            if segment.startswith("{"):
                if not parts[index]:
                    return None
                params[segment[1:-1]] = parts[index]
            elif segment != parts[index]:
                return None
        return params if len(parts) == len(self.segments) else None


def _spec_route(operation_id: str, mock: dict[str, Any]) -> Route:
    operation = OPERATIONS[operation_id]
    template = str(operation["path"])
    if mock["path_rest"] is not None:
        rest = "{" + str(mock["path_rest"]) + "}"
        template = template.removesuffix(rest) + rest[:-1] + ":path}"
    return Route(
        operation["method"],
        template,
        HANDLERS.get(operation_id),
        mock["scope"],
        model_call=mock["model_call"],
        traced=mock["traced"],
        operation_id=operation_id,
    )


def _routes() -> list[Route]:
    """The spec's operations (x-gatewise.mock), and the files images point at (off the spec)."""
    routes = [_spec_route(op_id, mock) for op_id, mock in MOCK_ROUTES.items()]
    routes.append(Route("GET", "/files/{name}", media.serve_file, None, traced=False))
    # Sorted by template, so a template's methods are neighbours (one 405 lists them all).
    return sorted(routes, key=lambda route: (route.precedence, route.template))


def _split_raw_path(scope: Scope) -> list[str]:
    raw = scope.get("raw_path")
    text = raw.decode("latin-1") if isinstance(raw, bytes) else str(scope["path"])
    text = text.split("?", 1)[0]
    if len(text) > 1:
        text = text.rstrip("/")
    return [unquote(part) for part in text.strip("/").split("/")]


def _bearer(request: Request, anthropic: bool) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # Anthropic clients send their key as x-api-key.
    return request.headers.get("x-api-key") if anthropic else None


def _attribution(request: Request) -> dict[str, str]:
    tags = {}
    for name, value in request.headers.items():
        if name.lower().startswith("x-attr-") and len(name) > 7:
            tags[name[7:].lower().replace("-", "_")] = value
    return tags


class MockApp:
    """The mock gateway as an ASGI application."""

    def __init__(
        self, state: State, faults: Faults, settings: Settings, stopping: threading.Event
    ) -> None:
        self.state = state
        self.faults = faults
        self.settings = settings
        self.stopping = stopping
        self.routes = _routes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # Lifespan is off and websockets are not part of the API.
            return
        request = Request(scope, receive)
        request_id = f"req_{uuid.uuid4().hex}"
        response = await self._respond(request, request_id)
        response.headers["X-Request-Id"] = request_id
        await response(scope, receive, send)

    def _match(self, scope: Scope) -> tuple[Route | None, dict[str, str], list[str]]:
        """The route for the request, else the methods its path allows (for a 405)."""
        parts = _split_raw_path(scope)
        template: str | None = None
        allowed: list[str] = []
        for route in self.routes:
            # The first template that fits wins (literal paths are listed before templated
            # ones), so /v1/admin/keys/usage never falls through to /v1/admin/keys/{key_id}.
            if template is not None and route.template != template:
                continue
            params = route.match(parts)
            if params is None:
                continue
            template = route.template
            if route.method == scope["method"]:
                return route, params, allowed
            allowed.append(route.method)
        return None, {}, allowed

    async def _respond(self, request: Request, request_id: str) -> Response:
        raw = await request.body()
        body: Any = None
        json_error: str | None = None
        content_type = request.headers.get("content-type", "")
        if raw and ("json" in content_type or not content_type):
            try:
                body = json.loads(raw)
            except ValueError as exc:
                json_error = str(exc)
        with self.state.lock:
            self.state.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.url.path,
                    query=dict(request.query_params),
                    headers={k.lower(): v for k, v in request.headers.items()},
                    json=body,
                    body=raw,
                )
            )
        route, params, allowed = self._match(request.scope)
        anthropic = request.url.path.startswith("/anthropic/")
        call = Call(
            request=request,
            state=self.state,
            settings=self.settings,
            stopping=self.stopping,
            params=params,
            body=body,
            raw_body=raw,
            request_id=request_id,
            trace_id=f"trace_{uuid.uuid4().hex}",
        )
        try:
            if route is None:
                if allowed:
                    raise MockError(
                        405,
                        f"{request.method} is not allowed on {request.url.path}.",
                        headers={"Allow": ", ".join(sorted(set(allowed)))},
                    )
                raise MockError(404, f"No such path: {request.url.path}.", code="path_not_found")
            response = await self._run(route, call, json_error)
        except MockError as err:
            call.log.error = err.message
            payload = err.anthropic_body() if anthropic else err.gateway_body()
            response = JSONResponse(payload, status_code=err.status, headers=err.headers)
        except Exception as exc:  # a mock bug must still answer, in the envelope
            logger.exception("mock gateway failed on %s %s", request.method, request.url.path)
            failure = MockError(500, f"Mock gateway error: {type(exc).__name__}: {exc}")
            call.log.error = failure.message
            payload = failure.anthropic_body() if anthropic else failure.gateway_body()
            response = JSONResponse(payload, status_code=500)
        if route is not None and route.traced:
            response.headers["X-Trace-Id"] = call.trace_id
        if anthropic:
            # The same id under the name Anthropic's SDKs read (`_request_id` on their answers).
            response.headers["request-id"] = request_id
        if route is not None and route.model_call:
            self._account(call, response.status_code)
        return response

    async def _run(self, route: Route, call: Call, json_error: str | None) -> Response:
        if (
            route.model_call
            and isinstance(call.body, dict)
            and isinstance(call.body.get("model"), str)
        ):
            # Known early so that calls failing auth or validation still log their model.
            call.log.model = call.body["model"]
            call.log.provider = _catalogue.provider_of(call.body["model"])
        fault = self.faults.take(call.path, streaming=call.streaming)
        if fault is not None:
            if fault.delay > 0:
                await call.sleep(fault.delay)
            status = fault.error_status
            if status is not None:
                raise MockError(
                    status,
                    fault.message or f"Scripted fault: HTTP {status}.",
                    code=fault.error_code,
                    headers=fault.headers,
                    error_type="insufficient_quota"
                    if fault.error_code == "insufficient_quota"
                    else None,
                )
            if fault.is_stream_fault:
                call.stream_fault = fault
        if route.scope is not None:
            call.log.stage = "auth"
            with self.state.lock:
                call.key = self.state.keys.authenticate(
                    _bearer(call.request, call.anthropic), route.scope
                )
        call.log.stage = "validation"
        if json_error is not None:
            raise MockError(400, f"The body is not valid JSON: {json_error}", code="invalid_json")
        if route.operation_id is not None:
            request = call.request
            problems = _validation.check_request(
                route.operation_id, request.query_params.getlist, request.headers.getlist, call.body
            )
            if problems:
                # Anthropic answers schema errors with 400 invalid_request_error; the gateway 422.
                status = 400 if call.anthropic else 422
                raise MockError(status, _validation.summary(problems), details={"errors": problems})
            # A multipart handler passes the gate itself, after checking the upload.
            if route.model_call and _validation.json_body(route.operation_id) is not None:
                await model_gate(call, call.body["model"])
        if route.handler is None:
            raise MockError(
                501,
                f"The mock gateway does not serve {route.operation_id} yet.",
                code="not_implemented",
            )
        call.log.stage = "provider"
        return await route.handler(call)

    def _account(self, call: Call, status: int) -> None:
        """Log a model call and count it against its key."""
        info: LogInfo = call.log
        if status >= 400 and info.stage == "cache":
            info.stage = "provider"
        with self.state.lock:
            self.state.logs.add(
                stage=info.stage,
                method=call.request.method,
                path=call.path,
                provider=info.provider,
                model=info.model,
                status_code=status,
                latency_ms=call.elapsed_ms(),
                prompt_tokens=info.prompt_tokens,
                completion_tokens=info.completion_tokens,
                cost_usd=info.cost_usd,
                cache_hit=info.cache_hit,
                key_id=call.key.id if call.key is not None else None,
                trace_id=call.trace_id,
                attribution=_attribution(call.request),
                error=info.error,
            )
            if call.key is not None:
                self.state.keys.record_usage(
                    call.key.id, info.prompt_tokens + info.completion_tokens, info.cost_usd
                )
            self.state.calls_total += 1
            self.state.cost_total += info.cost_usd
            if info.model is not None:
                self.state.model_calls[info.model] += 1
