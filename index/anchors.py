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
} | {
    f"{tens}ieth": 10 * n
    for n, tens in enumerate(("thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"), 3)
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
# a number that names one of a series, as 第二 does: "No. 2 Middle School" (第二中学), 一号冷库
# (not the day of a month, 5月3号, nor a code, Y3号)
DESIGNATION = re.compile(
    rf"\bno\.?\s?(\d{{1,3}})\b(?![.,]\d)|(?<![月A-Za-z0-9{ZH_NUM}-])(\d{{1,3}}|[{ZH_NUM}]{{1,3}})[号號]",
    re.IGNORECASE,
)
_MONTH_NAME = "|".join(MONTHS)
# A month name only counts next to a day or year number ("may" alone is a verb).
_EN_MONTH = re.compile(
    rf"\b({_MONTH_NAME})\b(?=\s*,?\s*\d)|(?<=\d)(?:st|nd|rd|th)?\s*,?\s*(?:of\s+)?({_MONTH_NAME})\b",
    re.IGNORECASE,
)
# the day of a date said as an ordinal: "21st March", "the 21st of March", "the first of May"
# (not "who spoke first, May or Chen?")
_DAY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)(?=\s*,?\s*(?:of\s+)?(?:{_MONTH_NAME})\b)"
    rf"|(?<=\bthe )({'|'.join(EN_ORDINALS)})(?=\s+of\s+(?:{_MONTH_NAME})\b)",
    re.IGNORECASE,
)
_ZH_MONTH = re.compile(rf"(\d{{1,2}}|[{ZH_NUM}]{{1,3}})\s*月")

EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_ORDINAL_ONES = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_TWO_DIGITS = rf"(?:{_TEENS}|(?:{_TENS})(?:[\s-]+(?:{_ONES}))?|oh[\s-]+(?:{_ONES}))"
# a year read in pairs of digits: "nineteen ninety-eight", "twenty twenty-two", "twenty oh nine"
_SCALE_AFTER = r"(?![\s-]+(?:and[\s-]+)?(?:hundred|thousand|million|billion)\b)"
# (not a count: "twenty twenty-dollar bills", "two thousand five hundred people")
_SPOKEN_YEAR = re.compile(
    rf"\b(eighteen|nineteen|twenty)[\s-]+({_TWO_DIGITS})\b(?![-\w]){_SCALE_AFTER}"
)
# "two thousand and nine", "two thousand twenty-two" (not "two thousand" alone: a count)
_SPOKEN_THOUSANDS = re.compile(
    rf"\b(?:one thousand eight hundred|two thousand)[\s-]+(?:and[\s-]+)?(?:{_TWO_DIGITS}|{_ONES})"
    rf"\b(?![-\w]){_SCALE_AFTER}"
)
_ONES_NTH = {w: i for i, w in enumerate(_ORDINAL_ONES.split("|"), start=1)}
_COMPOUND_ORDINAL = re.compile(rf"\b({_TENS})[\s-]+({_ORDINAL_ONES})\b")
_ZH_DATE_YEAR = re.compile(r"([零〇一二三四五六七八九]{4})(?=年)")
# a month in Chinese numerals (三月, 十二月; not 三个月, 几月, 岁月, 一二月)
_ZH_DATE_MONTH = re.compile(
    r"(?<![一二三四五六七八九十几个岁正腊两〇零])(十[一二]?|[一二三四五六七八九])(?=月)"
)
_ZH_DATE_DAY = re.compile(r"(?<=月)([一二三四五六七八九十]{1,3})(?=[日号])")


def en_value(text: str) -> int | None:
    """The value of English number words ("twenty-four", "two thousand and nine")."""
    words = re.findall(r"[a-z]+", text.lower())
    total, current, seen = 0, 0, False
    for word in words:
        if word in EN_UNITS:
            current += EN_UNITS[word]
            seen = True
        elif word in EN_SCALES:
            current = max(current, 1) * EN_SCALES[word]
            if EN_SCALES[word] >= 1000:
                total, current = total + current, 0
            seen = True
    return total + current if seen else None


def _nth(n: int) -> str:
    """21 → "21st", 12 → "12th": the ordinal as it is written in digits."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def written_dates(norm: str) -> str:
    """A normalised text with the parts of dates said in words written in digits, as most
    texts write them: "twenty nineteen" → 2019, "the twenty-first of march" → "the 21 of
    march" (a day; "the twenty-first edition" → 21st), 二〇一九年三月二十三日 → 2019年3月23日.
    Other number words are left as they are."""

    def pair(words: str) -> int:
        return en_value(words.replace("oh", " ")) or 0

    norm = _SPOKEN_YEAR.sub(lambda m: str(pair(m.group(1)) * 100 + pair(m.group(2))), norm)
    norm = _SPOKEN_THOUSANDS.sub(lambda m: str(en_value(m.group(0))), norm)
    norm = _COMPOUND_ORDINAL.sub(lambda m: _nth(EN_UNITS[m.group(1)] + _ONES_NTH[m.group(2)]), norm)
    norm = _DAY.sub(
        lambda m: str(int(m.group(1)) if m.group(1) else EN_ORDINALS[m.group(2).lower()]), norm
    )
    norm = _ZH_DATE_YEAR.sub(lambda m: str(zh_number(m.group(1))), norm)
    norm = _ZH_DATE_MONTH.sub(lambda m: str(zh_number(m.group(1))), norm)
    return _ZH_DATE_DAY.sub(lambda m: str(zh_number(m.group(1))), norm)


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
    """Ordinal numbers named in ``text`` (第十二次, 首届, twelfth, 12th, No. 12; not the day
    of a date, "the 21st of March")."""
    return dated_ordinals(written_dates(normalize(text)))


def dated_ordinals(norm: str) -> set[int]:
    """``ordinals`` of a text already normalised and passed through ``written_dates``."""
    found: set[int] = set()
    for m in _ZH_ORDINAL.finditer(norm):
        value = 1 if m.group(2) else zh_number(m.group(1))
        if value is not None:
            found.add(value)
    for m in _EN_ORDINAL.finditer(norm):
        found.add(int(m.group(1)) if m.group(1) else EN_ORDINALS[m.group(2).lower()])
    for m in DESIGNATION.finditer(norm):
        value = zh_number(m.group(1) or m.group(2))
        if value is not None:
            found.add(value)
    return found


# An ordinal that says when something happened, not which of a series: "when did they first
# meet" (no determiner before it), "in the first place", 第一次把…, 首次在… (a verb phrase after it).
_EN_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|our|your|my|this|that|these|those|each|every|whose)"
    r"|['’]s?)\s+(?:very\s+|ever\s+)?$"
)
_EN_IDIOM = re.compile(r"\bin the first place\b|\bfirst of all\b|\bfirst and foremost\b")
_ZH_ADVERBIAL = re.compile(rf"(?:第\s*(?:\d+|[{ZH_NUM}]+)|首)次(?=[把将在与和跟同向对给被从])")


def without_adverbial_ordinals(norm: str) -> str:
    """A normalised question with its adverbial ordinals blanked: those constrain no passage
    to one of a series ("when did the two chiefs first meet" is answered by a passage telling
    the meeting, whether or not it says "first")."""
    norm = _ZH_ADVERBIAL.sub(" ", _EN_IDIOM.sub(" ", norm))
    out, last = [], 0
    for m in _EN_ORDINAL.finditer(norm):
        before = norm[: m.start()]
        if before.strip() and not _EN_DETERMINER.search(before):
            out += [norm[last : m.start()], " "]
            last = m.end()
    return "".join(out) + norm[last:]


def months(text: str) -> set[int]:
    """Months named in ``text`` as dates (May 2009, 24th June, the 24th of June, 2009年5月)."""
    return dated_months(written_dates(normalize(text)))


def dated_months(norm: str) -> set[int]:
    """``months`` of a text already normalised and passed through ``written_dates``."""
    found = {MONTHS.index((m.group(1) or m.group(2)).lower()) + 1 for m in _EN_MONTH.finditer(norm)}
    for m in _ZH_MONTH.finditer(norm):
        value = zh_number(m.group(1))
        if value is not None and 1 <= value <= 12:
            found.add(value)
    return found


# the day of a date: 3月23日, "23 March", "the 23 of March", "March 23"
_DAY_OF = re.compile(
    rf"月\s*(\d{{1,2}})\s*[日号]|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAME})\b"
    rf"|\b(?:{_MONTH_NAME})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[,.]?\d)",
    re.IGNORECASE,
)


def dated_days(norm: str) -> set[tuple[int, int]]:
    """The (month, day) pairs of a text already normalised and passed through
    ``written_dates`` (3月23日, "23 March", "March 23": (3, 23))."""
    found = set()
    for m in _DAY_OF.finditer(norm):
        day = int(next(g for g in m.groups() if g))
        # the month of this day, not another further on (4月18日至8月31日, "23 March to 4 May")
        if m.group(1):
            month = dated_months(norm[max(0, m.start() - 3) : m.start() + 1])
        else:
            month = dated_months(m.group(0))
        if 1 <= day <= 31 and len(month) == 1:
            found.add((month.pop(), day))
    return found


_YEAR_MONTH = re.compile(
    rf"(\d{{4}})\s*年\s*(\d{{1,2}})\s*月|\b({_MONTH_NAME}),?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(\d{{4}})\b",
    re.IGNORECASE,
)


def year_months(text: str) -> set[tuple[int, int]]:
    """The (year, month) pairs ``text`` dates something to (2019年3月, "March 2019", "21
    March 2019", "March 21, 2019", 二〇一九年三月: (2019, 3))."""
    found = set()
    for m in _YEAR_MONTH.finditer(written_dates(normalize(text))):
        if m.group(1):
            year, month = int(m.group(1)), int(m.group(2))
        else:
            year, month = int(m.group(4)), MONTHS.index(m.group(3).lower()) + 1
        if 1 <= month <= 12:
            found.add((year, month))
    return found


def anchors(text: str) -> list[str]:
    """Anchor tokens of ``text``: ``#ord<n>`` per ordinal, ``#m<n>`` per month."""
    return dated_anchors(written_dates(normalize(text)))


def dated_anchors(dated: str) -> list[str]:
    """``anchors`` of a text already normalised and passed through ``written_dates``."""
    return [f"#ord{n}" for n in sorted(dated_ordinals(dated))] + [
        f"#m{n}" for n in sorted(dated_months(dated))
    ]
