"""``zhen eval`` end to end through the command line, on a small test set and the real model."""

import json

import pytest

from tests.conftest import TESTSET
from tests.test_cli import zhen


@pytest.fixture(scope="module")
def small_testset(tmp_path_factory):
    """8 bundled items (both kinds, every language) plus one whose gold text is not in the article."""
    items = [json.loads(x) for x in TESTSET.read_text("utf-8").splitlines() if x.strip()]
    picked = []
    for lang in ("en", "zh-Hans", "zh-Hant"):
        picked += [i for i in items if i["language"] == lang and i["answerable"]][:2]
    picked += [i for i in items if not i["answerable"]][:2]
    picked.append(
        picked[0] | {"id": "absent", "reference_contexts": ["qqqq"], "must_include": [["qqqq"]]}
    )
    path = tmp_path_factory.mktemp("eval-set") / "small.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in picked), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory, small_testset):
    home = tmp_path_factory.mktemp("eval-home")
    out = home / "out"
    done = zhen(
        "eval",
        "--testset",
        str(small_testset),
        "--out",
        str(out),
        "-k",
        "4",
        "--export-ragas",
        str(out / "ragas.jsonl"),
        "--judge",
        home=home,
        env_extra={"ZHEN_PROGRESS": "1", "ZHEN_BASE_URL": ""},
    )
    return home, out, done


@pytest.mark.real
def test_eval_writes_the_three_reports_and_prints_a_summary(run):
    _, out, done = run
    assert done.returncode == 0, done.stderr
    assert "hit@3" in done.stdout and "report.html" in done.stdout
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert data["n"] == 9 and data["config"]["k"] == 4
    assert (out / "report.md").read_text("utf-8").startswith("# zhen eval report")
    assert "<svg" in (out / "report.html").read_text("utf-8")
    assert len((out / "ragas.jsonl").read_text("utf-8").splitlines()) == 9


@pytest.mark.real
def test_eval_answers_match_zhen_ask(run, small_testset):
    home, out, _ = run
    first = json.loads(small_testset.read_text("utf-8").splitlines()[0])
    data = json.loads((out / "report.json").read_text("utf-8"))
    asked = zhen("ask", "--json", "-k", "4", first["user_input"], home=home)
    assert json.loads(asked.stdout)["answer"] == data["items"][0]["answer"]


@pytest.mark.real
def test_eval_shows_progress_and_explains_a_judge_it_cannot_run(run):
    _, _, done = run
    assert "eval" in done.stderr and "9/9" in done.stderr
    assert "--judge skipped" in done.stderr and "ZHEN_BASE_URL" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.real
def test_check_exits_6_with_the_missed_thresholds(run, small_testset, tmp_path):
    home, _, _ = run
    absent = small_testset.read_text("utf-8").splitlines()[-1]  # gold text not in the article
    (tmp_path / "one.jsonl").write_text(absent, encoding="utf-8")
    done = zhen(
        "eval",
        "--testset",
        str(tmp_path / "one.jsonl"),
        "--out",
        str(tmp_path),
        "--check",
        home=home,
    )
    assert done.returncode == 6 and (tmp_path / "report.html").exists()
    assert done.stderr.strip().splitlines()[-1].startswith("zhen: below thresholds: hit@3 0.000")


@pytest.mark.real
def test_compare_prints_and_writes_a_side_by_side_table(run, tmp_path):
    _, out, _ = run
    other = json.loads((out / "report.json").read_text("utf-8"))
    other["metrics"]["facts"] = 0.0
    (tmp_path / "b.json").write_text(json.dumps(other), encoding="utf-8")
    done = zhen(
        "eval",
        "--compare",
        str(out / "report.json"),
        str(tmp_path / "b.json"),
        "--out",
        str(tmp_path / "cmp"),
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "| all | facts |" in done.stdout and "▼" in done.stdout
    assert (tmp_path / "cmp" / "compare.md").read_text("utf-8") == done.stdout


def test_a_broken_test_set_stops_the_run_with_the_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    done = zhen("eval", "--testset", str(bad), "--out", str(tmp_path / "o"), home=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"zhen: error: {bad}:1: missing field 'user_input'\n"
    assert not (tmp_path / "o").exists() and not (tmp_path / "index").exists()


def test_compare_with_a_missing_report_exits_2(tmp_path):
    done = zhen(
        "eval", "--compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"), home=tmp_path
    )
    assert done.returncode == 2 and "report not found" in done.stderr


def test_an_unwritable_out_folder_fails_before_the_run(tmp_path, small_testset):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    done = zhen(
        "eval",
        "--testset",
        str(small_testset),
        "--out",
        str(tmp_path / "file" / "o"),
        home=tmp_path,
    )
    assert done.returncode == 2 and "cannot write to" in done.stderr
    assert not (tmp_path / "index").exists()
