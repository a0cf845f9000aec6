"""The sentences an extractive answer quotes, as a generated answer is held to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.answer import Citation
from index.lang import Language, passage_lang, to_script
from index.lexical import tokenize


@dataclass(frozen=True)
class Quote:
    """A sentence (or clause) the extractive answer quoted: its text as the asker reads it,
    the passage it comes from, and whether that passage is in the asker's language."""

    text: str
    passage_id: str
    own_language: bool = True


def quoted_sentences(citations: Sequence[Citation], language: Language) -> list[Quote]:
    """The sentences an extractive answer quotes (its citations' highlights), in order."""
    quotes = []
    for c in citations:
        own = c.lang == passage_lang(language)
        for start, end in c.highlight:
            text = c.text[start:end].strip()
            if text:
                quotes.append(Quote(to_script(text, language) if own else text, c.passage_id, own))
    return quotes


def _shared(terms: set[str], text: str) -> int:
    return len(terms & set(tokenize(text)))


def best_of(question: str, quotes: Sequence[Quote]) -> Quote | None:
    """The quote sharing most of the question's terms."""
    terms = set(tokenize(question))
    return max(quotes, key=lambda q: _shared(terms, q.text), default=None)
