"""Folding streamed chunks back into the answer a non-streamed call would give (pure).

Text is concatenated per choice; tool calls are assembled by their index from their
argument fragments; the last finish_reason and the last usage win.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


class ChunkAccumulator:
    """Collects chat or text-completion chunks; `result()` is the final answer as a dict."""

    __slots__ = ("_choices", "_head", "_usage")

    def __init__(self) -> None:
        self._head: dict[str, Any] = {}
        self._choices: dict[int, dict[str, Any]] = {}
        self._usage: Any = None

    def add(self, chunk: BaseModel) -> None:
        data = chunk.model_dump(mode="json", exclude_none=True)
        choices = data.pop("choices", None) or []
        usage = data.pop("usage", None)
        if usage is not None:
            self._usage = usage
        for key, value in data.items():
            self._head.setdefault(key, value)
        for choice in choices:
            self._add_choice(choice)

    def _add_choice(self, choice: dict[str, Any]) -> None:
        index = choice.get("index", 0)
        slot = self._choices.setdefault(index, {"index": index, "finish_reason": None})
        if choice.get("finish_reason") is not None:
            slot["finish_reason"] = choice["finish_reason"]
        if "text" in choice:
            slot["text"] = slot.get("text", "") + choice["text"]
        delta = choice.get("delta")
        if delta is None:
            return
        message = slot.setdefault("message", {"role": "assistant", "content": None})
        if delta.get("role"):
            message["role"] = delta["role"]
        for field in ("content", "refusal"):
            if delta.get(field) is not None:
                message[field] = (message.get(field) or "") + delta[field]
        for call in delta.get("tool_calls") or ():
            calls = message.setdefault("tool_calls", {})
            target = calls.setdefault(
                call.get("index", 0),
                {"id": "", "type": "function", "function": {"name": "", "arguments": ""}},
            )
            if call.get("id"):
                target["id"] = call["id"]
            if call.get("type"):
                target["type"] = call["type"]
            function = call.get("function") or {}
            if function.get("name"):
                target["function"]["name"] += function["name"]
            if function.get("arguments"):
                target["function"]["arguments"] += function["arguments"]

    def result(self) -> dict[str, Any]:
        """The accumulated answer, shaped as the non-streamed one."""
        is_chat = any("message" in choice for choice in self._choices.values())
        choices = []
        for index in sorted(self._choices):
            choice = dict(self._choices[index])
            message = choice.get("message")
            if message is not None:
                calls = message.pop("tool_calls", None)
                choice["message"] = dict(message)
                if calls:
                    choice["message"]["tool_calls"] = [calls[i] for i in sorted(calls)]
            elif "text" not in choice:
                choice["text"] = ""
            choices.append(choice)
        object_name = "chat.completion" if is_chat or not choices else "text_completion"
        answer = {**self._head, "object": object_name, "choices": choices}
        if self._usage is not None:
            answer["usage"] = self._usage
        return answer
