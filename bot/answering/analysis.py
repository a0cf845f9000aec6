"""What a question asks for, and what a sentence supplies, from cues that hold for any article.

- The answer type comes from the question word (when/哪一年 → date, how many/多少 → number,
  where/哪里 → place, who/谁 → person, why/为什么 → reason, how/怎么 → manner).
- Explicit constraints are the years, numbers, ordinals and names the question states: an
  answer must be about them (the 2024 survey is not the 2023 one).
- Instructions addressed to the system (ignore the above, 系统提示) mark an injection.

A sentence's own types come from numbers and dates in either language, jieba's part-of-speech
tags (ns place, nr person, nt organisation) and capitalised English names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.answering.numbers import (
    EN_PEOPLE,
    YEAR,
    bounds,
    count_units,
    counts_unit,
    has_quantity,
    numbers_in,
    years_in,
)
from bot.answering.tagging import (
    CODE,
    NOT_NAMES,
    PROPER,
    names_in,
    sentence_entities,
    tagged,
)
from index.anchors import (
    DESIGNATION,
    EN_ORDINALS,
    ZH_NUM,
    dated_days,
    dated_months,
    dated_ordinals,
    months,
    without_adverbial_ordinals,
    written_dates,
)
from index.lang import normalize
from index.lexical import tokenize

Kind = str  # "name" | "date" | "number" | "place" | "person" | "reason" | "manner" | "other"

# Question words per answer type; Chinese after normalisation to simplified script.
_KIND_CUES: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "name",
            r"\bwhat (?:is|was|are|were) (?:the |its |their )?(?:name|title)s?\b|\bwhat(?:'s| is) it "
            r"called\b|\bcalled what\b|\bnamed what\b|\bwhat (?:is|was) .{1,40} called\b|"
            r"叫什么|什么名字|名字是|名称是|什么名称|叫做什么|名叫什么",
        ),
        (
            "reason",
            r"\bwhy\b|\bfor what reason\b|\bwhat (?:led|caused)\b|为什么|为何|什么原因|何故|怎么会",
        ),
        (
            "date",
            r"\bwhen\b|\bwhat (?:year|date|month|day|time)\b|\bwhich (?:year|month|day)\b|"
            r"\bin what year\b|\bhow long ago\b|什么时候|何时|哪一?年|哪一?天|几月|哪个月|什么日期|几号|何年",
        ),
        (
            "number",
            r"\bhow (?:many|much|far|long|old|big|large|high|often)\b|\bwhat (?:number|percentage|"
            r"share|proportion|amount|sum|total|size)\b|\bwhat (?:is|was|are|were) the (?:[a-z-]+ )?"
            r"(?:fee|price|cost|budget)s?\b|多少|几|多大|多远|多长|多久|多高|比例|百分之",
        ),
        (
            "place",
            r"\bwhere\b|\b(?:which|what) (?:(?!(?:is|was|are|were|do|does|did|has|have|had|can|will|"
            r"the|a|an)\b)[\w-]+ )?(?:city|cities|countr(?:y|ies)|places?|towns?|"
            r"provinces?|islands?|regions?|venues?|sites?|ports?)\b|\bin which\b|哪里|哪儿|在哪(?![些个种类])|何地|何处|什么地方|"
            r"哪[一两二三四五几]?个(?:城市|国家|地方|省|岛|县|市|港)|哪[一两二三四五几]?座",
        ),
        (
            "person",
            r"\bwho\b|\bwhom\b|\bwhose\b|\bby whom\b|\bwhich (?:(?:two|three|four|five|\d+) )?"
            r"(?:organi[sz]ations?|institutions?|compan(?:y|ies)|museums?|persons?|people)\b|谁|哪位|何人|哪些人|哪家|什么人|什么机构|哪个机构",
        ),
        ("manner", r"\bhow\b|\bin what way\b|\bby what means\b|怎么|怎样|如何|什么方式|什么方法"),
    )
)
# A question without a question word ("children's workshop name", 修复 费用) asks for the
# attribute it names.
_ATTRIBUTE_CUES: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("name", r"\b(?:name|title)s?\b|名字|名称|标题|题目"),
        ("date", r"\b(?:date|year|month|day)s?\b|日期|年份|时间"),
        (
            "number",
            r"\b(?:number|count|total|amount|cost|price|fee|budget|percent(?:age)?|share)s?\b|"
            r"费用|金额|人数|数量|数目|总数|票价|预算|比例|百分比|多少",
        ),
        ("place", r"\b(?:place|location|venue|city|country)\b|地点|地方|位置|城市"),
        ("person", r"\b(?:author|founder|director|head|leader)s?\b|作者|负责人|主任|领导"),
    )
)
# A question word: where one is present, an attribute noun names the answer only as what the
# question word asks about ("what was the date of …", 日期是什么), not as a modifier elsewhere
# ("what does it bring to friendship city exchanges").
_ASKING = re.compile(
    r"\b(?:what|which|who|whom|whose|how|where|when|why)\b|什么|哪|怎|如何|为何|几|多少|吗|呢"
)
_ASKED_BEFORE = re.compile(
    r"\bwhat(?:'s|\s+(?:is|was|are|were))?\s+(?:the\s+|its\s+|their\s+|this\s+|that\s+)?"
    r"(?:(?!(?:is|was|are|were|do|does|did|has|have|had|can|will)\b)[\w'’-]+\s+){0,2}$|"
    r"(?:什么|哪个|哪一个|哪些)$"
)
_ASKED_AFTER = re.compile(r"^(?:是|为|是不是)?(?:什么|多少|哪|几)")


def _attribute(norm: str) -> Kind:
    """The kind an attribute noun asks for ("children's workshop name", 修复 费用, "what was the
    date of …"); "other" when none does."""
    asking = _ASKING.search(norm) is not None
    for kind, cue in _ATTRIBUTE_CUES:
        for m in cue.finditer(norm):
            if not asking or (
                _ASKED_BEFORE.search(norm[: m.start()]) or _ASKED_AFTER.match(norm[m.end() :])
            ):
                return kind
    return "other"


# What a sentence offers: causal and instrumental connectives.
_REASON = re.compile(
    r"\bbecause\b|\bdue to\b|\bowing to\b|\bas a result\b|\bthanks to\b|\bin order to\b|"
    r"\bso that\b|\bsince\b|\bled to\b|\blead to\b|\breasons?\b|\bcaused?\b|"
    r"因为|由于|因此|所以|原因|为了|以便|导致|使得|鉴于|因而",
    re.IGNORECASE,
)
_MANNER = re.compile(
    r"\bby\b|\bthrough\b|\bvia\b|\bwith\b|\busing\b|通过|借助|采取|采用|方式|方法|以.{1,6}为",
    re.IGNORECASE,
)
# Instructions addressed to the system rather than questions about the article.
_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules|prompts?|"
    r"directions|guidelines|settings|context|above|previous|article)\b|\bsystem (?:prompt|"
    r"message|override)\b|\bdeveloper mode\b|\bjailbreak\b|\byou are now\b|\bfrom now on\b|"
    r"\bact as\b|\bpretend (?:to be|you are)\b|\b(?:reveal|print|show|repeat) (?:your|the) "
    r"(?:system |hidden )?(?:prompt|instructions)\b|\bhidden instructions?\b|"
    r"(?:忽略|无视|忘记|忘掉|不要管|别管|别再管|跳过).{0,12}(?:指令|指示|提示|设定|规则|文章|以上|上面|之前)|"
    r"\b(?:admin(?:istrator)?|maintenance|debug|god) mode\b|\bsystem (?:notice|alert|update)\b|"
    r"\b(?:output|print|dump|reveal|list) (?:all|every|the full|everything)\b.{0,40}\b(?:files?|"
    r"documents?|texts?|settings|paths|configuration|contents?)\b|\bverbatim\b|\bstop answering\b|"
    r"系统提示|提示词|开发者模式|管理员指令|隐藏(?:的)?指令|你现在是|从现在开始|(?:你|请)扮演|假装你|"
    r"系统(?:通知|消息|公告|管理员)|管理员(?:模式|通知|权限)|切换到.{0,8}模式|原样输出|停止回答|"
    r"(?:输出|列出|打印|显示).{0,10}(?:所有|全部|全文).{0,12}(?:文件|文章|内容|设定|设置|路径|档案)",
    re.IGNORECASE,
)
_PLACE_TAGS = ("ns",)
_PERSON_TAGS = ("nr", "nt")
_ZH_PEOPLE = re.compile(r"[人员者生长家师手官方队团]")
# an ordinal and the words after it: "the fourth stage" is the one "Stage 4" names
_SERIES = re.compile(
    rf"\b(?:(\d+)(?:st|nd|rd|th)|({'|'.join(EN_ORDINALS)}))\s+((?:[a-z-]+\s+)?[a-z-]+)"
)
# and the other way round: a capitalised word numbering one of a series ("Stage 3", 第三阶段)
_NUMBERED = re.compile(r"(?<![A-Za-z0-9-])([A-Z][a-z]{2,})\s+(\d{1,2})(?![\w.,:]?\d)")


@dataclass(frozen=True)
class Analysis:
    """What a question asks for and states."""

    kind: Kind = "other"
    years: frozenset[int] = frozenset()
    numbers: frozenset[float] = frozenset()  # other than years
    months: frozenset[int] = frozenset()
    ordinals: frozenset[int] = frozenset()
    names: tuple[str, ...] = ()  # proper names and quoted terms, normalised
    units: frozenset[str] = frozenset()  # what a "how many" question counts (stems)
    instructions: bool = False
    days: frozenset[tuple[int, int]] = frozenset()  # (month, day) of a date it names
    series: frozenset[tuple[int, str]] = frozenset()  # ordinals and the word after ("stage")

    def numeric(self) -> Analysis:
        """The numbers alone it states: years, other numbers and ordinals."""
        return Analysis(
            years=self.years, numbers=self.numbers, ordinals=self.ordinals, series=self.series
        )

    @property
    def constraints(self) -> int:
        """How many explicit constraints the question states."""
        return (
            len(self.years)
            + len(self.numbers)
            + len(self.months)
            + len(self.ordinals)
            + len(self.names)
        )


@lru_cache(maxsize=2048)
def analyse(question: str) -> Analysis:
    """Analyse a question in English, simplified or traditional Chinese (or a mix)."""
    norm = normalize(question)
    kind = next((k for k, cue in _KIND_CUES if cue.search(norm)), None)
    kind = kind or _attribute(norm)
    dated = written_dates(norm)
    years = years_in(dated)
    counted = DESIGNATION.sub(" ", dated)  # "No. 2 Middle School" states an ordinal
    numbered = {
        (int(n), word.lower())
        for word, n in _NUMBERED.findall(question)
        if word.lower() not in NOT_NAMES
    }
    for n, word in numbered:
        counted = counted.replace(f"{word} {n}", " ")
    for code in CODE.findall(question):
        counted = counted.replace(normalize(code), " ")
    numbers = {n for n in numbers_in(counted, exact=True) if n not in years} - bounds(dated)
    edition = without_adverbial_ordinals(dated)
    return Analysis(
        kind=kind,
        years=frozenset(years),
        numbers=frozenset(numbers),
        months=frozenset(dated_months(dated)),
        ordinals=frozenset(dated_ordinals(edition) | {n for n, _ in numbered}),
        names=tuple(n for n in names_in(question) if n not in {w for _, w in numbered}),
        units=frozenset(count_units(norm)) if kind == "number" else frozenset(),
        instructions=bool(_INSTRUCTIONS.search(norm)),
        days=frozenset(dated_days(dated)),
        series=frozenset(
            (int(m.group(1)) if m.group(1) else EN_ORDINALS[m.group(2)], m.group(3))
            for m in _SERIES.finditer(without_adverbial_ordinals(norm))
        )
        | numbered,
    )


def keyword_only(question: str) -> bool:
    """Whether the question is keywords only ("新協議 目標 預警提前時間"): no question word and
    no question mark (a misspelt "Wat did … ?" is still a question). What it asks for is
    then only guessed from the attribute it names."""
    norm = normalize(question)
    if "?" in norm or "？" in norm or _ASKING.search(norm):
        return False
    return not any(cue.search(norm) for _, cue in _KIND_CUES)


# Question words that are not questions: 这几年 (these few years), 几乎 (almost), 好几 (several).
_NOT_ASKING = re.compile(r"(?<=[这那近前后好十])几|几(?=乎)")


def question_parts(question: str) -> tuple[Kind, ...]:
    """Every answer type a question asks for, in the order it asks ("When and where …" →
    date, place; "什么时候在哪里" → date, place; "多少讲者，来自几个国家" → number, number).

    The cues are ``analyse``'s; where two cues overlap, the one ``analyse`` ranks first wins
    ("how many" asks for a number, not a manner), so ``analyse(q).kind`` is always a part.
    A question with no cue has the one part ``analyse`` gives it (``"other"``).
    """
    norm = normalize(question)
    idle = {m.start() for m in _NOT_ASKING.finditer(norm)}
    found = [
        (m.start(), m.end(), rank, kind)
        for rank, (kind, cue) in enumerate(_KIND_CUES)
        for m in cue.finditer(norm)
        if not (m.group(0) == "几" and m.start() in idle)
    ]
    taken: list[tuple[int, int, Kind]] = []
    for start, end, _, kind in sorted(found, key=lambda f: (f[2], f[0])):
        if not any(start < e and s < end for s, e, _ in taken):
            taken.append((start, end, kind))
    parts = tuple(kind for _, _, kind in sorted(taken))
    return parts or (analyse(question).kind,)


def new_entities(a: Analysis, text: str) -> bool:
    """Whether a sentence names something the question does not (a name asked for)."""
    asked = {n for n in a.names}
    return any(not any(e in n or n in e for n in asked) for e in sentence_entities(text))


@lru_cache(maxsize=8192)
def sentence_types(text: str) -> frozenset[Kind]:
    """The answer types a sentence can supply."""
    norm = normalize(text)
    types = {"other"}
    if YEAR.search(norm) or months(text) or re.search(rf"[\d{ZH_NUM}]+\s*[年月日号]", norm):
        types.add("date")
    if has_quantity(norm):
        types.add("number")
    tags = [f for run in re.findall(r"[\u4e00-\u9fff]+", norm) for _, f in tagged(run)]
    english_names = any(w.lower() not in NOT_NAMES for w in PROPER.findall(text))
    if english_names or any(f.startswith(_PLACE_TAGS) for f in tags):
        types.add("place")
    if (
        english_names
        or any(f.startswith(_PERSON_TAGS) for f in tags)
        or EN_PEOPLE.search(norm)
        or _ZH_PEOPLE.search(norm)
    ):
        types.add("person")
    if sentence_entities(text):
        types.add("name")
    if _REASON.search(norm):
        types.add("reason")
    if _MANNER.search(norm) or len(re.findall(r"[,，、;；]", norm)) >= 2:
        types.add("manner")
    return frozenset(types)


def supplies(a: Analysis, text: str) -> bool:
    """Whether ``text`` offers the asked answer type: a name the question does not already
    give, for name, person and place questions."""
    if a.kind not in sentence_types(text):
        return False
    return a.kind not in ("name", "person", "place") or new_entities(a, text)


@lru_cache(maxsize=4096)
def _stated(
    context: str,
) -> tuple[str, frozenset[float], frozenset[int], frozenset[int], frozenset[tuple[int, int]]]:
    """A context's normalised text, numbers, months and ordinals (passages recur across
    questions, so this is cached)."""
    norm = normalize(context)
    dated = written_dates(norm)
    return (
        norm,
        frozenset(numbers_in(dated)),
        frozenset(dated_months(dated)),
        frozenset(dated_ordinals(dated)),
        frozenset(dated_days(dated)),
    )


def _ordinals_met(a: Analysis, norm: str, stated: frozenset[int]) -> frozenset[int]:
    """The question's ordinals a context states, as ordinals or as numbers of the series its
    words name ("Stage 4" for "the fourth stage")."""
    named = {
        n
        for n, words in a.series
        for word in words.split()
        if tokenize(word) and re.search(rf"\b{re.escape(word)}s?\s+(?:no\.?\s*)?{n}\b", norm)
    }
    return a.ordinals & (stated | named)


def constraints_met(a: Analysis, context: str) -> float:
    """The share of the question's explicit constraints that ``context`` (a sentence with its
    translation and paragraph) meets; 1.0 when there are none."""
    if not a.constraints:
        return 1.0
    norm, values, stated_months, stated_ordinals, _ = _stated(context)
    flat = norm.replace(" ", "")
    met = sum(y in values for y in a.years)
    met += sum(n in values for n in a.numbers)
    met += len(a.months & stated_months)
    met += len(_ordinals_met(a, norm, stated_ordinals))
    met += sum(n in norm or n.replace(" ", "") in flat for n in a.names)
    return met / a.constraints


@dataclass(frozen=True)
class AnswerPreference:
    """A question's analysis as a rerank ``Preference``: passages naming the edition, or
    the day, the question names rank first; sentences of the asked answer type score more."""

    analysis: Analysis

    @classmethod
    def of(cls, question: str) -> AnswerPreference | None:
        """None when the question asks for nothing a passage could be preferred for."""
        a = analyse(question)
        return cls(a) if a.kind != "other" or a.ordinals or a.days else None

    def pins(self, context: str) -> bool:
        a = self.analysis
        if not (a.ordinals or a.days):
            return False
        norm, values, _, stated_ordinals, stated_days = _stated(context)
        if a.ordinals and a.ordinals <= _ordinals_met(a, norm, stated_ordinals):
            return True
        return bool(a.days) and a.days <= stated_days and a.years <= values

    def supplies(self, sentence: str, context: str) -> bool:
        a = self.analysis
        return supplies(a, sentence) and counts_unit(a.units, sentence)
