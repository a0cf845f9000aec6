"""Hybrid retrieval: dense search + BM25 from a store, fused by reciprocal rank, bilingual pairs.

A chunk's fused score also borrows from its aligned counterpart, so a Chinese question
finds an English-only phrasing of the same fact and vice versa. Each result is a
*passage* in the asker's language where an aligned one exists, with its translation.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np

from bot.retrieval.neutral import Neutral
from bot.retrieval.terms import Terms
from index.embed import Embedder
from index.lang import Lang
from index.lexical import rejoined, tokenize
from index.model import Chunk
from index.store import Index
from index.stores import MemoryStore, Ranked, Store

BRIDGE_WEIGHT = 0.5  # a bridged rendering counts half as much as the question's own word
# Candidates per language from each side of the store; a library this small per language is
# searched exhaustively, so ranks are exact.
DEPTH = 1000


@dataclass(frozen=True)
class Hit:
    """One retrieved passage. ``chunk`` is shown; ``translation`` is its aligned counterpart."""

    chunk: Chunk
    translation: Chunk | None
    score: float  # fused score (reciprocal-rank units)
    dense: float  # cosine of the question with the matched chunk
    lexical: float  # BM25 of the matched chunk
    matched_id: str  # the chunk that actually matched (``chunk`` or ``translation``)


@dataclass(frozen=True)
class Retrieval:
    question: str
    hits: list[Hit]
    query_vector: np.ndarray
    query_tokens: list[str]
    terms: Terms
    # Added to a similarity in each language so both languages are on one scale: a question
    # is less similar to any text in the other language, relevant or not.
    offsets: dict[str, float]
    dense: np.ndarray  # similarity per chunk, index order (-inf: the store did not rank it)
    lexical: np.ndarray  # BM25 per chunk, index order

    def similarity(self, index: Index, i: int) -> float:
        """The question's similarity to chunk ``i`` (with its language's offset), computed
        when the store did not rank it."""
        if np.isfinite(self.dense[i]):
            return float(self.dense[i])
        own = float(index.chunk_vectors[i] @ self.query_vector)
        return own + self.offsets.get(index.chunks[i].lang, 0.0)


class Retriever:
    """Searches one ``Index`` with one ``Embedder`` (the one the index was built with), its
    passages found through ``store`` (by default FAISS and BM25 in memory)."""

    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        store: Store | None = None,
        rrf_k: int = 20,
        pair_weight: float = 0.5,
        per_language: bool = True,
        depth: int = DEPTH,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.store = store if store is not None else MemoryStore(index)
        self.rrf_k = rrf_k
        self.pair_weight = pair_weight
        self.per_language = per_language
        self.depth = depth
        langs = np.array([c.lang for c in index.chunks])
        self._mask_langs = [str(lang) for lang in np.unique(langs)]
        self._lang_masks = [langs == lang for lang in self._mask_langs]
        self._neutral = Neutral.of(index.chunk_vectors, langs)
        self._offset_vectors = _offset_vectors(index)
        counterpart = [index.chunk(c.counterpart_id) for c in index.chunks]
        self._counterpart = np.array(
            [index.position(c.id) if c is not None else -1 for c in counterpart], dtype=np.int64
        )

    def search(
        self,
        question: str,
        k: int = 5,
        prefer: Lang | None = None,
        documents: Collection[str] | None = None,
    ) -> Retrieval:
        """Top ``k`` passages for ``question``; ``prefer`` is ``zh`` or ``en`` for display;
        ``documents`` (ids) limits the search to those documents."""
        n = len(self.index.chunks)
        query_vector = self.embedder.embed_queries([question])[0]
        tokens = rejoined(tokenize(question), question, self.index.bm25.idf)
        terms = Terms.of(tokens, self.index)
        if n == 0:  # an empty library
            empty = np.zeros(0, np.float32)
            return Retrieval(question, [], query_vector, tokens, terms, {}, empty, empty)
        offsets = self._offsets(query_vector)
        # passages are ranked by the language-neutral vector; features read the plain cosine
        neutral = self._neutral(query_vector) if self._neutral else query_vector
        ranking, lexical = self._candidates(
            neutral, tokens, terms, self._offsets(neutral), documents
        )
        dense = self._similarities(np.isfinite(ranking), query_vector, offsets)
        fused = self._rrf(ranking) + self._rrf(lexical, positive_only=True)
        if self.per_language:
            for mask in self._lang_masks:
                fused[mask] = np.maximum(
                    fused[mask],
                    self._rrf(ranking[mask]) + self._rrf(lexical[mask], positive_only=True),
                )
        # A chunk scores with its aligned translation's evidence; one with no translation
        # (a caption, a heading) stands in for it, so it is not outranked for lacking one.
        has_pair = self._counterpart >= 0
        partner = fused.copy()
        partner[has_pair] = fused[self._counterpart[has_pair]]
        paired = fused + self.pair_weight * partner
        retrieval = Retrieval(question, [], query_vector, tokens, terms, offsets, dense, lexical)
        hits: list[Hit] = []
        shown: set[str] = set()
        for i in np.argsort(-paired, kind="stable"):
            if paired[i] <= 0:  # not found by the store (which searches only ``documents``)
                break
            chunk = self.index.chunks[i]
            if chunk.id in shown:
                continue
            other = self.index.chunk(chunk.counterpart_id)
            main, translation = chunk, other
            if prefer and other is not None and chunk.lang != prefer and other.lang == prefer:
                main, translation = other, chunk
            if main.id in shown:
                continue
            shown.update({main.id, chunk.id} | ({translation.id} if translation else set()))
            hits.append(
                Hit(
                    main,
                    translation,
                    float(paired[i]),
                    retrieval.similarity(self.index, int(i)),
                    float(lexical[i]),
                    chunk.id,
                )
            )
            if len(hits) >= k:
                break
        return replace(retrieval, hits=hits)

    def _candidates(
        self,
        query_vector: np.ndarray,
        tokens: list[str],
        terms: Terms,
        offsets: dict[str, float],
        documents: Collection[str] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per passage (index order), the store's dense score plus its language's offset
        (-inf: not among the candidates) and its BM25, bridged renderings at half weight."""
        n = len(self.index.chunks)
        dense = np.full(n, -np.inf, np.float32)
        lexical = np.zeros(n, np.float32)
        queries = [(tokens + terms.corrected(), 1.0), (terms.bridged(), BRIDGE_WEIGHT)]
        for lang in self._mask_langs:
            found = self.store.dense(query_vector, self.depth, lang, documents)
            rows, scores = self._rows(found)
            dense[rows] = scores + offsets.get(lang, 0.0)
            for query, weight in queries:
                if query:
                    rows, scores = self._rows(
                        self.store.lexical(query, self.depth, lang, documents)
                    )
                    lexical[rows] += weight * scores
        return dense, lexical

    def _rows(self, ranked: Ranked) -> tuple[np.ndarray, np.ndarray]:
        """Index positions of a store's ids; ids this index does not hold (yet) are dropped."""
        rows = np.array([self.index.row(i) for i in ranked.ids], dtype=np.int64)
        known = rows >= 0
        return rows[known], np.asarray(ranked.scores, np.float32)[known]

    def _similarities(
        self, found: np.ndarray, query_vector: np.ndarray, offsets: dict[str, float]
    ) -> np.ndarray:
        """The question's cosine with each found passage plus its language's offset."""
        dense = np.full(len(found), -np.inf, np.float32)
        dense[found] = self.index.chunk_vectors[found] @ query_vector
        for lang, mask in zip(self._mask_langs, self._lang_masks, strict=True):
            dense[found & mask] += offsets.get(lang, 0.0)
        return dense

    def _offsets(self, query_vector: np.ndarray) -> dict[str, float]:
        """Per language, the mean similarity of all sentences minus that language's mean."""
        return {
            lang: float(gap @ query_vector) if gap is not None else 0.0
            for lang, gap in self._offset_vectors.items()
        }

    def _rrf(self, scores: np.ndarray, positive_only: bool = False) -> np.ndarray:
        """Reciprocal-rank score of each entry; with ``positive_only``, zero scores add nothing."""
        ranks = np.empty(len(scores), np.float32)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        out = 1.0 / (self.rrf_k + ranks)
        out[np.isneginf(scores)] = 0.0  # not a candidate
        if positive_only:
            out[scores <= 0] = 0.0
        return out


def _offset_vectors(index: Index) -> dict[str, np.ndarray | None]:
    """Per language, the mean of the baseline sentences' vectors minus that language's mean: a
    similarity's mean is the similarity to the mean vector, so each question's offsets cost
    one product per language (None: no sentence in that language)."""
    vectors = np.asarray(index.sentence_vectors[index.baseline_rows], np.float64)
    langs = index.baseline_langs
    overall = vectors.mean(0) if len(vectors) else None
    return {
        lang: overall - vectors[langs == lang].mean(0)
        if overall is not None and (langs == lang).any()
        else None
        for lang in ("zh", "en")
    }
