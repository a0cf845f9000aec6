"""The Chinese forms of a name written in Latin letters, found in the article's own text.

A bilingual article writes a foreign name in Chinese characters and glosses it once in
brackets (埃莱娜·莫雷蒂（Elena Moretti）, 「海雀號」（Sea Lark）), and a Chinese name in pinyin
in its English half (Long Chunmei for 龙春梅). Either way, a caption that only the Chinese half
has can then be found to be about the name an English question states.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from index.bridge import cedict_glosses, lexicon
from index.lexical import in_dictionary, stem

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff·]{2,12}$")
_CLOSING_QUOTE = "」”』》\"'"
_MAX_PLAIN = 8  # a gloss without a name dot or quotes longer than this is a phrase, not a name
_BOUND = re.compile(r"\(bound form\)\s*(?:an? |the )?([A-Za-z]+)$")


def glossed(name: str, texts: Iterable[str]) -> set[str]:
    """Chinese forms ``texts`` (normalised) gloss with ``name`` (normalised) in brackets:
    the surname of a transliterated name (莫雷蒂), a quoted term (海雀号), else a short run."""
    pattern = re.compile(rf"\(\s*{re.escape(name)}\s*[,，;；)]")
    texts = list(texts)
    out = set()
    for text in texts:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 24) : m.start()].rstrip()
            quoted = before.endswith(tuple(_CLOSING_QUOTE))
            run = _CJK_RUN.search(before.rstrip(_CLOSING_QUOTE))
            if run is None:
                continue
            form = run.group(0)
            if "·" in form:
                form = form.rsplit("·", 1)[1]
            elif not quoted and len(form) > _MAX_PLAIN:
                continue
            if len(form) >= 2:
                out |= {form} if quoted else {form, _own_tail(form, texts)}
    return out


def _own_tail(run: str, texts: Sequence[str]) -> str:
    """The name a run of characters may end in (纳夫瓦 of 南岸纳夫瓦, where the words before
    the name ran into it): of its tails that no dictionary lists (a name, not 基金会), the one
    following the most different characters in the texts, as a word does; the run itself when
    none follows two."""
    best, variety = run, 1
    for start in range(1, len(run) - 1):
        tail = run[start:]
        if in_dictionary(tail):
            continue
        before = {t[m.start() - 1 : m.start()] for t in texts for m in re.finditer(tail, t)}
        if len(before) > variety:
            best, variety = tail, len(before)
    return best


def spelled_runs(
    token_lists: Iterable[Sequence[str]], readings: Mapping[str, str]
) -> dict[str, set[str]]:
    """Toneless pinyin → the Chinese words (one token, or two adjacent ones: 龙 + 春梅) of two
    to four characters that spell it; whole tokens only, so 的安 of 他们的安排 is no "Dean"."""
    out: dict[str, set[str]] = {}
    for tokens in token_lists:
        cjk = [t if _CJK_WORD.fullmatch(t) else "" for t in tokens]
        for i, token in enumerate(cjk):
            for word in (
                token,
                token + cjk[i + 1] if token and i + 1 < len(cjk) and cjk[i + 1] else "",
            ):
                if 2 <= len(word) <= 4:
                    sound = "".join(readings.get(ch, "?") for ch in word)
                    if "?" not in sound:
                        out.setdefault(sound, set()).add(word)
    return out


def spelled(name: str, runs: Mapping[str, set[str]]) -> set[str]:
    """The Chinese words whose pinyin spells ``name`` (long chunmei → 龙春梅), from
    ``spelled_runs``."""
    return set(runs.get(re.sub(r"[^a-z]", "", name.lower()), ()))


# a capitalised name of one to three words, not a sentence's first function word ("In Galway")
_PLACE = r"(?!(?:In|On|At|The|From|To|Near|By|And|Of)\b)[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
_LOCALITY = r"port|city|town|village|capital|county|province|region|state"


def places_within(name: str, texts: Iterable[str], is_name: Callable[[str], bool]) -> set[str]:
    """Places ``texts`` locate in the place ``name`` (normalised): "Galway, Ireland", "Galway,
    on the west coast of Ireland", "the Belgian port of Antwerp"; in Chinese, a word that
    ``is_name`` right after it or after its 的 (比利时安特卫普, 爱尔兰西海岸的高威). A city
    answers a question about its country."""
    out: set[str] = set()
    if not name:
        return out
    n = re.escape(name)
    if name.isascii():
        patterns = [
            rf"({_PLACE}),\s+(?:(?:on|in|near)\s+the\s+(?:[\w-]+\s+){{0,4}}of\s+)?(?i:{n})\b",
            rf"\b(?i:{n})\s+(?:{_LOCALITY})\s+of\s+({_PLACE})",
        ]
        for text in texts:
            for pattern in patterns:
                out |= {m.group(1) for m in re.finditer(pattern, text)}
        return out
    after = re.compile(rf"{n}(?:[\u4e00-\u9fff]{{0,4}}的)?([\u4e00-\u9fff]{{2,8}})")
    for text in texts:
        for m in after.finditer(text):
            run = m.group(1)
            found = [run[:k] for k in range(len(run), 1, -1) if is_name(run[:k])]
            out |= set(found[:1])
    return out


def compound(
    words: Sequence[str], renderings: Mapping[str, Iterable[str]]
) -> re.Pattern[str] | None:
    """A name of several ``words`` written word by word in Chinese, in order (森林故事屋 for
    "Forest Story Room"): each word by one of its ``renderings``, the last (the head noun) also
    by a dictionary form no corpus word is (屋, a bound form; 室). None when a word has no
    Chinese form."""
    last = words[-1]
    heads = {*lexicon().headwords.get((last,), ()), *bound_forms().get(last, ())}
    forms = [*(renderings[w] for w in words[:-1]), {*heads, *renderings[last]}]
    groups = [[f for f in fs if _CJK_WORD.fullmatch(f)] for fs in forms]
    if len(groups) < 2 or not all(groups):
        return None
    return re.compile("".join(f"(?:{'|'.join(map(re.escape, g))})" for g in groups))


@lru_cache(maxsize=1)
def bound_forms() -> dict[str, list[str]]:
    """(Stemmed) English word → the Chinese bound forms CC-CEDICT glosses with it: "(bound
    form) room" for 屋. They are no words of their own, but end compounds (森林故事屋)."""
    out: dict[str, list[str]] = {}
    for head, gloss in cedict_glosses():
        for sense in gloss.split("/"):
            if m := _BOUND.match(sense.strip()):
                out.setdefault(stem(m.group(1).lower()), []).append(head)
    return out


def demonyms(forms: Iterable[str]) -> set[str]:
    """What a text calls a country's people or party by, for the Chinese ``forms`` of its name,
    from CC-CEDICT: 中国人 "Chinese person" gives chines(e), 中方 "the Chinese side" 中方."""
    senses, out = lexicon().senses, set()
    for form in filter(_CJK_WORD.fullmatch, forms):
        for sense in senses.get(form + "人", ()):
            if len(sense) > 1 and sense[1] in ("person", "peopl"):
                out.add(sense[0])
        if any("side" in sense for sense in senses.get(form[0] + "方", ())):
            out.add(form[0] + "方")
    return out
