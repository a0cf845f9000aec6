"""Sentence-level scoring: how well each sentence of a passage answers a question.

A sentence's score is its embedding similarity to the question (from the index's stored
sentence vectors: no extra model) plus how much of the question's IDF-weighted terms it holds.
Rerank and the extractive answerer share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.retrieval.hybrid import Hit, Retrieval
from index.lexical import tokenize
from index.model import Chunk
from index.store import Index

COVERAGE_WEIGHT = 0.15  # a sentence's score: similarity + this × weighted question-term share


def centred_cosines(vectors: np.ndarray, query: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Each row's cosine to ``query`` once both are moved by ``-centre``."""
    moved, away = vectors - centre, query - centre
    norms = np.linalg.norm(moved, axis=1) * max(float(np.linalg.norm(away)), 1e-12)
    return (moved @ away) / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class Sentence:
    chunk: Chunk
    hit_rank: int
    span: tuple[int, int]  # offsets within chunk.text
    row: int  # row in the index's sentence vectors
    similarity: float
    coverage: float
    score: float

    @property
    def text(self) -> str:
        return self.chunk.text[self.span[0] : self.span[1]].strip()


class SentenceScorer:
    """Scores sentences of an index against a retrieval; caches sentence tokens."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._tokens: dict[int, set[str]] = {}

    def nearest(self, retrieval: Retrieval) -> tuple[float, float]:
        """The question's highest similarity to any sentence (the baseline rows and the
        retrieved passages; raw, on the embedder's own scale), and its highest cosine once
        question and sentences are centred on the baseline rows' mean. A question about
        something else entirely comes less near; centred, what every sentence of the text
        shares (its register, its language) no longer brings it near."""
        index, query = self.index, retrieval.query_vector
        rows = [index.baseline_rows]
        for hit in retrieval.hits:
            for chunk in filter(None, (hit.chunk, hit.translation)):
                rows.append(np.asarray(index.sentence_rows(index.position(chunk.id))))
        picked = np.concatenate(rows).astype(np.int64)
        if not picked.size:
            return 0.0, 0.0
        vectors = index.sentence_vectors[picked]
        centred = centred_cosines(vectors, query, self.centre)
        return float((vectors @ query).max()), float(centred.max())

    @cached_property
    def centre(self) -> np.ndarray:
        """The mean of the baseline rows' vectors: what every sentence of the text shares."""
        return self.index.sentence_vectors[self.index.baseline_rows].mean(axis=0)

    def tokens(self, row: int, text: str) -> set[str]:
        if row not in self._tokens:
            self._tokens[row] = set(tokenize(text))
        return self._tokens[row]

    def sentences(self, hit: Hit, rank: int, retrieval: Retrieval) -> list[Sentence]:
        """The sentences of one hit's passage and its translation, scored for the question."""
        out: list[Sentence] = []
        for chunk in filter(None, (hit.chunk, hit.translation)):
            ci = self.index.position(chunk.id)
            for row, span in zip(self.index.sentence_rows(ci), chunk.sentences, strict=True):
                text = chunk.text[span[0] : span[1]]
                raw = float(self.index.sentence_vectors[row] @ retrieval.query_vector)
                sim = raw + retrieval.offsets.get(chunk.lang, 0.0)
                coverage = retrieval.terms.share(self.tokens(row, text))
                score = sim + COVERAGE_WEIGHT * coverage - 0.01 * rank
                out.append(Sentence(chunk, rank, span, row, sim, coverage, score))
        return out

    def candidates(self, retrieval: Retrieval, depth: int) -> list[Sentence]:
        return [
            s
            for rank, hit in enumerate(retrieval.hits[:depth])
            for s in self.sentences(hit, rank, retrieval)
        ]
