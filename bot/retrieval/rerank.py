"""Second-stage ranking: order fused candidates by their best-matching sentence.

A passage is as good as its best sentence for the question: that sentence's embedding
similarity plus how much of the question's weighted terms it holds, with the first-stage
fused score kept as a tie-breaker. It reuses the index's sentence vectors, so it costs
a few milliseconds and no extra model.

What the question asks for (a count, a date, a named edition) is judged above this layer;
the caller passes it in as a ``Preference``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Protocol

from bot.retrieval.hybrid import Hit, Retrieval, Retriever
from bot.retrieval.sentences import COVERAGE_WEIGHT, SentenceScorer
from index.lang import Lang

CANDIDATES = 20  # first-stage passages considered
FUSED_WEIGHT = 1.0
DEMAND_BONUS = 0.05


class Preference(Protocol):
    """What a question asks of its evidence."""

    def pins(self, context: str) -> bool:
        """Whether a passage (with its translation, ``context``) must rank first."""
        ...

    def supplies(self, sentence: str, context: str) -> bool:
        """Whether ``sentence`` supplies what the question asks for."""
        ...


def passage_score(
    hit: Hit,
    retrieval: Retrieval,
    scorer: SentenceScorer,
    preference: Preference | None = None,
) -> float:
    """The best sentence score within a hit's passage and its translation; a sentence that
    supplies what the question asks for scores more."""
    context = hit_context(hit)
    best = -1.0
    for s in scorer.sentences(hit, 0, retrieval):
        score = s.similarity + COVERAGE_WEIGHT * s.coverage
        if preference is not None and preference.supplies(s.text, context):
            score += DEMAND_BONUS
        best = max(best, score)
    return best


def rerank(
    retrieval: Retrieval, scorer: SentenceScorer, k: int, preference: Preference | None = None
) -> Retrieval:
    """The top ``k`` of ``retrieval``'s hits after second-stage ranking; passages the
    preference pins rank first."""
    scored = [
        (
            preference is not None and preference.pins(hit_context(h)),
            passage_score(h, retrieval, scorer, preference) + FUSED_WEIGHT * h.score,
            i,
            h,
        )
        for i, h in enumerate(retrieval.hits)
    ]
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    return replace(retrieval, hits=[h for *_, h in scored[:k]])


def hit_context(hit: Hit) -> str:
    """A hit's passage and its aligned translation, as one text."""
    return "\n".join(c.text for c in filter(None, (hit.chunk, hit.translation)))


def search(
    retriever: Retriever,
    scorer: SentenceScorer,
    question: str,
    k: int,
    prefer: Lang | None,
    preference: Preference | None = None,
    documents: Collection[str] | None = None,
) -> Retrieval:
    """Hybrid retrieval followed by second-stage ranking: the pipeline every answer uses."""
    first = retriever.search(question, k=max(k, CANDIDATES), prefer=prefer, documents=documents)
    return rerank(first, scorer, k, preference)
