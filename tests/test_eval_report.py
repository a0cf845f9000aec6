"""Eval reports: files written and well-formed, the HTML page self-contained, comparisons."""

import json
import re

import pytest

from bot.evaluation.output import write_ragas, write_reports
from bot.evaluation.report import (
    ReportError,
    changed_items,
    compare,
    load_report,
    render_compare,
)
from bot.evaluation.run import METRICS, failed_checks, run_eval
from bot.evaluation.testset import load_testset
from tests.conftest import TESTSET


@pytest.fixture
def items():
    all_items = load_testset(TESTSET)
    picked = [i for i in all_items if i.answerable][:6] + [
        i for i in all_items if not i.answerable
    ][:2]
    hostile = picked[0].model_copy(
        update={
            "id": "xss",
            "user_input": '<script>alert("x")</script> Kobe?',
            "tags": ("odd|tag",),
        }
    )
    return [*picked, hostile]


@pytest.fixture
def report(fake_zhen, items):
    seen = []
    result = run_eval(fake_zhen, items, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(items), len(items))
    return result


def test_run_eval_answers_every_item_through_the_answer_function(report, items, fake_zhen):
    assert report.n == len(items) == len(report.items)
    first = report.items[0]
    assert first["answer"] == fake_zhen.ask(items[0].user_input).answer
    assert first["question"] == items[0].user_input and first["latency_ms"] > 0
    assert report.config["embedder"] == "fake:hash-256" and report.config["k"] == 5
    assert set(METRICS) <= set(report.metrics)
    assert set(report.by_language) <= {"en", "zh-Hans", "zh-Hant"} and "odd|tag" in report.by_tag


def test_report_files_are_written_and_the_json_has_the_contract(report, tmp_path):
    paths = write_reports(report, tmp_path / "out")
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]
    data = json.loads(paths[0].read_text("utf-8"))
    assert {"n", "config", "metrics", "items", "by_language", "by_tag"} <= set(data)
    item = data["items"][0]
    assert {"question", "answer", "citations", "scores", "latency_ms"} <= set(item)
    assert {"hit@1", "hit@3", "reciprocal_rank", "facts", "language_match"} <= set(item["scores"])
    md = paths[1].read_text("utf-8")
    for heading in ("## Summary", "## By language", "## By tag", "## Failures"):
        assert heading in md
    assert "odd\\|tag" in md  # a pipe in a cell does not break the table


def test_html_report_is_self_contained_with_every_section(report, tmp_path):
    html = (write_reports(report, tmp_path)[2]).read_text("utf-8")
    for section in (
        'id="summary"',
        'id="by-language"',
        'id="by-tag"',
        'id="answerability"',
        'id="latency"',
        'id="failures"',
    ):
        assert section in html
    assert html.count("<svg") == 4
    assert not re.search(r"https?://|<link|<script|src=|url\(|@import", html, re.I)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # user text is escaped


def test_ragas_export_has_one_sample_per_item_in_the_dataset_shape(report, tmp_path):
    write_ragas(report, tmp_path / "r.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == report.n
    assert set(rows[0]) == {"user_input", "retrieved_contexts", "response", "reference"}
    assert rows[0]["retrieved_contexts"] and all(
        isinstance(c, str) for c in rows[0]["retrieved_contexts"]
    )


def test_compare_gives_deltas_and_knows_which_direction_is_better(report):
    a = report.to_dict()
    b = json.loads(json.dumps(a))
    b["metrics"]["hit@3"] = (a["metrics"]["hit@3"] or 0) + 0.25
    b["metrics"]["latency_ms_p50"] = a["metrics"]["latency_ms_p50"] + 5
    rows = {(r["group"], r["metric"]): r for r in compare(a, b)}
    assert (
        rows[("all", "hit@3")]["delta"] == pytest.approx(0.25) and rows[("all", "hit@3")]["better"]
    )
    assert rows[("all", "latency_ms_p50")]["better"] is False
    assert rows[("all", "facts")]["delta"] == 0 and rows[("all", "facts")]["better"] is None
    text = render_compare(a, b, ("a.json", "b.json"))
    assert re.search(r"\| all \| hit@3 \| [\d.]+ \| [\d.]+ \| \+0\.25 ▲ \|", text)


def test_loading_something_that_is_not_a_report_fails_clearly(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ReportError, match="not a zhen eval report"):
        load_report(tmp_path / "x.json")
    with pytest.raises(ReportError, match="not found"):
        load_report(tmp_path / "missing.json")


def test_compare_lists_the_items_fixed_and_broken_between_runs(report):
    a = report.to_dict()
    b = json.loads(json.dumps(a))
    passing = next(i for i in b["items"] if not failed_checks(i))
    failing = next(i for i in b["items"] if failed_checks(i))
    passing["scores"]["language_match"] = False
    failing.update(error=None, scores=dict(passing["scores"], language_match=True))
    assert changed_items(a, b) == ([failing["id"]], [passing["id"]])
    text = render_compare(a, b, ("a", "b"))
    assert (
        f"Fixed in B (1): {failing['id']}" in text and f"Broken in B (1): {passing['id']}" in text
    )


def test_an_item_the_answer_function_rejects_is_recorded_not_fatal(fake_zhen, items):
    bad = items[0].model_copy(update={"id": "ctl", "user_input": "When\x07 was it?"})
    result = run_eval(fake_zhen, [bad, items[1]])
    assert result.n == 2 and result.metrics["errors"] == 1
    record = result.items[0]
    assert record["answer"] is None and "control characters" in record["error"]
    assert failed_checks(record)[0] == "error" and result.items[1]["error"] is None


def test_cited_passages_mark_the_quoted_spans_and_stay_escaped():
    from bot.evaluation.report_html import highlighted

    assert highlighted("a <b> c d", [[6, 9], [0, 1]]) == "<mark>a</mark> &lt;b&gt; <mark>c d</mark>"
    assert highlighted("abc", [[1, 9]]) == "abc"  # a span past the end is ignored
