"""`chat.completions.run_tools()`: a bounded loop of model calls and the tools they request.

`ToolLoop` holds the whole logic (the transcript, the rounds, which tool a call names and
what goes back); the clients' `run_tools` are thin shells that send the calls and run the
tools, one synchronously and one awaiting async tools.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pydantic_core
from pydantic import BaseModel, create_model

from ._generated.models.chat import ChatCompletion, ToolCall
from ._parsed import pydantic_function_tool

# A tool as run_tools takes it: a typed function, or (arguments model, function of it).
ToolSpec: TypeAlias = Callable[..., Any] | tuple[type[BaseModel], Callable[[Any], Any]]


@dataclass(frozen=True)
class ToolRun:
    """What `run_tools()` returns.

    Attributes:
        completion: The last answer of the model (its final text when `finished`).
        messages: The whole conversation: the messages given, then every assistant turn and
            tool result; pass it back to `run_tools` to go on.
        rounds: How many times the model was called.
        finished: True when the model answered without tool calls; False when `max_rounds`
            stopped the loop (the last round's tools have run, their results are in
            `messages`).
    """

    completion: ChatCompletion
    messages: list[Any]
    rounds: int
    finished: bool


@dataclass(frozen=True)
class _Tool:
    definition: Mapping[str, Any]
    arguments: type[BaseModel]
    function: Callable[..., Any]
    spread: bool  # call function(**fields) (a plain function) rather than function(model)

    def invoke(self, arguments: str) -> Any:
        values = self.arguments.model_validate_json(arguments or "{}")
        if self.spread:
            return self.function(
                **{name: getattr(values, name) for name in self.arguments.model_fields}
            )
        return self.function(values)


@dataclass(frozen=True)
class PendingCall:
    """One tool call the model asked for; `invoke()` runs it (its result may be awaitable)."""

    call: ToolCall
    tool: _Tool | None

    def invoke(self) -> Any:
        if self.tool is None:
            raise LookupError(f"there is no tool named {self.call.function.name!r}")
        return self.tool.invoke(self.call.function.arguments)

    @staticmethod
    def reply(result: Any) -> str:
        """A tool's result as sent back: a str as is, anything else as JSON."""
        return result if isinstance(result, str) else pydantic_core.to_json(result).decode()

    @staticmethod
    def failed(error: Exception) -> str:
        return f"Error: {type(error).__name__}: {error}"


@dataclass
class ToolLoop:
    """The state of one run_tools() call."""

    arguments: Mapping[str, Any]
    tools: dict[str, _Tool]
    max_rounds: int
    messages: list[Any] = field(default_factory=list)
    rounds: int = 0
    _last: ChatCompletion | None = None

    @classmethod
    def of(
        cls,
        tools: Sequence[ToolSpec],
        max_rounds: int,
        arguments: Mapping[str, Any],
        *,
        awaits: bool,
    ) -> ToolLoop:
        if max_rounds < 1:
            raise ValueError("max_rounds must be 1 or more")
        if "tools" in arguments:
            raise TypeError("run_tools() takes its tools as python functions in `tools`")
        if arguments.get("stream"):
            raise TypeError("run_tools() reads whole answers: it takes no stream=True")
        built: dict[str, _Tool] = {}
        for spec in tools:
            tool = _tool_of(spec, awaits=awaits)
            name = str(tool.definition["function"]["name"])
            if name in built:
                raise ValueError(f"two tools are named {name!r}")
            built[name] = tool
        if not built:
            raise ValueError("run_tools() needs at least one tool")
        return cls(arguments, built, max_rounds, list(arguments["messages"]))

    def request(self) -> dict[str, Any]:
        """create()'s arguments for the next round."""
        tools = [tool.definition for tool in self.tools.values()]
        return {**self.arguments, "messages": self.messages, "tools": tools}

    def answered(self, completion: ChatCompletion) -> list[PendingCall]:
        """Record the model's answer; the tool calls to run next (none: the loop is over)."""
        self.rounds += 1
        self._last = completion
        message = completion.choices[0].message
        turn: dict[str, Any] = {"role": "assistant", "content": message.content}
        calls = message.tool_calls or []
        if calls:
            turn["tool_calls"] = [call.model_dump(exclude_none=True) for call in calls]
        self.messages.append(turn)
        return [PendingCall(call, self.tools.get(call.function.name)) for call in calls]

    def record(self, calls: Sequence[PendingCall], replies: Sequence[str]) -> None:
        """Append the tools' replies to the transcript."""
        for pending, reply in zip(calls, replies, strict=True):
            self.messages.append(
                {"role": "tool", "tool_call_id": pending.call.id, "content": reply}
            )

    @property
    def exhausted(self) -> bool:
        """max_rounds calls were made."""
        return self.rounds >= self.max_rounds

    def result(self) -> ToolRun:
        if self._last is None:
            raise AssertionError("the loop calls the model at least once")
        finished = not self._last.choices[0].message.tool_calls
        return ToolRun(self._last, self.messages, self.rounds, finished)


def run_tool(pending: PendingCall) -> str:
    """Run a tool call; its reply, or its exception as a tool error."""
    try:
        return pending.reply(pending.invoke())
    except Exception as error:  # any failure of the caller's tool goes back to the model
        return pending.failed(error)


async def arun_tool(pending: PendingCall) -> str:
    """`run_tool`, awaiting an async tool."""
    try:
        result = pending.invoke()
        if inspect.isawaitable(result):
            result = await result
        return pending.reply(result)
    except Exception as error:  # any failure of the caller's tool goes back to the model
        return pending.failed(error)


def _tool_of(spec: ToolSpec, *, awaits: bool) -> _Tool:
    if isinstance(spec, tuple):
        model, function = spec
        definition = pydantic_function_tool(
            model, name=function.__name__, description=inspect.getdoc(function) or model.__doc__
        )
        tool = _Tool(definition, model, function, spread=False)
    elif callable(spec):
        tool = _function_tool(spec)
    else:
        raise TypeError(f"a tool is a function or a (model, function) pair, got {spec!r}")
    if not awaits and inspect.iscoroutinefunction(tool.function):
        raise TypeError(
            f"tool {tool.function.__name__!r} is async: run it with AsyncGatewise's run_tools"
        )
    return tool


def _function_tool(function: Callable[..., Any]) -> _Tool:
    """A tool from a function's signature and type hints; its docstring describes it."""
    hints = typing.get_type_hints(function)
    fields: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise TypeError(f"tool {function.__name__!r}: *args and **kwargs cannot be described")
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[name] = (hints.get(name, Any), default)
    model = create_model(f"{function.__name__}_arguments", **fields)
    schema = model.model_json_schema()
    schema.pop("title", None)
    definition: dict[str, Any] = {"name": function.__name__, "parameters": schema}
    description = inspect.getdoc(function)
    if description:
        definition["description"] = description
    return _Tool({"type": "function", "function": definition}, model, function, spread=True)
