"""Names in text: capitalised English words, codes and quoted terms; in Chinese, jieba's
part-of-speech tags checked against CC-CEDICT."""

from __future__ import annotations

import re
from functools import lru_cache

from index.anchors import EN_ORDINALS, MONTHS
from index.bridge import common_word
from index.lang import normalize
from index.lexical import load_posseg

NAME_TAGS = ("nr", "ns", "nt")  # person, place, organisation
PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]+)*)")
# a code of capitals and digits (BQ-07, T1022): a name, and its digits are no number
CODE = re.compile(r"\b[A-Z]{1,6}-?\d+[A-Za-z]?\b")
QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")
NOT_NAMES = frozenset(
    {"i", "what", "when", "where", "who", "why", "how", "which", "the", "a", "an", "and", "or",
     "is", "are", "was", "were", "do", "does", "did", "in", "on", "of", "for", "to", "ok", "no",
     "hey", "so", "tell", "please", "article", "english", "chinese", *MONTHS,
     "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)  # fmt: skip


def zh_names(run: str) -> list[str]:
    """Words of a Chinese run jieba tags as names, less those CC-CEDICT lists only as common
    words: jieba's guesses (白白 "in vain", 师傅, 城市 in 在哪个城市) are no names, unless a
    surname comes before (吴 + 建国)."""
    words = tagged(run)
    return [
        w
        for i, (w, flag) in enumerate(words)
        if flag.startswith(NAME_TAGS)
        and len(w) > 1
        and (
            not common_word(w) or (i > 0 and len(words[i - 1][0]) == 1 and words[i - 1][1] == "nr")
        )
    ]


@lru_cache(maxsize=8192)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """jieba part-of-speech tags of a Chinese run (cached: sentences recur across questions)."""
    return tuple((w, f) for w, f in load_posseg().cut(text))


def names_in(question: str) -> list[str]:
    """Proper names a question states: capitalised English words not opening the sentence,
    quoted terms, and Chinese words jieba tags as names; normalised, longest first."""
    found = [m.group(1) for m in QUOTED.finditer(question)] + CODE.findall(question)
    for m in PROPER.finditer(CODE.sub(" ", question)):
        words = [re.sub(r"['’]s$", "", w) for w in m.group(1).split()]
        words = [w for w in words if w.lower() not in NOT_NAMES]
        if words and not all(w.lower() in EN_ORDINALS for w in words):
            found.append(" ".join(words))
    for run in re.findall(r"[\u4e00-\u9fff]+", normalize(question)):
        found += zh_names(run)
    names = dict.fromkeys(normalize(n) for n in found if n.strip())
    return sorted(names, key=len, reverse=True)


@lru_cache(maxsize=8192)
def sentence_entities(text: str, quoted: bool = True) -> frozenset[str]:
    """Named entities in a sentence (normalised): capitalised English names, quoted terms
    (unless ``quoted`` is false: a slogan is a name, not a person or place) and words jieba
    tags as names (not, without quoted terms, the pieces of one: 东强西 of “东强西弱”)."""
    terms = {normalize(m.group(1)) for m in QUOTED.finditer(text)}
    found = set(terms) if quoted else set()
    for m in PROPER.finditer(text):
        words = [w for w in m.group(1).split() if w.lower() not in NOT_NAMES]
        if words:
            found.add(normalize(" ".join(words)))
    for run in re.findall(r"[\u4e00-\u9fff]+", normalize(text)):
        found |= set(zh_names(run))
    if not quoted:
        found = {e for e in found if not any(e in t for t in terms)}
    return frozenset(found)
