"""Numbers in English and Chinese text: digits (41,300; 1.8万; 2 million), Chinese numerals
(二百五十, 三十六名) and English number words (twenty-four), as values to compare; what a
count question counts, and the bounds a question compares against ("over 100,000")."""

from __future__ import annotations

import re

from bot.answering.tagging import tagged
from index.anchors import EN_SCALES, EN_UNITS, MONTHS, ZH_NUM, en_value, zh_number
from index.bridge import lexicon
from index.lang import normalize
from index.lexical import stem

YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?!\d|[.,]\d)")
_ZH_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")
DIGITS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
ZH_NUMERAL = re.compile(
    rf"[{ZH_NUM}]{{2,}}|[二两三四五六七八九十](?=[个对名位次届期座所家项件种批份场人只条艘箱片块篇首辆架幅棵颗册轮门])"
)
_DEFINITE = re.compile(r"\b(?:the|these|those|both)\s+$")
_DATE_PART = re.compile(r"^\s*[月日号]")
_APPROXIMATE = re.compile(r"^\s*(?:几|多|余|来)")
EN_NUMBER = re.compile(
    r"\b(?:"
    + "|".join(EN_UNITS)
    + r")\b(?:[\s-]+(?:and\s+)?(?:"
    + "|".join([*EN_UNITS, *EN_SCALES])
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
            value *= EN_SCALES[scale.group(1).lower()]
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
    for m in EN_NUMBER.finditer(norm):
        value = en_value(m.group(0))
        # "the two countries": small number words are grammar, not a stated figure
        if value is not None and not (exact and value <= 12):
            out.add(float(value))
    return out


def is_year(value: float) -> bool:
    """Whether a value reads as a year (the range ``YEAR`` matches in digits)."""
    return float(value).is_integer() and 1800 <= value < 2100


def years_in(norm: str) -> set[int]:
    """Years a normalised text states, in digits or Chinese numerals (二〇二一年)."""
    found = set(map(int, YEAR.findall(norm)))
    for m in _ZH_YEAR.finditer(norm):
        value = zh_number(m.group(0))
        if value is not None and is_year(value):
            found.add(value)
    return found


def _zh_value(text: str) -> int | None:
    for unit, scale in _ZH_SCALE.items():
        if unit in text:
            head, _, tail = text.partition(unit)
            high, low = (_zh_value(head) if head else 1), (_zh_value(tail) if tail else 0)
            return None if high is None or low is None else high * scale + low
    return zh_number(text)


def has_quantity(norm: str) -> bool:
    """Whether a text states a quantity: a number that is not a year or part of a date."""
    bare = YEAR.sub(" ", norm)
    bare = re.sub(rf"[\d{ZH_NUM}]+\s*[月日号]", " ", bare)
    bare = re.sub(r"\b\d{1,2}(?:st|nd|rd|th)?\s*,?\s*(?:" + "|".join(MONTHS) + r")\b", " ", bare)
    bare = re.sub(r"\b(?:" + "|".join(MONTHS) + r")\s+\d{1,2}\b", " ", bare)
    return bool(numbers_in(bare))


_COUNT_END = re.compile(
    r"^(?:of|do|does|did|have|has|had|is|are|was|were|will|would|can|could|in|on|at|from|to|"
    r"and|or|that|which|who|took|take|get|got|went|came|[a-z]+ed)$"
)
# A number after a comparison word is a bound the question tests ("over 100,000", 超过十万,
# 十万以上), not a figure the answer must repeat.
_BOUND_BEFORE = re.compile(
    r"(?:\b(?:more|fewer|less|greater|higher|lower) than|\b(?:over|above|below|under|"
    r"exceed\w*|at least|at most|up to|nearly|almost|around|about|roughly|approximately)|"
    r"超过|超出|多于|少于|高于|低于|不到|不足|不止|至少|至多|将近|接近|大约|约|近|逾)了?\s*$",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(r"^\s*(?:多|余|以上|以下|左右|上下|出头)")
_CLASSIFIERS = frozenset(
    "个对名位次届期座所家项件种批份场人只条艘箱杯本张枚台套株头匹间片块篇首辆架幅棵颗册处轮门"
)
_DURATION_QUESTION = re.compile(
    r"\bhow long\b(?! ago)|\bhow many (?:years|months|weeks|days|hours|minutes)\b|多久|"
    r"多长时间|多长的时间|(?:几|多少)(?:天|年|周|个?星期|个月|个?小时|分钟)"
)
DURATION_UNITS = frozenset(
    {stem(w) for w in ("year", "month", "week", "day", "hour", "minute", "decade")}
    | {"年", "个月", "周", "星期", "天", "小时", "分钟"}
)
PEOPLE_CLASSIFIERS = frozenset("人名位")  # classifiers that count people
_ZH_AGENT = frozenset("人员者生师手")  # endings of nouns for people (学生, 志愿者, 教师, 选手)
# nouns for people ending in 士, which also ends 巴士 and 芝士
_ZH_SHI_PEOPLE = frozenset({"护士", "博士", "硕士", "学士", "院士", "人士", "战士", "女士", "男士"})
_BARE_PEOPLE = re.compile(
    rf"\s*[万亿]?[多余]?[{''.join(sorted(PEOPLE_CLASSIFIERS))}]次?(?![\u4e00-\u9fff])"
)
# Nouns for people and the bodies they form (what "how many …" counts when it counts people).
EN_PEOPLE = re.compile(
    r"\b(?:people|persons?|students?|pupils?|children|volunteers?|members?|staff|team|teams|"
    r"officials?|experts?|leaders?|delegations?|governors?|mayors?|presidents?|directors?|"
    r"managers?|workers?|apprentices?|teachers?|researchers?|visitors?|residents?|"
    r"association|foundation|museum|company|university|institute|trust|council|committee|"
    r"government|ministry|agency|group|department|organi[sz]ation)\b",
    re.IGNORECASE,
)
# A count of people in either language: 多少人 ⇄ "57,800 visitors", "how many pupils" ⇄ 1.85万名.
PERSONS = "‹people›"
# A sum of money: the question asks a cost or a price; the text marks a figure with a currency.
CURRENCY = "¤"
_MONEY_QUESTION = re.compile(
    r"\bhow much (?:did|does|do|will|was|were|is|are) .{0,40}\b(?:cost|pay|paid|spend|spent|"
    r"charge|worth|raise|contribute)|\b(?:cost|price|fee|fees|budget|worth|amount|sum|charge|"
    r"ticket)s?\b|多少钱|费用|金额|票价|收费|价格|预算|经费|价值|值多少",
    re.IGNORECASE,
)
# What CC-CEDICT's English senses call a sum of money: a Chinese noun glossed so (赠款 "grant",
# 经费 "funds", 租金 "rent") asks a sum when a question counts it, as do these English nouns
# after "how much".
_MONEY_SENSES = frozenset(
    stem(w)
    for w in [
        "money",
        "cost",
        "price",
        "fee",
        "fund",
        "funding",
        "grant",
        "budget",
        "expense",
        "expenditure",
        "spend",
        "investment",
        "donation",
        "loan",
        "rent",
        "wage",
        "salary",
        "pay",
        "income",
        "revenue",
        "subsidy",
        "allowance",
        "profit",
        "turnover",
        "tax",
        "fare",
        "tuition",
        "bonus",
    ]
)
_HOW_MUCH = re.compile(r"\bhow much (?!of\b)([a-z-]+)")
_ZH_SUM_ASKED = re.compile(
    r"([\u4e00-\u9fff]{2,12}?)(?:是|有|为|共|一共|总共|合计|达)?多少(?![\u4e00-\u9fff])"
)


def money_word(word: str) -> bool:
    """Whether ``word`` names a sum of money: an English noun, or a Chinese word one of
    whose first two CC-CEDICT senses is one (赠款, 拨款 "allocate funds"; not 基金会, 银行)."""
    if word.isascii():
        return bool(word) and stem(word) in _MONEY_SENSES
    return any(s[-1] in _MONEY_SENSES for s in lexicon().senses.get(word, ())[:2])


_CURRENCY = re.compile(
    r"[€$£¥]|\b(?:rmb|usd|eur|gbp|jpy)\b|^\s*(?:万|亿)?(?:多|余)?(?:元|欧元|美元|英镑|日元|人民币|"
    r"块)|^\s*(?:million |billion |thousand )?(?:dollars|euros|pounds|yuan|yen|renminbi)\b",
    re.IGNORECASE,
)

_SCALE = r"^\s*(?:[万亿]|million |thousand )?(?:多|余|\+)?\s*"
_BRACKETED = re.compile(r"[(（]([^()（）]{1,24})[)）]")  # a table's "(tonnes)"
SHARE = "‹share›"  # a percentage or a fraction: 百分之四十五, 45%, 七成, 三分之一
# A measurement: a question asking a weight, a length (height, distance) or an area is met
# by a figure with a unit of that dimension in either language, not by any figure.
MEASURES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    marker: (re.compile(question, re.IGNORECASE), re.compile(_SCALE + unit, re.IGNORECASE))
    for marker, question, unit in (
        (
            "‹weight›",
            r"\bweigh(?:s|ed|t)?\b|\bhow heavy\b|多重|重量|几公斤|多少公斤|多少斤|多少吨",
            r"(?:kg\b|kilo(?:gram(?:me)?)?s?\b|gram(?:me)?s?\b|g\b|tonnes?\b|tons?\b|pounds?\b|"
            r"lbs?\b|公斤|千克|克|吨|斤)",
        ),
        (
            "‹length›",
            r"\bhow (?:tall|high|far|deep|wide|long is|long was|long are|long were)\b|"
            r"\b(?:length|height|distance|depth|width)\b|多高|多远|多深|多宽|多长(?!时间|的时间)|"
            r"长度|高度|距离|深度|宽度",
            r"(?:km\b|kilomet(?:re|er)s?\b|met(?:re|er)s?\b|m\b|cm\b|centimet(?:re|er)s?\b|mm\b|"
            r"miles?\b|feet\b|foot\b|ft\b|inch(?:es)?\b|公里|千米|厘米|毫米|英里|米)",
        ),
        (
            "‹area›",
            r"\bwhat area\b|\barea (?:of|covered)\b|\bhow (?:big|large) (?:an? )?area\b|面积",
            r"(?:square\b|sq\b|hectares?\b|ha\b|acres?\b|km2|km²|m2|m²|平方|公顷|亩)",
        ),
        (
            SHARE,
            r"\bwhat (?:percentage|proportion|share|fraction|per ?cent)\b|\bhow many per ?cent\b|"
            r"\b(?:percentage|proportion)\b|比例|百分比|占比|百分之几|几成",
            r"(?:%|％|per ?cent\b|成(?![\u4e00-\u9fff]{0,1}[员立功为长本])|分之)",
        ),
    )
}


def bounds(norm: str) -> set[float]:
    """Numbers the question uses as bounds of a comparison rather than as stated figures."""
    out: set[float] = set()
    for m in [*DIGITS.finditer(norm), *ZH_NUMERAL.finditer(norm), *EN_NUMBER.finditer(norm)]:
        if _BOUND_BEFORE.search(norm[max(0, m.start() - 16) : m.start()]) or _BOUND_AFTER.match(
            norm[m.end() :]
        ):
            out |= numbers_in(norm[m.start() : m.end() + 10])
    return out


def _tagged_classifier(text: str) -> bool:
    """Whether ``text`` opens with a one-character classifier jieba tags as one (户 in 多少户
    人家, 栋 in 几栋楼)."""
    word, flag = next(iter(tagged(text[:4])), ("", ""))
    return len(word) == 1 and flag == "q"


_PLURAL = re.compile(r"^[a-z-]{2,}[^siu]s$")  # panels, visitors; not glass, analysis, bonus
_TIMES = re.compile(r"\s*(?:(?:thousand|million|billion)\s+)?times\b")


def count_units(norm: str) -> set[str]:
    """What a count question counts: the noun after "how many" or "number of"; the classifier
    and the noun after 多少/几 (多少名学生 → 名, 学生), people for a head count (人数), units
    of time for "how long" (多久); a currency for a question about a sum of money."""
    units = set()
    for m in re.finditer(r"\bhow many ((?:[a-z-]+ ){0,4}[a-z-]+)", norm):
        words: list[str] = []
        for word in m.group(1).split():
            if _COUNT_END.match(word):
                break
            words.append(word)
        # the counted noun ends at its first plural: "how many solar panels sit on the roof"
        plural = next((i for i, w in enumerate(words) if _PLURAL.search(w)), None)
        words = words if plural is None else words[: plural + 1]
        if words:
            units.add(stem(words[-1]))
            if EN_PEOPLE.fullmatch(words[-1]):
                units.add(PERSONS)
    for m in re.finditer(r"(?:多少|几)([\u4e00-\u9fff]+)", norm):
        rest = m.group(1)
        if rest[0] in "年月日号天次":
            continue
        if _CURRENCY.match(rest) and not re.match(r"块(?!钱)", rest):  # 多少人民币, 几万美元
            units.add(CURRENCY)
            continue
        if rest[0] in _CLASSIFIERS or _tagged_classifier(rest):
            if rest[0] in PEOPLE_CLASSIFIERS:
                units |= {*PEOPLE_CLASSIFIERS, PERSONS}
            elif rest[0] != "个":  # the general classifier says nothing of what is counted
                units.add(rest[0])
            rest = rest[1:]
        # the counted noun: a noun phrase's last (几个中国技术人员), a verb only last (几个活动)
        words = tagged(rest) if rest else ()
        run = next((i for i, (_, f) in enumerate(words) if not f.startswith("n")), len(words))
        head = max(run, 1)
        word, flag = words[head - 1] if words else ("", "")
        ends = not re.match(r"[\u4e00-\u9fff]", rest[len("".join(w for w, _ in words[:head])) :])
        noun = word if flag.startswith("n") or flag == "vn" or ends else ""
        if money_word(noun):  # 多少赠款: a sum, in any currency
            units.add(CURRENCY)
        if noun == "人":  # 几个人, 多少人: a head count of anyone (212名观众)
            units |= {*PEOPLE_CLASSIFIERS, PERSONS}
        if len(noun) > 1 or (noun and not units):
            units.add(noun)
            if len(noun) > 1 and (noun[-1] in _ZH_AGENT or noun in _ZH_SHI_PEOPLE):
                units.add(PERSONS)  # 学生, 志愿者: people, in any language
    for m in re.finditer(r"\bnumber of ([a-z-]+)", norm):
        units.add(stem(m.group(1)))
        if EN_PEOPLE.fullmatch(m.group(1)):
            units.add(PERSONS)
    if re.search(r"人数|人次", norm):  # a head count (参加人数, 访客人次)
        units |= {*PEOPLE_CLASSIFIERS, PERSONS}
    if _DURATION_QUESTION.search(norm):  # a length of time: 6个月, 43周年, "ten years"
        units |= DURATION_UNITS
    if _MONEY_QUESTION.search(norm) or _asks_a_sum(norm):
        units.add(CURRENCY)
    units |= {marker for marker, (question, _) in MEASURES.items() if question.search(norm)}
    return units


def _asks_a_sum(norm: str) -> bool:
    """ "how much funding/money/rent …", or a Chinese money noun whose amount the question
    asks (拨款一共多少？)."""
    if any(money_word(m.group(1)) for m in _HOW_MUCH.finditer(norm)):
        return True
    for m in _ZH_SUM_ASKED.finditer(norm):
        # the head noun: after the last 的, less trailing adverbs (拨款一共多少; not
        # 获得赠款的合作社有多少, 贷款期限是多少)
        words = list(tagged(m.group(1).split("的")[-1]))
        while words and words[-1][1][:1] in ("d", "p", "c", "u", "r", "m", "q"):
            words.pop()
        if words and money_word(words[-1][0]):
            return True
    return False


def _counts_people(units: frozenset[str], after: str) -> bool:
    """A count of people in the other language than the question's: an English question's
    "visitors" in 五万七千八百人次, a Chinese question's 多少人 in "7 provincial leaders"
    (people of a named kind, 1.85万名学生, match through the bridge's renderings instead)."""
    if any(u.isascii() and u != PERSONS for u in units):
        # a bare people count (五万七千八百人次。), not people of a kind (5位省级领导)
        return bool(_BARE_PEOPLE.match(after))
    return bool(EN_PEOPLE.search(" ".join(after.split()[:3])))


def counts_unit(units: frozenset[str], text: str, asked: frozenset[str] | None = None) -> bool:
    """Whether ``text`` gives a number of the thing counted (120名学生 for 多少名学生, "250
    pairs" for "how many pairs", €14 for "how much does it cost"). ``units`` may hold the
    counted noun's renderings in the other language; ``asked`` is then the question's own
    units, which tell which language it was asked in."""
    norm = normalize(text)
    if not units or _labelled(units, norm):
        return True
    for m in [*DIGITS.finditer(norm), *ZH_NUMERAL.finditer(norm), *EN_NUMBER.finditer(norm)]:
        after = norm[m.end() : m.end() + 40]
        if YEAR.fullmatch(m.group(0)) or _DATE_PART.match(after):
            continue  # a year or a date counts nothing
        if _DEFINITE.search(norm[max(0, m.start() - 5) : m.start()]) and m.group(0).isalpha():
            continue  # "the two sides" names a known set, it states no count
        if units & {stem(w) for w in re.findall(r"[a-z]+", after)[:4]}:
            return True
        # the counted thing as the verb before a number of times ("how many streams":
        # "streamed about 1.3 million times")
        if _TIMES.match(after) and units & {
            stem(w) for w in re.findall(r"[a-z]+", norm[max(0, m.start() - 30) : m.start()])[-3:]
        }:
            return True
        head = after.lstrip()[:8]  # 名中方技术人员: a modifier may come between
        if any(u in head for u in units if not u.isascii()):
            return True
        if PERSONS in units and _counts_people(units if asked is None else asked, after):
            return True
        if CURRENCY in units and (
            _CURRENCY.search(norm[max(0, m.start() - 4) : m.start()])
            or _CURRENCY.match(after.lstrip()[:12])
        ):
            return True
        if any(MEASURES[u][1].match(after) for u in units if u in MEASURES):
            return True
        if SHARE in units and norm[max(0, m.start() - 3) : m.start()].endswith("百分之"):
            return True
    return False


def _labelled(units: frozenset[str], norm: str) -> bool:
    """Whether a unit of measure in brackets labels the figures, as in a table ("Fruit stored
    (tonnes): 3,870"): a measure asked (a weight), or the unit counted ("how many tonnes")."""
    for b in _BRACKETED.finditer(norm):
        label = b.group(1).strip()
        kinds = {u for u, (_, p) in MEASURES.items() if p.match(label)}
        if kinds and units & (kinds | {stem(w) for w in label.split()[:1]}):
            return True
    return False
