"""How the topic gate behaves on texts shorter than any development article, simulated.

Each development article is cut to a share of its passages at random (always keeping those
holding a question's gold evidence: a shorter article that answers a question still holds
its answer), and each question's nearest sentence (raw and centred) and the share of its terms
the text never uses are taken again over what is left. The gate
judges texts of at least the fewest sentences at which it still refuses no more than
``LIMIT`` of the answerable questions (at every length above it too), and shorter texts with
the highest lower floor that keeps to ``LIMIT`` in their band of length.
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
    """(sentences left, answerable, P(on the subject)) per question and simulated text."""
    rng = np.random.default_rng(seed)
    for q in questions:
        for share in SHARES:
            for _ in range(REPEATS):
                keep = (rng.random(len(q.by_passage)) < share) | q.gold
                left = int(q.rows[keep].sum())
                nearest = float(q.by_passage[keep].max()) if keep.any() else 0.0
                centred = float(q.centred[keep].max()) if keep.any() else 0.0
                row = [nearest, centred, q.unknown(keep)]
                yield left, q.answerable, float(logistic(decision.topic.logits(np.array([row]))[0]))


def shortest_text(
    decision: Decision, questions: Sequence[Nearness], fitted: int, report: bool = False
) -> tuple[int, tuple[tuple[int, float], ...]]:
    """The fewest sentences a text needs for the gate to judge it at its floor, at most
    ``fitted`` (the shortest article it was fitted on), and for each shorter band of text
    length down to the shortest it can judge, the highest floor (not above a longer band's)
    at which it refuses no more than ``LIMIT`` of the answerable questions. ``report``
    prints the refusals per band."""
    bands: dict[int, list[float]] = {}
    for left, answerable, p in simulated(decision, questions):
        if answerable and left < fitted:
            bands.setdefault(left // BAND, []).append(p)
    shortest, floor, shorter = fitted, decision.topic_floor, []
    for band in sorted(bands, reverse=True):
        p = np.array(bands[band])
        if floor == decision.topic_floor and (p < floor).mean() <= LIMIT:
            shortest = band * BAND
            continue
        if band == 0:
            break  # a text under one band's length is not judged
        grid = np.round(np.arange(0.01, floor + 0.005, 0.01), 2)
        floor = max((t for t in grid if (p < t).mean() <= LIMIT), default=0.0)
        if floor <= 0.0:
            break
        if shorter and shorter[-1][1] == floor:
            shorter.pop()  # one band with the next longer one's floor: the two make one
        shorter.append((band * BAND, float(floor)))
    for band in sorted(bands) if report else ():
        p, start = np.array(bands[band]), band * BAND
        lower = next((f for n, f in shorter if start >= n), None)  # longest band first
        used = decision.topic_floor if start >= shortest else lower
        judged = "not judged" if used is None else f"{int((p < used).sum())} at {used:.2f}"
        print(
            f"  {start:4d}-{start + BAND - 1:<4d} sentences: {len(p)} answerable, "
            f"{int((p < decision.topic_floor).sum())} refused at the floor, {judged}"
        )
    return max(shortest, BAND), tuple(shorter)
