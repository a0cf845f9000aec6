"""Indefinite mentions: a text that speaks only of "a wetland centre" or 一家茶行 has not
said which one.

A question asking which one, or its name, about a thing the article mentions only after an
indefinite determiner (a, an, some, another; 一家, 一个, 某) is near-miss: the article knows
the thing exists but never names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.lang import normalize

_CLASSIFIERS = "个家名位所座只种项间条支处份部本张件批"
# An indefinite determiner, then at most a few modifier words, right before the mention.
_ZH = re.compile(rf"(?:(?<!第)一[{_CLASSIFIERS}]|某[{_CLASSIFIERS}些]?)[\u4e00-\u9fff]{{0,6}}$")
_EN = re.compile(r"\b(?:a|an|some|another)\s+(?:[\w'’-]+\s+){0,2}$")
_WINDOW = 40


def _indefinite_before(text: str, start: int) -> bool:
    before = text[max(0, start - _WINDOW) : start]
    return bool(_ZH.search(before) or _EN.search(before))


def indefinite_only(forms: Iterable[str], text: str) -> bool:
    """Whether ``text`` mentions any of ``forms`` (a term and its renderings), and every
    mention follows an indefinite determiner."""
    norm = normalize(text)
    starts = []
    for form in filter(None, map(normalize, forms)):
        pattern = rf"\b{re.escape(form)}" if form.isascii() else re.escape(form)
        starts += [m.start() for m in re.finditer(pattern, norm)]
    return bool(starts) and all(_indefinite_before(norm, s) for s in starts)
