"""The sentences an extractive answer quotes, as a generated answer is held to them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.answering.answer import Citation
from index.lang import Language, passage_lang, to_script
from index.lexical import tokenize

# after a comma, semicolon or colon, or a sentence end; not inside 46,500 or 1.8
_CLAUSE_END = re.compile(r"(?<=[，；：;:。!！?？])|(?<=[,.])(?!(?<=\d[,.])\d)\s*")


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


def shortest(quotes: Sequence[Quote], fits: Callable[[str], bool]) -> Quote | None:
    """The shortest clause of ``quotes`` whose text ``fits``; else the shortest whole quote."""
    for pieces in (clauses, lambda q: [q]):
        found = [c for q in quotes for c in pieces(q) if fits(c.text)]
        if found:
            return min(found, key=lambda c: len(c.text))
    return None


def clauses(quote: Quote) -> list[Quote]:
    """The clauses of a quote, each a quote of the same passage."""
    pieces = [p.strip() for p in _CLAUSE_END.split(quote.text)]
    return [replace(quote, text=p) for p in pieces if len(p) > 3]


def strip_end(text: str) -> str:
    """A clause without its closing punctuation (it is quoted inside a sentence)."""
    return re.sub(r"[\s,，;；:：.。!！?？]+$", "", text)
