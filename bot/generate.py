"""The ``Generator`` protocol: how an LLM answerer plugs in without touching retrieval."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, TypedDict, runtime_checkable


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


@runtime_checkable
class Generator(Protocol):
    """Turns chat messages into text. Implementations must honour ``timeout`` (seconds)."""

    id: str

    def generate(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> str: ...

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, timeout: float
    ) -> Iterator[str]: ...
