"""`client.chat`: the generated resources plus the hand-written helpers on
`chat.completions` (`parse`), as subclasses so the generated code stays untouched."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, overload

from ._generated.resources import chat as generated
from ._parsed import ParsedChatCompletion, T
from ._steps import adrive, drive
from ._structured import AsyncParsedStream, ParsedStream, ParseRequest

if TYPE_CHECKING:
    from ._generated.params import ChatMessage


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
        request = ParseRequest.of(
            response_format,
            max_validation_retries,
            stream,
            {"model": model, "messages": messages, **arguments},
        )
        if stream:
            return ParsedStream(self.create(**request.arguments, stream=True), request)
        return drive(request.steps(), lambda arguments: self.create(**arguments))


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
        request = ParseRequest.of(
            response_format,
            max_validation_retries,
            stream,
            {"model": model, "messages": messages, **arguments},
        )
        if stream:
            return AsyncParsedStream(await self.create(**request.arguments, stream=True), request)
        return await adrive(request.steps(), lambda arguments: self.create(**arguments))


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
