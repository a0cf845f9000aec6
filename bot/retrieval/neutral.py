"""A language-neutral query vector for ranking passages by dense similarity.

A multilingual embedder places every text partly along a direction that only says which
language it is in: a question is nearer to any passage in its own language than to the same
fact in the other. Ranking with the question's vector minus its component along the
difference of the two languages' mean passage vectors (as Libovický et al. 2020 remove the
language-specific means) lets a caption or a passage only one half has compete on what it
says. Moving the vector away from the mean of all passages (by ``CENTRE``) also demotes
"hub" passages that are near every question alike. Both directions come from the index's own
vectors, so nothing is fitted on questions; ``CENTRE`` was chosen on the development sets
(``benchmarks/dense_ranking.py``: the passage holding the answer among the dense top three
0.714 → 0.797).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CENTRE = 0.5
# The means are taken over at most this many passages (evenly spaced): a large library's
# language direction is as clear from a sample, and building it stays cheap.
SAMPLE = 20_000


@dataclass(frozen=True)
class Neutral:
    """Turns a query vector into the one passages are ranked by."""

    mean: np.ndarray
    direction: np.ndarray | None  # unit vector from the zh mean to the en mean, if both occur

    @classmethod
    def of(cls, vectors: np.ndarray, langs: np.ndarray) -> Neutral | None:
        """From an index's passage vectors and their languages; None for an empty index."""
        if len(vectors) == 0:
            return None
        step = max(1, len(vectors) // SAMPLE)
        vectors, langs = np.asarray(vectors[::step], np.float64), langs[::step]
        direction = None
        if (langs == "en").any() and (langs == "zh").any():
            gap = vectors[langs == "en"].mean(0) - vectors[langs == "zh"].mean(0)
            norm = float(np.linalg.norm(gap))
            direction = gap / norm if norm > 0 else None
        return cls(vectors.mean(0), direction)

    def __call__(self, query: np.ndarray) -> np.ndarray:
        out = np.asarray(query, np.float64) - CENTRE * self.mean
        if self.direction is not None:
            out = out - (out @ self.direction) * self.direction
        return out.astype(np.float32)
