"""Render the generated package: Jinja templates over the IR, then ruff, then compile().

`generate_files` returns every file of `_generated/` as {relative path: text}, already
formatted with the project's ruff config, so writing and `--check` compare the same bytes.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from .errors import CodegenError
from .ir import API, Resource, build_api
from .model_modules import OTHER, ROOT, SHARED, ModelModules, split_models
from .models import HEADER, check_refs, defined_names, request_params, response_models
from .pytypes import PARAMS, Import
from .request_schemas import request_schemas
from .spec import Spec
from .views import ANSWER_VIEWS, MODELS, ResourceView, module_imports

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
RUFF_CONFIG = PROJECT_ROOT / "pyproject.toml"

# Imported at run time by client.py/root.py bodies; everything else there is annotation-only.
_RUNTIME_NAMES = frozenset(
    {"Operation", "JobSpec", "decode_model", "decode_items", "decode_page", "decode_none"}
)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails instead of printing ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Python, not HTML
    )
    env.globals["VIEWS"] = ANSWER_VIEWS
    return env


def generate_files(spec: Spec) -> dict[str, str]:
    """Every file of the generated package, formatted and compiled."""
    api = build_api(spec)
    models_source = response_models(spec)
    params_source = request_params(spec, api.body_schemas)
    check_refs(api.model_refs(), defined_names(models_source), "models")
    check_refs(api.param_refs(), defined_names(params_source), "params.py")
    models = split_models(models_source, _model_groups(api))

    env = environment()
    files = {
        "__init__.py": _init(
            env, "Written by `python -m codegen` from openapi.yaml; never edited by hand."
        ),
        "models/__init__.py": _models_init(env, models),
        "params.py": params_source,
        "client.py": _client(env, api, models),
        "root.py": _root(env, api, models),
        "request_schemas.py": _request_schemas(env, spec, api),
        "servers.py": _servers(env, spec),
        "resources/__init__.py": _init(
            env, "One module per top-level resource, imported on first use."
        ),
    }
    for module in models.modules():
        files[f"models/{module}.py"] = models.source(module, HEADER, _models_docstring(module))
    for top in api.root.children:
        files[f"resources/{top.name}.py"] = _resource_module(env, top, models)
    return format_files(files)


def _model_groups(api: API) -> dict[str, set[str]]:
    """Each models module -> the models its resource's answers are decoded with."""
    groups = {ROOT: {name for op in api.root.operations for name in op.models}}
    for top in api.root.children:
        if top.name == ROOT:
            raise CodegenError(
                f"a top-level resource cannot be named {ROOT!r} (models/{ROOT}.py is taken)"
            )
        groups[top.name] = {name for r in top.walk() for op in r.operations for name in op.models}
    return groups


def _models_docstring(module: str) -> str:
    if module == SHARED:
        return "Response models that the answers of more than one resource reach."
    if module == OTHER:
        return "Models of the schemas no answer reaches: request and error bodies."
    if module == ROOT:
        return "Response models that only the client's own operations (`client.info()`) reach."
    return f"Response models that only the answers of `client.{module}` reach."


def _models_init(env: jinja2.Environment, models: ModelModules) -> str:
    return env.get_template("models_init.py.jinja").render(
        header=HEADER,
        modules=[(module, models.names(module)) for module in models.modules()],
        all_names=sorted(models.module_of),
        module_of=models.module_of,
    )


def _init(env: jinja2.Environment, docstring: str) -> str:
    return env.get_template("package_init.py.jinja").render(header=HEADER, docstring=docstring)


def _request_schemas(env: jinja2.Environment, spec: Spec, api: API) -> str:
    operations, schemas = request_schemas(spec)
    # The mock's route of each operation (x-gatewise.mock), sorted by operationId.
    routes = {op.operation_id: dataclasses.asdict(op.mock) for op in api.operations}
    routes = dict(sorted(routes.items()))
    # repr() of JSON data is a Python literal; ruff formats it like the rest.
    return env.get_template("request_schemas.py.jinja").render(
        header=HEADER,
        operations=repr(operations),
        schemas=repr(schemas),
        routes=repr(routes),
    )


def _servers(env: jinja2.Environment, spec: Spec) -> str:
    servers = spec.document.get("servers") or []
    for server in servers:
        if "{" in server["url"] or server.get("variables"):
            raise CodegenError(f"servers: {server['url']!r}: server variables are not supported")
    if not servers:
        raise CodegenError("servers: the spec must list at least one (the default base URL)")
    pairs = tuple((server["url"], server.get("description", "")) for server in servers)
    return env.get_template("servers.py.jinja").render(header=HEADER, servers=repr(pairs))


def _resource_module(env: jinja2.Environment, top: Resource, models: ModelModules) -> str:
    resources = [ResourceView(r) for r in top.walk()]
    methods = [m for r in resources for m in r.methods]
    imports: set[Import] = {
        ("functools", "cached_property"),
        ("gatewise._resource", "SyncAPIResource"),
        ("gatewise._resource", "AsyncAPIResource"),
    }
    for view in ANSWER_VIEWS:
        imports |= view.wrappers
    for method in methods:
        imports |= method.imports()
    _check_import_clash(imports, top)
    # The TypedDicts only annotate arguments: a call need not build them.
    checking = {(module, name) for module, name in imports if module == PARAMS}
    if checking:
        imports = (imports - checking) | {("typing", "TYPE_CHECKING")}
    return env.get_template("resource_module.py.jinja").render(
        header=HEADER,
        top=ResourceView(top),
        resources=resources,
        operations=sorted(methods, key=lambda m: m.const),
        imports=_lines(imports, 1, models),
        type_checking_imports=_lines(checking, 1, models),
    )


def _client(env: jinja2.Environment, api: API, models: ModelModules) -> str:
    root = ResourceView(api.root)
    imports: set[Import] = {("functools", "cached_property"), ("typing", "TYPE_CHECKING")}
    checking: set[Import] = {
        ("gatewise._pipeline", "SyncPipeline"),
        ("gatewise._pipeline", "AsyncPipeline"),
    }
    for view in ANSWER_VIEWS:
        checking |= {(".root", f"{side}ResourcesWith{view.suffix}") for side in ("Sync", "Async")}
    for child in root.children:
        module = f".resources.{child.resource.name}"
        checking |= {(module, child.class_name), (module, "Async" + child.class_name)}
    for method in root.methods:
        for module, name in method.imports():
            if name == "overload":
                imports.add((module, name))
            elif name not in _RUNTIME_NAMES and name != "omit_none":
                checking.add((module, name))  # the method body imports what it runs lazily
    _check_import_clash(checking, api.root)
    return env.get_template("client.py.jinja").render(
        header=HEADER,
        root=root,
        imports=_lines(imports, 0, models),
        type_checking_imports=_lines(checking, 0, models),
    )


def _root(env: jinja2.Environment, api: API, models: ModelModules) -> str:
    root = ResourceView(api.root)
    imports: set[Import] = {
        ("functools", "cached_property"),
        ("typing", "TYPE_CHECKING"),
    }
    checking: set[Import] = set()
    for view in ANSWER_VIEWS:
        imports |= view.wrappers
        for child in root.children:
            module = f".resources.{child.resource.name}"
            names = (
                f"{child.class_name}With{view.suffix}",
                f"Async{child.class_name}With{view.suffix}",
            )
            checking |= {(module, name) for name in names}
    for method in root.methods:
        op = method.op
        imports.add(("gatewise._operation", "Operation"))
        imports.add(("gatewise._operation", method.decoder.partition("(")[0]))
        imports |= {(MODELS, name) for name in op.models}
        if op.job:
            imports.add(("gatewise._jobs", "JobSpec"))
    return env.get_template("root.py.jinja").render(
        header=HEADER,
        root=root,
        imports=_lines(imports, 0, models),
        type_checking_imports=_lines(checking, 0, models),
    )


def _lines(imports: Iterable[Import], package_depth: int, models: ModelModules) -> list[str]:
    return module_imports(imports, package_depth=package_depth, model_modules=models.module_of)


def _check_import_clash(imports: Iterable[Import], resource: Resource) -> None:
    """A name must not come from both models.py and params.py into one module."""
    models = {name for module, name in imports if module == MODELS}
    params = {name for module, name in imports if module == PARAMS}
    for name in sorted(models & params):
        where = ".".join(resource.path) or "the client"
        raise CodegenError(
            f"{where}: {name!r} is both a response model and a request parameter type in one "
            "module; give the request schema its own name"
        )


def format_files(files: Mapping[str, str]) -> dict[str, str]:
    """Sort imports and format with the project's ruff config, then compile() every file."""
    with tempfile.TemporaryDirectory(prefix="gatewise-codegen-") as tmp:
        root = Path(tmp)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        # An explicit --config: outside the project (the --check temp dir) ruff would
        # otherwise fall back to its defaults and format differently.
        _ruff("check", "--fix", "--select", "I", "--quiet", str(root))
        _ruff("format", "--quiet", str(root))
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in files}
    for name, text in formatted.items():
        try:
            compile(text, name, "exec")
        except SyntaxError as exc:
            raise CodegenError(f"generated {name} does not compile: {exc}") from exc
    return formatted


def _ruff(*args: Any) -> None:
    command = [sys.executable, "-m", "ruff", *args, "--no-cache", "--config", str(RUFF_CONFIG)]
    # ruff resolves the config's `src = ["src", ...]` (which makes `gatewise` first-party for
    # import sorting) against the working directory: run from the project root, always.
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=PROJECT_ROOT)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise CodegenError(f"`ruff {args[0]}` failed on the generated code:\n{output}")
