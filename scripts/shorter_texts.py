"""How the topic gate behaves on texts shorter than any development article, simulated.

Each development article is cut to a share of its passages at random (always keeping those
holding a question's gold evidence: a shorter article that answers a question still holds
its answer), and each question's nearest sentence (raw and centred) and the share of its terms
the text never uses are taken again over what is left. The gate
judges texts of at least the fewest sentences at which it still refuses no more than
``LIMIT`` of the answerable questions (at every length above it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.decision import Decision, logistic

LIMIT = 0.03  # answerable questions the gate may refuse: under one in thirty
SHARES = (0.75, 0.5, 0.35, 0.25, 0.15)  # of an article's passages kept
REPEATS = 3
BAND = 30  # sentences per band of text length


@dataclass(frozen=True)
class Nearness:
    """One question's highest similarity to each passage (over the sentence rows the gate
    reads), the passages holding its gold evidence, and where its terms occur."""

    answerable: bool
    by_passage: np.ndarray  # passages; -inf where a passage has no row the gate reads
    centred: np.ndarray  # the same, centred on the whole text's mean (a random cut keeps it)
    rows: np.ndarray  # the gate's sentence rows in each passage
    gold: np.ndarray  # bool per passage
    weights: np.ndarray  # per question term (its IDF weight; 0 for a function word)
    total: float  # all its terms' weights
    found: np.ndarray  # terms × passages: the passage holds the term (or a rendering)

    def unknown(self, keep: np.ndarray) -> float:
        """The weighted share of its terms no kept passage uses (``Terms.unknown_share``)."""
        absent = ~self.found[:, keep].any(axis=1)
        return float(self.weights[absent].sum() / (self.total or 1.0))


def simulated(decision: Decision, questions: Sequence[Nearness], seed: int = 0):
    """(sentences left, answerable, refused by the gate) per question and simulated text."""
    rng = np.random.default_rng(seed)
    for q in questions:
        for share in SHARES:
            for _ in range(REPEATS):
                keep = (rng.random(len(q.by_passage)) < share) | q.gold
                left = int(q.rows[keep].sum())
                nearest = float(q.by_passage[keep].max()) if keep.any() else 0.0
                centred = float(q.centred[keep].max()) if keep.any() else 0.0
                row = [nearest, centred, q.unknown(keep)]
                logit = decision.topic.logits(np.array([row]))[0]
                yield left, q.answerable, float(logistic(logit)) < decision.topic_floor


def shortest_text(
    decision: Decision, questions: Sequence[Nearness], fitted: int, report: bool = False
) -> int:
    """The fewest sentences a text needs for the gate to judge it, at most ``fitted`` (the
    shortest article it was fitted on); ``report`` prints the refusals per band."""
    bands: dict[int, list[int]] = {}
    for left, answerable, refused in simulated(decision, questions):
        if answerable and left < fitted:
            band = bands.setdefault(left // BAND, [0, 0])
            band[0] += 1
            band[1] += refused
    shortest = fitted
    for band in sorted(bands, reverse=True):
        n, refused = bands[band]
        if n and refused / n > LIMIT:
            break
        shortest = band * BAND
    for band in sorted(bands) if report else ():
        n, refused = bands[band]
        print(f"  {band * BAND:4d}-{band * BAND + BAND - 1:<4d} sentences: {refused}/{n} refused")
    return max(shortest, BAND)
