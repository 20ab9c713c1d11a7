"""The intermediate representation: what each operation becomes in Python, as frozen data.

`build_api` reads every operation's `x-gatewise` extension (see codegen/README.md) and
checks it: an unmapped operation, two operations on one method name, an unknown `returns`,
a response that is not a named schema or a polled job whose status and cancel calls do not
fit it all stop generation with the operationId.
"""

from __future__ import annotations

import itertools
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, cast

from .errors import CodegenError
from .pytypes import PARAMS, PyType, annotation
from .runtime import request_option_names
from .spec import Schema, Spec, component_name, request_body_schema

Location = Literal["path", "query", "body", "file"]
Returns = Literal["model", "items", "page", "none"]
RETURNS: tuple[Returns, ...] = ("model", "items", "page", "none")

_EXTENSION_KEYS = frozenset(
    {"resource", "method", "aliases", "returns", "items", "stream", "fallback", "job", "mock"}
)
_MOCK_KEYS = frozenset({"scope", "model_call", "traced", "path_rest"})
_JOB_KEYS = frozenset({"poll", "cancel", "id", "pending", "succeeded", "failed", "wait"})
# Every value of a job's status enum is in exactly one of these.
_JOB_STATES = ("pending", "succeeded", "failed")
# The keyword arguments the wait method of a job adds to the submit method's.
WAIT_PARAMS = ("on_progress", "wait_timeout", "poll_interval")
# Names a generated method already uses for itself or for `**options: Unpack[RequestOptions]`
# (read from the runtime's own RequestOptions, so a new option is reserved at once).
_RESERVED_PARAMS = frozenset({"self", "body", "options", "fallbacks"}) | request_option_names()


@dataclass(frozen=True)
class Param:
    """One argument of a generated method and where it goes on the wire."""

    name: str  # the Python name
    wire_name: str
    location: Location
    type: PyType  # None is a member only when the schema admits null
    required: bool
    positional: bool
    description: str = ""  # the spec's, for the method's docstring


@dataclass(frozen=True)
class StreamSpec:
    """`stream=True` in the body turns the answer into server-sent events of `chunk`."""

    chunk: str


@dataclass(frozen=True)
class JobSpec:
    """`x-gatewise.job`: the operation submits a polled job and answers its first status.

    The runtime's `gatewise._jobs.JobSpec` is built from this: `poll` reads the status and
    `cancel` stops the job (both operationIds, in the same module, taking the id as their one
    path parameter `id_field`); `wait`, when set, names a second method that submits and waits.
    """

    poll: str
    cancel: str
    id_field: str
    pending: tuple[str, ...]  # sorted
    succeeded: tuple[str, ...]  # sorted
    failed: tuple[str, ...]  # sorted
    wait: str | None


@dataclass(frozen=True)
class MockRoute:
    """`x-gatewise.mock`: how the mock gateway (`gatewise.testing`) serves the operation.

    `scope` is the key scope a call needs (None: no key); a `model_call` is logged, counted
    against its key and passes the model gate; a `traced` answer carries X-Trace-Id;
    `path_rest` names the path parameter that takes the rest of the path, slashes included.
    """

    scope: str | None
    model_call: bool
    traced: bool
    path_rest: str | None


def const_name(operation_id: str) -> str:
    """The module constant holding an `Operation`: createChatCompletion -> _CREATE_CHAT_COMPLETION."""
    return "_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation_id).upper()


@dataclass(frozen=True)
class Operation:
    """One wire operation as one Python method."""

    operation_id: str
    http_method: str  # upper case
    path: str
    resource: tuple[str, ...]  # () is the client itself
    method: str
    aliases: tuple[str, ...]
    returns: Returns
    response: str | None  # the schema the answer is decoded with; None for returns: none
    item: str | None  # the list item schema, for returns: items | page
    items_field: str
    stream: StreamSpec | None
    fallback: bool
    job: JobSpec | None
    mock: MockRoute
    params: tuple[Param, ...]
    # Header parameters with a string `default`: sent with it unless the caller sets them.
    headers: tuple[tuple[str, str], ...]
    summary: str
    description: str

    @property
    def positional(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.positional)

    @property
    def keyword(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if not p.positional)

    @property
    def models(self) -> tuple[str, ...]:
        """The response models the answer is decoded with: answer, list item, stream chunk."""
        names = (self.response, self.item, self.stream.chunk if self.stream else None)
        return tuple(name for name in names if name is not None)

    @property
    def const_name(self) -> str:
        """The module constant holding the `Operation`: createChatCompletion -> _CREATE_CHAT_COMPLETION."""
        return const_name(self.operation_id)

    @property
    def job_const_name(self) -> str | None:
        """The module constant holding a job operation's `JobSpec`: _CREATE_VIDEO_JOB."""
        return None if self.job is None else self.const_name + "_JOB"

    @property
    def iter_name(self) -> str | None:
        """`returns: page` operations also get an iterator over every page's items."""
        if self.returns != "page":
            return None
        return "iter" if self.method == "list" else f"iter_{self.method}"

    @property
    def wait_name(self) -> str | None:
        """A job operation's submit-and-wait method, if the spec asks for one."""
        return None if self.job is None else self.job.wait

    def members(self) -> tuple[tuple[str, str], ...]:
        """(name, what it is) of each attribute this operation defines on its class."""
        names = [(name, f"operation {self.operation_id}") for name in (self.method, *self.aliases)]
        if self.iter_name is not None:
            names.append((self.iter_name, f"the page iterator of operation {self.operation_id}"))
        if self.wait_name is not None:
            names.append((self.wait_name, f"the job.wait method of operation {self.operation_id}"))
        return tuple(names)


@dataclass(frozen=True)
class Resource:
    """A node of the resource tree (`client.admin.keys`); the root is the client itself."""

    path: tuple[str, ...]
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...]

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def class_name(self) -> str:
        """`("admin", "keys")` -> `AdminKeys`: unique across the package, unlike `Keys`."""
        return "".join(part.title().replace("_", "") for part in self.path)

    def walk(self) -> Iterator[Resource]:
        """This resource, then every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class API:
    """The whole generated surface: the resource tree and the request-body schemas."""

    root: Resource
    body_schemas: tuple[str, ...]

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for resource in self.root.walk() for op in resource.operations)

    def model_refs(self) -> dict[str, str]:
        """Each response-model name the code refers to -> the first operation that does."""
        refs: dict[str, str] = {}
        for op in self.operations:
            for name in op.models:
                refs.setdefault(name, op.operation_id)
        return refs

    def param_refs(self) -> dict[str, str]:
        """Each params TypedDict name a signature refers to -> the first operation that does."""
        refs: dict[str, str] = {}
        for op in self.operations:
            for param in op.params:
                for module, name in sorted(param.type.imports):
                    if module == PARAMS:
                        refs.setdefault(name, op.operation_id)
        return refs


def build_api(spec: Spec) -> API:
    """Turn the normalised spec into the IR, or raise CodegenError naming the operation."""
    by_resource: dict[tuple[str, ...], list[Operation]] = {}
    bodies: list[str] = []
    for path, method, raw, shared in spec.operations():
        op = _operation(spec, path, method, raw, shared)
        by_resource.setdefault(op.resource, []).append(op)
        found = request_body_schema(raw)
        name = component_name(found[1]) if found else None
        if name is not None and name not in bodies:
            bodies.append(name)
    for resource_path in list(by_resource):
        for depth in range(len(resource_path)):  # intermediate nodes such as `admin`
            by_resource.setdefault(resource_path[:depth], [])
    root = _tree((), by_resource)
    for resource in root.walk():
        _check_members(resource)
    api = API(root, tuple(sorted(bodies)))
    _check_jobs(api.operations)
    return api


def _tree(path: tuple[str, ...], by_resource: dict[tuple[str, ...], list[Operation]]) -> Resource:
    names = sorted(
        {p[len(path)] for p in by_resource if len(p) > len(path) and p[: len(path)] == path}
    )
    operations = tuple(sorted(by_resource.get(path, []), key=lambda op: op.method))
    return Resource(path, operations, tuple(_tree((*path, name), by_resource) for name in names))


def _check_members(resource: Resource) -> None:
    """Every attribute of a resource class is defined once: methods, aliases, iterators, children."""
    where = ".".join(resource.path) or "the client"
    owners: dict[str, str] = {
        "with_raw_response": "the generator (raw responses)",
        "with_streaming_response": "the generator (streaming responses)",
    }
    for child in resource.children:
        owners[child.name] = f"sub-resource {'.'.join(child.path)}"
    for op in resource.operations:
        for name, owner in op.members():
            if name in owners:
                raise CodegenError(
                    f"{op.operation_id}: {where}.{name} is already defined by {owners[name]}; "
                    "each x-gatewise resource + method (and alias, job.wait) must be unique"
                )
            owners[name] = owner


def _check_jobs(operations: tuple[Operation, ...]) -> None:
    """The status and cancel calls of each job exist and fit what `Job` sends them."""
    by_id = {op.operation_id: op for op in operations}
    consts = {op.const_name: op.operation_id for op in operations}
    for op in operations:
        if op.job is None:
            continue
        job_const = op.const_name + "_JOB"
        if job_const in consts:
            raise CodegenError(
                f"{op.operation_id}: its job constant {job_const} is also the constant of "
                f"operation {consts[job_const]}; rename one operationId"
            )
        for role, target_id in (("poll", op.job.poll), ("cancel", op.job.cancel)):
            _check_job_call(op, op.job, role, by_id.get(target_id), target_id)


def _check_job_call(
    op: Operation, job: JobSpec, role: str, target: Operation | None, target_id: str
) -> None:
    """`Job` sends `target` the id as its one path parameter and decodes the same model."""
    what = f"{op.operation_id}: x-gatewise.job.{role}"
    if target is None:
        raise CodegenError(f"{what} {target_id!r} is not an operationId of the spec")
    if target.resource[:1] != op.resource[:1]:
        theirs, ours = (r[0] if r else "the client" for r in (target.resource, op.resource))
        raise CodegenError(
            f"{what} {target_id} is generated into another module ({theirs}); the status and "
            f"cancel calls must be in the same top-level resource as the job ({ours})"
        )
    if role == "poll" and target.http_method != "GET":
        raise CodegenError(f"{what} {target_id} must be a GET (it is {target.http_method})")
    path_params = [p.wire_name for p in target.params if p.location == "path"]
    if path_params != [job.id_field]:
        raise CodegenError(
            f"{what} {target_id} must take exactly the path parameter {job.id_field!r} "
            f"(x-gatewise.job.id); it takes {path_params}"
        )
    required = [p.wire_name for p in target.params if p.location != "path" and p.required]
    if required:
        raise CodegenError(
            f"{what} {target_id} must need nothing but {job.id_field!r}; it requires {required}"
        )
    if target.returns != "model" or target.stream is not None or target.response != op.response:
        raise CodegenError(
            f"{what} {target_id} must answer {op.response}, as the job's submit call does"
        )


def _operation(
    spec: Spec, path: str, http_method: str, raw: Schema, shared: list[Any]
) -> Operation:
    op_id = raw.get("operationId")
    if not isinstance(op_id, str) or not op_id:
        raise CodegenError(f"{http_method.upper()} {path}: operation has no operationId")
    ext = raw.get("x-gatewise")
    if not isinstance(ext, dict):
        raise CodegenError(
            f"{op_id} ({http_method.upper()} {path}): no x-gatewise extension; every operation "
            "needs one, e.g. x-gatewise: {resource: chat.completions, method: create}"
        )
    unknown = sorted(set(ext) - _EXTENSION_KEYS)
    if unknown:
        raise CodegenError(f"{op_id}: unknown x-gatewise keys {unknown}")

    resource_text = ext.get("resource")
    if not isinstance(resource_text, str):
        raise CodegenError(f"{op_id}: x-gatewise.resource must be a string ('' for the client)")
    resource = tuple(resource_text.split(".")) if resource_text else ()
    for part in resource:
        _identifier(part, f"{op_id}: x-gatewise.resource segment")
    method = _identifier(ext.get("method"), f"{op_id}: x-gatewise.method")
    aliases = tuple(
        _identifier(a, f"{op_id}: x-gatewise.aliases entry") for a in ext.get("aliases", [])
    )

    returns = ext.get("returns", "model")
    if returns not in RETURNS:
        raise CodegenError(
            f"{op_id}: unknown x-gatewise.returns {returns!r}; expected one of {', '.join(RETURNS)}"
        )
    items_field = ext.get("items", "data")
    fallback = ext.get("fallback", False)
    if not isinstance(items_field, str) or not isinstance(fallback, bool):
        raise CodegenError(f"{op_id}: x-gatewise.items must be a string and fallback a boolean")

    params = _params(spec, op_id, path, raw, shared)
    response, item = _response(spec, op_id, raw, cast(Returns, returns), items_field)

    stream = None
    if "stream" in ext:
        chunk = ext["stream"]
        if not isinstance(chunk, str) or not chunk:
            raise CodegenError(f"{op_id}: x-gatewise.stream must name the chunk schema")
        if not any(p.name == "stream" and p.location == "body" for p in params):
            raise CodegenError(
                f"{op_id}: x-gatewise.stream is set but the body has no `stream` field"
            )
        if any(p.location in ("path", "query", "file") for p in params):
            raise CodegenError(f"{op_id}: a streaming operation takes only a JSON body")
        stream = StreamSpec(chunk)
    job = None
    if "job" in ext:
        if stream is not None or fallback or returns != "model":
            raise CodegenError(
                f"{op_id}: a job operation answers its first status (returns: model), "
                "without stream or fallback"
            )
        job = _job(spec, op_id, ext["job"], params, cast(str, response))  # set for model

    return Operation(
        operation_id=op_id,
        http_method=http_method.upper(),
        path=path,
        resource=resource,
        method=method,
        aliases=aliases,
        returns=cast(Returns, returns),
        response=response,
        item=item,
        items_field=items_field,
        stream=stream,
        fallback=fallback,
        job=job,
        mock=_mock(op_id, path, ext.get("mock")),
        params=params,
        headers=_default_headers(spec, op_id, raw, shared),
        summary=str(raw.get("summary", "")).strip(),
        description=str(raw.get("description", "")).strip(),
    )


def _mock(op_id: str, path: str, raw: Any) -> MockRoute:
    what = f"{op_id}: x-gatewise.mock"
    if not isinstance(raw, dict) or "scope" not in raw:
        raise CodegenError(
            f"{what} must be a mapping with at least `scope` (the key scope the mock gateway "
            "requires; null for none), e.g. mock: {scope: chat, model_call: true}"
        )
    unknown = sorted(set(raw) - _MOCK_KEYS)
    if unknown:
        raise CodegenError(f"{what} has unknown keys {unknown}")
    scope = raw["scope"]
    if scope is not None and not (isinstance(scope, str) and scope):
        raise CodegenError(f"{what}.scope must be a scope name or null")
    flags = {
        key: raw.get(key, default) for key, default in (("model_call", False), ("traced", True))
    }
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise CodegenError(f"{what}.{key} must be a boolean")
    path_rest = raw.get("path_rest")
    if path_rest is not None and not path.endswith("/{" + str(path_rest) + "}"):
        raise CodegenError(f"{what}.path_rest {path_rest!r} is not the last segment of {path}")
    return MockRoute(scope, flags["model_call"], flags["traced"], path_rest)


def _default_headers(
    spec: Spec, op_id: str, raw: Schema, shared: list[Any]
) -> tuple[tuple[str, str], ...]:
    """(name, default) of the header parameters that declare a default, in spec order."""
    merged: dict[str, Any] = {}
    for item in [*shared, *raw.get("parameters", [])]:  # the operation's own win
        item = spec.resolve(item)
        if item.get("in") == "header":
            merged[str(item["name"]).lower()] = item
    headers = []
    for item in merged.values():
        default = item.get("schema", {}).get("default")
        if default is None:
            continue
        if not isinstance(default, str):
            raise CodegenError(f"{op_id} header {item['name']!r}: the default must be a string")
        headers.append((str(item["name"]), default))
    return tuple(headers)


def _job(spec: Spec, op_id: str, raw: Any, params: tuple[Param, ...], response: str) -> JobSpec:
    """Check `x-gatewise.job` against the operation itself; `_check_jobs` checks the rest."""
    what = f"{op_id}: x-gatewise.job"
    if not isinstance(raw, dict):
        raise CodegenError(f"{what} must be a mapping ({', '.join(sorted(_JOB_KEYS))})")
    unknown = sorted(set(raw) - _JOB_KEYS)
    if unknown:
        raise CodegenError(f"{what} has unknown keys {unknown}")
    texts = {}
    for key in ("poll", "cancel", "id"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            raise CodegenError(f"{what}.{key} must be a non-empty string")
        texts[key] = value
    states = {}
    for key in _JOB_STATES:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise CodegenError(f"{what}.{key} must be a list of status values")
        states[key] = tuple(sorted(set(value)))
    if not states["succeeded"]:
        raise CodegenError(f"{what}.succeeded is empty; name the final good status values")
    for first, second in itertools.combinations(_JOB_STATES, 2):
        both = sorted(set(states[first]) & set(states[second]))
        if both:
            raise CodegenError(f"{what}: {both} are both {first} and {second}")
    wait = raw.get("wait")
    if wait is not None:
        wait = _identifier(wait, f"{what}.wait")
        clashes = [p.name for p in params if p.name in WAIT_PARAMS]
        if clashes:
            raise CodegenError(
                f"{what}.wait adds the arguments {', '.join(WAIT_PARAMS)}; rename the "
                f"parameter {clashes[0]!r} with x-gatewise-name"
            )
    others = sorted(p.wire_name for p in params if p.location != "body")
    if others:
        raise CodegenError(
            f"{what}: a job is submitted with a JSON body only; it also takes {others}"
        )

    fields, _required = _object_fields(spec, spec.resolve(spec.schemas[response]))
    if texts["id"] not in fields:
        raise CodegenError(
            f"{what}.id {texts['id']!r} is not a field of the response schema {response} "
            f"(it has {sorted(fields)})"
        )
    if "status" not in fields:  # gatewise._jobs.JobSpec.status_field
        raise CodegenError(f"{what}: the response schema {response} has no `status` field")
    known = _enum_values(spec, fields["status"])
    if not known:
        raise CodegenError(
            f"{what}: {response}.status has no enum; list its values, each classified as "
            "pending, succeeded or failed"
        )
    classified = set(itertools.chain.from_iterable(states.values()))
    unknown_states = sorted(classified - known)
    if unknown_states:
        raise CodegenError(
            f"{what}: {unknown_states} are not values of {response}.status {sorted(known)}"
        )
    unclassified = sorted(known - classified)
    if unclassified:
        raise CodegenError(
            f"{what}: the {response}.status values {unclassified} are not classified; "
            "list each under pending, succeeded or failed"
        )
    return JobSpec(
        poll=texts["poll"],
        cancel=texts["cancel"],
        id_field=texts["id"],
        pending=states["pending"],
        succeeded=states["succeeded"],
        failed=states["failed"],
        wait=wait,
    )


def _enum_values(spec: Spec, schema: Any) -> set[str]:
    """The string values an enum schema lists, its (widened) branches included; empty if none."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return set()
    values = {v for v in schema.get("enum", []) if isinstance(v, str)}
    if isinstance(schema.get("const"), str):
        values.add(schema["const"])
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        values |= _enum_values(spec, branch)
    return values


def _identifier(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.isidentifier() or keyword.iskeyword(value):
        raise CodegenError(f"{what} {value!r} is not a Python identifier")
    if value.startswith("_"):
        raise CodegenError(f"{what} {value!r} must not start with an underscore")
    return value


def _python_name(schema: dict[str, Any], wire_name: str, where: str) -> str:
    name = schema.get("x-gatewise-name", wire_name)
    if isinstance(name, str) and keyword.iskeyword(name):
        name += "_"  # `from` -> `from_`, as PEP 8 suggests
    if not isinstance(name, str) or not name.isidentifier():
        raise CodegenError(f"{where}: {name!r} is not a Python name; set x-gatewise-name")
    if name in _RESERVED_PARAMS:
        raise CodegenError(f"{where}: the name {name!r} is reserved; set x-gatewise-name")
    return name


def _params(spec: Spec, op_id: str, path: str, raw: Schema, shared: list[Any]) -> tuple[Param, ...]:
    """Path params (in path order), positional params, then keyword params, required first."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for item in [*shared, *raw.get("parameters", [])]:  # the operation's own win
        item = spec.resolve(item)
        merged[(item["name"], item["in"])] = item
    params: list[Param] = []
    for (wire, location), item in merged.items():
        if location not in ("path", "query"):
            continue  # headers and cookies are the runtime's business (extra_headers)
        where = f"{op_id} parameter {wire!r}"
        params.append(
            Param(
                name=_python_name(item, wire, where),
                wire_name=wire,
                location="path" if location == "path" else "query",
                type=annotation(item.get("schema", {}), spec, where),
                required=location == "path" or bool(item.get("required")),
                positional=location == "path" or bool(item.get("x-gatewise-positional")),
                description=_description(spec, item, item.get("schema", {})),
            )
        )

    found = request_body_schema(raw)
    if found is not None:
        media_type, schema = found
        fields, required = _object_fields(spec, spec.resolve(schema))
        for wire, field in fields.items():
            where = f"{op_id} body field {wire!r}"
            is_file = media_type == "multipart/form-data" and _is_binary(spec, field)
            params.append(
                Param(
                    name=_python_name(field, wire, where),
                    wire_name=wire,
                    location="file" if is_file else "body",
                    type=annotation(field, spec, where),
                    required=wire in required,
                    positional=bool(field.get("x-gatewise-positional")),
                    description=_description(spec, field),
                )
            )

    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CodegenError(f"{op_id}: two parameters are both named {duplicates[0]!r}")
    template_names = re.findall(r"{([^}]+)}", path)
    path_params = {p.wire_name: p for p in params if p.location == "path"}
    if sorted(template_names) != sorted(path_params):
        raise CodegenError(
            f"{op_id}: path {path} and its path parameters {sorted(path_params)} differ"
        )
    others = [p for p in params if p.location != "path"]
    return (
        *(path_params[name] for name in template_names),
        *(p for p in others if p.positional and p.required),
        *(p for p in others if p.positional and not p.required),
        *(p for p in others if not p.positional and p.required),
        *(p for p in others if not p.positional and not p.required),
    )


def _description(spec: Spec, *places: Any) -> str:
    """The first description found on a parameter, its schema or the schema it refers to."""
    for place in places:
        for candidate in (place, spec.resolve(place)):
            text = candidate.get("description") if isinstance(candidate, dict) else None
            if isinstance(text, str) and text.strip():
                return " ".join(text.split())
    return ""


def _object_fields(spec: Spec, schema: Schema) -> tuple[dict[str, Any], set[str]]:
    """The properties and required names of an object schema, `allOf` parts merged."""
    fields: dict[str, Any] = {}
    required: set[str] = set()
    for part in [schema, *(spec.resolve(p) for p in schema.get("allOf", []))]:
        if part is not schema and "allOf" in part:
            nested_fields, nested_required = _object_fields(spec, part)
            fields.update(nested_fields)
            required |= nested_required
        fields.update(part.get("properties", {}))
        required |= set(part.get("required", []))
    return fields, required


def _is_binary(spec: Spec, schema: Any) -> bool:
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "array":
        return _is_binary(spec, schema.get("items", {}))
    return schema.get("format") == "binary" or any(
        _is_binary(spec, branch) for branch in schema.get("anyOf", []) + schema.get("oneOf", [])
    )


def _response(
    spec: Spec, op_id: str, raw: Schema, returns: Returns, items_field: str
) -> tuple[str | None, str | None]:
    """(response schema, item schema) of the first 2xx answer with a JSON body."""
    schema = None
    for status in sorted(raw.get("responses", {})):
        if status.startswith("2"):
            content = spec.resolve(raw["responses"][status]).get("content", {})
            if "application/json" in content:
                schema = content["application/json"].get("schema")
                break
    if returns == "none":
        return None, None
    if schema is None:
        raise CodegenError(
            f"{op_id}: no 2xx application/json response; set x-gatewise.returns: none"
        )
    name = component_name(schema)
    if name is None:
        raise CodegenError(f"{op_id}: the response schema must be a $ref to #/components/schemas/")
    if returns == "model":
        return name, None
    fields, _required = _object_fields(spec, spec.resolve(schema))
    items = spec.resolve(fields.get(items_field, {}))
    item = component_name(items.get("items")) if items.get("type") == "array" else None
    if item is None:
        raise CodegenError(
            f"{op_id}: returns {returns} needs {name}.{items_field} to be an array of a named schema"
        )
    return name, item
