"""Request bodies of the HTTP API (strict: wrong types and unknown fields are refused)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from bot.answering.conversation import Message
from bot.errors import InvalidQuestion

MAX_MESSAGE_CHARS = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=MAX_MESSAGE_CHARS)


class AskRequest(_Strict):
    question: StrictStr
    history: list[Turn] | None = None
    k: StrictInt | None = Field(default=None, ge=1, le=50)


class FeedbackRequest(_Strict):
    question: StrictStr = Field(max_length=MAX_MESSAGE_CHARS)
    answer: StrictStr = Field(max_length=MAX_MESSAGE_CHARS)
    vote: Literal["up", "down"]
    citations: list[StrictStr] = Field(default_factory=list, max_length=50)  # passage ids
    comment: StrictStr | None = Field(default=None, max_length=2000)


class TextPart(_Strict):
    type: Literal["text"]
    text: StrictStr = Field(max_length=MAX_MESSAGE_CHARS)


class ChatMessage(_Strict):
    role: Literal["system", "developer", "user", "assistant"]
    content: StrictStr | list[TextPart] = Field(max_length=MAX_MESSAGE_CHARS)
    name: StrictStr | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class ChatRequest(_Strict):
    """The OpenAI chat-completions request; sampling options are accepted and ignored
    (answers are extractive, hence deterministic)."""

    messages: list[ChatMessage] = Field(min_length=1)
    model: StrictStr | None = None
    stream: StrictBool = False
    stream_options: dict | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: StrictInt | None = None
    max_completion_tokens: StrictInt | None = None
    n: StrictInt | None = Field(default=None, ge=1, le=1)
    stop: StrictStr | list[StrictStr] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    seed: StrictInt | None = None
    user: StrictStr | None = None


def checked_history(
    turns: Sequence[Turn | Message] | None, max_turns: int, language: str
) -> list[Message]:
    """History as engine messages; too long or containing control characters → 422."""
    turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in turns or []]
    if len(turns) > 2 * max_turns:
        raise InvalidQuestion("history_too_long", language, limit=max_turns)
    for turn in turns:
        if _CONTROL.search(turn.content):
            raise InvalidQuestion("control_characters", language)
    return [Message(role=t.role, content=t.content) for t in turns]
