"""Whether a generated answer covers every part of the question that the quote covers.

The question's parts come from ``question_parts`` ("When and where …" → date, place). A part
is missing when a sentence the extractive answer chose supplies it (``supplies``) and the
generated answer does not; a number or date asked for twice needs two values. A generated
answer is off the subject when the passages it cites meet fewer of the question's explicit
constraints (the year, number, edition or name it states) than the quoted passage does.
Figures are compared in ``bot.generation.figures``. All pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace

from bot.answering.analysis import (
    Analysis,
    Kind,
    analyse,
    constraints_met,
    question_parts,
    supplies,
)
from bot.answering.numbers import DIGITS, EN_NUMBER, SHARE, ZH_NUM, counts_unit, is_year, numbers_in
from bot.answering.tagging import sentence_entities
from bot.generation.coverage import UNTYPED, untyped
from bot.generation.quotes import Quote, best_of, shortest
from index.anchors import dated_days, months, written_dates, year_months
from index.bridge import Bridge
from index.lang import normalize
from index.lexical import tokenize

# a percentage or a fraction, however written: 9%, nine per cent, 百分之九, 四成, 三分之一
_SHARE_FIGURE = re.compile(
    rf"(?:{DIGITS.pattern}|{EN_NUMBER.pattern}|[{ZH_NUM}]+)\s*(?:%|％|per ?cent\b)"
    rf"|百分之[{ZH_NUM}点]+|[{ZH_NUM}]+成(?![员立功为长本])|[{ZH_NUM}]+分之[{ZH_NUM}]+",
    re.IGNORECASE,
)
_COUNTED = ("number", "date")  # kinds whose values can be counted when asked for twice
_NAMED = ("name", "person", "place")  # parts answered by a name: the reply must give the quote's


def chosen(question: str, quotes: Sequence[Quote], group: Collection[str] = ()) -> list[Quote]:
    """The quoted sentences that answer: the one sharing most of the question's terms, and for
    each part of the question it does not supply, the best sentence that does. A reason, a
    manner or an open "what" is explained by the whole of what the quote gives for it: every
    quote of the passages in ``group`` (the evidence and the neighbours of its paragraph the
    quote goes on into), or of the best sentence's passage when no group is given."""
    best = best_of(question, quotes)
    if best is None:
        return []
    picked = [best]
    a = analyse(question)
    if untyped(question):
        whole = set(group) or {best.passage_id}
        picked += [q for q in quotes if q.passage_id in whole]
    for kind, asked in Counter(question_parts(question)).items():
        part = replace(a, kind=kind)
        if kind == "other":
            continue
        if not (supplies(part, best.text) and _precise(kind, best, quotes)):
            suppliers = [q for q in quotes if supplies(part, q.text)]
            precise = [q for q in suppliers if _precise(kind, q, quotes)]
            supplier = best_of(question, precise or suppliers)
            if supplier is not None:
                picked.append(supplier)
        if asked > 1 and kind in _COUNTED:
            picked += _more_values(question, part, asked, quotes, picked)
    return [q for q in quotes if q in picked]


def _more_values(
    question: str, a: Analysis, asked: int, quotes: Sequence[Quote], picked: Sequence[Quote]
) -> list[Quote]:
    """For a figure asked twice ("how long did it take then, and how long now?"), the quotes
    that best give the values the ``picked`` ones lack, up to as many as asked; for a count,
    those counting what the question counts. ``a`` has the kind of the figure asked."""
    more: list[Quote] = []
    have = figures_beyond(a, [q.text for q in picked])
    while len(have) < asked:
        new = [
            q
            for q in quotes
            if q not in picked
            and q not in more
            and figures_beyond(a, [q.text]) - have
            and (not a.units or counts_unit(a.units, q.text))
            and supplies(a, q.text)
        ]
        best = best_of(question, new)
        if best is None:
            break
        more.append(best)
        have |= figures_beyond(a, [best.text])
    return more


def figures_beyond(a: Analysis, texts: Sequence[str]) -> set[float]:
    """The figures ``texts`` state beyond the question's; for any kind but a date, years
    aside (a year dates, it counts nothing)."""
    values = numbers_in(" ".join(texts)) - a.years - a.numbers
    return values if a.kind == "date" else {v for v in values if not is_year(v)}


def _precise(kind: Kind, quote: Quote, quotes: Sequence[Quote]) -> bool:
    """Whether ``quote`` answers a part as precisely as the quotes can: for a date, to the
    month when any quote dates to the month ("2019年10月" over "2019年")."""
    if kind != "date":
        return True
    return bool(months(quote.text)) or not any(months(q.text) for q in quotes)


def missing_parts(question: str, quotes: Sequence[Quote], reply: str) -> list[Kind]:
    """The parts of ``question`` that ``quotes`` supply and ``reply`` does not, in order."""
    a = analyse(question)
    missing: list[Kind] = []
    for kind, asked in Counter(question_parts(question)).items():
        part = replace(a, kind=kind)
        quoted = [q.text for q in quotes if supplies(part, q.text)]
        if kind == "other" or not quoted:
            continue
        if (
            not supplies(part, reply)
            or (kind in _NAMED and not _same_names(question, part, quoted, reply))
            or (
                kind == "number" and (_uncounted(a, quoted, reply) or _share_only(a, quoted, reply))
            )
            or (kind == "date" and not year_asked(question) and _vaguer(quoted, reply))
        ):
            missing.append(kind)
        elif asked > 1 and kind in _COUNTED:
            joined = " ".join(quoted)
            if kind == "date":
                given, wanted = _dates(reply), _dates(joined)
            else:  # a year dates, it counts nothing ("in October 2018 … nine weeks")
                given, wanted = (
                    len(figures_beyond(part, [reply])),
                    len(figures_beyond(part, [joined])),
                )
            if given < min(asked, wanted):
                missing.append(kind)
    return missing


def _dates(text: str) -> int:
    """How many dates a text gives: days (18 April, 8月31日), else months of years, else
    numbers (2016年至2017年)."""
    days = dated_days(written_dates(normalize(text)))
    return len(days) or len(year_months(text)) or len(numbers_in(text))


def typed(question: str) -> bool:
    """Whether the question asks for a date, a number, a place or a name."""
    return any(kind not in UNTYPED for kind in question_parts(question))


def answers_any(question: str, quotes: Sequence[Quote], reply: str) -> bool:
    """Whether the reply gives any of the typed parts (date, number, place, name) the quote
    gives; True for a question with an untyped part (what, why, how), which a reply may answer
    in its own words. A reply giving none of them ("the governors' association's president is
    the mechanism of regular visits" to "who is its president?") is not completed by appending
    the quote: its own claim would stand beside the article's."""
    parts = dict.fromkeys(question_parts(question))
    if set(parts) & set(UNTYPED):
        return True
    missing = set(missing_parts(question, quotes, reply))
    a = analyse(question)
    return any(
        kind not in missing and any(supplies(replace(a, kind=kind), q.text) for q in quotes)
        for kind in parts
    )


_YEAR_ONLY = re.compile(r"哪一?年|\b(?:which|what) year\b")
_FINER_THAN_YEAR = re.compile(r"几月|哪个?月|几号|哪一?天|\b(?:which|what) (?:month|day|date)\b")


def year_asked(question: str) -> bool:
    """Whether the question asks for the year alone ("哪一年签的？", "in which year"), which a
    year answers however precisely the quote dates it."""
    norm = normalize(question)
    return bool(_YEAR_ONLY.search(norm)) and not _FINER_THAN_YEAR.search(norm)


def _vaguer(quoted: Sequence[str], reply: str) -> bool:
    """Whether the reply dates by the year alone what the quote dates to the month ("2019"
    for the quote's "October 2019")."""
    return any(months(t) for t in quoted) and not months(reply)


def _uncounted(a: Analysis, quoted: Sequence[str], reply: str) -> bool:
    """Whether the quote counts what a "how many" question counts and the reply does not (a
    date is not a head count)."""
    return (
        bool(a.units)
        and any(counts_unit(a.units, t) for t in quoted)
        and not counts_unit(a.units, reply)
    )


def _share_only(a: Analysis, quoted: Sequence[str], reply: str) -> bool:
    """Whether a question asking for a count or an amount, not a share, gets only a
    percentage or a fraction (and years) from the reply while the quote states another
    figure: "nine per cent of the world's population" is no count of birds."""
    if SHARE in a.units or not _SHARE_FIGURE.search(reply):
        return False

    def others(text: str) -> set[float]:
        return {v for v in numbers_in(_SHARE_FIGURE.sub(" ", text)) if not is_year(v)}

    return not others(reply) - a.numbers and bool(others(" ".join(quoted)) - a.numbers)


def _given_names(a: Analysis, texts: Sequence[str]) -> set[str]:
    """The names ``texts`` state beyond the question's own; a quoted term only when the
    question asks for a name (“东强西弱” is no person or place)."""
    return {
        e
        for text in texts
        for e in sentence_entities(text, quoted=a.kind == "name")
        if not any(e in n or n in e for n in a.names)
    }


def _same_names(question: str, a: Analysis, quoted: Sequence[str], reply: str) -> bool:
    """Whether the reply names as many of the names the quote answers with (beyond the
    question's) as the question asks for, one unless it says ("which two cities"): "the
    Friendship Association" does not answer "which two cities" the way "Tianjin and Kobe" does."""
    given = _given_names(a, quoted)
    said = normalize(reply)
    return sum(e in said for e in given) >= min(len(given), asked_count(question))


# "which two cities", "what 3 museums", 哪两座: the number is parsed by ``numbers_in``
_ASKED_COUNT = re.compile(
    r"\b(?:which|what) [a-z0-9]+ [a-z]+|哪[一两二三四五六七八九十\d]+[\u4e00-\u9fff]"
)


def asked_count(question: str) -> int:
    """How many answers a question asks for ("which two cities", 哪两座城市 → 2); else 1."""
    m = _ASKED_COUNT.search(normalize(question))
    return max(1, int(max(numbers_in(m.group(0)), default=1))) if m else 1


def off_subject(
    question: str,
    quoted: Sequence[str],
    cited: Sequence[str],
    dated: bool = False,
    bridge: Bridge | None = None,
) -> bool:
    """Whether the cited passages meet fewer of the question's explicit constraints than the
    quoted ones (an answer about the 2023 survey to a question about the 2024 one). With
    ``dated`` (the cited passages go on from the quote's evidence, which dates them) only the
    names the question states are held to them. With the corpus' ``bridge``, a name is also
    met by its rendering in the other language ("Reading Bridge" by 阅读桥)."""
    a = analyse(question)
    if dated:
        none = frozenset()
        a = replace(a, years=none, numbers=none, months=none, ordinals=none, days=none, series=none)
    if not a.constraints:
        return False
    return _met(a, " ".join(cited), bridge) < _met(a, " ".join(quoted), bridge)


def _met(a: Analysis, text: str, bridge: Bridge | None) -> float:
    """How many of the question's explicit constraints ``text`` meets: a name as written, or
    with at least one of its words rendered in the other language and the rest as written."""
    unnamed = replace(a, names=())
    met = constraints_met(unnamed, text) * unnamed.constraints
    tokens, flat = set(tokenize(text)), normalize(text).replace(" ", "")
    for name in a.names:
        if name.replace(" ", "") in flat:
            met += 1
            continue
        words = tokenize(name)
        rendered = bridge.translate(words, tokens) if bridge is not None and words else {}
        # only renderings the text holds: translate also gives an abbreviation's full name
        via = {w for w in words if rendered.get(w, set()) & tokens}
        met += bool(via) and all(w in via or w in tokens for w in words)
    return met


ECHO = 0.2  # a reply with at most this share of words beyond the question's only restates it


def echoes(question: str, reply: str) -> bool:
    """Whether the reply only restates the question ("第五站幾號開幕[1]" to "第五站幾號開幕？").
    A restatement adding a figure of the asked kind answers it ("一共辦了18屆" to
    "一共辦了幾屆", not "要花146个" to "要花多少钱"), or a name the question does not give
    to a name question; the figure or name is then held to the passages and the quote like
    any other."""
    said = re.sub(r"\[\d+\]", " ", reply)
    words = tokenize(said)
    if not words:
        return True
    a = analyse(question)
    if (
        numbers_in(said) - numbers_in(question)
        and supplies(a, said)
        and (not a.units or counts_unit(a.units, said, a.units))
    ):
        return False
    if a.kind in _NAMED and supplies(a, said):
        return False  # a name the question does not give ("…is dairo"), held to the quote's
    asked = set(tokenize(question))
    return sum(w not in asked for w in words) / len(words) <= ECHO


def clause_for(kind: Kind, question: str, quotes: Sequence[Quote], reply: str) -> Quote | None:
    """The shortest quoted clause that supplies ``kind`` with something ``reply`` lacks
    (a whole sentence when no clause does on its own)."""
    a = analyse(question)
    part = replace(a, kind=kind)
    have = numbers_in(reply)
    said = normalize(reply)
    lacking = {e for e in _given_names(part, [q.text for q in quotes]) if e not in said}
    if kind in _NAMED and not lacking:
        return None  # no name the reply lacks: no clause supplies the part, so fall back
    # as many names the reply lacks as the question asks for ("Tianjin, China and Kobe")
    wanted = min(asked_count(question), len(lacking))

    def fits(text: str) -> bool:
        if not supplies(part, text) or (kind in _COUNTED and numbers_in(text) <= have):
            return False
        return kind not in _NAMED or len(_given_names(part, [text]) & lacking) >= wanted

    return shortest(quotes, fits)
