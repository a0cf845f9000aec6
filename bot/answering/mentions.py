"""Indefinite mentions: a text that speaks only of "a wetland centre" or 一家茶行 has not
said which one.

A question asking which one, or its name, about a thing the article mentions only after an
indefinite determiner (a, an, some, another; 一家, 一个, 某) is near-miss: the article knows
the thing exists but never names it. A mention that goes on to give the name ("a protocol
called Golden Sixty", 一个名为…的) or stands beside one ("Aoife Gallagher, a nurse
educator") is named.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from index.lang import normalize, to_simplified

_CLASSIFIERS = "个家名位所座只种项间条支处份部本张件批"
# An indefinite determiner, then at most a few modifier words, right before the mention.
# (not an ordinal or a numeral: 第一家, 十一家; not "the only" or "the same": 唯一, 同一)
_ZH = re.compile(
    rf"(?:(?<![第十百千万零两一同唯每\d])一[{_CLASSIFIERS}]|某[{_CLASSIFIERS}些]?)[\u4e00-\u9fff]{{0,8}}$"
)
_EN = re.compile(r"\b(?:a|an|some|another)\s+(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)
# A name right after the mention: "called …", "named …", a quotation, a bracket, 名为/叫.
_NAMED_AFTER = re.compile(
    r"^\S*\s*(?:,\s*)?(?:called|named|known as|dubbed|nicknamed|titled|[“\"「『(（])|^[^，。；]{0,4}?"
    r"(?:名为|名叫|叫做|称为|[“「『(（])"
)
# A capitalised name right after the mention: "a mobile app, BrainDash".
_NAME_NEXT = re.compile(r"\s*,\s*(?:the\s+)?[A-Z]")
# An appositive: the mention describes the name just before it ("Aoife Gallagher, a …").
_APPOSITIVE = re.compile(r"\b[A-Z][\w'’-]*\s*,\s*$")
_WINDOW = 40


def _unnamed(text: str, start: int, end: int) -> bool:
    """Whether the mention at ``start:end`` follows an indefinite determiner and no name
    stands beside it."""
    offset = max(0, start - _WINDOW)
    before = text[offset:start]
    if not _ZH.search(before):
        en = _EN.search(before)
        if en is None:
            return False
        determiner = en.start() + offset
        if _APPOSITIVE.search(text[max(0, determiner - 30) : determiner]):
            return False
    after = text[end : end + 12]
    return not (_NAMED_AFTER.search(after.lower()) or _NAME_NEXT.match(after))


def indefinite_only(forms: Iterable[str], text: str) -> bool:
    """Whether a line of ``text`` mentions any of ``forms`` (a term and its renderings) only
    after an indefinite determiner (each line is judged alone: a passage and its
    translation)."""
    wanted = [f for f in map(normalize, forms) if f]
    for line in text.split("\n"):
        # case is kept: an appositive follows a capitalised name
        folded = to_simplified(unicodedata.normalize("NFKC", line))
        spans = []
        for form in wanted:
            pattern = rf"\b{re.escape(form)}\w*" if form.isascii() else re.escape(form)
            spans += [m.span() for m in re.finditer(pattern, folded, re.IGNORECASE)]
        if spans and all(_unnamed(folded, a, b) for a, b in spans):
            return True
    return False


_AUX = r"(?:did|do|does|was|were|is|are|has|have|had|will|can|could|would|got|gets?)"
_EN_HEAD = (
    re.compile(rf"\b(?:which|what)\s+((?:(?!{_AUX}\b)[\w'’-]+\s+){{0,2}}(?!{_AUX}\b)[\w'’-]+)"),
    re.compile(r"\bname of (?:the |this |that |a |an )?((?:(?!of\b|in\b|at\b)[\w'’-]+\s*){1,3})"),
    re.compile(r"\bwho (?:is|was|were|are) (?:the )?((?:(?!of\b|in\b|at\b)[\w'’-]+\s*){1,2})"),
)
_ZH_HEAD = (
    re.compile(r"哪[一]?[位个家所座条支种些几]?((?:(?![的是在])[\u4e00-\u9fff]){1,4})"),
    re.compile(r"([\u4e00-\u9fff]{1,4})(?:叫什么|是谁|是哪|姓什么)"),
)


def asked_thing(question: str) -> str | None:
    """The words naming what a which-question asks about ("which Dutch expert", 哪位荷兰专家,
    "the name of the hall"), or None when the question names no such thing."""
    norm = to_simplified(normalize(question))
    found = [m.group(1) for p in (*_EN_HEAD, *_ZH_HEAD) for m in p.finditer(norm)]
    return " ".join(found) if found else None
