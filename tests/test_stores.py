"""The store interface: the in-memory store's searches and filters, removing and adding a
document, keeping a store in step with a library, and the retriever on top of any store."""

from __future__ import annotations

import numpy as np
import pytest

from bot.engine import Zhen
from bot.retrieval.hybrid import Retriever
from bot.settings import Settings
from index import store
from index.lexical import tokenize
from index.stores import MemoryStore, Ranked, mirror
from tests.conftest import FakeEmbedder
from tests.test_library import files  # noqa: F401  (fixture)


@pytest.fixture
def library(tmp_path, files):  # noqa: F811
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path / "home"), FakeEmbedder())
    zhen.add([files])
    return zhen


def test_dense_and_lexical_searches_keep_to_the_language_and_documents_asked(library):
    memory = MemoryStore(library.index)
    vector = library.embedder.embed_queries(["Hamburg visitors"])[0]
    chunks = {c.id: c for c in library.index.chunks}
    zh = memory.dense(vector, 50, lang="zh")
    assert zh.ids and all(chunks[i].lang == "zh" for i in zh.ids)
    assert list(zh.scores) == sorted(zh.scores, reverse=True)
    tea = memory.lexical(tokenize("Hamburg visitors"), 50, documents=["tea"])
    assert tea.ids and all(chunks[i].doc_id == "tea" for i in tea.ids)
    assert memory.lexical(tokenize("Hamburg visitors"), 50, documents=["kobe"]).ids == []
    assert memory.lexical(["zzzunknown"], 50).ids == []


def test_removing_a_document_drops_its_passages_paragraphs_and_vectors(library):
    index = library.index
    rest = store.without(index, ["tea"])
    kept = [c for c in index.chunks if c.doc_id != "tea"]
    assert [c.id for c in rest.chunks] == [c.id for c in kept]
    assert {p.doc_id for p in rest.paragraphs} == {"friendship-cities", "kobe"}
    for chunk in rest.chunks:  # each passage keeps its own sentence vectors
        old = index.position(chunk.id)
        rows_old = index.sentence_vectors[list(index.sentence_rows(old))]
        rows_new = rest.sentence_vectors[list(rest.sentence_rows(rest.position(chunk.id)))]
        assert np.array_equal(rows_old, rows_new)


def test_mirror_adds_new_and_changed_documents_and_removes_the_rest(library):
    parts = library.snapshot.parts
    memory = MemoryStore(store.without(library.index, ["tea", "kobe"]), {})
    mirror(memory, parts)
    assert memory.documents() == {doc: digest for doc, digest in parts}
    tea_key = next(key for key in parts if key[0] == "tea")
    changed = {k: v for k, v in parts.items() if k[0] != "kobe"}
    changed[("tea", "another hash")] = changed.pop(tea_key)
    mirror(memory, changed)
    assert memory.documents()["tea"] == "another hash" and "kobe" not in memory.documents()
    assert {c.doc_id for c in memory.index.chunks} == {"friendship-cities", "tea"}
    assert len({c.id for c in memory.index.chunks}) == len(memory.index.chunks)


def test_above_the_threshold_an_ivf_index_searches_with_the_filter_inside(library):
    index = library.index
    ivf = MemoryStore(index, ivf_threshold=10)
    assert (
        ivf.stats()["dense_index"] == "ivf" and MemoryStore(index).stats()["dense_index"] == "flat"
    )
    for chunk in index.chunks[::7]:
        vector = index.chunk_vectors[index.position(chunk.id)]
        found = ivf.dense(vector, 3, lang=chunk.lang)
        assert found.ids[0] == chunk.id  # its own list is always probed
        assert len(found.ids) == 3  # filtered inside the search, so still three
        assert all(index.chunk(i).lang == chunk.lang for i in found.ids)


class ShuffledStore(MemoryStore):
    """Returns what the memory store finds plus ids the index does not hold."""

    def dense(self, vector, k, lang=None, documents=None):
        found = super().dense(vector, k, lang, documents)
        return Ranked(["ghost:c1", *found.ids], np.concatenate([[9.0], found.scores]))


def test_the_retriever_ignores_passages_the_store_holds_but_its_index_does_not(library):
    plain = Retriever(library.index, library.embedder)
    ghosted = Retriever(library.index, library.embedder, ShuffledStore(library.index))
    question = "How many visitors did Hamburg welcome?"
    assert [h.chunk.id for h in ghosted.search(question).hits] == [
        h.chunk.id for h in plain.search(question).hits
    ]


def test_a_store_that_finds_nothing_gives_no_hits_and_no_error(library):
    class Empty(MemoryStore):
        def dense(self, *args, **kwargs):
            return Ranked.empty()

        def lexical(self, *args, **kwargs):
            return Ranked.empty()

    index = library.index
    retrieval = Retriever(index, library.embedder, Empty(index)).search("Kobe?")
    assert retrieval.hits == []
    assert np.isneginf(retrieval.dense).all()
    # a similarity the store did not give is computed on the same scale as those it gives
    full = Retriever(index, library.embedder).search("Kobe?")
    for i in range(0, len(index.chunks), 5):
        assert retrieval.similarity(index, i) == pytest.approx(full.similarity(index, i), abs=1e-5)
