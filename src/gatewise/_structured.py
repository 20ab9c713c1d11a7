"""`chat.completions.parse()`: one structured-output call, its re-asks, its stream.

The call itself is `create()` with the model's strict response_format, so retries,
fallback chains and the Anthropic translation (a forced tool) all apply unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic

from pydantic import BaseModel

from ._errors import OutputValidationError
from ._generated.models.chat import ChatCompletion, ChatCompletionChunk
from ._parsed import (
    ParsedChatCompletion,
    T,
    parse_completion,
    reask_messages,
    response_format_of,
    tool_models,
)
from ._streaming import AsyncStream, Stream


@dataclass(frozen=True)
class ParseRequest(Generic[T]):
    """A parse() call: the keyword arguments for create(), and how to read the answer."""

    arguments: Mapping[str, Any]
    output: type[T]
    max_validation_retries: int

    @classmethod
    def of(
        cls,
        output: type[T],
        max_validation_retries: int,
        stream: bool,
        arguments: Mapping[str, Any],
    ) -> ParseRequest[T]:
        if not (isinstance(output, type) and issubclass(output, BaseModel)):
            raise TypeError(f"response_format must be a pydantic model class, got {output!r}")
        if max_validation_retries < 0:
            raise ValueError("max_validation_retries must be 0 or more")
        if stream and max_validation_retries:
            # A re-ask needs the whole answer first, which a stream hands out piece by piece.
            raise ValueError("max_validation_retries needs stream=False")
        return cls(
            {**arguments, "response_format": response_format_of(output)},
            output,
            max_validation_retries,
        )

    def parsed(self, completion: ChatCompletion, retries: int = 0) -> ParsedChatCompletion[T]:
        return parse_completion(
            completion, self.output, tool_models(self.arguments.get("tools")), retries
        )

    def steps(self) -> Generator[Mapping[str, Any], ChatCompletion, ParsedChatCompletion[T]]:
        """Yields create()'s arguments, receives its answer; re-asks while it does not
        validate and re-asks are left."""
        messages: list[Any] = list(self.arguments["messages"])
        retries = 0
        while True:
            completion = yield {**self.arguments, "messages": messages}
            try:
                return self.parsed(completion, retries)
            except OutputValidationError as error:
                if retries == self.max_validation_retries:
                    raise
                messages = [*messages, *reask_messages(completion, error)]
                retries += 1


class ParsedStream(Generic[T]):
    """A `parse(..., stream=True)` stream: the chunks as `Stream` gives them, and `collect()`
    returns the `ParsedChatCompletion`."""

    def __init__(self, stream: Stream[ChatCompletionChunk], request: ParseRequest[T]) -> None:
        self._stream = stream
        self._request = request

    @property
    def stream(self) -> Stream[ChatCompletionChunk]:
        """The underlying chunk stream (its `.response`, `.text_stream`)."""
        return self._stream

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        return iter(self._stream)

    def collect(self) -> ParsedChatCompletion[T]:
        """Read the rest of the stream and parse the whole answer.

        Raises:
            OutputValidationError: The answer does not fit the model.
        """
        return self._request.parsed(self._stream.collect())

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._stream.close()

    def __enter__(self) -> ParsedStream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncParsedStream(Generic[T]):
    """`ParsedStream` of `AsyncGatewise`: `async for`, `await collect()`."""

    def __init__(self, stream: AsyncStream[ChatCompletionChunk], request: ParseRequest[T]) -> None:
        self._stream = stream
        self._request = request

    @property
    def stream(self) -> AsyncStream[ChatCompletionChunk]:
        """The underlying chunk stream (its `.response`, `.text_stream`)."""
        return self._stream

    def __aiter__(self) -> AsyncIterator[ChatCompletionChunk]:
        return self._stream.__aiter__()

    async def collect(self) -> ParsedChatCompletion[T]:
        """Read the rest of the stream and parse the whole answer.

        Raises:
            OutputValidationError: The answer does not fit the model.
        """
        return self._request.parsed(await self._stream.collect())

    async def aclose(self) -> None:
        """Stop reading and release the connection."""
        await self._stream.aclose()

    async def __aenter__(self) -> AsyncParsedStream[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
