"""Request and error bodies of the HTTP API (strict: wrong types and unknown fields are refused).

The schemas state every rule the server applies. Rules whose refusal is worded in the asker's
language (a question's length, blank or control characters, the history's length) are checked
by the service, not by pydantic; their schema keywords are added with ``json_schema_extra``.
Limits that come from ``Settings`` carry an ``x-settings`` marker that ``bot.web.openapi``
replaces with the running server's values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from bot.answering.conversation import Message
from bot.answering.question import has_control_characters
from bot.errors import InvalidQuestion

MAX_MESSAGE_CHARS = 20_000
MAX_NAME_CHARS = 256

# Refused anywhere in questions and history (``bot.answering.question`` refuses the same in
# the stripped question): C0 controls except tab, LF and CR, DEL, C1 controls, lone surrogates.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# The same for schemas (ECMA 262 syntax). Lone surrogates cannot be written in a pattern that
# every JSON Schema validator compiles, so descriptions state that rule.
_CONTROL_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
# What Python's str.strip() removes, less the control characters above.
_SPACE_CLASS = r"\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT_PATTERN = f"^[^{_CONTROL_CLASS}]*$"
QUESTION_PATTERN = f"^[^{_CONTROL_CLASS}]*[^{_CONTROL_CLASS}{_SPACE_CLASS}][^{_CONTROL_CLASS}]*$"

UNICODE_NOTE = "Lone surrogates (`\\ud800`–`\\udfff` escapes) are refused."
QUESTION_NOTE = (
    "At least one character that is not white space; no control characters (C0 other than "
    "tab, LF and CR, DEL, C1). Length in code points as sent, before any normalisation. "
    f"{UNICODE_NOTE} Refusals (422) are worded in the question's language."
)


def settings_limit(keyword: str, setting: str, default: int) -> dict[str, Any]:
    """Schema keywords for a limit taken from ``Settings`` when the app is created."""
    return {keyword: default, "x-settings": {keyword: setting}}


def _unicode(text: str) -> str:
    if _SURROGATE.search(text):
        raise ValueError("lone surrogates are not text")
    return text


def _integral(value: object) -> object:
    """JSON Schema's ``integer`` includes numbers such as ``5.0``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(**bounds: int) -> Any:
    """A JSON integer within ``bounds`` (``ge``, ``le``)."""
    # the bounds go inside the validator, or the schema shows them as "ge"/"le"
    return Annotated[StrictInt, Field(**bounds), BeforeValidator(_integral)]


def bounded_text(max_chars: int) -> Any:
    """A string of at most ``max_chars`` code points, valid Unicode."""
    return Annotated[
        StrictStr, Field(max_length=max_chars, description=UNICODE_NOTE), AfterValidator(_unicode)
    ]


# A document id as ``index.read.doc_id`` makes them: letters and digits of any script, ``-``
# and ``_``; no white space, punctuation, symbols or control characters (ECMA 262 syntax).
_NOT_IN_ID = (
    r"\u0000-\u002c\u002e\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u00bf\u00d7\u00f7"
    r"\u2000-\u206f\u3000-\u3003\ufeff"
)
DOCUMENT_ID_PATTERN = f"^[^{_NOT_IN_ID}]+$"
MAX_DOCUMENT_ID_CHARS = 128
MAX_SCOPE_DOCUMENTS = 100
DOCUMENT_ID_NOTE = (
    "A document id (see `GET /api/documents`): letters and digits of any script, `-` and `_`."
)

MessageText = bounded_text(MAX_MESSAGE_CHARS)
NameText = bounded_text(MAX_NAME_CHARS)
CommentText = bounded_text(2000)
# A question; checked by the service so that refusals are in the question's language.
Question = Annotated[
    StrictStr,
    Field(
        description=QUESTION_NOTE,
        json_schema_extra={
            "minLength": 1,
            "pattern": QUESTION_PATTERN,
            **settings_limit("maxLength", "max_question_chars", 2000),
        },
    ),
]
DocumentId = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=MAX_DOCUMENT_ID_CHARS,
        pattern=DOCUMENT_ID_PATTERN,
        description=DOCUMENT_ID_NOTE,
    ),
    AfterValidator(_unicode),
]
# Which documents answers may come from; an id no document has is a 422 (`unknown_documents`,
# worded in the question's language), which no schema can state.
Scope = Annotated[
    list[DocumentId],
    Field(
        min_length=1,
        max_length=MAX_SCOPE_DOCUMENTS,
        description=(
            "Answer from these documents only (ids of `GET /api/documents`); leave out to "
            "use every document. An id that names no document is refused with 422 "
            "(`unknown_documents`, worded in the question's language)."
        ),
    ),
]
# A history message: no control characters (checked by the service, in the asker's language).
HistoryText = Annotated[
    StrictStr,
    Field(
        max_length=MAX_MESSAGE_CHARS,
        description=f"No control characters (as in questions). {UNICODE_NOTE}",
        json_schema_extra={"pattern": TEXT_PATTERN},
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    role: Literal["user", "assistant"]
    content: HistoryText


class AskRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "What is MIJBC?"},
                {"question": "中日韩友好城市交流大会举办了几届？", "k": 3},
            ]
        }
    )

    question: Question
    history: list[Turn] | None = Field(
        default=None,
        description="Earlier messages, oldest first: at most 2 × `ZHEN_MAX_HISTORY_TURNS`.",
        json_schema_extra=settings_limit("maxItems", "max_history_messages", 20),
    )
    k: integer(ge=1, le=50) | None = Field(default=None, description="Passages to retrieve.")
    documents: Scope | None = None


class FeedbackRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"question": "What is MIJBC?", "answer": "…", "vote": "up"}]
        }
    )

    question: MessageText
    answer: MessageText
    vote: Literal["up", "down"]
    citations: list[NameText] = Field(default_factory=list, max_length=50)  # passage ids
    comment: CommentText | None = None


class TextPart(_Strict):
    type: Literal["text"]
    text: MessageText


class HistoryPart(_Strict):
    type: Literal["text"]
    text: HistoryText


class QuestionPart(_Strict):
    type: Literal["text"]
    text: Question


class _Message(_Strict):
    name: NameText | None = None

    def text(self) -> str:
        content = self.content  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
        return "".join(part.text for part in content)


class UserMessage(_Message):
    """Every user message is held to the question rules (the last one is the question)."""

    role: Literal["user"]
    content: Question | Annotated[list[QuestionPart], Field(min_length=1, max_length=1)]


class AssistantMessage(_Message):
    role: Literal["assistant"]
    content: HistoryText | list[HistoryPart]


class SystemMessage(_Message):
    """Accepted and ignored: zhen answers from the article only."""

    role: Literal["system", "developer"]
    content: MessageText | list[TextPart]


ChatMessage = Annotated[UserMessage | AssistantMessage | SystemMessage, Field(discriminator="role")]
_HAS_USER_MESSAGE = {
    "type": "object",
    "properties": {"role": {"const": "user"}},
    "required": ["role"],
}


class ChatRequest(_Strict):
    """The OpenAI chat-completions request; sampling options are accepted and ignored
    (answers are extractive, hence deterministic)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"messages": [{"role": "user", "content": "What is MIJBC?"}]}]
        }
    )

    messages: list[ChatMessage] = Field(
        min_length=1,
        description=(
            "The last user message is the question; the user and assistant messages before "
            "it are the history (only the last 2 × `ZHEN_MAX_HISTORY_TURNS` count), messages "
            "after it are ignored. System and developer messages are ignored."
        ),
        json_schema_extra={"contains": _HAS_USER_MESSAGE},
    )
    model: NameText | None = None
    stream: StrictBool = False
    stream_options: dict | None = None
    temperature: Annotated[StrictFloat, Field(ge=0, le=2)] | None = None
    top_p: Annotated[StrictFloat, Field(ge=0, le=1)] | None = None
    max_tokens: integer(ge=1) | None = None
    max_completion_tokens: integer(ge=1) | None = None
    n: integer(ge=1, le=1) | None = None
    stop: NameText | Annotated[list[NameText], Field(max_length=4)] | None = None
    presence_penalty: Annotated[StrictFloat, Field(ge=-2, le=2)] | None = None
    frequency_penalty: Annotated[StrictFloat, Field(ge=-2, le=2)] | None = None
    seed: integer() | None = None
    user: NameText | None = None
    documents: Scope | None = None  # zhen's own: answer from these documents only


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `question_too_long`.")
    message: str = Field(description="One line for people; in the question's language.")


class ErrorResponse(BaseModel):
    """The body of every error: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


def checked_history(
    turns: Sequence[Turn | Message] | None, max_turns: int, language: str
) -> list[Message]:
    """History as engine messages; too long or containing control characters → 422."""
    turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in turns or []]
    if len(turns) > 2 * max_turns:
        raise InvalidQuestion("history_too_long", language, limit=max_turns)
    for turn in turns:
        if has_control_characters(turn.content):
            raise InvalidQuestion("control_characters", language)
    return [Message(role=t.role, content=t.content) for t in turns]
