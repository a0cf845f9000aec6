"""The extractive answerer: quote the sentence(s) that answer the question, never invent.

Sentences of the top passages (and their aligned translations) are scored by
embedding similarity to the question plus how much of the question's weighted terms
they contain. The answer quotes the best one or two, in the asker's language where the
article has it, converted to the asker's script. When the best evidence is too weak, or
the question names things the article never mentions, the answer is "does not say".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.answering.demands import Demands, answered, demands, satisfies, unmet_in_question
from bot.retrieval.hybrid import Retrieval
from bot.retrieval.outline import Structure
from bot.retrieval.sentences import Sentence, SentenceScorer
from index.lang import Lang

# Calibrated on the bundled test set. Similarity is measured as a z-score against all of the
# index's sentences, so the thresholds do not depend on one embedder's cosine range.
MIN_Z = 1.0
STRONG_Z = 1.5
MIN_COVERAGE = 0.34
MAX_UNKNOWN_SHARE = 0.5
# A sentence that meets the question's demands may be chosen over a better-scored one
# that does not, if it scores within this margin; further behind, the answer is refused.
DEMAND_MARGIN = 0.06


@dataclass
class Selection:
    """What the extractive answerer chose, and why."""

    sentences: list[Sentence] = field(default_factory=list)
    grounded: bool = False
    cross_language: bool = False  # the quote is not in the asker's language
    lead: str | None = None  # message key introducing quoted sentences (e.g. "title_is")
    features: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of_structure(cls, structure: Structure) -> Selection:
        """Quote the outline lines a title, heading or credit question asks for."""
        return cls(
            sentences=structure.sentences,
            grounded=True,
            features={"structural": 1.0},
            lead=structure.lead,
        )


def select(
    retrieval: Retrieval, scorer: SentenceScorer, question_lang: Lang, depth: int = 4
) -> Selection:
    """Choose the sentence(s) to quote, and decide whether the article answers at all."""
    weights = scorer.weights(retrieval.query_tokens)
    candidates = scorer.candidates(retrieval, weights, depth)
    if not candidates:
        return Selection()
    ranked = sorted(candidates, key=lambda s: -s.score)
    wanted = demands(retrieval.question)
    refusal = unmet_in_question(wanted, scorer.index.bm25.known, scorer.index.mentions)
    if refusal is None:
        meeting = [s for s in ranked if _meets(wanted, s, scorer, question_lang)]
        # Sentences about another edition than the one named are no rival to those about it.
        edition = any(n >= 2 for n in wanted.ordinals)
        if not meeting or (not edition and meeting[0].score < ranked[0].score - DEMAND_MARGIN):
            refusal = "demands unmet"
        ranked = meeting
    if refusal is not None:
        features = _features(retrieval, weights, scorer, ranked[0] if ranked else None)
        return Selection(features=features | {"refused": 1.0})
    best = ranked[0]
    same = [s for s in ranked if s.chunk.lang == question_lang]
    chosen = best
    if best.chunk.lang != question_lang and same:
        counterpart = [s for s in same if s.chunk.id == best.chunk.counterpart_id]
        if counterpart:
            vec = scorer.index.sentence_vectors[best.row]
            chosen = max(
                counterpart, key=lambda s: float(scorer.index.sentence_vectors[s.row] @ vec)
            )
        elif same[0].score >= best.score - 0.03:
            chosen = same[0]
    sentences = [chosen]
    second = _second_kind(ranked, chosen, wanted, question_lang) or _second(
        ranked, chosen, weights, scorer
    )
    if second is not None:
        sentences.append(second)
        sentences.sort(key=lambda s: s.chunk.start + s.span[0])
    features = _features(retrieval, weights, scorer, best)
    # Every candidate left names the edition the question names (第十二次, the 12th): a
    # specific match, even where a cross-language quote scores low on similarity.
    features["edition"] = float(edition)
    return Selection(
        sentences=sentences,
        grounded=_grounded(features),
        cross_language=chosen.chunk.lang != question_lang,
        features=features,
    )


def _meets(wanted: Demands, s: Sentence, scorer: SentenceScorer, question_lang: Lang) -> bool:
    other = scorer.index.chunk(s.chunk.counterpart_id)
    context = s.chunk.text + ("\n" + other.text if other is not None else "")
    # A sentence with an aligned translation is held to the question's own terms; only
    # one-language passages (captions, headings) get the lenient cross-language check.
    strict = s.chunk.lang == question_lang or other is not None
    return satisfies(wanted, s.text, context, strict)


def _second_kind(
    ranked: list[Sentence], first: Sentence, wanted: Demands, question_lang: Lang
) -> Sentence | None:
    """For a question asking for several things (a date and a count), a sentence that
    supplies what the first one lacks."""
    missing = wanted.kinds - answered(wanted, first.text, first.chunk.lang == question_lang)
    if not missing or missing == wanted.kinds:
        return None
    for s in ranked[1:12]:
        if s.chunk.lang != first.chunk.lang or s.row == first.row:
            continue
        if (
            s.score >= first.score - 2 * DEMAND_MARGIN
            and answered(wanted, s.text, s.chunk.lang == question_lang) & missing
        ):
            return s
    return None


def _second(
    ranked: list[Sentence], first: Sentence, weights: dict[str, float], scorer: SentenceScorer
) -> Sentence | None:
    """A second sentence in the same language that covers question terms the first misses."""
    have = scorer.tokens(first.row, first.chunk.text[first.span[0] : first.span[1]])
    for s in ranked[1:8]:
        if s.chunk.lang != first.chunk.lang or s.row == first.row:
            continue
        new = scorer.tokens(s.row, s.chunk.text[s.span[0] : s.span[1]]) - have
        gain = scorer.share(new, weights)
        if gain >= 0.2 and s.score >= first.score - 0.05:
            return s
    return None


def _features(
    retrieval: Retrieval, weights: dict[str, float], scorer: SentenceScorer, best: Sentence | None
) -> dict[str, float]:
    unknown = [t for t in weights if not scorer.index.bm25.known(t)]
    all_sims = scorer.index.sentence_vectors @ retrieval.query_vector
    spread = float(all_sims.std()) or 1.0
    similarity = best.similarity if best else float(all_sims.mean())
    return {
        "z": (similarity - float(all_sims.mean())) / spread,
        "similarity": similarity,
        "coverage": best.coverage if best else 0.0,
        "top_dense": float(np.max(retrieval.dense)) if retrieval.dense.size else 0.0,
        "unknown_share": len(unknown) / len(weights) if weights else 1.0,
        "n_terms": float(len(weights)),
    }


def _grounded(f: dict[str, float]) -> bool:
    if f["n_terms"] == 0 or f["unknown_share"] > MAX_UNKNOWN_SHARE:
        return False
    if f["z"] >= STRONG_Z or f.get("edition"):
        return True
    return f["z"] >= MIN_Z and f["coverage"] >= MIN_COVERAGE
