"""`client.chat`: the generated resources plus the hand-written helpers on
`chat.completions` (`parse`, `run_tools`), as subclasses so the generated code stays untouched."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, overload

from ._generated.resources import chat as generated

# The helpers' modules are imported by the methods that use them: a plain `create()` call,
# the usual first answer, must not pay for loading them.
if TYPE_CHECKING:
    from ._generated.params import ChatMessage
    from ._parsed import ParsedChatCompletion, T
    from ._structured import AsyncParsedStream, ParsedStream
    from ._tools import ToolRun, ToolSpec


class ChatCompletions(generated.ChatCompletions):
    __doc__ = generated.ChatCompletions.__doc__

    @overload
    def parse(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        response_format: type[T],
        max_validation_retries: int = 0,
        stream: Literal[False] = False,
        **arguments: Any,
    ) -> ParsedChatCompletion[T]: ...
    @overload
    def parse(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        response_format: type[T],
        max_validation_retries: int = 0,
        stream: Literal[True],
        **arguments: Any,
    ) -> ParsedStream[T]: ...
    def parse(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        response_format: type[T],
        max_validation_retries: int = 0,
        stream: bool = False,
        **arguments: Any,
    ) -> ParsedChatCompletion[T] | ParsedStream[T]:
        """Create a chat completion whose answer is an instance of a pydantic model.

        Sends `response_format` as a strict `json_schema` and parses the answer into it;
        everything else is `create()`'s (fallbacks, tools, request options, ...).

        Args:
            model: As in `create()`.
            messages: As in `create()`.
            response_format: The pydantic model the answer must fit.
            max_validation_retries: How many times an answer that does not validate is
                re-asked, with its validation errors appended (needs `stream=False`).
            stream: Return a `ParsedStream`, whose `collect()` gives the parsed answer.
            **arguments: Any other argument or request option of `create()`.

        Returns:
            A `ParsedChatCompletion`: `choices[i].message.parsed` is a `response_format`
            (None when the model refused: see `.refusal`).

        Raises:
            OutputValidationError: The answer (or the last re-ask's) does not validate.
        """
        from ._steps import drive
        from ._structured import ParsedStream, ParseRequest

        request = ParseRequest.of(
            response_format,
            max_validation_retries,
            stream,
            {"model": model, "messages": messages, **arguments},
        )
        if stream:
            return ParsedStream(self.create(**request.arguments, stream=True), request)
        return drive(request.steps(), lambda arguments: self.create(**arguments))

    def run_tools(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        tools: Sequence[ToolSpec],
        max_rounds: int = 8,
        **arguments: Any,
    ) -> ToolRun:
        """Call the model, run the tools it asks for, send their results, and repeat until it
        answers without tool calls or `max_rounds` calls were made.

        Args:
            model: As in `create()`.
            messages: The conversation so far.
            tools: Python functions (their signature and type hints give the schema, their
                docstring the description) or `(ArgumentsModel, function)` pairs, whose
                function gets the validated model.
            max_rounds: The most model calls.
            **arguments: Any other argument or request option of `create()` but `tools`.

        Returns:
            A `ToolRun`: `.completion`, `.messages` (the transcript), `.rounds`, `.finished`.
            A tool's str result is sent as is, anything else as JSON; a tool's exception
            (or arguments that do not validate) is sent as a tool error.
        """
        from ._tools import ToolLoop, run_tool

        loop = ToolLoop.of(
            tools, max_rounds, {"model": model, "messages": messages, **arguments}, awaits=False
        )
        while True:
            calls = loop.answered(self.create(**loop.request()))
            if not calls:
                return loop.result()
            loop.record(calls, [run_tool(call) for call in calls])
            if loop.exhausted:
                return loop.result()


class AsyncChatCompletions(generated.AsyncChatCompletions):
    __doc__ = generated.AsyncChatCompletions.__doc__

    @overload
    async def parse(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        response_format: type[T],
        max_validation_retries: int = 0,
        stream: Literal[False] = False,
        **arguments: Any,
    ) -> ParsedChatCompletion[T]: ...
    @overload
    async def parse(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        response_format: type[T],
        max_validation_retries: int = 0,
        stream: Literal[True],
        **arguments: Any,
    ) -> AsyncParsedStream[T]: ...
    async def parse(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        response_format: type[T],
        max_validation_retries: int = 0,
        stream: bool = False,
        **arguments: Any,
    ) -> ParsedChatCompletion[T] | AsyncParsedStream[T]:
        """`Gatewise`'s `parse()`, awaited; with `stream=True` an `AsyncParsedStream`."""
        from ._steps import adrive
        from ._structured import AsyncParsedStream, ParseRequest

        request = ParseRequest.of(
            response_format,
            max_validation_retries,
            stream,
            {"model": model, "messages": messages, **arguments},
        )
        if stream:
            return AsyncParsedStream(await self.create(**request.arguments, stream=True), request)
        return await adrive(request.steps(), lambda arguments: self.create(**arguments))

    async def run_tools(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage],
        tools: Sequence[ToolSpec],
        max_rounds: int = 8,
        **arguments: Any,
    ) -> ToolRun:
        """`Gatewise`'s `run_tools()`, awaited; async tools are awaited too."""
        from ._tools import ToolLoop, arun_tool

        loop = ToolLoop.of(
            tools, max_rounds, {"model": model, "messages": messages, **arguments}, awaits=True
        )
        while True:
            calls = loop.answered(await self.create(**loop.request()))
            if not calls:
                return loop.result()
            loop.record(calls, [await arun_tool(call) for call in calls])
            if loop.exhausted:
                return loop.result()


class Chat(generated.Chat):
    __doc__ = generated.Chat.__doc__

    @cached_property
    def completions(self) -> ChatCompletions:
        return ChatCompletions(self._client)


class AsyncChat(generated.AsyncChat):
    __doc__ = generated.AsyncChat.__doc__

    @cached_property
    def completions(self) -> AsyncChatCompletions:
        return AsyncChatCompletions(self._client)
