"""The exception hierarchy, and the mapping from an HTTP error answer to it.

GatewiseError
├── APIError                  HTTP error: .status_code .message .code .details .body .headers
│   │                         .request_id .trace_id .response .raw_response .data
│   │                         (aliases: errors.SDKBaseError, ErrorResponse)
│   ├── BadRequestError       400
│   │   ├── NotFoundError     404
│   │   └── UnprocessableEntityError 422
│   ├── AuthError             401 / 403
│   │   ├── AuthenticationError 401
│   │   └── PermissionDeniedError 403
│   ├── RateLimitError        429, .retry_after (seconds)
│   └── ServerError           5xx
│       └── ProviderUnavailableError 502 / 503 / 504 / 529
├── APIConnectionError        network failure
│   ├── APITimeoutError
│   └── IncompleteStreamError the stream ended before its terminal event
├── ResponseValidationError   the body does not fit the spec: .body, .response, .__cause__
├── ResponseTooLargeError     an answer or one stream event over its limit: .limit
├── OutputValidationError     a structured output that does not fit its model: .text .errors
├── StreamClosedError         a stream iterated after close()
├── AsyncJobFailed            .job, .error
├── AsyncJobTimeout           .job, .timeout
├── HookError                 a hook raised (cause chained) or returned a wrong value: .hook
└── AllProvidersFailed        .errors: list[tuple[str, GatewiseError]]

Every error pickles (multiprocessing, Celery) and unpickles equal, minus `.response` and
`.request`: those hold the request's headers, the key among them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx
import pydantic
import pydantic_core

from ._headers import SENSITIVE_HEADERS
from ._retry import server_delay

if TYPE_CHECKING:
    from ._generated.models import ErrorDetail

# Attributes that hold the httpx request (and so the Authorization header): not pickled.
_UNPICKLED = frozenset({"response", "request"})
# An error's message and code come from the server: bounded, so str(error) stays readable.
_MAX_MESSAGE_CHARS = 2000
_MAX_CODE_CHARS = 200
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class GatewiseError(Exception):
    """Base of every exception the SDK raises; catch it to catch them all.

    Attributes:
        message: The readable message (never the API key).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling __init__ (whose keyword-only arguments pickle cannot pass),
        # from the attributes minus the httpx objects and the response's credentials.
        state = {
            name: None if name in _UNPICKLED else _without_credentials(value)
            for name, value in vars(self).items()
        }
        return (_unpickle, (type(self), self.args, state))


def _unpickle(cls: type[GatewiseError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error


def _without_credentials(value: object) -> object:
    if isinstance(value, httpx.Headers):
        return httpx.Headers(
            [(k, v) for k, v in value.multi_items() if k.lower() not in SENSITIVE_HEADERS]
        )
    return value


class APIError(GatewiseError):
    """The gateway answered with an HTTP error status; its subclasses say which.

    Attributes:
        status_code: The HTTP status.
        message: The error envelope's message.
        code: The envelope's `error.code` (e.g. `insufficient_quota`), if any.
        type: The envelope's `error.type`, if any.
        details: The envelope's `error.details`, if any.
        body: The parsed error body (or its text when it is not JSON).
        headers: The answer's headers.
        request_id: The `X-Request-Id` header: quote it when reporting a problem.
        trace_id: The gateway's trace id (`X-Trace-Id`), if any.
        response: The `httpx.Response`, when there is one.
        raw_response: The same `httpx.Response` (Aerostack's name).
        data: The envelope's `error` object as a model (`.message`, `.code`, `.type`,
            `.details`), or None when the body is not an error envelope.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        error_type: str | None = None,
        details: Any = None,
        body: Any = None,
        headers: httpx.Headers | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.type = error_type
        self.details = details
        self.body = body
        self.headers = headers if headers is not None else httpx.Headers()
        self.response = response
        self.request_id: str | None = self.headers.get("x-request-id")
        trace_id = self.headers.get("x-trace-id")
        if trace_id is None and isinstance(details, Mapping):
            found = details.get("trace_id")
            trace_id = found if isinstance(found, str) else None
        self.trace_id: str | None = trace_id

    @property
    def raw_response(self) -> httpx.Response | None:
        """The `httpx.Response` (an alias of `.response`; None after unpickling)."""
        return self.response

    @property
    def data(self) -> ErrorDetail | None:
        """The envelope's `error` object, parsed; None when the body is not an envelope."""
        from ._generated.models import ErrorDetail

        error = self.body.get("error") if isinstance(self.body, Mapping) else None
        if not isinstance(error, Mapping):
            return None
        try:
            return ErrorDetail.model_validate(error)
        except pydantic.ValidationError:
            return None

    def __str__(self) -> str:
        parts = [f"{self.status_code}"]
        if self.code:
            parts.append(self.code)
        text = f"[{' '.join(parts)}] {self.message}"
        if self.request_id:
            text += f" (request_id={self.request_id})"
        return text


class BadRequestError(APIError):
    """400: the request is wrong and will not succeed when repeated."""


class NotFoundError(BadRequestError):
    """404: the model, key, job or path does not exist."""


class UnprocessableEntityError(BadRequestError):
    """422: the request is well-formed but its values are refused."""


class AuthError(APIError):
    """401 / 403: the key is missing, invalid or not allowed; never retried."""


class AuthenticationError(AuthError):
    """401: missing, unknown, revoked or expired key."""


class PermissionDeniedError(AuthError):
    """403: the key lacks the scope."""


class RateLimitError(APIError):
    """429; `.retry_after` holds the server's requested wait in seconds, if it sent one."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after: float | None = server_delay(self.headers)


class ServerError(APIError):
    """5xx: the gateway or the provider failed; retried by default."""


class ProviderUnavailableError(ServerError):
    """502 / 503 / 504, and Anthropic's 529 overloaded: the upstream provider is unavailable."""


class APIConnectionError(GatewiseError):
    """The request did not get an HTTP answer (connection refused, reset, DNS, protocol error)."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class IncompleteStreamError(APIConnectionError):
    """The stream ended before its terminal event."""


class ResponseValidationError(GatewiseError):
    """The answer does not fit its model; `.body` keeps the raw bytes, `__cause__` the detail."""

    def __init__(
        self, message: str, *, body: bytes, response: httpx.Response | None = None
    ) -> None:
        super().__init__(message)
        self.body = body
        self.response = response


class OutputValidationError(GatewiseError):
    """The model's answer to `parse()` does not fit the `response_format` model, even after
    `max_validation_retries` re-asks.

    Attributes:
        text: The answer's raw text (the last one, after re-asks).
        errors: pydantic's errors for it (`ValidationError.errors()`).
    """

    def __init__(
        self, message: str, *, text: str, errors: list[pydantic_core.ErrorDetails]
    ) -> None:
        super().__init__(message)
        self.text = text
        self.errors = errors


class ResponseTooLargeError(GatewiseError):
    """An answer (max_response_bytes) or one stream event (max_event_bytes) exceeded its
    limit; `.limit` is that limit in bytes. Reading stopped there, so memory stays bounded."""

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class StreamClosedError(GatewiseError):
    """A stream was iterated after `close()`."""


class AsyncJobFailed(GatewiseError):
    """A polled job reached a failed or cancelled state; `.job` is its last status."""

    def __init__(self, message: str, *, job: Any, error: Any) -> None:
        super().__init__(message)
        self.job = job
        self.error = error


class AsyncJobTimeout(GatewiseError):
    """A polled job did not finish within the wait; it keeps running on the server."""

    def __init__(self, message: str, *, job: Any, timeout: float) -> None:
        super().__init__(message)
        self.job = job
        self.timeout = timeout


class HookError(GatewiseError):
    """A hook raised (its exception is `__cause__`) or returned something it may not;
    `.hook` names it ("Audit.before_request")."""

    def __init__(self, message: str, *, hook: str) -> None:
        super().__init__(message)
        self.hook = hook


class AllProvidersFailed(GatewiseError):
    """Every model of a fallback chain failed; `.errors` lists (model, exception) in order."""

    def __init__(self, errors: list[tuple[str, GatewiseError]]) -> None:
        lines = "; ".join(f"{model}: {type(err).__name__}: {err}" for model, err in errors)
        super().__init__(f"all {len(errors)} models failed: {lines}")
        self.errors = errors


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    502: ProviderUnavailableError,
    503: ProviderUnavailableError,
    504: ProviderUnavailableError,
    529: ProviderUnavailableError,
}

# Anthropic (and in-band stream) error types, for answers whose status does not say enough.
_TYPE_CLASSES: dict[str, type[APIError]] = {
    "invalid_request_error": BadRequestError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDeniedError,
    "permission_denied": PermissionDeniedError,
    "not_found_error": NotFoundError,
    "not_found": NotFoundError,
    "rate_limit_error": RateLimitError,
    "rate_limit_exceeded": RateLimitError,
    "overloaded_error": ProviderUnavailableError,
    "provider_unavailable": ProviderUnavailableError,
    "api_error": ServerError,
    "server_error": ServerError,
}

_TYPE_STATUS: dict[type[APIError], int] = {
    BadRequestError: 400,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
    RateLimitError: 429,
    ProviderUnavailableError: 503,
    ServerError: 500,
}


def error_class(status: int, error_type: str | None = None) -> type[APIError]:
    """The exception class for an HTTP status; the envelope's error type refines only
    statuses the table does not name, and never moves an error out of its 4xx/5xx family."""
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    by_type = _TYPE_CLASSES.get(error_type or "")
    if status >= 500:
        return by_type if by_type is not None and issubclass(by_type, ServerError) else ServerError
    if by_type is not None and not issubclass(by_type, ServerError):
        return by_type
    return APIError


def not_retried(error: GatewiseError, reason: str) -> None:
    """Say in `error`'s message why a retryable failure was not retried."""
    error.message = f"{error.message} (not retried: {reason})"
    error.args = (error.message, *error.args[1:])


def error_from_httpx(exc: httpx.HTTPError) -> APIConnectionError:
    """The typed error for a failure httpx raised (no answer, or one that could not be read);
    `exc` is chained without its traceback, whose frames (httpcore, h11) hold the headers."""
    name = type(exc).__name__
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(f"request timed out ({name})", request=exc.request)
    elif isinstance(exc, httpx.DecodingError):
        error = APIConnectionError(f"the answer's body could not be decoded ({name}: {exc})")
    else:
        error = APIConnectionError(f"connection error ({name}: {exc})")
    error.__cause__ = detached(exc)
    return error


def detached(exc: BaseException) -> BaseException:
    """`exc` and the exceptions chained to it, without their tracebacks (messages kept)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += [current.__cause__, current.__context__]
    return exc


def is_error_envelope(payload: object) -> bool:
    """Whether a 2xx answer's JSON is only an error envelope: `{"error": ...}` (or
    Anthropic's `{"type": "error", "error": ...}`), which no result model looks like."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("error"), (Mapping, str)):
        return False
    return set(payload) == {"error"} or (
        set(payload) == {"error", "type"} and payload["type"] == "error"
    )


def _bounded(text: str, limit: int) -> str:
    """Server text made fit to print: control characters (a terminal escape, NUL) shown as
    U+FFFD, and at most `limit` characters."""
    text = _CONTROL_CHARS.sub("\ufffd", text)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def parse_error_body(body: Any) -> tuple[str | None, str | None, str | None, Any]:
    """(message, type, code, details) from the gateway's or Anthropic's error envelope."""
    if not isinstance(body, Mapping):
        return None, None, None, None
    error = body.get("error", body)
    if isinstance(error, str):
        return error, None, None, None
    if not isinstance(error, Mapping):
        return None, None, None, None
    message, error_type, code = error.get("message"), error.get("type"), error.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code) if abs(code) < 2**63 else None  # str() of a huge int raises
    return (
        _bounded(message, _MAX_MESSAGE_CHARS) if isinstance(message, str) else None,
        _bounded(error_type, _MAX_CODE_CHARS) if isinstance(error_type, str) else None,
        _bounded(code, _MAX_CODE_CHARS) if isinstance(code, str) else None,
        error.get("details"),
    )


def error_from_response(response: httpx.Response) -> APIError:
    """Build the typed exception for a fully read HTTP error answer."""
    raw = response.content
    body: Any
    try:
        # pydantic-core's parser has a nesting limit: a hostile body is a ValueError here,
        # where json.loads would raise RecursionError.
        body = pydantic_core.from_json(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    message, error_type, code, details = parse_error_body(body)
    if message is None:
        text = body if isinstance(body, str) and body.strip() else response.reason_phrase
        message = _bounded(text, 500) if text else f"HTTP {response.status_code}"
    cls = error_class(response.status_code, error_type)
    return cls(
        message,
        status_code=response.status_code,
        code=code,
        error_type=error_type,
        details=details,
        body=body,
        headers=response.headers,
        response=response,
    )


def error_from_event(payload: Mapping[str, Any], response: httpx.Response | None) -> APIError:
    """Build the typed exception for an in-band error (a stream's error event, or an error
    envelope answered with a 2xx status): its status comes from its code or type."""
    message, error_type, code, details = parse_error_body(payload)
    status = _status_of(payload, error_type, code)
    cls = error_class(status, error_type)
    return cls(
        message or "stream error",
        status_code=status,
        code=code,
        error_type=error_type,
        details=details,
        body=dict(payload),
        headers=response.headers if response is not None else None,
        response=response,
    )


def _status_of(payload: Mapping[str, Any], error_type: str | None, code: str | None) -> int:
    error = payload.get("error")
    if isinstance(error, Mapping):
        status = error.get("status") or error.get("status_code")
        if isinstance(status, int) and 400 <= status <= 599:
            return status
    # A status code has three ASCII digits (int() of a huge or non-ASCII "digit" string raises).
    digits = code if code and len(code) == 3 and code.isascii() and code.isdigit() else None
    if digits is not None and 400 <= int(digits) <= 599:
        return int(digits)
    if error_type == "overloaded_error":
        return 529  # what Anthropic answers over HTTP for the same error
    if error_type in _TYPE_CLASSES:
        return _TYPE_STATUS.get(_TYPE_CLASSES[error_type], 500)
    return 500
