"""Whether a generated answer covers every part of the question that the quote covers.

The question's parts come from ``question_parts`` ("When and where …" → date, place). A part
is missing when a sentence the extractive answer chose supplies it (``supplies``) and the
generated answer does not; a number or date asked for twice needs two values. A generated
answer is off the subject when the passages it cites meet fewer of the question's explicit
constraints (the year, number, edition or name it states) than the quoted passage does.
A generated answer to a question asking for a figure (a date, a number) must state one of
the figures the quote answers with; a reply stating only other figures gives a different
answer than the article (``figures``). All pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.answering.analysis import Kind, analyse, constraints_met, question_parts, supplies
from bot.answering.answer import Citation
from bot.answering.numbers import numbers_in
from index.lang import Language, passage_lang, to_script
from index.lexical import tokenize

# after a comma, semicolon or colon, or a sentence end; not inside 46,500 or 1.8
_CLAUSE_END = re.compile(r"(?<=[，；：;:。!！?？])|(?<=[,.])(?!\d)\s*")
_COUNTED = ("number", "date")  # kinds whose values can be counted when asked for twice
# parts whose answer is a figure (a keyword-only question, "other", often asks for one)
_FIGURED = ("number", "date", "other")


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


def chosen(question: str, quotes: Sequence[Quote]) -> list[Quote]:
    """The quoted sentences that answer: the one sharing most of the question's terms, and for
    each part of the question it does not supply, the best sentence that does."""
    if not quotes:
        return []
    terms = set(tokenize(question))
    best = max(quotes, key=lambda q: _shared(terms, q.text))
    picked = [best]
    a = analyse(question)
    for kind in dict.fromkeys(question_parts(question)):
        part = replace(a, kind=kind)
        if kind == "other" or supplies(part, best.text):
            continue
        supplying = [q for q in quotes if supplies(part, q.text)]
        if supplying:
            picked.append(max(supplying, key=lambda q: _shared(terms, q.text)))
    return [q for q in quotes if q in picked]


def _shared(terms: set[str], text: str) -> int:
    return len(terms & set(tokenize(text)))


def missing_parts(question: str, quotes: Sequence[Quote], reply: str) -> list[Kind]:
    """The parts of ``question`` that ``quotes`` supply and ``reply`` does not, in order."""
    a = analyse(question)
    missing: list[Kind] = []
    for kind, asked in Counter(question_parts(question)).items():
        part = replace(a, kind=kind)
        quoted = [q.text for q in quotes if supplies(part, q.text)]
        if kind == "other" or not quoted:
            continue
        if not supplies(part, reply):
            missing.append(kind)
        elif asked > 1 and kind in _COUNTED:
            stated = a.years | a.numbers
            need = min(asked, len(numbers_in(" ".join(quoted)) - stated))
            if len(numbers_in(reply) - stated) < need:
                missing.append(kind)
    return missing


def off_subject(question: str, quoted: Sequence[str], cited: Sequence[str]) -> bool:
    """Whether the cited passages meet fewer of the question's explicit constraints than the
    quoted ones (an answer about the 2023 survey to a question about the 2024 one)."""
    a = analyse(question)
    if not a.constraints:
        return False
    return constraints_met(a, " ".join(cited)) < constraints_met(a, " ".join(quoted))


def figures(question: str, quotes: Sequence[Quote], reply: str) -> tuple[str | None, set[float]]:
    """For a question asking for a figure: ``"different"`` when the reply states figures
    (beyond the question's) and none of the quote's, ``"missing"`` with the quote's figures
    the reply lacks, or ``None``. A date or number question is met by one of the quote's
    figures; a question with no answer type ("second forum participants") by all of them,
    since nothing says which one it asks for."""
    a = analyse(question)
    stated = a.years | a.numbers
    wanted = numbers_in(" ".join(q.text for q in quotes)) - stated
    parts = set(question_parts(question))
    if not wanted or not parts & set(_FIGURED):
        return None, set()
    said = numbers_in(reply) - stated
    if not said & wanted:
        return ("different" if said else "missing"), wanted
    lacking = wanted - said
    if parts == {"other"} and lacking:
        return "missing", lacking
    return None, set()


def clauses_with(values: set[float], quotes: Sequence[Quote]) -> list[Quote | None]:
    """Quoted clauses that together state ``values`` (a None where one cannot be found)."""
    left, found = set(values), []
    while left:
        clause = clause_with(left, quotes)
        found.append(clause)
        if clause is None:
            break
        left -= numbers_in(clause.text)
    return found


ECHO = 0.2  # a reply with at most this share of words beyond the question's only restates it


def echoes(question: str, reply: str) -> bool:
    """Whether the reply only restates the question ("第五站幾號開幕[1]" to "第五站幾號開幕？")."""
    words = tokenize(re.sub(r"\[\d+\]", " ", reply))
    if not words:
        return True
    asked = set(tokenize(question))
    return sum(w not in asked for w in words) / len(words) <= ECHO


def clause_with(values: set[float], quotes: Sequence[Quote]) -> Quote | None:
    """The shortest quoted clause stating one of ``values`` (a whole sentence when no clause
    does on its own)."""
    return _shortest(quotes, lambda text: bool(numbers_in(text) & values))


def clause_for(kind: Kind, question: str, quotes: Sequence[Quote], reply: str) -> Quote | None:
    """The shortest quoted clause that supplies ``kind`` with something ``reply`` lacks
    (a whole sentence when no clause does on its own)."""
    part = replace(analyse(question), kind=kind)
    have = numbers_in(reply)
    return _shortest(
        quotes,
        lambda text: supplies(part, text) and not (kind in _COUNTED and numbers_in(text) <= have),
    )


def _shortest(quotes: Sequence[Quote], fits: Callable[[str], bool]) -> Quote | None:
    """The shortest clause of ``quotes`` whose text ``fits``; else the shortest whole quote."""
    for pieces in (_clauses, lambda q: [q]):
        found = [c for q in quotes for c in pieces(q) if fits(c.text)]
        if found:
            return min(found, key=lambda c: len(c.text))
    return None


def _clauses(quote: Quote) -> list[Quote]:
    pieces = [p.strip() for p in _CLAUSE_END.split(quote.text)]
    return [replace(quote, text=p) for p in pieces if len(p) > 3]


def strip_end(text: str) -> str:
    """A clause without its closing punctuation (it is quoted inside a sentence)."""
    return re.sub(r"[\s,，;；:：.。!！?？]+$", "", text)
