"""Numbers in English and Chinese text: digits (41,300; 1.8万; 2 million), Chinese numerals
(二百五十, 三十六名) and English number words (twenty-four), as values to compare."""

from __future__ import annotations

import re

from index.anchors import MONTHS, ZH_NUM, zh_number
from index.lang import normalize

YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?!\d|[.,]\d)")
DIGITS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
ZH_NUMERAL = re.compile(
    rf"[{ZH_NUM}]{{2,}}|[二两三四五六七八九十](?=[个对名位次届期座所家项件种批份场人只条艘箱])"
)
_DATE_PART = re.compile(r"^\s*[月日号]")
_APPROXIMATE = re.compile(r"^\s*(?:几|多|余|来)")
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_EN_NUMBER = re.compile(
    r"\b(?:"
    + "|".join(_EN_UNITS)
    + r")\b(?:[\s-]+(?:and\s+)?(?:"
    + "|".join([*_EN_UNITS, *_EN_SCALES])
    + r")\b)*",
    re.IGNORECASE,
)
_ZH_SCALE = {"万": 10_000, "亿": 100_000_000}
_EN_SCALE_AFTER = re.compile(r"^\s*(million|billion|thousand)\b", re.IGNORECASE)


def numbers_in(text: str, exact: bool = False) -> set[float]:
    """Numeric values in ``text``: digits (41,300; 1.8万; 2 million), Chinese numerals
    (二百五十, 三十六名) and English number words (twenty-four). With ``exact``, values
    marked as approximate (三十几, 30多) are left out."""
    norm = normalize(text)
    out: set[float] = set()
    for m in DIGITS.finditer(norm):
        value = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        after = norm[m.end() : m.end() + 12]
        if exact and (_APPROXIMATE.match(after) or _DATE_PART.match(after)):
            continue
        scale = _EN_SCALE_AFTER.match(after)
        if scale:
            value *= _EN_SCALES[scale.group(1).lower()]
        elif after[:1] in _ZH_SCALE:
            value *= _ZH_SCALE[after[0]]
        out.add(value)
    for m in ZH_NUMERAL.finditer(norm):
        # 三十几 is approximate; 哪两座 asks which two: neither states a figure
        before = norm[max(0, m.start() - 1) : m.start()]
        if exact and (_APPROXIMATE.match(norm[m.end() :]) or before in ("哪", "几", "第")):
            continue
        value = _zh_value(m.group(0))
        if value is not None:
            out.add(float(value))
    for m in _EN_NUMBER.finditer(norm):
        value = _en_value(m.group(0))
        # "the two countries": small number words are grammar, not a stated figure
        if value is not None and not (exact and value <= 12):
            out.add(float(value))
    return out


def _zh_value(text: str) -> int | None:
    for unit, scale in _ZH_SCALE.items():
        if unit in text:
            head, _, tail = text.partition(unit)
            high, low = (_zh_value(head) if head else 1), (_zh_value(tail) if tail else 0)
            return None if high is None or low is None else high * scale + low
    return zh_number(text)


def _en_value(text: str) -> int | None:
    words = re.findall(r"[a-z]+", text.lower())
    total, current, seen = 0, 0, False
    for word in words:
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
            seen = True
        elif word in _EN_SCALES:
            current = max(current, 1) * _EN_SCALES[word]
            if _EN_SCALES[word] >= 1000:
                total, current = total + current, 0
            seen = True
    return total + current if seen else None


def has_quantity(norm: str) -> bool:
    """Whether a text states a quantity: a number that is not a year or part of a date."""
    bare = YEAR.sub(" ", norm)
    bare = re.sub(rf"[\d{ZH_NUM}]+\s*[月日号]", " ", bare)
    bare = re.sub(r"\b\d{1,2}(?:st|nd|rd|th)?\s*,?\s*(?:" + "|".join(MONTHS) + r")\b", " ", bare)
    bare = re.sub(r"\b(?:" + "|".join(MONTHS) + r")\s+\d{1,2}\b", " ", bare)
    return bool(numbers_in(bare))
