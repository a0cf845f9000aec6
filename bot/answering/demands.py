"""What a question demands of its evidence, so a near-miss is refused instead of quoted.

Unanswerable questions about an article usually reuse its words while asking for
something it never states: a count it does not give ("how many students took part"), an
edition it does not cover ("the third forum"), an attribute it never mentions ("the
population of Kobe"), or a name it never uses ("Osaka"). Similarity cannot see the
difference; these checks can. They look only at the question and the candidate
sentence, in either language, after script normalisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from index.anchors import MONTHS as _MONTHS
from index.anchors import ZH_NUM as _ZH_NUM
from index.anchors import ordinals
from index.lang import normalize
from index.lexical import load_jieba, stem, tokenize

_EN_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000, "dozen": 12}
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_ZH_DATE = re.compile(rf"[\d{_ZH_NUM}]+\s*[年月日号]")
_EN_COUNT = re.compile(
    r"\b(\d[\d,.]*|" + "|".join(_EN_NUMBERS) + r")\b(?!\s*(?:st|nd|rd|th)\b)", re.IGNORECASE
)
_ZH_COUNT = re.compile(rf"(?<![第\d{_ZH_NUM}])(\d[\d,.]*|[{_ZH_NUM}]+)\s*多?\s*([\u4e00-\u9fff]?)")
_MONTH_NEXT = re.compile(r"\s*,?\s*(?:" + "|".join(_MONTHS) + ")")
_MONTH_BEFORE = re.compile(r"(?:" + "|".join(_MONTHS) + r")\s*,?\s*$")
_TYPED = frozenset({"valu", "value", "amount", "sum", "cost", "worth", "total", "number"})
_PEOPLE = set("人名位")
_MONEY = re.compile(
    rf"[$¥￥€£]\s*\d|(?:\d[\d,.]*|[{_ZH_NUM}]+)\s*(?:多|余)?\s*(?:hundred |thousand )?"
    r"(?:million|billion|thousand|dollars?|yuan|yen|rmb|万|亿|元|美元|日元)",
)
_ZH_NAME_TAGS = ("ns", "nr", "nrt")  # places and people; jieba's nt/nz are too noisy
_GENERIC_COUNTERS = set("个对座所家项件种批国")
_NOT_COUNTERS = set("年月日号时分秒")

# questions
_HOW_MANY = re.compile(r"\bhow many ((?:[a-z-]+ ?){1,5})", re.IGNORECASE)
_HOW_MUCH = re.compile(
    r"\bhow much\b|\b(?:total |overall )?(?:value|amount|sum|cost|worth)\b|多少钱|金额|總金額|总金额|总额",
    re.IGNORECASE,
)
_ZH_HOW_MANY = re.compile(r"(?<!哪)(?:多少|几|幾)(?!乎)\s*([\u4e00-\u9fff]?)")
_PHRASE_END = re.compile(
    r"^(?:do|does|did|have|has|had|are|were|is|was|will|would|can|could|and|or|in|on|at|"
    r"since|so|to|from|took|take|[a-z-]+ed)$",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\bwhen\b|\bwhat (?:year|date)\b|\bin what year\b|什么时候|什麼時候|何时|何時|哪一?年|哪一?天|几月|幾月",
    re.IGNORECASE,
)
_SHARE = re.compile(r"比例|百分之|percentage|proportion|what share|what percent", re.IGNORECASE)
_WHO_EN = re.compile(r"\bwho ([a-z]+ed)\b", re.IGNORECASE)
_ATTRIBUTE_EN = re.compile(
    r"\bwhat (?:is|was|are|were) the ((?:[a-z-]+ ){0,2}[a-z-]+) (?:of|for)\b", re.IGNORECASE
)
_ATTRIBUTE_ZH = re.compile(
    r"的([\u4e00-\u9fff]{2,4}?)(?:分别|分別)?(?:是|叫|为|為)(?:谁|誰|什么|什麼|多少|哪)"
)
_INSTRUCTIONS = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above) (?:instructions|prompts?)|"
    r"system prompt|developer mode|hidden instructions|you are now|from now on,? you|"
    r"忽略.{0,6}(?:指令|指示|提示)|(?:系统|系統)提示|从现在开始你是|從現在開始你是|"
    r"忘[记記].{0,6}(?:设定|設定|指令|指示)|管理员指令|管理員指令|(?:隐藏|隱藏)(?:指令|的指令)",
    re.IGNORECASE,
)
_PROPER_EN = re.compile(r"(?<=[a-z,;:] )([A-Z][a-z]+)")


@dataclass(frozen=True)
class Demands:
    """What an answer to one question must show."""

    kinds: frozenset[str] = frozenset()  # of "count", "amount", "date", "percent"
    units: frozenset[str] = frozenset()  # English head-noun stems or Chinese counters
    ordinals: frozenset[int] = frozenset()
    actions: frozenset[str] = frozenset()  # "who founded" → {"found"}
    attributes: frozenset[str] = frozenset()  # "the population of" → {"population"}
    names: frozenset[str] = frozenset()  # proper nouns and numbers the question names
    instructions: bool = False  # the question tries to instruct the system


@lru_cache(maxsize=1024)
def demands(question: str) -> Demands:
    """Read the demands off a question (English, simplified or traditional Chinese)."""
    norm = normalize(question)
    kinds, units = set(), set()
    if _HOW_MUCH.search(norm):
        kinds.add("amount")
    for m in _HOW_MANY.finditer(norm):
        kinds.add("count")
        words = []
        for word in m.group(1).split():
            if _PHRASE_END.match(word):
                break
            words.append(word)
        if words:
            units.add(stem(words[-1]))
    for m in _ZH_HOW_MANY.finditer(norm):
        if m.group(1) in ("钱",):
            kinds.add("amount")
            continue
        if "amount" not in kinds:
            kinds.add("count")
        if m.group(1) and m.group(1) not in _NOT_COUNTERS and m.group(1) != "有":
            units.add(m.group(1))
    if _WHEN.search(norm):
        kinds.add("date")
    if _SHARE.search(norm):
        kinds = (kinds - {"count", "amount"}) | {"percent"}
    attributes = {w for m in _ATTRIBUTE_EN.finditer(norm) for w in tokenize(m.group(1))}
    attributes |= {m.group(1) for m in _ATTRIBUTE_ZH.finditer(norm)}
    return Demands(
        kinds=frozenset(kinds),
        units=frozenset(units),
        ordinals=frozenset(ordinals(question)),
        actions=frozenset(stem(m.group(1).lower()) for m in _WHO_EN.finditer(question)),
        attributes=frozenset(attributes),
        names=frozenset(_names(question)),
        instructions=bool(_INSTRUCTIONS.search(norm)),
    )


def _names(question: str) -> set[str]:
    """Proper nouns (capitalised mid-sentence, or tagged by jieba) and numbers, as tokens."""
    norm = normalize(question)
    names = {m.group(1).lower() for m in _PROPER_EN.finditer(question)}
    names |= {m.group(0) for m in re.finditer(r"\d{2,}(?!\s*(?:st|nd|rd|th)\b)", norm)}
    for run in re.findall(r"[\u4e00-\u9fff]+", norm):
        names |= {w for w, flag in _posseg().cut(run) if flag in _ZH_NAME_TAGS and len(w) > 1}
    return names


@lru_cache(maxsize=1)
def _posseg():
    load_jieba()
    import jieba.posseg

    return jieba.posseg


def unmet_in_question(
    d: Demands, known: Callable[[str], bool], mentions: Callable[[str], bool]
) -> str | None:
    """Why no sentence of the corpus can answer, judged from the question alone (or None).

    ``known`` tells whether a token is in the lexical index, ``mentions`` whether a
    string occurs in the corpus text.
    """
    if d.instructions:
        return "instructions"
    if any(not mentions(name) for name in d.names):
        return "unknown name"
    if any(not known(a) for a in d.attributes if a.isascii() and a not in _TYPED):
        return "unknown attribute"
    return None


def satisfies(d: Demands, sentence: str, context: str, strict: bool) -> bool:
    """Whether ``sentence`` (within ``context``: its passage and aligned translation)
    can answer a question with demands ``d``. ``strict`` holds it to the question's own
    words (same language, or an aligned translation exists)."""
    if not names_editions(d, context):
        return False
    if strict:
        if d.actions and not d.actions <= _tokens(context):
            return False
        if any(a not in normalize(context) for a in d.attributes if not a.isascii()):
            return False
    return not d.kinds or bool(answered(d, sentence, strict))


def names_editions(d: Demands, context: str) -> bool:
    """Whether ``context`` names every edition (ordinal) the question names."""
    return d.ordinals <= _ordinals(context)


# Passages recur across sentences and questions; their analysis is cached.
@lru_cache(maxsize=4096)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


@lru_cache(maxsize=4096)
def _ordinals(text: str) -> frozenset[int]:
    return frozenset(ordinals(text))


def answered(d: Demands, sentence: str, strict: bool = True) -> set[str]:
    """Which of the question's answer types (count, amount, date, percent) ``sentence``
    supplies."""
    norm = normalize(sentence)
    out = set()
    if "date" in d.kinds and (
        _YEAR.search(norm) or _ZH_DATE.search(norm) or any(m in norm for m in _MONTHS)
    ):
        out.add("date")
    if "amount" in d.kinds and _MONEY.search(norm):
        out.add("amount")
    if "percent" in d.kinds and re.search(r"\d\s*%|百分之|per ?cent", norm):
        out.add("percent")
    if "count" in d.kinds and _count_ok(d, norm, strict):
        out.add("count")
    return out


def _counts_en(norm: str) -> list[str]:
    """The text following each count-like English number (not a year, not a day of a month)."""
    out = []
    for m in _EN_COUNT.finditer(norm):
        if _YEAR.fullmatch(m.group(1)) or _MONTH_NEXT.match(norm, m.end()):
            continue
        if _MONTH_BEFORE.search(norm[: m.start()]):
            continue
        out.append(norm[m.end() : m.end() + 80])
    return out


def _counts_zh(norm: str) -> list[tuple[str, bool]]:
    """(counter, written in digits) of each Chinese count; years and dates excluded."""
    return [
        (m.group(2), m.group(1)[0].isdigit())
        for m in _ZH_COUNT.finditer(norm)
        if m.group(2) not in _NOT_COUNTERS
    ]


def _count_ok(d: Demands, norm: str, same_language: bool) -> bool:
    en_counts, zh_counts = _counts_en(norm), _counts_zh(norm)
    if not same_language or not d.units:
        return bool(en_counts or zh_counts)
    for after in en_counts:
        if d.units & {stem(w) for w in re.findall(r"[a-z]+", after)[:8]}:
            return True
    for counter, digits in zh_counts:
        if counter in d.units or (counter in _PEOPLE and d.units & _PEOPLE):
            return True
        if "个" in d.units and counter in _GENERIC_COUNTERS and (digits or counter != "国"):
            return True
    return False


@dataclass(frozen=True)
class DemandPreference:
    """A question's demands as a rerank ``Preference``: passages naming the edition the
    question names rank first; sentences that supply the demanded type score more."""

    wanted: Demands

    @classmethod
    def of(cls, question: str) -> DemandPreference | None:
        """None when the question demands nothing a passage could be preferred for."""
        wanted = demands(question)
        return cls(wanted) if wanted.kinds or wanted.ordinals else None

    def pins(self, context: str) -> bool:
        return bool(self.wanted.ordinals) and names_editions(self.wanted, context)

    def supplies(self, sentence: str, context: str) -> bool:
        return satisfies(self.wanted, sentence, context, True)
