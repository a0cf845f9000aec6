"""The ``Generator`` protocol: how an LLM answerer plugs in without touching retrieval."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from bot.answering.conversation import Message
from bot.errors import ModelUnavailable


@runtime_checkable
class Generator(Protocol):
    """Turns chat messages into text. Implementations must honour ``timeout`` (seconds)."""

    id: str

    def generate(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> str: ...

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, timeout: float
    ) -> Iterator[str]: ...


class GeneratorError(ModelUnavailable):
    """The language model failed: unreachable, an HTTP error, a malformed reply, not installed."""


class GeneratorTimeout(GeneratorError):
    """The language model did not finish within the time allowed."""


def with_deadline(pieces: Iterator[str], timeout: float, what: str) -> Iterator[str]:
    """Pass ``pieces`` through, raising ``GeneratorTimeout`` once ``timeout`` seconds have gone.

    For in-process models, which can only be stopped between tokens.
    """
    deadline = time.monotonic() + timeout
    for piece in pieces:
        yield piece
        if time.monotonic() > deadline:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
            raise GeneratorTimeout(f"{what} did not finish within {timeout:g} s")
