"""The extractive answerer: quote the sentence(s) that answer the question, never invent.

Candidate sentences come from the top passages and their aligned translations. The fitted
decision (``bot.answering.decision``) scores them; the evidence is the best-scored sentence
whose context meets the question's explicit constraints (its year, number, edition, a
specific name), and the decision judges from it whether the article answers at all. The
answer quotes that passage, in the asker's language where the article has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.answering.analysis import Analysis
from bot.answering.decision import Decision
from bot.answering.features import Featurizer, matrix
from bot.answering.numbers import numbers_in
from bot.retrieval.hybrid import Retrieval
from bot.retrieval.outline import Structure
from bot.retrieval.sentences import Sentence, SentenceScorer
from index.lang import Lang
from index.model import Chunk
from index.store import Index


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


def pick(scores: np.ndarray, ranks: np.ndarray, vetoed: np.ndarray) -> tuple[int, float] | None:
    """The evidence for an answer: the best-scored sentence whose context meets the
    question's constraints (the ranker weighs the passage's retrieval rank), and its lead over
    the best sentence of any other passage. None when every passage is vetoed."""
    allowed = ~vetoed
    if not allowed.any():
        return None
    first = ranks[allowed][np.argmax(scores[allowed])]
    inside = allowed & (ranks == first)
    best = int(np.flatnonzero(inside)[np.argmax(scores[inside])])
    other = _best_elsewhere(scores, ranks, vetoed, best)
    margin = float(scores[best] - scores[other]) if other is not None else 1.0
    return best, margin


def runner_up(scores: np.ndarray, ranks: np.ndarray, vetoed: np.ndarray, best: int) -> int | None:
    """The best sentence of another allowed passage when the ranker, whose scores are fitted
    log-odds that a sentence states the answer, judges it more likely than not to: two
    passages about one topic that the features cannot separate are both quoted, rather than
    a coin toss deciding which the user sees."""
    second = _best_elsewhere(scores, ranks, vetoed, best)
    return second if second is not None and scores[second] > 0.0 else None


def _best_elsewhere(
    scores: np.ndarray, ranks: np.ndarray, vetoed: np.ndarray, best: int
) -> int | None:
    """The best-scored allowed sentence outside ``best``'s passage, if any."""
    elsewhere = ~vetoed & (ranks != ranks[best])
    if not elsewhere.any():
        return None
    return int(np.flatnonzero(elsewhere)[np.argmax(scores[elsewhere])])


def select(
    retrieval: Retrieval,
    scorer: SentenceScorer,
    question_lang: Lang,
    analysis: Analysis,
    decision: Decision,
    depth: int = 4,
) -> Selection:
    """Choose the passage to quote, and decide whether the article answers at all."""
    if analysis.instructions:
        return Selection(features={"instructions": 1.0, "probability": 0.0})
    nearest, centred = scorer.nearest(retrieval)
    topic = (nearest, centred, retrieval.terms.unknown_share())
    embedder = scorer.index.manifest.get("embedder", {}).get("id")
    if not decision.on_topic(topic, embedder, len(scorer.index.sentence_vectors)):
        return Selection(features={"off_topic": 1.0, "nearest": nearest, "probability": 0.0})
    featurizer = Featurizer(retrieval, scorer, analysis)
    candidates = featurizer.candidates(question_lang, depth)
    if not candidates:
        return Selection(features={"probability": 0.0})
    rows = matrix(candidates)
    scores = decision.scores(rows)
    ranks = np.array([c.sentence.hit_rank for c in candidates])
    vetoed = np.array([c.vetoed for c in candidates])
    picked = pick(scores, ranks, vetoed)
    if picked is None:
        return Selection(
            features=dict(candidates[0].features) | {"vetoed": 1.0, "probability": 0.0}
        )
    index, margin = picked
    best = candidates[index]
    probability = decision.probability(best.features, float(scores[index]), margin)
    features = dict(best.features) | {"score": float(scores[index]), "probability": probability}
    if probability < decision.threshold:
        return Selection(features=features)
    # the article answers: which sentence says it best (the ranker's best without a chooser)
    choice = pick(decision.choices(rows), ranks, vetoed)
    index = choice[0] if choice else index
    best = candidates[index]
    others = [c.sentence for c in candidates if not c.vetoed]
    chosen = _in_question_language(best.sentence, others, scorer, question_lang)
    sentences = _passage(chosen, best.sentence.chunk, others, scorer.index, featurizer)
    second = runner_up(scores, ranks, vetoed, index)
    if second is not None:
        evidence = candidates[second].sentence
        also = _in_question_language(evidence, others, scorer, question_lang)
        if (also.chunk.lang != question_lang) == (chosen.chunk.lang != question_lang):
            quoted = {s.row for s in sentences}
            passage = _passage(also, evidence.chunk, others, scorer.index, featurizer)
            added = [s for s in passage if s.row not in quoted]
            if added:  # the citation number the runner-up's quote starts at
                features["second_passage"] = float(len({s.chunk.id for s in sentences}) + 1)
            sentences += added
    return Selection(
        sentences=sentences,
        grounded=True,
        cross_language=chosen.chunk.lang != question_lang,
        features=features,
    )


def _in_question_language(
    best: Sentence, others: list[Sentence], scorer: SentenceScorer, question_lang: Lang
) -> Sentence:
    """The best sentence, or its rendering in the asker's language where the article has one
    (the most similar sentence of the aligned passage). A counterpart lacking any of the
    sentence's figures does not render it (a caption or list only one half has, aligned to a
    nearby paragraph)."""
    if best.chunk.lang == question_lang:
        return best
    counterpart = [s for s in others if s.chunk.id == best.chunk.counterpart_id]
    figures = _figures(best.text)
    # its figures by value, however the counterpart writes them (seven for 7位)
    if not counterpart or not figures <= numbers_in(counterpart[0].chunk.text):
        return best
    vectors = scorer.index.sentence_vectors
    return max(counterpart, key=lambda s: float(vectors[s.row] @ vectors[best.row]))


def _figures(text: str) -> set[float]:
    return numbers_in(text, exact=True)


def _passage(
    chosen: Sentence,
    evidence: Chunk,
    others: list[Sentence],
    index: Index,
    featurizer: Featurizer,
) -> list[Sentence]:
    """The chosen sentence with the rest of its passage, in order: an answer often spans a
    sentence and its neighbours (a date in one, the place in the next), and a paragraph cut
    into chunks may hold the name in one and the count in the next. The passage is the
    chosen chunk's ``extent`` with the evidence chunk's (what the decision judged) rendered
    in the chosen sentence's language."""
    scored = {s.row: s for s in [chosen, *others]}
    chunks = list(featurizer.extent(chosen.chunk))
    if evidence.id != chosen.chunk.id:  # quoted from the aligned translation: cover both
        judged = featurizer.extent(evidence)
        chunks += [index.chunk(c.counterpart_id) for c in judged]  # type: ignore[misc]
    unique = {c.id: c for c in chunks if c is not None and c.lang == chosen.chunk.lang}
    out = []
    for chunk in sorted(unique.values(), key=lambda c: index.position(c.id)):
        at = index.position(chunk.id)
        for row, span in zip(index.sentence_rows(at), chunk.sentences, strict=True):
            # a neighbour's sentences were not scored: they are quoted, not ranked
            out.append(
                scored.get(row) or Sentence(chunk, chosen.hit_rank, span, row, 0.0, 0.0, 0.0)
            )
    return out
