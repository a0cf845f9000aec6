"""The library of documents: add, change and remove one document at a time, pairs of language
versions, per-document scope, citations with the document's title."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from bot.engine import Zhen
from bot.errors import UnknownDocuments
from bot.settings import Settings
from index.library import Library
from tests.conftest import FakeEmbedder, print_pdf, zhen_serving

KOBE = "天津與神戶於1973年6月24日結為友好城市。\nTianjin and Kobe became friendship cities on 24 June 1973.\n"
TEA_ZH = "茶路萬里\n第三站漢堡共接待觀眾五萬七千八百人次。\n"
TEA_EN = "A Long Road for Tea\nThe third venue, Hamburg, welcomed 57,800 visitors.\n"


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the passages it embeds."""

    def __init__(self) -> None:
        self.passages: list[str] = []

    def embed_passages(self, texts):
        self.passages += list(texts)
        return super().embed_passages(texts)


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kobe.txt").write_text(KOBE, "utf-8")
    (folder / "tea.zh.md").write_text(TEA_ZH, "utf-8")
    (folder / "tea.en.txt").write_text(TEA_EN, "utf-8")
    return folder


@pytest.fixture
def library(tmp_path):
    embedder = CountingEmbedder()
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path / "home"), embedder)
    return zhen, embedder


def test_the_library_starts_with_the_bundled_article(library):
    zhen, _ = library
    assert [d.id for d in zhen.documents()] == ["friendship-cities"]


def test_two_language_versions_paired_by_name_make_one_document(library, files):
    zhen, _ = library
    added = zhen.add([files])
    assert sorted(d.id for d in added) == ["kobe", "tea"]
    tea = next(d for d in added if d.id == "tea")
    assert tea.languages == ["en", "zh"] and len(tea.files) == 2
    assert tea.titles == {"zh": "茶路萬里", "en": "A Long Road for Tea"}
    chunks = [c for c in zhen.index.chunks if c.doc_id == "tea"]
    assert any(c.counterpart_id for c in chunks)  # the two versions are aligned


def test_adding_and_removing_embed_only_the_documents_that_change(library, files):
    zhen, embedder = library
    zhen.add([files / "kobe.txt"])
    before = len(embedder.passages)
    zhen.add([files / "tea.zh.md", files / "tea.en.txt"])
    assert all("Tianjin" not in p and "天津" not in p for p in embedder.passages[before:])
    again = len(embedder.passages)
    zhen.add([files])  # nothing changed: nothing embedded
    zhen.remove(["kobe"])
    assert len(embedder.passages) == again
    (files / "tea.en.txt").write_text(TEA_EN.replace("57,800", "58,000"), "utf-8")
    zhen.add([files / "tea.zh.md", files / "tea.en.txt"])  # a changed file: only it again
    assert embedder.passages[again:] and all("Tianjin" not in p for p in embedder.passages[again:])


def test_a_scoped_question_is_answered_from_that_document_only(library, files):
    zhen, _ = library
    zhen.add([files])
    inside = zhen.ask("How many visitors did Hamburg welcome?", documents=["tea"])
    assert inside.grounded and inside.citations[0].doc_id == "tea"
    assert inside.citations[0].doc_title == "A Long Road for Tea"
    outside = zhen.ask("How many visitors did Hamburg welcome?", documents=["kobe"])
    assert not outside.grounded and outside.citations == []
    with pytest.raises(UnknownDocuments, match="nope"):
        zhen.ask("When?", documents=["nope"])


def test_after_removing_a_document_its_questions_get_does_not_say(library, files):
    zhen, _ = library
    zhen.add([files])
    assert zhen.ask("How many visitors did Hamburg welcome?").grounded
    zhen.remove(["tea"])
    assert not zhen.ask("How many visitors did Hamburg welcome?").grounded
    with pytest.raises(UnknownDocuments):
        zhen.remove(["tea"])
    assert "tea" not in {d.id for d in zhen.documents()}


def test_a_one_language_document_answers_the_other_language_by_quoting_the_original(
    library, tmp_path
):
    zhen, _ = library
    path = tmp_path / "hamburg.md"
    path.write_text(TEA_ZH, "utf-8")
    zhen.add([path])
    result = zhen.ask("How many visitors did Hamburg have?", documents=["hamburg"])
    assert result.grounded and result.answer.startswith("The article states this only")


def test_another_process_sees_a_change_without_a_restart(library, files, tmp_path):
    zhen, embedder = library
    other = Zhen.load(zhen.settings, embedder)
    zhen.add([files / "kobe.txt"])
    other.refresh(force=True)
    assert "kobe" in {d.id for d in other.index.documents}


def test_a_failed_add_leaves_the_library_as_it_was(library, tmp_path):
    zhen, _ = library
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8 \xff")
    before = Library(zhen.settings.index_path, zhen.embedder).manifest()
    with pytest.raises(Exception, match="UTF-8"):
        zhen.add([bad])
    assert Library(zhen.settings.index_path, zhen.embedder).manifest() == before


def test_the_cli_adds_lists_and_removes_documents_as_json(tmp_path, files):
    def zhen(*args):
        env = {"ZHEN_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env
        )

    added = zhen("add", str(files / "kobe.txt"), "--json")
    assert added.returncode == 0, added.stderr
    doc = json.loads(added.stdout)[0]
    assert set(doc) == {"id", "titles", "languages", "files", "pages", "passages", "added"}
    listed = json.loads(zhen("docs", "--json").stdout)
    assert {d["id"] for d in listed} == {"friendship-cities", "kobe"}
    assert json.loads(zhen("remove", "kobe", "--json").stdout)[0]["id"] == "kobe"
    missing = zhen("remove", "kobe")
    assert missing.returncode == 2 and "kobe" in missing.stderr


def pages_html(lang: str, pages: list[str], title: str) -> str:
    font = "'Noto Serif CJK SC'" if lang == "zh" else "'DejaVu Serif'"
    body = "".join(
        f"<p style='break-before:{'page' if i else 'auto'}'>{text}</p>"
        for i, text in enumerate(pages)
    )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head>"
        f'<body style="font:13pt {font}"><h1>{title}</h1>{body}</body></html>'
    )


@pytest.mark.browser
@pytest.mark.real
def test_a_pdf_pair_a_docx_and_an_html_page_are_cited_with_title_and_page(real_zhen, tmp_path):
    import docx

    folder = tmp_path / "in"
    folder.mkdir()
    zh = [
        "天津与神户于一九七三年结为友好城市。",
        "第二届论坛于二〇一四年十月在北京举行。",
        "双方签署了三项合作协议。",
    ]
    en = [
        "Tianjin and Kobe became friendship cities in 1973.",
        "The second forum was held in Beijing in October 2014.",
        "The two sides signed three cooperation agreements.",
    ]
    print_pdf(pages_html("zh", zh, "友城报告"), folder / "forum.zh.pdf", header="友城报告")
    print_pdf(pages_html("en", en, "Forum Report"), folder / "forum.en.pdf", header="Forum Report")
    word = docx.Document()
    word.add_heading("Tea Notes", level=1)
    word.add_paragraph("The Hamburg venue welcomed 57,800 visitors in the winter of 2023.")
    word.save(folder / "tea-notes.docx")
    (folder / "museum.html").write_text(
        "<html><head><title>Museum News</title></head><body><nav>Home | About</nav><main>"
        "<h1>Museum News</h1><p>The clipper model weighs 68 kilograms with its base.</p>"
        "</main><footer>© 2024</footer></body></html>",
        "utf-8",
    )
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path / "home"), real_zhen.embedder)
    added = {d.id: d for d in zhen.add([folder])}
    assert set(added) == {"forum", "tea-notes", "museum"}
    assert added["forum"].languages == ["en", "zh"] and added["forum"].pages == 3
    forum = zhen.ask("Where was the second forum held?", documents=["forum"])
    assert forum.grounded and "Beijing" in forum.answer
    assert (forum.citations[0].doc_title, forum.citations[0].page) == ("Forum Report", 2)
    tea = zhen.ask("How many visitors did the Hamburg venue welcome?", documents=["tea-notes"])
    assert tea.grounded and tea.citations[0].doc_id == "tea-notes" and tea.citations[0].page is None
    museum = zhen.ask("How much does the clipper model weigh?", documents=["museum"])
    assert museum.grounded and "68" in museum.answer and "Home" not in museum.citations[0].text
    elsewhere = zhen.ask("How much does the clipper model weigh?", documents=["forum"])
    assert not elsewhere.grounded


@pytest.mark.real
def test_a_running_server_answers_from_a_document_added_by_another_process(tmp_path, files):
    env = {**os.environ, "ZHEN_HOME": str(tmp_path / "home"), "ZHEN_RATE_LIMIT": "0"}
    question = {"question": "How many visitors did Hamburg welcome?", "documents": ["tea"]}
    with zhen_serving(env, tmp_path / "serve.log", timeout=120) as base:
        ask = f"{base}/api/ask"
        assert httpx.post(ask, json=question, timeout=30).status_code == 422  # no such document
        added = subprocess.run(
            [sys.executable, "-m", "bot.cli", "add", str(files)], env=env, capture_output=True
        )
        assert added.returncode == 0, added.stderr
        time.sleep(1.1)  # the server checks for changes at most once a second
        answer = httpx.post(ask, json=question, timeout=30).json()
        assert answer["grounded"] and answer["citations"][0]["doc_id"] == "tea"


@pytest.mark.real
def test_two_replicas_sharing_a_library_answer_a_document_added_through_either(tmp_path):
    """Two ``zhen serve`` replicas on one library folder (a shared disk): a document uploaded
    through one is answered by the other within 5 s, without a restart."""
    env = {
        **os.environ,
        "ZHEN_HOME": str(tmp_path / "home"),
        "ZHEN_RATE_LIMIT": "0",
        "ZHEN_ADMIN_TOKEN": "replica-secret",
    }
    question = {"question": "How many visitors did Hamburg welcome?", "documents": ["tea"]}
    with (
        zhen_serving(env, tmp_path / "first.log", timeout=180) as first,
        zhen_serving(env, tmp_path / "second.log", timeout=180) as second,
    ):
        assert httpx.post(f"{second}/api/ask", json=question, timeout=30).status_code == 422
        uploaded = httpx.post(
            f"{first}/api/documents",
            files=[("files", ("tea.en.txt", TEA_EN.encode(), "text/plain"))],
            headers={"Authorization": "Bearer replica-secret"},
            timeout=60,
        )
        assert uploaded.status_code in (200, 201), uploaded.text
        deadline = time.monotonic() + 5
        while True:
            res = httpx.post(f"{second}/api/ask", json=question, timeout=30)
            if res.status_code == 200 and res.json()["grounded"]:
                break
            assert time.monotonic() < deadline, res.text
            time.sleep(0.2)
        assert "57,800" in res.json()["answer"]
