"""Answer quality on the bundled test set, with the real models.

The floors are the figures measured when they were set (see README "Measured"); they
catch regressions and are raised as quality improves, never lowered to pass.
"""

import json

import pytest

from bot.metrics import evidence_rank, facts_match, language_matches
from tests.conftest import TESTSET

pytestmark = pytest.mark.real

FLOORS = {"hit@3": 0.85, "facts": 0.70, "language_match": 1.0}


@pytest.fixture(scope="module")
def results(real_zhen):
    items = [json.loads(line) for line in TESTSET.read_text("utf-8").splitlines() if line]
    return [(item, real_zhen.ask(item["user_input"])) for item in items]


def test_the_test_set_is_large_and_covers_every_language(results):
    languages = [item["language"] for item, _ in results]
    assert len(results) >= 60
    assert {lang: languages.count(lang) >= 20 for lang in ("en", "zh-Hans", "zh-Hant")} == {
        "en": True,
        "zh-Hans": True,
        "zh-Hant": True,
    }
    assert sum(not item["answerable"] for item, _ in results) >= 10


def test_gold_evidence_is_retrieved_in_the_top_three(results):
    answerable = [(i, a) for i, a in results if i["answerable"]]
    hits = 0
    for item, answer in answerable:
        passages = [
            [h.chunk.text] + ([h.translation.text] if h.translation else []) for h in answer.hits
        ]
        rank = evidence_rank(passages, item["reference_contexts"])
        hits += rank is not None and rank <= 3
    assert hits / len(answerable) >= FLOORS["hit@3"]


def test_answers_contain_the_gold_facts(results):
    answerable = [(i, a) for i, a in results if i["answerable"]]
    ok = sum(a.grounded and facts_match(a.answer, i["must_include"]) for i, a in answerable)
    assert ok / len(answerable) >= FLOORS["facts"]


def test_every_answer_is_in_the_askers_language_and_script(results):
    matched = sum(language_matches(a.answer, i["language"]) for i, a in results)
    assert matched / len(results) >= FLOORS["language_match"]
