"""Structured outputs: the strict response_format of a pydantic model, and the answer parsed
back into it (`ParsedChatCompletion[T]`), or `OutputValidationError`.

Also the tools made by `pydantic_function_tool`, whose calls' arguments are parsed the same
way (`function.parsed_arguments`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from pydantic import BaseModel, ValidationError

from ._errors import OutputValidationError
from ._generated.models.chat import (
    ChatCompletion,
    ChatCompletionChoice,
    ChatCompletionMessage,
    ToolCall,
    ToolCallFunction,
)
from ._strict_schema import strict_json_schema

if TYPE_CHECKING:
    from ._generated.params import ResponseFormat, Tool

T = TypeVar("T", bound=BaseModel)

# How much of a bad answer an OutputValidationError's message quotes.
_QUOTED_CHARS = 200


class ParsedFunction(ToolCallFunction):
    """A tool call's function; `parsed_arguments` is the arguments as the tool's pydantic model
    (tools made by `gatewise.pydantic_function_tool`), else None."""

    parsed_arguments: object = None


class ParsedToolCall(ToolCall):
    """A tool call whose function carries `parsed_arguments`."""

    function: ParsedFunction


class ParsedChatCompletionMessage(ChatCompletionMessage, Generic[T]):
    """The answer's message; `parsed` is its content as the `response_format` model (None when
    the model refused, see `refusal`, or answered with tool calls)."""

    parsed: T | None = None
    tool_calls: list[ParsedToolCall] | None = None  # type: ignore[assignment]


class ParsedChoice(ChatCompletionChoice, Generic[T]):
    """One choice of a `ParsedChatCompletion`."""

    message: ParsedChatCompletionMessage[T]


class ParsedChatCompletion(ChatCompletion, Generic[T]):
    """What `parse()` returns: a `ChatCompletion` whose messages carry `.parsed`.

    Attributes:
        validation_retries: How many re-asks it took (0: the first answer validated).
    """

    choices: list[ParsedChoice[T]]  # type: ignore[assignment]
    validation_retries: int = 0


class PydanticFunctionTool(dict[str, Any]):
    """A strict tool definition (a plain `Tool` dict on the wire) that remembers its model."""

    def __init__(self, definition: Mapping[str, Any], model: type[BaseModel]) -> None:
        super().__init__(definition)
        self.model = model


def pydantic_function_tool(
    model: type[BaseModel], *, name: str | None = None, description: str | None = None
) -> Tool:
    """A strict function tool whose parameters are `model`'s schema; in `parse()` results its
    calls' `function.parsed_arguments` is a `model`.

    Args:
        model: The arguments' pydantic model.
        name: The function's name; default the model's class name.
        description: What the tool does; default the model's docstring.
    """
    function: dict[str, Any] = {
        "name": name or model.__name__,
        "parameters": strict_json_schema(model),
        "strict": True,
    }
    described = description if description is not None else model.__doc__
    if described:
        function["description"] = described.strip()
    return cast("Tool", PydanticFunctionTool({"type": "function", "function": function}, model))


def response_format_of(model: type[BaseModel]) -> ResponseFormat:
    """The strict `json_schema` response_format asking for an instance of `model`."""
    json_schema: dict[str, Any] = {
        "name": model.__name__,
        "schema": strict_json_schema(model),
        "strict": True,
    }
    if model.__doc__ and model.__doc__.strip():
        json_schema["description"] = model.__doc__.strip()
    return cast("ResponseFormat", {"type": "json_schema", "json_schema": json_schema})


def tool_models(tools: Sequence[Mapping[str, Any]] | None) -> dict[str, type[BaseModel]]:
    """The pydantic models of the `pydantic_function_tool` tools, by function name."""
    return {
        str(tool["function"]["name"]): tool.model
        for tool in tools or ()
        if isinstance(tool, PydanticFunctionTool)
    }


def parse_completion(
    completion: ChatCompletion,
    output: type[T],
    tools: Mapping[str, type[BaseModel]],
    validation_retries: int = 0,
) -> ParsedChatCompletion[T]:
    """`completion` with each message's content parsed into `output` (and the arguments of
    calls of `tools` into their models).

    Raises:
        OutputValidationError: A content or arguments that do not validate.
    """
    data = completion.model_dump(by_alias=True)
    data["validation_retries"] = validation_retries
    for choice, answer in zip(data["choices"], completion.choices, strict=True):
        message = answer.message
        if message.refusal is None and message.content is not None:
            choice["message"]["parsed"] = _validated(output, message.content, "the answer")
        for call in choice["message"].get("tool_calls") or ():
            model = tools.get(call["function"]["name"])
            if model is not None:
                where = f"the arguments of {call['function']['name']}"
                call["function"]["parsed_arguments"] = _validated(
                    model, call["function"]["arguments"], where
                )
    return ParsedChatCompletion[output].model_validate(data)  # type: ignore[valid-type]


def _validated(model: type[BaseModel], text: str, where: str) -> BaseModel:
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        shown = text if len(text) <= _QUOTED_CHARS else text[:_QUOTED_CHARS] + "..."
        raise OutputValidationError(
            f"{where} does not fit {model.__name__} ({_count(exc.error_count())}): {shown!r}",
            text=text,
            errors=errors,
        ) from exc


def _count(errors: int) -> str:
    return f"{errors} validation error{'' if errors == 1 else 's'}"


def reask_messages(completion: ChatCompletion, error: OutputValidationError) -> list[Any]:
    """The turns that show the model its invalid answer and ask again (instructor's loop):
    the answer as the assistant said it, then the validation errors."""
    message = completion.choices[0].message
    said: dict[str, Any] = {"role": "assistant", "content": message.content}
    calls = message.tool_calls or []
    if calls:
        said["tool_calls"] = [call.model_dump(exclude_none=True) for call in calls]
    problem = "That answer does not validate. Fix these errors and answer again:\n" + json.dumps(
        error.errors, default=str
    )
    if not calls:
        return [said, {"role": "user", "content": problem}]
    # Each tool call needs its answer; the errors go with every one of them.
    return [
        said,
        *({"role": "tool", "tool_call_id": call.id, "content": problem} for call in calls),
    ]
