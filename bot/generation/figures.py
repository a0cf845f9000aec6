"""Whether a generated answer gives the figures the quote answers with: another figure than
the quote's is a different answer (``figures``); one of two figures of a kind a quoted
sentence states leaves the choice between them to the reader (``rivalled``); and the quoted
clauses to add for figures a reply leaves out. All pure functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.answering.analysis import analyse, question_parts
from bot.answering.numbers import CURRENCY, MEASURES, counts_unit, is_year, numbers_in
from bot.generation.complete import figures_beyond, year_asked
from bot.generation.quotes import Quote, clauses, shortest
from index.anchors import months, year_months

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
    kinds: list[Callable[[str], bool]] = []
    if parts.count("number") == 1:
        units = [frozenset({u}) for u in _FIGURE_KINDS] + ([a.units] if a.units else [])
        kinds += [lambda text, u=u: counts_unit(u, text) for u in units]
    if parts.count("date") == 1 and not year_asked(question):
        kinds.append(lambda text: bool(months(text)))
    said = numbers_in(reply) - a.years - a.numbers
    counted = replace(a, kind="number")
    rivals: list[Quote] = []
    for quote in quotes:
        pieces = clauses(quote)
        mine = [c for c in pieces if numbers_in(c.text) & said]
        shared = [kind for kind in kinds if any(kind(c.text) for c in mine)]
        if any(
            c not in mine
            and figures_beyond(counted, [c.text]) - said
            and any(kind(c.text) for kind in shared)
            for c in pieces
        ):
            rivals.append(quote)
    return rivals


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
