"""The topic gate's fitting: is a question about the article's subject at all.

Fitted on the answerable development questions against those tagged ``off-topic``; it judges
texts as short as ``shorter_texts`` finds it still refuses few answerable questions on.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
from fit_data import EMBEDDER, SIGNS, Data, Question, fit_logistic
from shorter_texts import shortest_text

from bot.answering.decision import TOPIC_FEATURES, Decision, Linear, logistic


def on_topic(decision: Decision, q: Question) -> bool:
    return q.topic is None or decision.on_topic(q.topic, decision.topic_embedder, q.sentences)


def fit_topic(questions: list[Question]) -> tuple[Linear, float]:
    """The topic model, fitted on answerable questions against off-topic ones, and its floor:
    the one that refuses the most off-topic questions net of answerable ones refused."""
    usable = [q for q in questions if q.topic is not None and (q.answerable or q.off_topic)]
    rows = np.array([q.topic for q in usable])
    labels = np.array([int(q.answerable) for q in usable])
    model = fit_logistic(TOPIC_FEATURES, rows, labels, balanced=True, signs=SIGNS)
    p = logistic(model.logits(rows))
    grid = np.round(np.arange(0.0, 0.51, 0.01), 2)
    net = [
        (int(((p < t) & (labels == 0)).sum() - ((p < t) & (labels == 1)).sum()), -t) for t in grid
    ]
    return model, -max(net)[1]


def topic_outcomes(decision: Decision, questions: list[Question]) -> dict[str, float]:
    """Off-topic questions the topic gate refuses, and answerable ones it refuses."""
    off = [q for q in questions if q.off_topic]
    answerable = [q for q in questions if q.answerable]
    return {
        "off_topic_refused": sum(not on_topic(decision, q) for q in off) / max(len(off), 1),
        "answerable_refused": sum(not on_topic(decision, q) for q in answerable)
        / max(len(answerable), 1),
    }


def gated(
    decision: Decision, model: Linear, floor: float, fitted: list[Question], report: bool = False
) -> Decision:
    """``decision`` with the topic gate ``model``; it judges texts as short as it still
    refuses few answerable questions on, simulated by cutting the articles it was ``fitted``
    on (``shorter_texts``), and all texts as long as the shortest of them."""
    shortest = min((q.sentences for q in fitted if q.sentences), default=0)
    gate = replace(
        decision,
        topic=model,
        topic_floor=floor,
        topic_embedder=EMBEDDER,
        topic_sentences=shortest,
        topic_shorter=(),
    )
    simulated = [q.nearness for q in fitted if q.nearness is not None]
    if simulated:
        least, shorter = shortest_text(gate, simulated, shortest, report)
        gate = replace(gate, topic_sentences=least, topic_shorter=shorter)
    return gate


def refit_topic(data: Data, names: list[str], out: Path) -> int:
    """Fit the topic gate alone into ``out``, whose other parameters stay as they were."""
    payload = json.loads(out.read_text("utf-8"))
    # the gate being refitted may read other features than the stored one
    kept = Decision.from_dict(payload["decision"] | {"topic": None})
    print("topic gate, leave-one-set-out (fitted on the other sets):")
    cv = {}
    for name in names:
        train = [q for q in data.questions if q.set_name != name]
        model, floor = fit_topic(train)
        test = [q for q in data.questions if q.set_name == name]
        cv[name] = topic_outcomes(gated(kept, model, floor, train), test)
        print(f"  {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in cv[name].items()))
    model, floor = fit_topic(data.questions)
    print("answerable questions the gate refuses on shorter texts (simulated):")
    decision = gated(kept, model, floor, data.questions, report=True)
    print(f"judges texts of at least {decision.topic_sentences} sentences at its floor")
    for fewest, lower in decision.topic_shorter:
        print(f"  and of at least {fewest} at floor {lower:.2f}")
    dev = topic_outcomes(decision, data.questions)
    print("all development sets: " + "  ".join(f"{k} {v:.3f}" for k, v in dev.items()))
    print(f"topic floor {floor:.2f}")
    for f, w in zip(model.names, model.weights, strict=True):
        print(f"  {f:18s} {w:+.3f}")
    payload |= {
        "decision": decision.to_dict(),
        "topic_fitted_on": data.sha256,
        "topic_leave_one_set_out": {
            k: {m: round(v, 4) for m, v in o.items()} for k, o in cv.items()
        },
        "topic_development": {m: round(v, 4) for m, v in dev.items()},
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0
