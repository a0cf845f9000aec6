"""The decision's fitting script: the chooser learns to choose within a question."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from fit_data import _ranking_loss, fit_logistic

NAMES = ("similarity", "length")


def _questions(n: int = 80, size: int = 6) -> tuple[np.ndarray, np.ndarray, list]:
    """Each question's answer is the candidate most similar to it, but how similar its
    candidates are differs far more between questions than within one. Length is noise."""
    rng = np.random.default_rng(0)
    rows, labels, groups = [], [], []
    for _ in range(n):
        start, level = len(rows), rng.uniform(0, 3)
        for i in range(size):
            rows.append([level + (0.3 if i == 0 else rng.uniform(0, 0.2)), rng.normal(0, 1)])
            labels.append(int(i == 0))
        groups.append((np.arange(start, len(rows)), np.array([start])))
    return np.array(rows), np.array(labels), groups


def _answers_first(model, x: np.ndarray, groups: list) -> float:
    z = model.logits(x)
    return float(np.mean([z[pos[0]] == z[rows].max() for rows, pos in groups]))


def test_the_ranking_term_finds_each_questions_answer_where_its_rows_alone_do_not():
    x, y, groups = _questions()
    rows_only = fit_logistic(NAMES, x, y, balanced=False)
    ranked = fit_logistic(NAMES, x, y, balanced=False, groups=groups)
    assert _answers_first(rows_only, x, groups) < 0.5
    assert _answers_first(ranked, x, groups) >= 0.95


def test_the_ranking_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    z = rng.normal(size=7)
    groups = [(np.array([0, 1, 2]), np.array([1])), (np.array([3, 4, 5, 6]), np.array([3, 6]))]
    value, grad = _ranking_loss(z, groups)
    step = 1e-6
    for i in range(len(z)):
        bumped = z.copy()
        bumped[i] += step
        assert abs((_ranking_loss(bumped, groups)[0] - value) / step - grad[i]) < 1e-4
