"""Named features of each candidate sentence: what the answer/refuse decision is fitted on.

Every feature is a general signal (similarity, term coverage through the bridge, answer
type, the question's explicit constraints, rank); none names a word of any one article.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.answering.analysis import Analysis, constraints_met, supplies
from bot.answering.extent import extent, open_ended, token_set
from bot.answering.mentions import asked_thing, indefinite_only
from bot.answering.numbers import (
    CURRENCY,
    DURATION_UNITS,
    EN_NUMBER,
    MEASURES,
    PEOPLE_CLASSIFIERS,
    PERSONS,
    counts_unit,
    is_year,
    numbers_in,
)
from bot.retrieval.hybrid import Retrieval
from bot.retrieval.sentences import Sentence, SentenceScorer
from index.align import is_heading
from index.bridge import pinyin_table
from index.lang import Lang, normalize
from index.lexical import content_pieces, in_dictionary, stem, tokenize
from index.model import Chunk
from index.names import compound, demonyms

FEATURES = (
    "sim_z",
    "sim_gap",
    "coverage",
    "coverage_context",
    "type_match",
    "typed_question",
    "unit_match",
    "passage_type_match",
    "passage_unit_match",
    "constraints",
    "rank",
    "fused",
    "same_language",
    "question_like",
    "heading",
    "unknown_terms",
    "unknown_names",
    "missing_idf",
    "missing_share",
    "indefinite",
    "length",
    # against the question's other candidates, and two products a linear ranker cannot form:
    # a sentence is weighed by how much less of the question it holds than the best one
    "coverage_behind",
    "coverage_context_behind",
    "constraints_behind",
    "typed_match",  # offers the asked type, where the question asks one
    "coverage_similarity",  # holds the question's words and reads like it
)
_BEHIND = ("coverage", "coverage_context", "constraints")
# A name in fewer than this share of passages is specific: an answer must be about it.
# Chosen on the development sets (0.2, 0.1, 0.05 compared by leave-one-set-out figures): a
# wider net vetoes the right passage of paraphrases that name a place it does not repeat.
SPECIFIC_NAME = 0.05
_CJK = re.compile(r"[\u3400-\u9fff]")
MARKERS = (
    DURATION_UNITS | MEASURES.keys() | {PERSONS, CURRENCY}
)  # units that stand for a kind, not one noun


@dataclass(frozen=True)
class Candidate:
    sentence: Sentence
    features: dict[str, float]
    vetoed: bool  # not evidence: shares no question term, or lacks an explicit constraint


@lru_cache(maxsize=8192)
def _name_tokens(name: str) -> list[str]:
    return [t for t in tokenize(name) if not t.startswith("#")]


def context_of(s: Sentence, scorer: SentenceScorer) -> str:
    """A sentence with its chunk, its paragraph, and the aligned translation's paragraph."""
    index = scorer.index
    other = index.chunk(s.chunk.counterpart_id)
    paragraphs = [index.paragraph(c.paragraph_id) for c in (s.chunk, other) if c is not None]
    parts = [s.chunk.text, other.text if other else "", *(p.text for p in paragraphs if p)]
    return "\n".join(dict.fromkeys(p for p in parts if p))


class Featurizer:
    """Computes the candidates' features for one question and its retrieval."""

    def __init__(self, retrieval: Retrieval, scorer: SentenceScorer, analysis: Analysis):
        self.retrieval, self.scorer, self.analysis = retrieval, scorer, analysis
        index = scorer.index
        terms = retrieval.terms
        baseline = index.sentence_vectors[index.baseline_rows] @ retrieval.query_vector
        self.mean = float(baseline.mean()) if baseline.size else 0.0
        self.spread = (float(baseline.std()) if baseline.size else 0.0) or 1.0
        self.unknown = terms.unknown_share()
        self.names = {name: self._renderings(name) for name in analysis.names}
        # a name of several words is also met word by word in the other language: "Lianyu
        # Bay" by 莲屿湾, "Middle School" by 中学; or as one compound (森林故事屋)
        renderings = retrieval.terms.renderings
        self.parts = {
            name: [{t, *renderings[t]} for t in tokens]
            for name in analysis.names
            if len(tokens := _name_tokens(name)) > 1 and all(t in renderings for t in tokens)
        }
        self.compounds = {n: compound(_name_tokens(n), renderings) for n in self.parts}
        # Names the article never mentions: in no rendering, and (a name of several words)
        # with a word the article never uses ("Osaka"; not "China-Japan", not "Lianyu Bay No").
        # A Chinese "name" jieba's dictionary lacks is a guess of its tagger (段时间, a typo).
        mentioned = {n: any(map(index.mentions, forms)) for n, forms in self.names.items()}
        self.absent = [
            n
            for n in self.names
            if not mentioned[n] and not self._words_known(n) and (n.isascii() or in_dictionary(n))
        ]
        # Names few passages hold: an answer must be about them.
        self.specific = [
            n
            for n, forms in self.names.items()
            if mentioned[n] and max(map(index.frequency, forms)) < SPECIFIC_NAME
        ]
        self.whole = open_ended(retrieval.question)
        # the terms naming what a which-question asks about (哪位荷兰专家: 荷兰, 专家)
        thing = asked_thing(retrieval.question)
        self.asked_thing = [t for t in tokenize(thing) if t in terms.renderings] if thing else []
        # per chunk id: the features of what an answer from it quotes, and whether that
        # shares a question term
        self._by_chunk: dict[str, dict[str, float]] = {}
        self._shares_a_term: dict[str, bool] = {}
        self._extents: dict[str, list[Chunk]] = {}
        self.top_fused = max((h.score for h in retrieval.hits), default=1.0) or 1.0
        # the counted thing in either language and spelling (学生 ⇄ student, visiter → visitor);
        # a noun the article never uses ("test pits" for its trenches) demands nothing
        idf = index.bm25.idf
        asked = {
            u
            for u in analysis.units
            if len(u) == 1  # a classifier (名, 位)
            or u in MARKERS
            or any(f in idf for f in terms.renderings.get(u, {u}))
        }
        # a head count of a kind of people the article never names (多少名教练): any count of
        # people (7位省级领导) is not one of them
        unnamed = {u for u in analysis.units if len(u) > 1 and u not in MARKERS and u not in asked}
        if unnamed and PERSONS in asked:
            asked = (asked - {PERSONS} - set(PEOPLE_CLASSIFIERS)) | unnamed
        self.asked_units = frozenset(asked)
        # a number word is no counted thing (片 renders as "one" through 一片)
        self.units = self.asked_units | {
            form
            for u in asked
            for form in terms.renderings.get(u, ())
            if not EN_NUMBER.fullmatch(form)
        }

    def _words_known(self, name: str) -> bool:
        words = _name_tokens(name)
        if len(words) < 2:
            return False
        terms, idf = self.retrieval.terms, self.scorer.index.bm25.idf
        return all(w in terms.known if w in terms.weights else w in idf for w in words)

    def _renderings(self, name: str) -> set[str]:
        """The name, and its renderings in the other language: the bridge's, and the
        Chinese forms the article glosses or spells it with."""
        index, tokens = self.scorer.index, _name_tokens(name)
        forms = {name}
        if len(tokens) == 1:
            forms |= self.retrieval.terms.renderings.get(tokens[0], frozenset())
        elif not name.isascii():
            # a transliterated name jieba cuts in pieces (穆朗|阿 for Murang'a): the English
            # name the article pairs with a piece of it
            forms |= {english for t in tokens for english in index.bridge.names.get(t, ())}
        if name.isascii():  # 埃莱娜·莫雷蒂（Elena Moretti）; 龙春梅 for Long Chunmei
            forms |= index.name_forms(name)
        return forms | index.places_within(name) | demonyms(forms)  # Antwerp; Chinese, 中方

    def candidates(self, question_lang: Lang, depth: int = 4) -> list[Candidate]:
        sentences = self.scorer.candidates(self.retrieval, depth)
        best_sim = max((s.similarity for s in sentences), default=0.0)
        found = [self._candidate(s, question_lang, best_sim) for s in sentences]
        best = {n: max((c.features[n] for c in found), default=0.0) for n in _BEHIND}
        for c in found:
            f = c.features
            f.update({f"{n}_behind": f[n] - best[n] for n in _BEHIND})
            f["typed_match"] = f["type_match"] * f["typed_question"]
            f["coverage_similarity"] = f["coverage"] * f["sim_z"]
        return found

    def _candidate(self, s: Sentence, question_lang: Lang, best_sim: float) -> Candidate:
        a, terms = self.analysis, self.retrieval.terms
        context = context_of(s, self.scorer)
        context_tokens = set(token_set(context))
        text = s.text
        hit = self.retrieval.hits[s.hit_rank]
        features = {
            "sim_z": (s.similarity - self.mean) / self.spread,
            "sim_gap": s.similarity - best_sim,
            "coverage": s.coverage,
            "coverage_context": terms.share(context_tokens),
            "type_match": float(self._supplies(text)),
            "typed_question": float(a.kind != "other"),
            "unit_match": float(counts_unit(self.units, text, self.asked_units)),
            **self._passage_features(s),
            "constraints": self._constraints(context, context_tokens),
            "rank": float(s.hit_rank),
            "fused": hit.score / self.top_fused,
            "same_language": float(s.chunk.lang == question_lang),
            "question_like": float(bool(re.search(r"[?？]\s*$", text))),
            "heading": float(self._is_heading(s)),
            "unknown_terms": self.unknown,
            "unknown_names": float(bool(self.absent)),
            "length": math.log1p(len(text)),
        }
        # a heading names a section and states no other fact (heading questions take the
        # outline); what it names may be asked ("代號「雙河計劃」" for the project's code name)
        vetoed = (
            not self._shares_a_term[s.chunk.id]
            or (features["heading"] == 1.0 and not self._names_asked(text))
            or self._vetoed(s.chunk, context, context_tokens)
        )
        return Candidate(s, features, vetoed)

    def _passage_features(self, s: Sentence) -> dict[str, float]:
        """Features of what an answer from ``s`` quotes (its chunk's passage, with the
        translation): whether it offers the asked type and count, the question terms it
        lacks, indefinite mentions. The same for every sentence of a chunk, so computed once."""
        key = s.chunk.id
        if key not in self._by_chunk:
            passage = self._passage(s)
            tokens = set(token_set(passage))
            texts = [t for t in passage.split("\n") if t]
            self._shares_a_term[key] = bool(self.retrieval.terms.found(tokens))
            self._by_chunk[key] = {
                "passage_type_match": float(any(map(self._supplies, texts))),
                "passage_unit_match": float(
                    any(counts_unit(self.units, t, self.asked_units) for t in texts)
                ),
                **self._missing(tokens),
                "indefinite": float(self._indefinite(passage)),
            }
        return self._by_chunk[key]

    def _supplies(self, text: str) -> bool:
        """Whether ``text`` offers the asked answer type; a Chinese word the article also
        spells in pinyin as an English name (建平 ⇄ Jianping) is a name jieba's tagger
        missed."""
        if supplies(self.analysis, text):
            return True
        if self.analysis.kind not in ("name", "person"):
            return False
        names, readings = self.scorer.index.bridge.names, pinyin_table()
        asked = set(self.retrieval.query_tokens)
        return any(
            stem("".join(readings.get(ch, "?") for ch in word)) in names.get(word, ())
            for word in token_set(text) - asked
            if word in names
        )

    def extent(self, chunk: Chunk) -> list[Chunk]:
        """``extent`` of a chunk for this question, computed once per chunk."""
        if chunk.id not in self._extents:
            self._extents[chunk.id] = extent(
                self.scorer.index, chunk, self.retrieval.terms, self.analysis, self.whole
            )
        return self._extents[chunk.id]

    def _passage(self, s: Sentence) -> str:
        """What an answer from ``s`` quotes: its chunk, with the neighbours in its paragraph
        that bear on the question, and their translations."""
        index = self.scorer.index
        chunks = self.extent(s.chunk)
        others = [index.chunk(c.counterpart_id) for c in chunks]
        return "\n".join(c.text for c in [*chunks, *others] if c)

    def _missing(self, tokens: set[str]) -> dict[str, float]:
        """How much of the question the passage lacks, of what the article has: the rarest
        such term (IDF relative to the question's rarest term) and the weighted share."""
        terms = self.retrieval.terms
        weights = terms.weights
        absent = set(terms.known) - terms.found(tokens)
        top = max(weights.values(), default=1.0) or 1.0
        total = sum(weights.values()) or 1.0
        return {
            "missing_idf": max((weights[t] for t in absent), default=0.0) / top,
            "missing_share": sum(weights[t] for t in absent) / total,
        }

    def _indefinite(self, passage: str) -> bool:
        """A question asking which one (or its name) about a thing the passage mentions only
        indefinitely ("a wetland centre", 一个茶行): the passage never says which."""
        if self.analysis.kind not in ("name", "person", "place") or not self.asked_thing:
            return False
        question, renderings = self.retrieval.question, self.retrieval.terms.renderings
        return any(
            indefinite_only(renderings[term], passage)
            for term in self.asked_thing
            if len(term) > 1 and content_pieces(term) and not indefinite_only([term], question)
        )

    def _constraints(self, context: str, tokens: set[str]) -> float:
        """The share of the question's constraints (years, numbers, months, editions,
        names in either language) that the context meets."""
        a = self.analysis
        if not a.constraints:
            return 1.0
        plain = constraints_met(a, context) * a.constraints
        bridged = sum(
            1
            for n, forms in self.names.items()
            if normalize(n) not in normalize(context) and self._met(n, context, tokens)
        )
        return min(1.0, (plain + bridged) / a.constraints)

    def _vetoed(self, chunk: Chunk, context: str, tokens: set[str]) -> bool:
        """The context lacks a year, number or edition the question states, or a specific
        name (one few passages hold), in either language."""
        a = self.analysis
        if a.years or a.numbers or a.ordinals:
            numeric = a.numeric()
            if constraints_met(numeric, context) < 1.0 and not self._dated_before(chunk, context):
                return True
        specific = self.specific
        if not _CJK.search(context):
            # a Chinese name the article never renders in English cannot be checked against
            # English text (a caption only the English half has)
            specific = [n for n in specific if any(f.isascii() for f in self.names[n])]
        if not specific:
            return False
        # an abbreviation the context uses stands for the full name the article defines for
        # it (基金会 for 英国诺福克郡北沼湿地基金会): the name may be in that
        expanded = set(tokens)
        for alias, full in self.scorer.index.bridge.aliases:
            if set(alias) <= tokens:
                expanded |= full
        if all(self._met(n, context, expanded) for n in specific):
            return False
        # a passage goes on about what the paragraph before it named (成果展 …, then 展览 …)
        before = self._before(chunk)
        expanded |= token_set(before)
        return any(not self._met(n, context + "\n" + before, expanded) for n in specific)

    def _dated_before(self, chunk: Chunk, context: str) -> bool:
        """Whether a context that states no year goes on from a paragraph stating the years a
        question about years alone asks ("The evaluation also recorded complaints." after
        "an evaluation commissioned in 2024")."""
        a = self.analysis
        if a.numbers or a.ordinals or any(map(is_year, numbers_in(context))):
            return False
        return constraints_met(type(a)(years=a.years), self._before(chunk)) == 1.0

    def _before(self, chunk: Chunk) -> str:
        """The paragraphs just before a chunk's and its translation's."""
        index = self.scorer.index
        chunks = [chunk, index.chunk(chunk.counterpart_id)]
        previous = [index.previous_paragraph(c.paragraph_id) for c in chunks if c]
        return "\n".join(p.text for p in previous if p)

    def _met(self, name: str, context: str, tokens: set[str]) -> bool:
        """Whether the context names ``name``: whole, or (in the other language) word by word."""
        norm = normalize(context)
        if self._name_in(self.names[name], norm, tokens):
            return True
        parts, written = self.parts.get(name), self.compounds.get(name)
        if parts and all(self._name_in(p, norm, tokens) for p in parts):
            return True
        return bool(written and written.search(norm))

    @staticmethod
    def _name_in(forms: set[str], norm: str, tokens: set[str]) -> bool:
        return any(f in tokens or normalize(f) in norm for f in forms)

    def _names_asked(self, text: str) -> bool:
        """Whether a name question is answered by a name ``text`` gives."""
        a = self.analysis
        return a.kind == "name" and supplies(a, text)

    def _is_heading(self, s: Sentence) -> bool:
        paragraph = self.scorer.index.paragraph(s.chunk.paragraph_id)
        return paragraph is not None and is_heading(paragraph)


def matrix(candidates: list[Candidate]) -> np.ndarray:
    """The candidates' features as rows, in ``FEATURES`` order."""
    return np.array([[c.features[f] for f in FEATURES] for c in candidates], dtype=np.float64)
