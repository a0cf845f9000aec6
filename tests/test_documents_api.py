"""The documents API over the fake embedder: list, upload, scope, delete, and uploads as
hostile input (each refused with a clear 4xx, quickly, the library and the disk unchanged)."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.engine import Zhen
from bot.errors import CorpusUnavailable
from bot.settings import Settings
from tests.conftest import FakeEmbedder
from tests.test_api import EN, make_client

TOKEN = "documents-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BOUNDARY = "zhen-test-boundary"
HARBIN_ZH = """哈尔滨冰雪大世界

哈尔滨冰雪大世界始建于1999年，是世界上规模最大的冰雪主题乐园之一。

每年冬天，工人们从松花江采集冰块，用来建造冰雕和冰建筑。
"""
HARBIN_EN = """# Harbin Ice and Snow World

Harbin Ice and Snow World was first built in 1999 and is one of the largest **ice and snow**
theme parks in the world.

Every winter, workers cut blocks of ice from the Songhua River to build ice sculptures.
"""
TEA = """The China National Tea Museum

The China National Tea Museum in Hangzhou opened to visitors in 1991.

Its collection shows how tea has been grown, processed and drunk in China for centuries.
"""
HARBIN_QUESTION = "When was Harbin Ice and Snow World first built?"


# Files, built here: PDFs by hand (objects, cross-reference table, trailer), DOCX with zipfile.


def pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def text_stream(text: bytes) -> bytes:
    content = b"BT /F1 12 Tf 10 40 Td (%s) Tj ET" % text
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def page(parent: int, contents: bytes, font: int) -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 300 100] /Contents %s "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, contents, font)
    )


def thousands_of_pages(count: int = 3000) -> bytes:
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    pages = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    return pdf([CATALOG, pages, text_stream(b"A page"), FONT, *[page(2, b"3 0 R", 4)] * count])


def deep_page_tree(depth: int = 5000) -> bytes:
    """The one page at the bottom of a page tree ``depth`` levels deep."""
    objects = [CATALOG]
    for level in range(depth):
        parent = b" /Parent %d 0 R" % (level + 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (level + 3, parent))
    at = len(objects) + 1
    objects += [page(at - 1, b"%d 0 R" % (at + 1), at + 2), text_stream(b"Deep"), FONT]
    return pdf(objects)


def deeply_nested_contents(depth: int = 50_000) -> bytes:
    """A page whose content reference sits inside ``depth`` nested arrays."""
    contents = b"[" * depth + b"4 0 R" + b"]" * depth
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    return pdf([CATALOG, pages, page(2, contents, 5), text_stream(b"Nested"), FONT])


def zip_bomb_docx() -> bytes:
    """A DOCX whose document part inflates about 1,000 times, to 32 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * (32 << 20) + "</w:document>")
    return out.getvalue()


def workbook_named_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
EXE = b"MZ\x90\x00" + bytes(64)


def multipart(*files: tuple[bytes | None, bytes], field: bytes = b"files") -> bytes:
    """A multipart/form-data body with exactly these file names (bytes as sent)."""
    out = b""
    for name, data in files:
        disposition = b'form-data; name="' + field + b'"'
        if name is not None:
            disposition += b'; filename="' + name + b'"'
        out += b"--" + BOUNDARY.encode() + b"\r\nContent-Disposition: " + disposition
        out += b"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
    return out + b"--" + BOUNDARY.encode() + b"--\r\n"


MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


# Fixtures: a server on the library (not a fixed corpus), with an admin token.


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose library holds the bundled article, built once."""
    home = tmp_path_factory.mktemp("library") / "home"
    Zhen.load(Settings.from_env({}, home=home), FakeEmbedder())
    return home


@pytest.fixture
def zhen(tmp_path: Path, fake_embedder, built_home: Path) -> Zhen:
    """zhen on a library of its own: the bundled article until the first change."""
    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    return Zhen.load(Settings.from_env({}, home=home), fake_embedder)


@pytest.fixture
def system_tmp(tmp_path: Path, monkeypatch) -> Path:
    """The system's temporary folder, redirected: uploads must never be spooled there."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def client(zhen, system_tmp) -> TestClient:
    return make_client(zhen, admin_token=TOKEN, rate_limit=0)


def upload(client: TestClient, *files: tuple[str | bytes | None, bytes]) -> object:
    named = [(n.encode() if isinstance(n, str) else n, data) for n, data in files]
    return client.post("/api/documents", content=multipart(*named), headers={**AUTH, **MULTIPART})


def listing(zhen: Zhen) -> list[dict]:
    return [d.to_dict() for d in zhen.documents()]


def disk(zhen: Zhen) -> list[str]:
    """Every file and folder under the server's home, but the (empty) parent of the upload
    folders."""
    home = zhen.settings.home
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p != home / "uploads")


def error(res) -> dict:
    assert res.headers["content-type"].startswith("application/json"), res.text[:200]
    return res.json()["error"]


def upload_harbin(client: TestClient) -> dict:
    res = upload(
        client,
        ("harbin.zh.txt", HARBIN_ZH.encode()),
        ("harbin.en.md", HARBIN_EN.encode()),
    )
    assert res.status_code == 201, res.text
    return res.json()["documents"][0]


# Listing, uploading, scoping, deleting


def test_the_public_list_gives_ids_titles_and_pages_only(client, zhen):
    res = client.get("/api/documents")
    assert res.status_code == 200
    (doc,) = res.json()["documents"]
    assert set(doc) == {"id", "titles", "pages"}
    assert doc["id"] == "friendship-cities" and doc["pages"] is None
    assert set(doc["titles"]) == {"zh", "en"} and doc["titles"]["en"]
    assert str(zhen.settings.home) not in res.text  # no server paths


def test_a_zh_en_pair_is_one_document(client, zhen, system_tmp):
    doc = upload_harbin(client)
    assert set(doc) == {"id", "titles", "languages", "pages", "passages", "added"}
    assert doc["id"] == "harbin" and sorted(doc["languages"]) == ["en", "zh"]
    assert doc["titles"] == {"zh": "哈尔滨冰雪大世界", "en": "Harbin Ice and Snow World"}
    assert doc["passages"] >= 4 and doc["pages"] is None
    assert [d["id"] for d in client.get("/api/documents").json()["documents"]] == [
        "friendship-cities",
        "harbin",
    ]
    kept = zhen.settings.index_path / "files" / "harbin"
    assert sorted(p.name for p in kept.iterdir()) == ["harbin.en.md", "harbin.zh.txt"]
    assert list((zhen.settings.home / "uploads").iterdir()) == []  # the upload folder is gone
    assert list(system_tmp.iterdir()) == []


def test_a_single_file_is_a_document_named_after_it(client):
    res = upload(client, ("Tea Museum.txt", TEA.encode()))
    assert res.status_code == 201
    (doc,) = res.json()["documents"]
    assert doc["id"] == "tea-museum" and doc["languages"] == ["en"]
    assert doc["titles"]["en"] == "The China National Tea Museum"


def test_the_admin_list_adds_passages_and_dates(client):
    upload_harbin(client)
    res = client.get("/api/admin/documents", headers=AUTH)
    assert res.status_code == 200
    docs = {d["id"]: d for d in res.json()["documents"]}
    assert set(docs) == {"friendship-cities", "harbin"}
    assert docs["harbin"]["passages"] >= 4 and "files" not in docs["harbin"]
    assert client.get("/api/admin/documents").status_code == 401


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream", "/v1/chat/completions"])
def test_a_scope_answers_from_those_documents_only(client, path):
    upload_harbin(client)

    def ask(question: str, documents: list[str] | None) -> dict:
        scope = {} if documents is None else {"documents": documents}
        if path == "/v1/chat/completions":
            body = {"messages": [{"role": "user", "content": question}], **scope}
        else:
            body = {"question": question, **scope}
        res = client.post(path, json=body)
        assert res.status_code == 200, res.text
        if path == "/api/ask":
            return res.json()
        if path == "/api/ask/stream":
            last = res.text.strip().split("\n\n")[-1]
            return json.loads(last.split("data: ", 1)[1])
        final = json.loads(res.text.strip().split("\n\n")[-1].removeprefix("data: "))
        return {"answer": final["choices"][0]["message"]["content"], **final}

    harbin = ask(HARBIN_QUESTION, ["harbin"])
    assert "1999" in harbin["answer"] and harbin["grounded"]
    assert {c["doc_id"] for c in harbin["citations"]} == {"harbin"}
    assert harbin["citations"][0]["doc_title"] == "Harbin Ice and Snow World"
    assert harbin["citations"][0]["page"] is None  # text files have no pages
    elsewhere = ask(EN, ["harbin"])  # a question about the bundled article
    assert elsewhere["answer"] == "The article does not say." and not elsewhere["grounded"]
    assert elsewhere["citations"] == []
    everywhere = ask(EN, None)
    assert {c["doc_id"] for c in everywhere["citations"]} == {"friendship-cities"}


def test_a_scope_answers_chinese_questions_in_chinese(client):
    upload_harbin(client)
    body = {"question": "中日两国建立了多少对友好城市？", "documents": ["harbin"]}
    res = client.post("/api/ask", json=body)
    assert res.status_code == 200 and res.json()["answer"] == "文章没有提到这一点。"


@pytest.mark.parametrize(
    ("question", "words"),
    [
        (EN, "No document has the id nope, other."),
        ("中日两国建立了多少对友好城市？", "没有编号为 nope, other 的文档。"),
        ("中日兩國建立了多少對友好城市？", "沒有編號為 nope, other 的文件。"),
    ],
    ids=["English", "simplified", "traditional"],
)
@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream", "/v1/chat/completions"])
def test_unknown_ids_are_422_in_the_questions_language(client, path, question, words):
    scope = {"documents": ["friendship-cities", "nope", "other", "nope"]}
    if path == "/v1/chat/completions":
        body = {"messages": [{"role": "user", "content": question}], **scope}
    else:
        body = {"question": question, **scope}
    res = client.post(path, json=body)
    assert res.status_code == 422  # before any event, for the streams too
    assert error(res) == {"code": "unknown_documents", "message": words}


@pytest.mark.parametrize(
    "documents",
    [[], ["a b"], ["../etc"], ["a.b"], ["x" * 129], ["ok"] * 101, "harbin", [5], ["a\x00"]],
    ids=["empty", "space", "path", "dot", "too long", "too many", "not a list", "number", "NUL"],
)
def test_malformed_scopes_are_422(client, documents):
    res = client.post("/api/ask", json={"question": EN, "documents": documents})
    assert res.status_code == 422 and error(res)["code"] == "invalid_request"
    assert "documents" in error(res)["message"]


def test_a_deleted_document_is_gone_and_unknown_ids_are_404(client, zhen):
    upload_harbin(client)
    res = client.delete("/api/documents/harbin", headers=AUTH)
    assert res.status_code == 200
    assert [d["id"] for d in res.json()["removed"]] == ["harbin"]
    assert [d.id for d in zhen.documents()] == ["friendship-cities"]
    assert not (zhen.settings.index_path / "files" / "harbin").exists()
    again = client.delete("/api/documents/harbin", headers=AUTH)
    assert again.status_code == 404
    assert error(again) == {
        "code": "unknown_documents",
        "message": "No document has the id harbin.",
    }
    ask = client.post("/api/ask", json={"question": HARBIN_QUESTION, "documents": ["harbin"]})
    assert ask.status_code == 422 and error(ask)["code"] == "unknown_documents"
    assert client.delete("/api/documents/a.b", headers=AUTH).status_code == 422
    res = client.get("/api/documents/friendship-cities")
    assert res.status_code == 405 and res.headers["allow"] == "DELETE"


def test_changing_documents_needs_the_admin_token(client, fake_zhen, zhen):
    body = multipart((b"a.txt", TEA.encode()))
    assert client.post("/api/documents", content=body, headers=MULTIPART).status_code == 401
    wrong = {"Authorization": "Bearer nope", **MULTIPART}
    assert client.post("/api/documents", content=body, headers=wrong).status_code == 401
    assert client.delete("/api/documents/friendship-cities").status_code == 401
    disabled = make_client(zhen, admin_token=None, rate_limit=0)
    res = disabled.post("/api/documents", content=body, headers={**AUTH, **MULTIPART})
    assert res.status_code == 403 and "ZHEN_ADMIN_TOKEN" in error(res)["message"]
    assert disabled.get("/api/admin/documents", headers=AUTH).status_code == 403
    assert [d.id for d in zhen.documents()] == ["friendship-cities"]


def test_a_server_on_a_fixed_corpus_refuses_changes(fake_zhen):
    client = make_client(fake_zhen, admin_token=TOKEN, rate_limit=0)
    res = client.post(
        "/api/documents", content=multipart((b"a.txt", TEA.encode())), headers={**AUTH, **MULTIPART}
    )
    assert res.status_code == 409 and error(res)["code"] == "fixed_corpus"
    res = client.delete("/api/documents/friendship-cities", headers=AUTH)
    assert res.status_code == 409 and "--corpus" in error(res)["message"]


def test_html_scripts_never_become_document_text(client, zhen):
    page = b"""<!doctype html><html><head><title>Ice lanterns</title>
<script>var secret = "SCRIPT-SECRET"; alert(secret);</script>
<style>body { color: STYLE-SECRET }</style></head>
<body onload="ONLOAD-SECRET()"><h1>Ice lanterns</h1>
<p>Ice lanterns have been made in Harbin since the Qing dynasty.</p>
<script type="module">import "MODULE-SECRET";</script>
<noscript>Turn on JavaScript</noscript>
<p>Fishermen once used them to light the frozen river at night.</p></body></html>"""
    res = upload(client, ("lanterns.html", page))
    assert res.status_code == 201, res.text
    texts = " ".join(c.text for c in zhen.index.chunks if c.doc_id == "lanterns")
    assert "Qing dynasty" in texts and "frozen river" in texts
    assert "SECRET" not in texts and "alert" not in texts


# Hostile uploads: each refused with a clear JSON error, quickly, nothing changed or left over.

Case = tuple[list[tuple[bytes | None, bytes]], int, str, str]
HOSTILE: dict[str, Case] = {
    "dot-dot path": ([(b"../../evil.txt", b"x")], 422, "invalid_file_name", "without folders"),
    "absolute path": ([(b"/etc/cron.d/evil.txt", b"x")], 422, "invalid_file_name", "folders"),
    "windows path": ([(b"C:\\Users\\evil.txt", b"x")], 422, "invalid_file_name", "drive"),
    "NUL in name": ([(b"evil\x00.txt", b"x")], 422, "invalid_file_name", "control or invisible"),
    "escape in name": ([(b"evil\x1b[2J.txt", b"x")], 422, "invalid_file_name", "control"),
    "bidi override in name": (
        [("invoice\u202etxt.md".encode(), b"x")], 422, "invalid_file_name", "invisible"
    ),
    "hidden name": ([(b".bashrc.txt", b"x")], 422, "invalid_file_name", "hidden"),
    "dot dot": ([(b"..", b"x")], 422, "invalid_file_name", "hidden"),
    "empty name": ([(b"", b"x")], 422, "invalid_file_name", "needs a file name"),
    "no name": ([(None, b"x")], 422, "invalid_upload", "must be a file"),
    "name not UTF-8": ([(b"\xff\xfe.txt", b"x")], 422, "invalid_file_name", "UTF-8"),
    "name too long": ([(b"a" * 300 + b".txt", b"x")], 422, "invalid_file_name", "255 bytes"),
    "trailing space": ([(b"a.txt ", b"x")], 422, "invalid_file_name", "white space"),
    "no extension": ([(b"notes", b"hello")], 415, "unsupported_file", "(none)"),
    "program": ([(b"setup.exe", EXE)], 415, "unsupported_file", ".exe"),
    "image": ([(b"photo.png", PNG)], 415, "unsupported_file", ".png"),
    "image named pdf": ([(b"photo.pdf", PNG)], 415, "unsupported_file", "a PNG image"),
    "program named txt": ([(b"notes.txt", EXE)], 415, "unsupported_file", "a Windows program"),
    "text named pdf": ([(b"paper.pdf", b"just text")], 415, "unsupported_file", "is named .pdf"),
    "pdf named txt": ([(b"notes.txt", pdf([CATALOG]))], 415, "unsupported_file", "a PDF"),
    "workbook named docx": (
        [(b"report.docx", workbook_named_docx())], 415, "unsupported_file", "Excel"
    ),
    "empty file": ([(b"empty.txt", b"")], 422, "empty_file", "'empty.txt' is empty"),
    "blank file": ([(b"blank.md", b" \n\t\n")], 422, "empty_file", "is empty"),
    "not UTF-8 text": ([(b"latin.txt", "café".encode("latin-1"))], 422, "unreadable_file", "UTF-8"),
    "3,000 pages": ([(b"huge.pdf", thousands_of_pages())], 422, "unreadable_file", "3,000 pages"),
    "deep page tree": ([(b"deep.pdf", deep_page_tree())], 422, "unreadable_file", "deep.pdf"),
    "deeply nested": ([(b"nest.pdf", deeply_nested_contents())], 422, "unreadable_file", "nest.pdf"),
    "zip bomb": ([(b"bomb.docx", zip_bomb_docx())], 422, "unreadable_file", "zip bomb"),
    "two documents": (
        [(b"a.txt", b"A"), (b"b.txt", b"B")], 422, "not_a_pair", "NAME.zh.EXT and NAME.en.EXT"
    ),
    "two Chinese": ([(b"a.zh.txt", b"A"), (b"a.zh.md", b"B")], 422, "not_a_pair", "not a pair"),
    "pair of two names": ([(b"a.zh.txt", b"A"), (b"b.en.txt", b"B")], 422, "not_a_pair", "pair"),
    "same file twice": ([(b"a.txt", b"A"), (b"a.txt", b"A")], 422, "not_a_pair", "sent twice"),
    "three files": (
        [(b"a.zh.txt", b"A"), (b"a.en.txt", b"B"), (b"a.txt", b"C")],
        422, "too_many_files", "at most 2 files",
    ),
    "no files": ([], 422, "no_file", "no file uploaded"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_uploads_are_refused_and_change_nothing(client, zhen, system_tmp, case):
    files, status, code, words = HOSTILE[case]
    before, on_disk = listing(zhen), disk(zhen)
    started = time.monotonic()
    res = client.post("/api/documents", content=multipart(*files), headers={**AUTH, **MULTIPART})
    assert time.monotonic() - started < 20  # bounded, far below the extractor's 60 s limit
    assert res.status_code == status, res.text
    got = error(res)
    assert got["code"] == code and words in got["message"], got
    assert str(zhen.settings.home) not in got["message"] and ".tmp-" not in got["message"]
    assert listing(zhen) == before
    assert [p for p in disk(zhen) if p not in on_disk] == []  # the upload folder: created, gone
    assert list(system_tmp.iterdir()) == []


def test_parts_other_than_files_are_refused(client, zhen):
    res = client.post(
        "/api/documents",
        content=multipart((b"a.txt", b"A"), field=b"document"),
        headers={**AUTH, **MULTIPART},
    )
    assert res.status_code == 422 and error(res)["code"] == "invalid_upload"
    assert [d.id for d in zhen.documents()] == ["friendship-cities"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b'{"files": []}', {"content-type": "application/json"}, 415, "unsupported_media_type"),
        (b"x", {"content-type": "multipart/form-data"}, 400, "invalid_upload"),
        (multipart((b"a.txt", b"A"))[:-40], MULTIPART, 400, "invalid_upload"),
        (b"--" + BOUNDARY.encode() + b"\r\nno headers here", MULTIPART, 400, "invalid_upload"),
    ],
    ids=["JSON", "no boundary", "cut short", "malformed"],
)
def test_bodies_that_are_not_a_proper_upload_are_refused(client, zhen, body, headers, status, code):
    res = client.post("/api/documents", content=body, headers={**AUTH, **headers})
    assert res.status_code == status and error(res)["code"] == code, res.text
    assert [d.id for d in zhen.documents()] == ["friendship-cities"]


def test_oversize_files_are_413_by_bytes_received(zhen, system_tmp):
    client = make_client(zhen, admin_token=TOKEN, rate_limit=0, max_upload_mb=1)
    big = b"a " * (1 << 19) + b"more"  # just over 1 MB of text
    before, on_disk = listing(zhen), disk(zhen)
    res = upload(client, ("big.txt", big))
    assert res.status_code == 413
    assert error(res) == {"code": "file_too_large", "message": "'big.txt' is over 1 MB"}

    def chunks():  # no Content-Length: only the bytes received tell
        body = multipart((b"big.txt", big))
        for i in range(0, len(body), 65536):
            yield body[i : i + 65536]

    res = client.post("/api/documents", content=chunks(), headers={**AUTH, **MULTIPART})
    assert res.status_code == 413 and error(res)["code"] == "file_too_large"
    assert listing(zhen) == before and [p for p in disk(zhen) if p not in on_disk] == []
    assert list(system_tmp.iterdir()) == []


def test_bodies_over_the_upload_limit_are_413_by_content_length(zhen):
    client = make_client(zhen, admin_token=TOKEN, rate_limit=0, max_upload_mb=1)
    headers = {**AUTH, **MULTIPART, "content-length": str(3 << 20)}
    res = client.post("/api/documents", content=b"x" * (3 << 20), headers=headers)
    assert res.status_code == 413 and error(res)["code"] == "body_too_large"
    assert "2 MB" in error(res)["message"]


def test_uploads_have_their_own_body_limit_and_json_keeps_64_kb(client):
    body = multipart((b"long.txt", ("Long article.\n\n" + "Words here. " * 20_000).encode()))
    assert len(body) > 200_000
    res = client.post("/api/documents", content=body, headers={**AUTH, **MULTIPART})
    assert res.status_code == 201, res.text
    res = client.post(
        "/api/ask", content=b" " * 70_000, headers={"content-type": "application/json"}
    )
    assert res.status_code == 413


def test_the_engine_refusing_a_file_leaves_the_library_as_it_was(client, zhen, monkeypatch):
    def refuse(paths, progress=None):
        raise CorpusUnavailable(f"{paths[0]} could not be read: the parser crashed")

    upload_harbin(client)
    before, on_disk = listing(zhen), disk(zhen)
    monkeypatch.setattr(zhen, "add", refuse)
    res = upload(client, ("harbin.txt", b"Replacement text.\n"))
    assert res.status_code == 422
    assert error(res) == {
        "code": "unreadable_file",
        "message": "harbin.txt could not be read: the parser crashed",
    }
    assert listing(zhen) == before and disk(zhen) == on_disk


# The admin page and the OpenAPI document


def test_the_admin_page_runs_only_its_own_script_and_is_never_framed(client):
    res = client.get("/admin")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    csp = res.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert '<script src="/admin.js"></script>' in res.text and "<script>" not in res.text
    script = client.get("/admin.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    for needle in ("sessionStorage", "upload.onprogress", "Authorization", "/api/documents"):
        assert needle in script.text


def test_the_openapi_document_describes_the_documents_api(client):
    doc = client.get("/openapi.json").json()
    upload_op = doc["paths"]["/api/documents"]["post"]
    schema = upload_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["files"]["maxItems"] == 2
    assert set(upload_op["responses"]) >= {"201", "401", "403", "409", "413", "415", "422"}
    assert upload_op["security"] == [{"HTTPBearer": []}]
    assert "404" in doc["paths"]["/api/documents/{id}"]["delete"]["responses"]
    ask = doc["components"]["schemas"]["AskRequest"]["properties"]["documents"]
    assert ask["anyOf"][0]["maxItems"] == 100
    chat = doc["components"]["schemas"]["ChatRequest"]["properties"]["documents"]
    assert chat["anyOf"][0]["items"]["pattern"] == ask["anyOf"][0]["items"]["pattern"]
