"""Lexical side of the index: bilingual tokenisation and BM25.

Chinese runs are cut with jieba after traditional→simplified normalisation, so a
simplified question matches the traditional text; English runs become lower-cased,
lightly stemmed words. Stop words of both languages are dropped.
"""

from __future__ import annotations

import bisect
import difflib
import gzip
import itertools
import logging
import math
import os
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files

import numpy as np
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS as AMERICAN

from index.anchors import dated_anchors, written_dates
from index.lang import normalize

_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:['’][a-z]+)?")
_CJK_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# A number and its classifier end a word: jieba reads 多少本书 as 多少|本书 ("this book") and
# 多少头稚参 as 多少|头稚|参, so the text after a counted classifier is cut on its own (not
# after a lone 一: 一把手, 一头雾水).
_COUNTED = re.compile(
    r"(?:多少|几|[零〇二两三四五六七八九十百千万亿]|[零〇一二两三四五六七八九十百千万亿]{2,})[个位名本头条张件家只座所间台辆架部份项批种棵株枚颗支把双套块]"
)
# function words, kept out of search and of the dictionary's glosses alike
GLOSS_STOP = frozenset(
    """a an the of and or to in on at for from by with as is are was were be been being has
    have had do does did what which who whom whose when where why how that this these those
    it its there their they them he she his her we our you your i me my not no but if than
    then so such about into over under between after before during did can could would
    should will shall may might must also both either each other any all some many much more
    most few up down out off again further once here only own same too very just s t don t
    ok okay hey hi hello please thanks really actually um uh get got gets thing things stuff kind
    sort""".split()  # noqa: SIM905
)
# words of chat, not of the question: stop words of questions and passages, but kept in the
# dictionary's glosses (偶数 "even number", 基本上 "basically")
CHAT_FILLERS = frozenset(
    [
        "even",
        "ever",
        "lol",
        "btw",
        "anyway",
        "anyways",
        "basically",
        "literally",
        "yeah",
        "yep",
        "hmm",
        "wow",
        "pls",
        "plz",
        "tbh",
        "idk",
    ]
)
EN_STOP = GLOSS_STOP | CHAT_FILLERS
_ZH_STOP = frozenset(
    """的 了 在 是 和 与 及 等 也 都 而 并 或 就 对 为 以 于 把 被 从 由 向 之 其 这 那 个 中 上 下 吗 呢 吧 啊 么 什么 哪 哪些 哪里 哪个
    哪一年 哪年 哪一天 哪天 一天 哪一个 哪个 哪位 哪句 几 多少 怎么 怎样 如何 为什么 何时 何地 谁 是否 有没有 有 没有 请问 请 告诉 我 你 他 她 它 我们 你们 他们 文章 文中 本文 提到 说 根据
    关于 一下 一个 一些 什么样 多 少 年 月 日 时候 时 曾 已 已经 将 会 能 可以""".split()  # noqa: SIM905
)
# How alike a misspelt word and a corpus word must be (difflib ratio) to count as the same.
TYPO_SIMILARITY = 0.8
# jieba tags of words that carry no content of their own: pronouns and demonstratives (那个),
# adverbs (具体), numerals and measure words (一共, 几个), particles and interjections (呀, 欸),
# conjunctions, prepositions, auxiliaries.
_FUNCTION_TAGS = ("r", "d", "m", "q", "y", "e", "o", "u", "c", "p", "f", "x", "zg")

_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "s")
_SIBILANTS = ("ss", "x", "z", "ch", "sh")
# plurals no suffix rule reaches: a dictionary glosses the singular (儿童 "child")
_IRREGULAR = {"children": "child", "women": "woman", "men": "man", "feet": "foot",
              "teeth": "tooth", "mice": "mouse", "geese": "goose"}  # fmt: skip
CLIPPED = 3  # letters a clipped word drops at least (lab·oratory, tech·nician)
MAX_CLIPPED = 3
_DOUBLING = ("ings", "ing", "ed")  # suffixes that double a final consonant

log = logging.getLogger(__name__)


@contextmanager
def quiet_pkg_resources() -> Iterator[None]:
    """jieba and milvus-lite import ``pkg_resources`` (there while setuptools < 81, which the
    milvus extra pins), which warns that it is deprecated: not for users."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        yield


@lru_cache(maxsize=1)
def load_jieba():
    with quiet_pkg_resources():
        import jieba

    jieba.setLogLevel(logging.WARNING)
    cache_dir = os.environ.get("ZHEN_HOME") or tempfile.gettempdir()
    os.makedirs(cache_dir, exist_ok=True)
    jieba.dt.tmp_dir = cache_dir
    jieba.initialize()
    return jieba


def stem(word: str) -> str:
    """A deliberately light English stemmer: strips one common suffix, the plural -es only
    after a sibilant (boxes, classes) so that nurses and nurse, class and classes agree, and
    the consonant -ing or -ed doubled (scanning, scan). A word ending in a doubled consonant
    loses one (boycott, boycotted: boycot), so its -ed form, undoubled, still meets it. A
    silent -e goes and comes back as Porter's stemmer has it: restore, restored and
    restoration meet as restor; move, moved and moving as move. British spellings are
    American first (centre, center: center), so either meets CC-CEDICT's glosses."""
    word = AMERICAN.get(word, word)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    removed = ""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word[:-2].endswith(_SIBILANTS):
                suffix = "s"
            if suffix == "s" and word.endswith("ss"):
                break
            word, removed = word[: -len(suffix)], suffix
            if suffix in ("ies", "ied"):  # studies, studied: study
                word += "y"
            elif suffix in _DOUBLING and _doubled(word):
                word = word[:-1]  # scanning, planned: the consonant the suffix doubled
            elif suffix in _DOUBLING and _measure(word) == (1, True):
                word += "e"  # moved, dating: the -e the suffix took (move, date)
            break
    else:
        if _doubled(word):
            word = word[:-1]
    if removed not in ("ed", "ied", "ies") and word.endswith("e") and len(word) > 3:
        measure, cvc = _measure(word[:-1])
        if measure > 1 or (measure == 1 and not cvc):
            word = word[:-1]  # restore, agreement: restor, agre (not site, rate: sit, rat)
    return word


@lru_cache(maxsize=1)
def irregular() -> dict[str, str]:
    """Irregular English forms and their base forms, from lemminflect's lexicon (made → make,
    met → meet, spent → spend, taught → teach): "when did they meet" meets "they met". A
    form read otherwise as another part of speech is left alone (left, found, saw)."""
    path = files("lemminflect") / "resources" / "lemma_lu.csv.gz"
    lemmas: dict[str, set[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        for row in rows:
            form, pos, lemma = row.rstrip("\n").split(",", 2)
            lemmas.setdefault(form, set()).update(lemma.split("/") if pos == "verb" else {form})
    return {
        form: lemma
        for form, found in lemmas.items()
        if len(found) == 1
        and (lemma := next(iter(found))) != form
        and form.isalpha()
        and form.islower()
        and stem(form) != stem(lemma)
    }


def _measure(stem: str) -> tuple[int, bool]:
    """Porter's measure of a stem (its vowel-consonant sequences: restor 2, mov 1) and whether
    it ends consonant-vowel-consonant (mov, sit; not fix, show, play)."""
    shape = "".join(
        "v" if c in "aeiou" or (c == "y" and i > 0 and stem[i - 1] not in "aeiou") else "c"
        for i, c in enumerate(stem)
    )
    cvc = shape.endswith("cvc") and stem[-1] not in "wxy"
    return len(re.findall(r"v+c+", shape)), cvc


def _doubled(word: str) -> bool:
    """Whether ``word`` ends in a consonant a suffix doubled (scann, plann; not staff, call,
    miss, buzz, which end so themselves, nor add, too short to have grown one)."""
    last = word[-1]
    return len(word) > 3 and word[-2] == last and last not in "aeioufslz" and last.isalpha()


def tokenize(text: str) -> list[str]:
    """Normalised matching tokens of mixed Chinese/English text (stop words removed; dates
    said in words as digits, so "twenty nineteen" and 2019 match)."""
    tokens: list[str] = []
    dated = written_dates(normalize(text))
    for run in _RUNS.findall(dated):
        if run[0].isascii():
            if run not in EN_STOP:
                word = run.replace("’", "'").split("'")[0]
                tokens.append(stem(irregular().get(word, word)))
        else:
            cuts = [0, *(m.end() for m in _COUNTED.finditer(run)), len(run)]
            for piece in (run[a:b] for a, b in itertools.pairwise(cuts) if b > a):
                for word in load_jieba().lcut_for_search(piece):
                    if word not in _ZH_STOP and word.strip():
                        tokens.append(word)
    return tokens + dated_anchors(dated)


def rejoined(tokens: list[str], text: str, known: Mapping[str, float]) -> list[str]:
    """``tokens`` of ``text`` with each Chinese word the corpus never uses replaced by the
    corpus words that cross its edges, where jieba cut the text otherwise than the corpus
    (两|国共|缔结 → 两国: 中日两国共缔结); a neighbour such a word takes in goes too. A word
    no corpus word crosses is kept."""
    norm = normalize(text)
    found: dict[str, set[str]] = {}
    for token in tokens:
        start = norm.find(token)
        if token in known or len(token) < 2 or not _CJK_ONLY.fullmatch(token) or start < 0:
            continue
        end = start + len(token)
        found[token] = {
            norm[i:j]
            for i in range(max(0, start - 3), end)
            for j in range(max(i + 2, start + 1), min(len(norm), end + 3) + 1)
            if j - i <= 4
            and (i < start or j > end)
            and norm[i:j] in known
            and _CJK_ONLY.fullmatch(norm[i:j])
        }
    crossing = set().union(*found.values()) if found else set()
    out: list[str] = []
    for token in tokens:
        if found.get(token):
            out.extend(sorted(found[token]))
        elif not any(token in word and token != word for word in crossing):
            out.append(token)
    return list(dict.fromkeys(out))


class BM25:
    """Okapi BM25 (Lucene variant) over pre-tokenised documents, on ``bm25s`` sparse matrices."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s  # sparse-matrix BM25; imported on first index, not at import time

        self.k1, self.b = k1, b
        self.n = len(docs)
        self._model = bm25s.BM25(method="lucene", k1=k1, b=b)
        if docs:
            self._model.index([list(d) for d in docs], show_progress=False)
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        self.idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._words: list[str] | None = None  # sorted English words, built on first lookup
        self._sounds: dict[str, list[str]] | None = None  # pinyin → Chinese words, likewise
        self._short: dict[str, set[str]] | None = None  # 友城 → {友好城市}, likewise

    def scores(self, query: Iterable[str]) -> np.ndarray:
        """BM25 of every document for ``query`` (each distinct known term counted once)."""
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        if not terms:
            return np.zeros(self.n, dtype=np.float32)
        # bm25s drops Okapi's constant (k1 + 1) factor: restore it so scores keep their scale.
        return (self._model.get_scores(terms) * (self.k1 + 1)).astype(np.float32)

    def known(self, term: str) -> bool:
        return term in self.idf

    def closest(self, term: str) -> str | None:
        """The corpus word a misspelt English ``term`` most likely means (same first two
        letters, a similar spelling), or None."""
        if not term.isascii() or not term.isalpha() or len(term) < 4 or term in self.idf:
            return None
        words = self._ascii_words()
        start = bisect.bisect_left(words, term[:2])
        near = []
        for word in itertools.islice(words, start, None):
            if not word.startswith(term[:2]):
                break
            if abs(len(word) - len(term)) <= 2:
                near.append(word)
        found = difflib.get_close_matches(term, near, n=1, cutoff=TYPO_SIMILARITY)
        return found[0] if found else None

    def abbreviations(self, term: str) -> set[str]:
        """Corpus words that abbreviate a four-character Chinese ``term`` by the first
        character of each half (友好城市 → 友城, 北京大学 → 北大), or that it abbreviates."""
        if not _CJK_ONLY.fullmatch(term) or len(term) not in (2, 4):
            return set()
        if self._short is None:
            self._short = {}
            for word in self.idf:
                if len(word) == 4 and _CJK_ONLY.fullmatch(word):
                    self._short.setdefault(word[0] + word[2], set()).add(word)
        if len(term) == 2:
            return set(self._short.get(term, ()))
        short = term[0] + term[2]
        return {short} if short in self.idf else set()

    def sounds_like(self, term: str, readings: Mapping[str, str]) -> str | None:
        """The corpus word a Chinese ``term`` it lacks stands for when typed by sound, as pinyin
        input methods mistype: the same toneless ``readings``, one character different
        (主仁 → 主任, 西若 → 西弱); the commonest if several, else None."""
        if term in self.idf or len(term) < 2 or not _CJK_ONLY.fullmatch(term):
            return None
        key = _sound(term, readings)
        if key is None:
            return None
        if self._sounds is None:
            self._sounds = {}
            for word in self.idf:
                if len(word) >= 2 and _CJK_ONLY.fullmatch(word):
                    sound = _sound(word, readings)
                    if sound is not None:
                        self._sounds.setdefault(sound, []).append(word)
        near = [
            w
            for w in self._sounds.get(key, ())
            if len(w) == len(term) and sum(a != b for a, b in zip(w, term, strict=True)) == 1
        ]
        return min(near, key=lambda w: (self.idf[w], w)) if near else None

    def clipped(self, term: str) -> list[str]:
        """The corpus words an English ``term`` may be clipped from (tech → technician, prof
        → professor): those it begins and that are at least ``CLIPPED`` letters longer; none
        when more than ``MAX_CLIPPED`` do (too short a start to tell) or the corpus has it."""
        if not term.isascii() or not term.isalpha() or len(term) < 3 or term in self.idf:
            return []
        words = self._ascii_words()
        longer = []
        for word in itertools.islice(words, bisect.bisect_left(words, term), None):
            if not word.startswith(term):
                break
            if len(word) >= len(term) + CLIPPED:
                longer.append(word)
        return longer if len(longer) <= MAX_CLIPPED else []

    def _ascii_words(self) -> list[str]:
        if self._words is None:
            self._words = sorted(t for t in self.idf if t.isascii() and t.isalpha())
        return self._words


def _sound(word: str, readings: Mapping[str, str]) -> str | None:
    syllables = [readings.get(ch) for ch in word]
    return None if None in syllables else " ".join(syllables)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def load_posseg():
    """jieba's part-of-speech tagger (its model loads on first use)."""
    load_jieba()
    import jieba.posseg

    return jieba.posseg


def in_dictionary(word: str) -> bool:
    """Whether jieba's dictionary lists a Chinese ``word`` (not one its HMM guessed)."""
    return bool(frequency(word))


def frequency(word: str) -> int:
    """How often jieba's dictionary counts ``word`` (0 for a word it does not list)."""
    return load_jieba().dt.FREQ.get(word) or 0


@lru_cache(maxsize=8192)
def content_pieces(term: str) -> tuple[str, ...]:
    """The content words of a Chinese ``term`` by jieba's part-of-speech tags (那站 → 站;
    一共 → nothing); an English term is its own content."""
    if term.isascii():
        return (term,)
    return tuple(
        w for w, tag in load_posseg().cut(term) if not tag.startswith(_FUNCTION_TAGS) and w.strip()
    )
