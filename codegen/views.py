"""What the templates print: signatures, call arguments and imports, computed from the IR.

Keeping this in Python leaves the Jinja templates to layout only. Each view serves the sync
and the async class alike; the template macro adds `async`/`await` and picks the wrappers.
"""

from __future__ import annotations

import builtins
import json
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .ir import JobSpec, Operation, Param, Resource, const_name
from .pytypes import PARAMS, Import


@dataclass(frozen=True)
class AnswerView:
    """One `with_...` view of every resource: the same methods, each answer wrapped."""

    attribute: str  # the resource attribute is `with_{attribute}`
    suffix: str  # the view class is `{Resource}With{suffix}`
    module: str  # where its wrappers live: `{wrapper}` and `async_{wrapper}`
    wrapper: str
    doc: str

    @property
    def wrappers(self) -> set[Import]:
        return {(self.module, self.wrapper), (self.module, f"async_{self.wrapper}")}


ANSWER_VIEWS = (
    AnswerView(
        "raw_response",
        "RawResponse",
        "gatewise._raw",
        "raw_response_wrapper",
        "each method answers a `RawResponse`.",
    ),
    AnswerView(
        "streaming_response",
        "StreamingResponse",
        "gatewise._streamed",
        "streaming_response_wrapper",
        "each method answers a context manager of a `StreamedResponse`, its body unread.",
    ),
)

MODELS = "@models"  # the generated pydantic package; spelled relative to the importing file
# Where each parameter location goes in the pipeline call, in call order.
_PIPELINE_KEYWORDS = (("path", "path"), ("query", "query"), ("body", "body"), ("file", "files"))
# The default of a wait method's `poll_interval`: gatewise._jobs.DEFAULT_POLL_INTERVAL.
DEFAULT_POLL_INTERVAL = 2.0
# The Args entries of what the generator adds to the spec's parameters. The request options
# are documented once, on RequestOptions.
_FALLBACKS_DOC = (
    "Models to try in order when `model` fails retryably (a fallback chain); `model` may "
    "also be an alias of the client's `models`."
)
_OPTIONS_DOC = (
    "Request options for this call (timeout, retry, extra headers, query and body, "
    "attribution, limits): see `gatewise.RequestOptions`."
)
_WAIT_DOCS = (
    ("on_progress", "Called with the polled status each time its status or progress changes."),
    ("wait_timeout", "Seconds to wait in all; then AsyncJobTimeout (the job keeps running)."),
    (
        "poll_interval",
        "Seconds between the first polls; the interval then grows, and the server's Retry-After wins.",
    ),
)


def _wrap(paragraph: str) -> str:
    """Re-flow prose to 88 columns; leave lists and indented blocks as written."""
    lines = paragraph.splitlines()
    if any(re.match(r"\s|[-*]\s|\d+\.\s", line) for line in lines):
        return paragraph
    return textwrap.fill(" ".join(line.strip() for line in lines), width=88)


def docstring(text: str) -> str:
    """`text` made safe to sit between triple quotes."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    return text + " " if text.endswith('"') else text


def qualify_builtins(annotation: str, shadowed: frozenset[str]) -> str:
    """Spell `list` as `builtins.list` where the class defines a member named `list`.

    Annotations in a class body resolve names in the class first (for mypy and IDEs), so
    `models.list` would make `-> list[ModelInfo]` mean the method.
    """
    names = {name for name in shadowed if isinstance(getattr(builtins, name, None), type)}
    if not names:
        return annotation
    pattern = re.compile(r"(?<![.\w])(" + "|".join(sorted(names)) + r")(?![\w])")
    parts = re.split(r"""("[^"]*"|'[^']*')""", annotation)  # leave Literal["list"] alone
    return "".join(
        part if index % 2 else pattern.sub(r"builtins.\1", part) for index, part in enumerate(parts)
    )


@dataclass(frozen=True)
class MethodView:
    """One generated method (plus its aliases and page iterator)."""

    op: Operation
    shadowed: frozenset[str] = field(default=frozenset())  # member names of the class

    @property
    def name(self) -> str:
        return self.op.method

    @property
    def const(self) -> str:
        return self.op.const_name

    @property
    def doc(self) -> str:
        """The summary as the first line, then the description wrapped, then Args."""
        return _method_doc(self._prose(), self._args())

    def _prose(self) -> list[str]:
        op = self.op
        summary = (op.summary or op.description or f"{op.http_method} {op.path}").strip()
        summary = summary if summary[-1:] in ".!?" else summary + "."
        paragraphs = [summary]
        if op.summary and op.description and op.description.strip() != op.summary.strip():
            paragraphs += [_wrap(p) for p in re.split(r"\n\s*\n", op.description.strip())]
        return paragraphs

    def _args(self, *, paginate: bool = False, wait: bool = False) -> list[tuple[str, str]]:
        """(name, description) of every argument, in signature order."""
        params = [p for p in self.op.params if not (paginate and p.wire_name == "offset")]
        ordered = [p for p in params if p.positional] + [p for p in params if not p.positional]
        args = [
            (p.name, p.description or f"The `{p.wire_name}` {p.location} value.") for p in ordered
        ]
        if self.op.fallback and not paginate:
            args.append(("fallbacks", _FALLBACKS_DOC))
        if wait:
            args += _WAIT_DOCS
        return [*args, ("**options", _OPTIONS_DOC)]

    @property
    def returns(self) -> str:
        op = self.op
        if op.returns == "none":
            return "None"
        if op.returns == "items":
            return qualify_builtins(f"list[{op.item}]", self.shadowed)
        if op.returns == "page":
            return f"Page[{op.item}]"
        return str(op.response)

    @property
    def chunk(self) -> str | None:
        return self.op.stream.chunk if self.op.stream else None

    @property
    def headers(self) -> str:
        """`, headers=(...)` for an operation with default headers, else nothing."""
        return f", headers={self.op.headers!r}" if self.op.headers else ""

    @property
    def argument_names(self) -> str:
        """`, arguments=(...)`: the method's keyword names, for telling a typo from an extra."""
        names = [p.name for p in self.op.params]
        if self.op.fallback:
            names.append("fallbacks")
        return f", arguments={tuple(names)!r}" if names else ""

    @property
    def decoder(self) -> str:
        op = self.op
        items = "" if op.items_field == "data" else f", {op.items_field!r}"
        if op.returns == "items":
            return f"decode_items({op.response}, {op.item}{items})"
        if op.returns == "page":
            return f"decode_page({op.response}, {op.item}{items})"
        if op.returns == "none":
            return "decode_none"
        return f"decode_model({op.response})"

    def signature(
        self, stream: str | None = None, *, paginate: bool = False, wait: bool = False
    ) -> str:
        """`self, ..., **options`; `stream` replaces the annotation of the `stream` argument.

        The page iterator (`paginate`) takes the same arguments minus `offset` and fallbacks;
        a job's wait method (`wait`) the same plus `on_progress`, `wait_timeout`, `poll_interval`
        (ir.WAIT_PARAMS).
        """
        chosen = [p for p in self.op.params if not (paginate and p.wire_name == "offset")]
        parts = ["self", *(self._param(p, stream) for p in chosen if p.positional)]
        keyword = [self._param(p, stream) for p in chosen if not p.positional]
        if self.op.fallback and not paginate:
            keyword.append("fallbacks: Sequence[str] | None = None")
        if wait:
            shadowed = self.shadowed
            keyword += [
                f"on_progress: {qualify_builtins(f'Callable[[{self.returns}], object] | None', shadowed)} = None",
                f"wait_timeout: {qualify_builtins('float | None', shadowed)} = None",
                f"poll_interval: {qualify_builtins('float', shadowed)} = {DEFAULT_POLL_INTERVAL!r}",
            ]
        if keyword:
            parts += ["*", *keyword]
        parts.append("**options: Unpack[RequestOptions]")
        return ", ".join(parts)

    def _param(self, param: Param, stream: str | None) -> str:
        if stream is not None and param.name == "stream" and param.location == "body":
            return f"stream: {stream}"
        if param.required:
            return f"{param.name}: {qualify_builtins(str(param.type), self.shadowed)}"
        return f"{param.name}: {qualify_builtins(str(param.type.or_none()), self.shadowed)} = None"

    def _groups(self, paginate: bool) -> list[tuple[str, list[Param]]]:
        """(pipeline keyword, params) for each place arguments go; pages get no body or offset."""
        groups = []
        for location, keyword in _PIPELINE_KEYWORDS:
            params = [p for p in self.op.params if p.location == location]
            if paginate:
                if location in ("body", "file"):
                    continue
                params = [p for p in params if p.wire_name != "offset"]
            if params:
                groups.append((keyword, params))
        return groups

    def arguments(self, *, paginate: bool = False) -> str:
        """The keyword arguments of the pipeline call after the Operation."""
        out = []
        for keyword, params in self._groups(paginate):
            pairs = ", ".join(f"{p.wire_name!r}: {p.name}" for p in params)
            if keyword == "path":
                out.append(f"path={{{pairs}}}")  # always all present: nothing to omit
            elif keyword == "body" and (self.op.stream or self.op.job):
                out.append("body=body")  # built once, before the stream/request branch
            else:
                out.append(f"{keyword}=omit_none({{{pairs}}})")
        if self.op.job and not any(keyword == "body" for keyword, _ in self._groups(paginate)):
            out.append("body=body")  # start_job always sends a body, `{}` at the least
        if self.op.fallback and not paginate:
            out.append("fallbacks=fallbacks")
        out.append("options=options")
        return ", ".join(out)

    def needs_omit_none(self, *, paginate: bool = False) -> bool:
        if self.op.job and not paginate:
            return True  # body_dict
        return any(keyword != "path" for keyword, _ in self._groups(paginate))

    @property
    def body_dict(self) -> str:
        """The body of a streaming call (which both branches send) or of a job's submit call."""
        pairs = ", ".join(
            f"{p.wire_name!r}: {p.name}" for p in self.op.params if p.location == "body"
        )
        return f"omit_none({{{pairs}}})"

    @property
    def iter_name(self) -> str | None:
        return self.op.iter_name

    @property
    def iter_signature(self) -> str:
        return self.signature(paginate=True)

    @property
    def iter_doc(self) -> str:
        summary = f"Iterate over every item of `{self.name}`, fetching further pages as needed."
        return _method_doc([summary], self._args(paginate=True))

    @property
    def job(self) -> JobSpec | None:
        return self.op.job

    @property
    def job_const(self) -> str | None:
        return self.op.job_const_name

    @property
    def job_spec(self) -> str:
        """The `gatewise._jobs.JobSpec(...)` expression a job operation's constant holds."""
        job = self.op.job
        if job is None:
            raise ValueError(f"{self.op.operation_id} is no job operation")

        def states(values: tuple[str, ...]) -> str:
            inner = ", ".join(json.dumps(value) for value in values)
            return f"frozenset({{{inner}}})" if values else "frozenset()"

        poll, cancel = (const_name(operation_id) for operation_id in (job.poll, job.cancel))
        return (
            f"JobSpec({poll}, {cancel}, {json.dumps(job.id_field)}, "
            f"{states(job.pending)}, {states(job.succeeded)}, {states(job.failed)})"
        )

    @property
    def wait_name(self) -> str | None:
        return self.op.wait_name

    @property
    def wait_signature(self) -> str:
        return self.signature(wait=True)

    def wait_doc(self, job_class: str) -> str:
        summary = (
            f"Submit the job (`{self.name}`) and wait until it finishes: see {job_class}.wait."
        )
        return _method_doc([summary], self._args(wait=True))

    @property
    def submit_arguments(self) -> str:
        """The wait method's call of the submit method: its own arguments, passed on."""
        positional = [p.name for p in self.op.params if p.positional]
        keyword = [f"{p.name}={p.name}" for p in self.op.params if not p.positional]
        return ", ".join([*positional, *keyword, "**options"])

    @property
    def wait_arguments(self) -> str:
        """The arguments of `Job.wait` in the wait method."""
        return "wait_timeout, poll_interval=poll_interval, on_progress=on_progress"

    def imports(self) -> set[Import]:
        """What the module holding this method must import for it."""
        op = self.op
        out: set[Import] = {
            ("typing_extensions", "Unpack"),
            ("gatewise._options", "RequestOptions"),
            ("gatewise._operation", "Operation"),
        }
        for param in op.params:
            out |= param.type.imports
        if self.needs_omit_none():
            out.add(("gatewise._operation", "omit_none"))
        out.add(("gatewise._operation", self.decoder.partition("(")[0]))
        out |= {(MODELS, name) for name in op.models}
        if op.fallback:
            out.add(("collections.abc", "Sequence"))
        if op.returns == "page":
            out |= {("gatewise._operation", "Page"), ("collections.abc", "Iterator")}
            out.add(("collections.abc", "AsyncIterator"))
        if "builtins." in self.signature(wait=op.wait_name is not None) + self.returns:
            out.add(("builtins", ""))
        if op.job:
            out |= {("gatewise._jobs", "Job"), ("gatewise._jobs", "AsyncJob")}
            out.add(("gatewise._jobs", "JobSpec"))
        if op.wait_name:
            out.add(("collections.abc", "Callable"))
        if op.stream:
            out |= {("typing", "Literal"), ("typing", "overload")}
            out |= {("gatewise._streaming", "Stream"), ("gatewise._streaming", "AsyncStream")}
        return out


def _method_doc(paragraphs: list[str], args: list[tuple[str, str]]) -> str:
    """A method's docstring body, Google style, indented for a method in a class."""
    entries = [
        textwrap.fill(f"{name}: {text}", width=80, subsequent_indent="    ", break_on_hyphens=False)
        for name, text in args
    ]
    section = "Args:\n" + textwrap.indent("\n".join(entries), "    ")
    body = docstring("\n\n".join([*paragraphs, section])) + "\n"
    return body.replace("\n", "\n        ").replace("        \n", "\n")


@dataclass(frozen=True)
class ResourceView:
    """One resource class and its async and raw-response variants."""

    resource: Resource

    @property
    def class_name(self) -> str:
        return self.resource.class_name

    @property
    def attribute(self) -> str:
        return "client." + ".".join(self.resource.path)

    @property
    def doc(self) -> str:
        names = [op.method for op in self.resource.operations]
        names += [op.wait_name for op in self.resource.operations if op.wait_name]
        names += [child.name for child in self.resource.children]
        return f"`{self.attribute}`: {', '.join(sorted(names))}."

    @property
    def members(self) -> frozenset[str]:
        """Every attribute the generated class defines."""
        names = {child.name for child in self.resource.children}
        names |= {f"with_{view.attribute}" for view in ANSWER_VIEWS}
        for op in self.resource.operations:
            names |= {name for name, _owner in op.members()}
        return frozenset(names)

    @property
    def methods(self) -> tuple[MethodView, ...]:
        return tuple(MethodView(op, self.members) for op in self.resource.operations)

    @property
    def children(self) -> tuple[ResourceView, ...]:
        return tuple(ResourceView(child) for child in self.resource.children)


def module_imports(
    imports: Iterable[Import], *, package_depth: int, model_modules: Mapping[str, str]
) -> list[str]:
    """`from x import a, b` lines; `@models`/`@params` become relative to the importing file.

    `package_depth` is how deep the file sits below `_generated/` (0 for client.py); a model
    comes from the module of `models/` that defines it (`model_modules`), so importing it
    builds that module's models only.
    """
    relative = "." * (package_depth + 1)
    names: dict[str, set[str]] = defaultdict(set)
    for module, name in imports:
        if module == MODELS:
            module = f"{relative}models.{model_modules[name]}"
        elif module == PARAMS:
            module = relative + "params"
        names[module].add(name)
    lines = []
    for module in sorted(names):
        if "" in names[module]:  # ("builtins", ""): a plain `import builtins`
            lines.append(f"import {module}")
        if names[module] - {""}:
            lines.append(f"from {module} import {', '.join(sorted(names[module] - {''}))}")
    return lines
