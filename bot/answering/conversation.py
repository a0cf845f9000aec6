"""Conversations: the message type, and follow-up questions made standalone before retrieval.

The rule (deterministic, no model): a short question that leans on what came before
("and Kobe?", "那神户呢？", "when was it founded?", "它们什么时候成立的？") gets the key terms of
the previous user question appended. (With a generator, ``bot.generation.rewrite`` may ask the
model to rewrite it instead.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypedDict

from index.lang import Language, detect_lang, detect_language, to_script
from index.lexical import tokenize


class Message(TypedDict):
    """One turn of a conversation, as chat APIs and language models take it."""

    role: str  # "system" | "user" | "assistant"
    content: str


MAX_FOLLOW_UP_TERMS = 4  # a question with more content terms than this stands on its own

_EN_LEAD = re.compile(r"^\s*(and|also|what about|how about|and what about|what of)\b", re.I)
_EN_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her)\b", re.I)
_ZH_LEAD = ("那", "那么", "那麼", "还有", "還有", "另外", "以及", "和", "而")
_ZH_PRONOUN = re.compile(
    r"它们|它們|他们|他們|她们|她們|它|其|该|該|这个|這個|那个|那個|这些|這些|那些|此"
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def recent(history: Sequence[Message] | None, max_turns: int) -> list[Message]:
    """The last ``max_turns`` turns (a user message and its reply) of well-formed messages."""
    usable = [
        m
        for m in history or ()
        if isinstance(m, dict)
        and m.get("role") in ("user", "assistant")
        and isinstance(m.get("content"), str)
        and m["content"].strip()
    ]
    return usable[-2 * max_turns :] if max_turns > 0 else []


def is_follow_up(question: str) -> bool:
    """Whether ``question`` leans on an earlier one (ellipsis or a pronoun, and short)."""
    text = question.strip()
    if len(tokenize(text)) > MAX_FOLLOW_UP_TERMS:
        return False
    if detect_lang(text) == "en":
        return bool(_EN_LEAD.search(text) or _EN_PRONOUN.search(text))
    core = text.rstrip("?？!！。 ")
    return core.startswith(_ZH_LEAD) or core.endswith("呢") or bool(_ZH_PRONOUN.search(core))


def key_terms(text: str) -> list[str]:
    """Content words of ``text`` in their written form (English) or normalised (Chinese)."""
    terms: list[str] = []
    for word in _WORD.findall(text):
        if tokenize(word) and word.lower() not in (t.lower() for t in terms):
            terms.append(word)
    chinese = [t for t in tokenize(text) if not t.isascii()]
    # search-mode segmentation yields overlapping pieces: keep the longest
    terms += [t for t in dict.fromkeys(chinese) if not any(t != o and t in o for o in chinese)]
    return terms


def condense(question: str, history: Sequence[Message] | None, max_turns: int = 10) -> str:
    """``question`` made standalone by the rule; unchanged when it is not a follow-up."""
    turns = recent(history, max_turns)
    users = [m["content"].strip() for m in turns if m["role"] == "user"]
    if not users or not is_follow_up(question):
        return question
    previous = condense(users[-1], turns[: _last_user_index(turns)], max_turns)
    have = set(tokenize(question))
    language: Language = detect_language(question)
    missing = [t for t in key_terms(previous) if not set(tokenize(t)) <= have]
    if not missing:
        return question
    if language == "en":
        return f"{question.strip()} ({' '.join(missing)})"
    return f"{question.strip()}（{to_script('、'.join(missing), language)}）"


def _last_user_index(turns: Sequence[Message]) -> int:
    return max(i for i, m in enumerate(turns) if m["role"] == "user")
