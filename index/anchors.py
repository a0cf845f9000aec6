"""Language-neutral anchors: ordinals and months written the same way in both halves.

"the twelfth meeting" and "第十二次會議", "May 2009" and "2009年5月" share no word, so
neither BM25 nor a small embedding model links them. Both get the same anchor tokens
(``#ord12``, ``#m5``), which the lexical index treats like words.
"""

from __future__ import annotations

import re

from index.lang import normalize

EN_ORDINALS = {
    w: i
    for i, w in enumerate(
        [
            "zeroth",
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ]
    )
    if i
}
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
ZH_NUM = "零〇一二两三四五六七八九十百千万亿"
_ZH_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)

_ZH_ORDINAL = re.compile(rf"第\s*(\d+|[{ZH_NUM}]+)|(首)[届次]")
_EN_ORDINAL = re.compile(
    r"\b(\d+)(?:st|nd|rd|th)\b|\b(" + "|".join(EN_ORDINALS) + r")\b", re.IGNORECASE
)
_MONTH_NAME = "|".join(MONTHS)
# A month name only counts next to a day or year number ("may" alone is a verb).
_EN_MONTH = re.compile(
    rf"\b({_MONTH_NAME})\b(?=\s*,?\s*\d)|(?<=\d)(?:st|nd|rd|th)?\s*,?\s*(?:of\s+)?({_MONTH_NAME})\b",
    re.IGNORECASE,
)
_OF_MONTH = re.compile(rf"\s*,?\s*(?:of\s+)?(?:{_MONTH_NAME})\b", re.IGNORECASE)
_ZH_MONTH = re.compile(rf"(\d{{1,2}}|[{ZH_NUM}]{{1,3}})\s*月")


def zh_number(text: str) -> int | None:
    """Value of a Chinese numeral up to the thousands (十二 → 12, 二十 → 20, 18 → 18); a run
    of digits without 十百千 written with a zero or three long is read digit by digit, as
    years are (二〇二一 → 2021, 一九九八 → 1998)."""
    if text.isdigit():
        return int(text)
    if all(ch in _ZH_DIGITS for ch in text) and (len(text) >= 3 or set(text) & set("〇零")):
        return int("".join(str(_ZH_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
        else:
            return None
    return total + current


def ordinals(text: str) -> set[int]:
    """Ordinal numbers named in ``text`` (第十二次, 首届, twelfth, 12th)."""
    norm = normalize(text)
    found: set[int] = set()
    for m in _ZH_ORDINAL.finditer(norm):
        value = 1 if m.group(2) else zh_number(m.group(1))
        if value is not None:
            found.add(value)
    for m in _EN_ORDINAL.finditer(norm):
        if not _OF_MONTH.match(norm, m.end()):  # the day of a date: "the 21st of March"
            found.add(int(m.group(1)) if m.group(1) else EN_ORDINALS[m.group(2).lower()])
    return found


def months(text: str) -> set[int]:
    """Months named in ``text`` as dates (May 2009, 24th June, the 24th of June, 2009年5月)."""
    norm = normalize(text)
    found = {MONTHS.index((m.group(1) or m.group(2)).lower()) + 1 for m in _EN_MONTH.finditer(norm)}
    for m in _ZH_MONTH.finditer(norm):
        value = zh_number(m.group(1))
        if value is not None and 1 <= value <= 12:
            found.add(value)
    return found


def anchors(text: str) -> list[str]:
    """Anchor tokens of ``text``: ``#ord<n>`` per ordinal, ``#m<n>`` per month."""
    return [f"#ord{n}" for n in sorted(ordinals(text))] + [f"#m{n}" for n in sorted(months(text))]
