"""The one answer/refuse decision, as small logistic models over named features.

- The ranker scores each candidate sentence: how likely it states the answer.
- The chooser, once the article is judged to answer, picks the sentence to quote: the same
  features, fitted also to choose among one question's candidates, where the ranker is
  fitted sentence by sentence so that its scores stay log-odds for the decision.
- The answerability model looks at the best-scored sentence (its score, its lead over the
  next, whether it offers the asked answer type, the question's terms its passage or the
  whole article lacks) and gives the probability that quoting it gives the right answer.
- The topic model, asked first, gives the probability that the question is about the
  article's subject at all (how near it comes to any sentence, raw and centred on the
  text's mean, the share of its terms the article never uses): "Who painted the Mona Lisa?"
  is refused before any sentence is judged; a shorter text is judged at a lower floor.

The article is quoted when that probability reaches the threshold (the "no answer" score of
SQuAD 2.0), else the answer is "does not say"; a question the topic model puts below its
floor is refused as well. The models, the threshold and the floor are fitted on the
development question sets by ``scripts/fit_decision.py`` and shipped as
``bot/data/decision.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.answering.features import FEATURES
from bot.resources import decision_parameters

# What the answerability model sees of the best sentence (besides its score and lead).
EVIDENCE = (
    "passage_type_match",  # the best sentence's passage offers the asked answer type
    "passage_unit_match",  # it counts the thing a "how many" question counts
    "missing_idf",  # the rarest question term its passage lacks
    "unknown_names",  # the question names something the article never mentions
    "unknown_terms",  # the share of question terms the article never uses
    "indefinite",  # the passage mentions the asked-about thing only as "a …" / 一家…
)
QUESTION_FEATURES = ("score", "margin", *EVIDENCE)
# Whether the question is about the article's subject at all, before any sentence is judged.
TOPIC_FEATURES = (
    "nearest",  # its highest similarity to any sentence (raw: fitted for one embedder)
    "nearest_centred",  # the same, question and sentences centred on the text's mean
    "unknown_terms",  # the share of its terms the article never uses
)


def logistic(logits: np.ndarray) -> np.ndarray:
    """Probabilities from log-odds."""
    return 1.0 / (1.0 + np.exp(-logits))


class DecisionError(ValueError):
    """The decision parameters do not fit this version's features."""


@dataclass(frozen=True)
class Linear:
    """A logistic model over standardised named features."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def logits(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def to_dict(self) -> dict:
        return {
            "features": list(self.names),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_dict(cls, data: dict, names: tuple[str, ...]) -> Linear:
        if tuple(data["features"]) != names:
            raise DecisionError("decision parameters were fitted on other features; refit them")
        return cls(
            names,
            np.asarray(data["mean"], float),
            np.asarray(data["scale"], float),
            np.asarray(data["weights"], float),
            float(data["bias"]),
        )

    @classmethod
    def neutral(cls, names: tuple[str, ...]) -> Linear:
        """All weights zero: every input scores the same (a starting point for fitting)."""
        n = len(names)
        return cls(names, np.zeros(n), np.ones(n), np.zeros(n), 0.0)


@dataclass(frozen=True)
class Decision:
    ranker: Linear
    answerable: Linear
    threshold: float  # quote when P(quoting gives the right answer) reaches this
    topic: Linear | None = None  # P(on the article's subject); None: every question is
    topic_floor: float = 0.0  # refused as off the subject below this
    topic_embedder: str | None = None  # the embedder whose similarities the topic model read
    topic_sentences: int = 0  # the fewest sentences of a text it judges (simulated by the fit)
    chooser: Linear | None = None  # which sentence to quote; None: the ranker's best
    # lower floors for shorter texts, (fewest sentences, floor) from the longest down: in a
    # shorter text a question comes less near and more of its words are unknown
    topic_shorter: tuple[tuple[int, float], ...] = ()

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """The ranker's score of each candidate sentence (rows in ``FEATURES`` order)."""
        return self.ranker.logits(rows)

    def choices(self, rows: np.ndarray) -> np.ndarray:
        """The chooser's score of each candidate: the best is quoted once the ranker's best
        is judged to answer. Fitted to choose within a question, where the ranker's scores are
        fitted row by row to stay log-odds."""
        return (self.chooser or self.ranker).logits(rows)

    def probability(self, best: dict[str, float], score: float, margin: float) -> float:
        """P(quoting the best sentence gives the right answer), from that sentence."""
        row = np.array([[score, margin, *(best[name] for name in EVIDENCE)]])
        return float(logistic(self.answerable.logits(row)[0]))

    def on_topic(self, row: Sequence[float], embedder: str | None, sentences: int) -> bool:
        """Whether the question is about what the article is about at all, from its
        ``TOPIC_FEATURES``. Always, with an embedder other than the one the topic model was
        fitted on (similarities differ), and for a text shorter than any it judges (fewer of
        a question's words occur in it)."""
        if self.topic is None or embedder != self.topic_embedder:
            return True
        floor = self.topic_floor
        if sentences < self.topic_sentences:
            shorter = [(fewest, f) for fewest, f in self.topic_shorter if sentences >= fewest]
            if not shorter:
                return True
            floor = max(shorter)[1]  # the band of the longest texts this one reaches
        logit = self.topic.logits(np.array([list(row)]))[0]
        return float(logistic(logit)) >= floor

    def to_dict(self) -> dict:
        out = {
            "ranker": self.ranker.to_dict(),
            "answerable": self.answerable.to_dict(),
            "threshold": round(self.threshold, 4),
        }
        if self.chooser is not None:
            out["chooser"] = self.chooser.to_dict()
        if self.topic is not None:
            out |= {
                "topic": self.topic.to_dict(),
                "topic_floor": round(self.topic_floor, 4),
                "topic_embedder": self.topic_embedder,
                "topic_sentences": self.topic_sentences,
                "topic_shorter": [[n, round(f, 4)] for n, f in self.topic_shorter],
            }
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Decision:
        return cls(
            Linear.from_dict(data["ranker"], FEATURES),
            Linear.from_dict(data["answerable"], QUESTION_FEATURES),
            float(data["threshold"]),
            Linear.from_dict(data["topic"], TOPIC_FEATURES) if data.get("topic") else None,
            float(data.get("topic_floor", 0.0)),
            data.get("topic_embedder"),
            int(data.get("topic_sentences", 0)),
            Linear.from_dict(data["chooser"], FEATURES) if data.get("chooser") else None,
            tuple((int(n), float(f)) for n, f in data.get("topic_shorter", ())),
        )

    @classmethod
    def neutral(cls) -> Decision:
        return cls(Linear.neutral(FEATURES), Linear.neutral(QUESTION_FEATURES), 0.5)


@lru_cache(maxsize=4)
def load_decision(path: Path | None = None) -> Decision:
    """The fitted decision (the shipped one unless ``path`` names another)."""
    data = json.loads((path or decision_parameters()).read_text("utf-8"))
    return Decision.from_dict(data.get("decision", data))
