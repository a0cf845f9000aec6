"""Eval scoring on small hand-made answers: per-item scores, aggregation, thresholds."""

import pytest

from bot.answering.answer import Answer, Citation
from bot.evaluation.metrics import (
    contains,
    evidence_rank,
    facts_match,
    language_matches,
    percentile,
)
from bot.evaluation.run import THRESHOLDS, aggregate, check, failed_checks, score_item, summarise
from bot.evaluation.testset import TestItem
from bot.retrieval.hybrid import Hit
from index.model import Chunk


def chunk(cid: str, text: str, lang: str = "en") -> Chunk:
    return Chunk(cid, "doc", "p", lang, 0, len(text), text)


def hit(cid: str, text: str, translation: str | None = None) -> Hit:
    other = chunk(cid + "-t", translation, "zh") if translation else None
    return Hit(chunk(cid, text), other, 0.1, 0.5, 1.0, cid)


def cite(n: int, cid: str, text: str, translation: str | None = None) -> Citation:
    return Citation(n, cid, "en", text, translation, None, 0.1, [])


def item(answerable=True, language="en", contexts=("gold fact",), must=(("250",),), tags=()):
    return TestItem(
        id="t",
        user_input="q?",
        reference="r",
        reference_contexts=tuple(contexts),
        language=language,
        answerable=answerable,
        must_include=tuple(must),
        tags=tuple(tags),
    )


def answer(text, grounded=True, hits=(), citations=(), language="en"):
    return Answer("q?", language, text, grounded, list(citations), hits=list(hits))


@pytest.mark.parametrize(
    ("haystack", "needle"),
    [
        (
            "中國天津市與日本神戶市締結為友好城市",
            "中国天津市与日本神户市",
        ),  # traditional vs simplified
        ("共有２５０對友好城市", "250对"),  # full-width digits
        ("ＭＩＪＢＣ was founded", "mijbc"),  # full-width letters, case
        ("中日 友好 城市", "中日友好城市"),  # spaces between CJK
        ("the fi rst pair of cities", "first pair"),  # ligature-split word in the passage
        ("“Kobe”, Japan.", "Kobe Japan"),  # punctuation ignored
    ],
)
def test_normalised_matching_ignores_script_width_spacing_and_ligature_breaks(haystack, needle):
    assert contains(haystack, needle)


def test_matching_still_tells_different_facts_apart():
    assert not contains("共有２５０對友好城市", "260")
    assert not contains("Tianjin and Kobe", "Osaka")
    assert not contains("anything", "   ")  # an empty needle matches nothing


def test_evidence_rank_is_the_first_passage_holding_gold_in_either_language():
    passages = [["unrelated"], ["English side", "天津與神戶締結友好城市"], ["gold fact"]]
    assert evidence_rank(passages, ["天津与神户缔结友好城市"]) == 2
    assert evidence_rank(passages, ["missing"]) is None


def test_facts_need_every_group_but_any_alternative():
    groups = [["Tianjin", "天津"], ["1973"]]
    assert facts_match("天津，1973年", groups)
    assert not facts_match("Tianjin and Kobe", groups)


def test_score_of_an_answerable_item_found_at_rank_two():
    hits = [hit("c1", "noise"), hit("c2", "noise", "gold fact here"), hit("c3", "gold fact")]
    citations = [cite(1, "c2", "noise", "gold fact here"), cite(2, "c9", "other")]
    s = score_item(item(), answer("There are 250 pairs [1]", hits=hits, citations=citations), 12.0)
    sc = s["scores"]
    assert (sc["evidence_rank"], sc["hit@1"], sc["hit@3"], sc["reciprocal_rank"]) == (
        2,
        False,
        True,
        0.5,
    )
    assert sc["facts"] is True and sc["citation_precision"] == 0.5 and sc["false_refusal"] is False
    assert sc["refused_correctly"] is None and sc["language_match"] is True
    assert s["latency_ms"] == 12.0 and failed_checks(s) == []


def test_a_refusal_on_an_answerable_item_is_a_false_refusal_without_facts():
    s = score_item(item(), answer("The article does not say.", grounded=False), 5.0)
    assert s["scores"]["facts"] is False and s["scores"]["false_refusal"] is True
    assert s["scores"]["citation_precision"] is None  # no citations: not counted
    assert "refused" in failed_checks(s)


def test_unanswerable_items_score_refusals_only():
    refused = score_item(
        item(answerable=False, contexts=(), must=()),
        answer("The article does not say.", False),
        1.0,
    )
    answered = score_item(item(answerable=False, contexts=(), must=()), answer("Kobe [1]"), 1.0)
    assert refused["scores"]["refused_correctly"] is True and refused["scores"]["hit@3"] is None
    assert answered["scores"]["refused_correctly"] is False
    assert failed_checks(answered) == ["should refuse"]


def test_chinese_that_reads_the_same_in_both_scripts_matches_either_but_not_english():
    assert language_matches("2021年[1]", "zh-Hant") and language_matches("2021年[1]", "zh-Hans")
    assert not language_matches("2021年[1]", "en")
    assert not language_matches("天津与神户缔结为友好城市。", "zh-Hant")


def test_an_answer_in_the_wrong_script_fails_language_match():
    s = score_item(
        item(language="zh-Hant"),
        answer("天津与神户缔结为友好城市，共有250对。", language="zh-Hant"),
        1.0,
    )
    assert s["scores"]["language_match"] is False


def test_an_item_whose_answer_raised_counts_as_failed_everywhere():
    s = score_item(item(), None, 3.0, error="backend down")
    assert s["scores"]["hit@3"] is False and s["scores"]["facts"] is False
    assert s["scores"]["language_match"] is False and failed_checks(s)[0] == "error"


def test_aggregates_are_means_over_applicable_items_per_language_and_tag():
    good = score_item(item(tags=("a",)), answer("250 [1]", hits=[hit("c", "gold fact")]), 10.0)
    bad = score_item(
        item(language="zh-Hans", tags=("a", "b")), answer("没有", language="zh-Hans"), 30.0
    )
    refusal = score_item(item(False, contexts=(), must=(), tags=("b",)), answer("no", False), 20.0)
    overall, by_language, by_tag = aggregate([good, bad, refusal])
    assert overall["n"] == 3 and overall["answerable"] == 2
    assert overall["hit@1"] == 0.5 and overall["facts"] == 0.5 and overall["mrr"] == 0.5
    assert overall["refusal_accuracy"] == 1.0 and overall["latency_ms_p50"] == 20.0
    assert set(by_language) == {"en", "zh-Hans"} and by_language["en"]["hit@1"] == 1.0
    assert by_tag["a"]["n"] == 2 and by_tag["b"]["refusal_accuracy"] == 1.0
    assert summarise([good])["refusal_accuracy"] is None  # no unanswerable item: no figure


def test_percentile_interpolates():
    assert percentile([10, 20, 30, 40], 50) == 25.0
    assert percentile([], 95) == 0.0


def test_check_lists_every_missed_threshold_and_nothing_when_met():
    met = {name: floor for name, floor in THRESHOLDS.items()}
    assert check(met) == []
    missed = check({**met, "hit@3": 0.8, "facts": None})
    assert missed == ["hit@3 0.800 < 0.95", "facts n/a < 0.85"]
