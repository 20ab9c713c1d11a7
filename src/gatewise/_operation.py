"""What generated code declares for each wire operation: method, path and answer decoder.

A decoder turns the answer's bytes into the typed result in one pydantic-core pass
(the model's compiled validator, built once at class creation), never json.loads first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

if TYPE_CHECKING:
    from pydantic import BaseModel

T = TypeVar("T")
U = TypeVar("U")
M = TypeVar("M", bound="BaseModel")

Decoder = Callable[[bytes], T]


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """One wire operation: `path` is a template such as "/v1/models/{model_id}"; `headers`
    are the spec's header defaults (`anthropic-version`), sent unless the caller sets them;
    `operation_id` is the spec's name for it (the overlays are keyed by it; hooks and traces name the call by it), empty for an
    operation made at run time (a job's submit call, a translated route).
    `arguments` are its method's keyword names, so that a misspelt one is told from a
    backend-specific extra (see `_pipeline.extra_arguments`)."""

    method: str
    path: str
    decode: Decoder[T]
    headers: tuple[tuple[str, str], ...] = ()
    operation_id: str = ""
    arguments: tuple[str, ...] = ()

    def decoding(self, decode: Decoder[U]) -> Operation[U]:
        """The same operation, its answer decoded by `decode` instead."""
        return Operation(
            self.method, self.path, decode, self.headers, self.operation_id, self.arguments
        )


class Page(Sequence[T]):
    """One page of a paged list: a sequence of its items (iterate, `len`, index).

    The resource's `iter...` method follows the pages to the end instead.

    The whole answer's fields read by key too (`page["data"]`, `page.get("has_more")`).

    Attributes:
        data: The items of this page.
        has_more: Whether the server has more items after this page.
        page: The whole answer, as its model.
    """

    __slots__ = ("data", "has_more", "page")

    def __init__(self, data: list[T], has_more: bool, page: BaseModel) -> None:
        self.data = data
        self.has_more = has_more
        self.page = page

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    @overload
    def __getitem__(self, index: str) -> Any: ...
    def __getitem__(self, index: int | slice | str) -> T | list[T] | Any:
        # A field of the whole answer by key (`page["data"]`, `page["has_more"]`), for code
        # written against SDKs that answer the page as a dict.
        if isinstance(index, str):
            return self.page[index]  # type: ignore[index]
        return self.data[index]

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the whole answer by key, or `default` when it has none."""
        return self.page.get(key, default)  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __repr__(self) -> str:
        return f"Page(items={len(self.data)}, has_more={self.has_more})"


def decode_model(model: type[M]) -> Decoder[M]:
    """The answer is one `model`."""
    return cast(Decoder[M], model.__pydantic_validator__.validate_json)


def decode_items(wrapper: type[BaseModel], item: type[M], field: str = "data") -> Decoder[list[M]]:
    """The answer is a `wrapper` ({"object": "list", "data": [...]}); the caller gets the list."""
    validate = wrapper.__pydantic_validator__.validate_json

    def decode(content: bytes) -> list[M]:
        return cast(list[M], getattr(validate(content), field))

    return decode


def decode_page(wrapper: type[BaseModel], item: type[M], field: str = "data") -> Decoder[Page[M]]:
    """The answer is one page ({"data": [...], "has_more": bool}); the caller gets a Page."""
    validate = wrapper.__pydantic_validator__.validate_json

    def decode(content: bytes) -> Page[M]:
        page = validate(content)
        return Page(
            cast(list[M], getattr(page, field)), bool(getattr(page, "has_more", False)), page
        )

    return decode


def decode_none(content: bytes) -> None:
    """The answer carries nothing the caller needs (204, or a body that only acknowledges)."""
    return None


def omit_none(values: dict[str, Any]) -> dict[str, Any]:
    """Drop the arguments the caller left out (None), so the server applies its defaults."""
    return {key: value for key, value in values.items() if value is not None}
