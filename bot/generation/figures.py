"""Whether a generated answer gives the figures the quote answers with: another figure than
the quote's is a different answer (``figures``); one of two figures of a kind the quoted
sentences of a passage state leaves the choice between them to the reader (``rivalled``); a
figure given as a count of what the passage counts otherwise is mislabelled
(``mislabelled``), unless the quote counts something else and the passage the thing asked
(``counted_elsewhere``); numerals are written as the passages write them (``as_written``);
and the quoted clauses to add for figures a reply leaves out. All pure functions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.answering.analysis import Analysis, analyse, question_parts
from bot.answering.numbers import (
    CURRENCY,
    MEASURES,
    ZH_NUMERAL,
    counts_unit,
    is_year,
    numbers_in,
)
from bot.generation.complete import figures_beyond, year_asked
from bot.generation.quotes import Quote, clauses, shortest
from index.anchors import months, year_months
from index.lang import detect_lang

# parts whose answer is a figure (a keyword-only question, "other", often asks for one)
_FIGURED = ("number", "date", "other")


def figures(question: str, quotes: Sequence[Quote], reply: str) -> tuple[str | None, set[float]]:
    """For a question asking for a figure: ``"different"`` when the reply states figures
    (beyond the question's) and none of the quote's, ``"missing"`` with the quote's figures
    the reply lacks, or ``None``. A date or number question is met by one of the quote's
    figures other than a year alone (the same year with another day is another date); a
    question with no answer type ("second forum participants") by all of them,
    since nothing says which one it asks for."""
    a = analyse(question)
    stated = a.years | a.numbers
    wanted = numbers_in(" ".join(q.text for q in quotes)) - stated
    parts = set(question_parts(question))
    if not wanted or not parts & set(_FIGURED):
        return None, set()
    said = numbers_in(reply) - stated
    # a month the reply dates to another year than the quote does ("2019年3月" where the
    # quote signed in 2018年3月 and began in 2019)
    if "date" in parts:
        quoted = year_months(" ".join(q.text for q in quotes))
        if any(
            (y, m) not in quoted and any(qm == m for _, qm in quoted) for y, m in year_months(reply)
        ):
            return "different", wanted
    shared = said & wanted
    if not shared:
        return ("different" if said else "missing"), wanted
    if all(map(is_year, shared)) and any(not is_year(v) for v in said - wanted):
        # the same year, another day or count: "2024年5月18日" for the quote's 2024年10月31日
        return "different", wanted
    lacking = wanted - said
    if parts == {"other"} and lacking:
        return "missing", lacking
    return None, set()


# kinds of figure: two figures of one kind in a sentence (two sums, two shares) are rivals
_FIGURE_KINDS = (CURRENCY, *MEASURES)


def rivalled(question: str, quotes: Sequence[Quote], reply: str) -> list[Quote]:
    """For a question asking for one figure or date, the quoted sentences that state another
    of the kind the reply gives from them: of "52% found it more active, 30% about the
    same", which one 差不多 asks for the words alone do not tell, so a reply giving one of
    them carries the sentence as the article says it. Likewise a reply dating a renewal by
    "valid until December 2025" where the sentence also says "in June 2021"."""
    a = analyse(question)
    parts = question_parts(question)
    # each kind with what it counts as a figure: a date's year is one, a count's is not
    kinds: list[tuple[Callable[[str], bool], Analysis]] = []
    if parts.count("number") == 1:
        units = [frozenset({u}) for u in _FIGURE_KINDS] + ([a.units] if a.units else [])
        counted = replace(a, kind="number")
        kinds += [(lambda text, u=u: counts_unit(u, text), counted) for u in units]
    if parts.count("date") == 1 and not year_asked(question):
        kinds.append((lambda text: bool(months(text)), replace(a, kind="date")))
    said = numbers_in(reply) - a.years - a.numbers
    # a rival may be in another sentence the quote gives of the same passage: of "In June
    # 2018 the Centre opened…. A year later, in July 2019, the county bought…", which one a
    # question about a "mobile library van" asks for, its words may not tell either
    passages: dict[str, list[Quote]] = {}
    for quote in quotes:
        passages.setdefault(quote.passage_id, []).append(quote)
    rivals: list[Quote] = []
    for group in passages.values():
        pieces = [(quote, c) for quote in group for c in clauses(quote)]
        mine = [c for _, c in pieces if numbers_in(c.text) & said]
        shared = [(fits, b) for fits, b in kinds if any(fits(c.text) for c in mine)]
        rivals += [
            quote
            for quote, c in pieces
            if c not in mine
            and any(fits(c.text) and figures_beyond(b, [c.text]) - said for fits, b in shared)
        ]
    return list(dict.fromkeys(rivals))


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


def clause_with(values: set[float], quotes: Sequence[Quote]) -> Quote | None:
    """The shortest quoted clause stating one of ``values`` (a whole sentence when no clause
    does on its own)."""
    return shortest(quotes, lambda text: bool(numbers_in(text) & values))


def counted_clauses(question: str, quotes: Sequence[Quote], reply: str) -> list[Quote]:
    """Every quoted clause counting what a "how many" question counts with a figure the reply
    lacks ("7 provincial leaders", "6 governors" for 参加人数)."""
    a = analyse(question)
    if not a.units:
        return []
    have = numbers_in(reply) | a.numbers | a.years
    return [
        c
        for q in quotes
        for c in clauses(q)
        if counts_unit(a.units, c.text) and numbers_in(c.text) - have
    ]


def _counted(question: str, reply: str) -> tuple[frozenset[str], list[Quote]]:
    """The units a "how many" question counts and the reply's clauses counting them."""
    units = analyse(question).units
    own = [c for c in clauses(Quote(reply, "")) if units and counts_unit(units, c.text)]
    return units, own


def _source(reply: str, texts: Sequence[str]) -> list[str]:
    """The clauses of ``texts`` in the reply's language: what a figure counts is read
    from the words next to it, which only the same language can match."""
    lang = detect_lang(reply)
    return [c.text for t in texts for c in clauses(Quote(t, "")) if detect_lang(c.text) == lang]


def _single_figure(question: str, text: str) -> float | None:
    a = analyse(question)
    values = {v for v in numbers_in(text) - a.years - a.numbers if not is_year(v)}
    return values.pop() if len(values) == 1 else None


def mislabelled(question: str, reply: str, texts: Sequence[str]) -> bool:
    """Whether the reply gives a figure as a count of what a "how many" question counts
    where the cited passages ``texts`` state it of something else only: 128600册 where the
    passage received 128600人次."""
    units, own = _counted(question, reply)
    source = _source(reply, texts)
    for clause in own:
        value = _single_figure(question, clause.text)
        found = [t for t in source if value is not None and value in numbers_in(t)]
        if found and not any(counts_unit(units, t) for t in found):
            return True
    return False


def counted_elsewhere(
    question: str, quotes: Sequence[Quote], reply: str, texts: Sequence[str]
) -> bool:
    """Whether a "how many" reply whose figures are not the quote's gives them as the cited
    passages ``texts`` count the thing asked, where no quoted sentence counts it: the quote
    then answers something else ("five months" for how many villages) and the reply, as
    the passage states it, is the answer."""
    units, own = _counted(question, reply)
    if set(question_parts(question)) != {"number"} or not own:
        return False
    if not all(q.own_language for q in quotes) or any(counts_unit(units, q.text) for q in quotes):
        return False
    source = _source(reply, texts)
    values = {v for c in own for v in numbers_in(c.text)} - analyse(question).numbers
    return bool(values) and all(
        any(v in numbers_in(t) and counts_unit(units, t) for t in source) for v in values
    )


def as_written(reply: str, texts: Sequence[str]) -> str:
    """The reply with each Chinese numeral of ten or more that ``texts`` (the passages
    shown, in the reply's script) write otherwise before the same character written as they
    do: 百四十棵 for their 一百四十棵 (the character keeps 千万不要 from 一千万元)."""
    written: dict[tuple[float, str], str] = {}
    for text in texts:
        for m in ZH_NUMERAL.finditer(text):
            for value in numbers_in(m.group(0)):
                written.setdefault((value, text[m.end() : m.end() + 1]), m.group(0))

    def fix(m: re.Match[str]) -> str:
        values = numbers_in(m.group(0))
        value = values.pop() if len(values) == 1 else 0.0
        after = m.string[m.end() : m.end() + 1]
        return written.get((value, after), m.group(0)) if value >= 10 else m.group(0)

    return ZH_NUMERAL.sub(fix, reply)
