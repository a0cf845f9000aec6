"""Second-stage ranking: order fused candidates by their best-matching sentence.

A passage is as good as its best sentence for the question: that sentence's embedding
similarity plus how much of the question's weighted terms it holds, with the first-stage
fused score kept as a tie-breaker. It reuses the index's sentence vectors, so it costs
a few milliseconds and no extra model.
"""

from __future__ import annotations

from dataclasses import replace

from bot.demands import Demands, demands, names_editions, satisfies
from bot.extractive import COVERAGE_WEIGHT, SentenceScorer
from bot.retrieve import Hit, Retrieval, Retriever

CANDIDATES = 20  # first-stage passages considered
FUSED_WEIGHT = 1.0
DEMAND_BONUS = 0.05


def passage_score(
    hit: Hit,
    retrieval: Retrieval,
    scorer: SentenceScorer,
    weights: dict[str, float],
    wanted: Demands | None = None,
) -> float:
    """The best sentence score within a hit's passage and its translation; a sentence that
    supplies what the question asks for (a count, a date, the named edition) scores more."""
    context = _context(hit)
    best = -1.0
    for s in scorer.sentences(hit, 0, retrieval, weights):
        score = s.similarity + COVERAGE_WEIGHT * s.coverage
        if wanted is not None and satisfies(wanted, s.text, context, True):
            score += DEMAND_BONUS
        best = max(best, score)
    return best


def rerank(retrieval: Retrieval, scorer: SentenceScorer, k: int) -> Retrieval:
    """The top ``k`` of ``retrieval``'s hits after second-stage ranking. A question naming an
    edition ("the 12th meeting", 第三届) can only be answered by a passage naming it too:
    such passages rank first."""
    weights = scorer.weights(retrieval.query_tokens)
    wanted = demands(retrieval.question)
    if not (wanted.kinds or wanted.ordinals):
        wanted = None
    scored = [
        (
            wanted is not None and bool(wanted.ordinals) and names_editions(wanted, _context(h)),
            passage_score(h, retrieval, scorer, weights, wanted) + FUSED_WEIGHT * h.score,
            i,
            h,
        )
        for i, h in enumerate(retrieval.hits)
    ]
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    return replace(retrieval, hits=[h for *_, h in scored[:k]])


def _context(hit: Hit) -> str:
    return "\n".join(c.text for c in filter(None, (hit.chunk, hit.translation)))


def search(
    retriever: Retriever, scorer: SentenceScorer, question: str, k: int, prefer: str | None
) -> Retrieval:
    """Hybrid retrieval followed by second-stage ranking: the pipeline every answer uses."""
    first = retriever.search(question, k=max(k, CANDIDATES), prefer=prefer)
    return rerank(first, scorer, k)
