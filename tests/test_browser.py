"""The chat page and the embeddable widget in a real browser (Debian's Chromium), against a
real ``zhen serve`` process with the bundled model.

``ZHEN_DOCS_SCREENSHOTS=1`` also writes the README's screenshots to ``docs/``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHROMIUM, ROOT, asked_bodies, free_port, launch_chromium, zhen_serving

pytestmark = [pytest.mark.browser, pytest.mark.real]
EN_QUESTION = "How many pairs of friendship cities have China and Japan established?"
ZH_QUESTION = "天津和神户什么时候结为友好城市？"

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


class HostSite:
    """A static site on its own origin (another port) serving ``examples/embed.html``."""

    def __init__(self, folder: Path, port: int) -> None:
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.origin = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_ports() -> tuple[int, int]:
    return free_port(), free_port()  # (allowed origin, refused origin)


@pytest.fixture(scope="session")
def server(real_zhen, site_ports, tmp_path_factory) -> Iterator[str]:
    """``zhen serve`` in a subprocess on a free port, sharing the session's built index."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        ZHEN_HOME=str(real_zhen.settings.home),
        ZHEN_ALLOWED_ORIGINS=f"http://127.0.0.1:{site_ports[0]}",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    with zhen_serving(env, log, timeout=180) as base:
        yield base


@pytest.fixture(scope="module")  # closed with this module: Playwright's event loop goes too
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def host_site(tmp_path: Path, server: str, port: int) -> HostSite:
    html = (ROOT / "examples" / "embed.html").read_text(encoding="utf-8")
    assert "http://127.0.0.1:7860/widget.js" in html  # the documented snippet
    (tmp_path / "embed.html").write_text(html.replace("http://127.0.0.1:7860", server), "utf-8")
    frame = f'<!doctype html><iframe src="{server}/embed" width="400" height="500"></iframe>'
    (tmp_path / "iframe.html").write_text(frame, "utf-8")
    return HostSite(tmp_path, port)


def embed_frame_shows_the_chat(page, origin: str) -> bool:
    """Whether ``/embed`` framed by a page on ``origin`` renders (frame-ancestors allows it)."""
    page.goto(origin + "/iframe.html")
    page.wait_for_timeout(1500)
    frame = page.frames[-1] if len(page.frames) > 1 else None
    return bool(frame and frame.locator("[data-zhen-widget] input").count())


def ask_in_widget(page, origin: str, question: str):
    """Open the host page, open the widget, send ``question``; returns the widget locator."""
    page.goto(origin + "/embed.html")
    widget = page.locator("[data-zhen-widget]")
    widget.locator(".launcher").click()
    widget.locator("input[type=text]").fill(question)
    widget.locator("button.send").click()
    return widget


def save(page, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 0
    if os.environ.get("ZHEN_DOCS_SCREENSHOTS") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(shot, ROOT / "docs" / name)


def test_chat_page_answers_english_and_chinese_with_expandable_citations(server, page, tmp_path):
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith((server, "data:")) else outside.append(r.url)
    )
    page.goto(server + "/")
    box = page.locator("#zhen-question textarea")
    box.wait_for(timeout=60_000)
    for turn, question in enumerate((EN_QUESTION, ZH_QUESTION), 1):
        box.fill(question)
        page.locator("#zhen-send").click()
        page.locator("#zhen-chat details.zhen-source").nth(turn - 1).wait_for(timeout=30_000)
        expected = httpx.post(f"{server}/api/ask", json={"question": question}).json()
        assert expected["answer"].split(" [")[0][:30] in page.locator("#zhen-chat").inner_text()
        source = page.locator("#zhen-chat details.zhen-source").last
        source.locator("summary").click()
        assert source.locator("mark").first.is_visible()  # the quoted sentence is highlighted
        assert expected["citations"][0]["text"][:20] in source.inner_text()
    save(page, tmp_path, "chat-page.png")
    assert outside == []  # nothing fetched from anywhere else (offline)


def test_widget_on_an_allowed_origin_streams_an_answer_with_citations(
    server, page, tmp_path, site_ports
):
    site = host_site(tmp_path, server, site_ports[0])
    try:
        widget = ask_in_widget(page, site.origin, EN_QUESTION)
        cite = widget.locator(".cite").first
        cite.wait_for(timeout=30_000)
        expected = httpx.post(f"{server}/api/ask", json={"question": EN_QUESTION}).json()
        assert expected["answer"] in widget.locator(".msg.bot").last.inner_text()
        cite.click()
        passage = widget.locator(".passage").last
        assert passage.is_visible()
        assert passage.locator("mark").count() >= 1
        assert expected["citations"][0]["text"][:20] in passage.inner_text()
        # the host page's hostile CSS does not reach the widget, nor the widget's the host
        color = cite.evaluate("e => getComputedStyle(e).backgroundColor")
        assert color != "rgb(255, 105, 180)"  # hotpink from the host page
        assert (
            page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily").startswith("Georgia")
        )
        save(page, tmp_path, "widget.png")
        assert embed_frame_shows_the_chat(page, site.origin)
    finally:
        site.close()


def test_widget_on_an_origin_not_allowed_is_refused(server, page, tmp_path, site_ports):
    site = host_site(tmp_path, server, site_ports[1])
    try:
        widget = ask_in_widget(page, site.origin, EN_QUESTION)
        widget.locator(".msg.err").wait_for(timeout=30_000)
        assert widget.locator(".cite").count() == 0
        refused = httpx.post(
            f"{server}/api/ask/stream",
            json={"question": EN_QUESTION},
            headers={"Origin": site.origin},
        )
        assert refused.status_code == 403
        assert "access-control-allow-origin" not in refused.headers
        assert not embed_frame_shows_the_chat(page, site.origin)
        embed = httpx.get(f"{server}/embed")
        assert site.origin not in embed.headers["content-security-policy"]
        assert f"http://127.0.0.1:{site_ports[0]}" in embed.headers["content-security-policy"]
    finally:
        site.close()


def test_widget_starts_a_fresh_conversation_when_the_server_refuses_its_history(
    server, page, tmp_path, site_ports
):
    site = host_site(tmp_path, server, site_ports[0])
    sent: list[list] = []

    def refuse_history(route):
        history = json.loads(route.request.post_data or "{}").get("history", [])
        sent.append(history)
        if history:
            body = {"error": {"code": "history_too_long", "message": "too long"}}
            route.fulfill(status=422, content_type="application/json", body=json.dumps(body))
        else:
            route.continue_()

    try:
        page.route("**/api/ask/stream", refuse_history)
        widget = ask_in_widget(page, site.origin, EN_QUESTION)
        widget.locator(".cite").first.wait_for(timeout=30_000)
        widget.locator("input[type=text]").fill(EN_QUESTION)
        widget.locator("button.send").click()
        widget.locator(".msg.bot .cite").nth(1).wait_for(timeout=30_000)
        assert [len(h) for h in sent] == [0, 2, 0]  # refused with history, retried without
        assert widget.locator(".msg.err").count() == 0
    finally:
        site.close()


def test_admin_page_says_admin_is_disabled_without_a_token(server, page):
    page.goto(server + "/admin")
    notice = page.locator("#disabled")
    notice.wait_for(timeout=30_000)
    assert "Admin is disabled" in notice.inner_text() and "未启用" in notice.inner_text()
    assert not page.locator("#upload").is_visible()


def test_widget_from_the_example_page_is_scoped_and_can_search_everything(
    server, page, tmp_path, site_ports
):
    site = host_site(tmp_path, server, site_ports[0])
    sent = asked_bodies(page)
    try:
        widget = ask_in_widget(page, site.origin, EN_QUESTION)
        widget.locator(".cite").first.wait_for(timeout=30_000)
        assert sent[-1]["documents"] == ["friendship-cities"]  # data-documents
        label = widget.locator(".cite").first.inner_text()
        assert label.startswith("[1] The New Development of Sino-Japanese Friendship Cities")
        assert "friendship-cities:" not in label  # no internal passage ids
        widget.locator(".scope input").check()
        widget.locator("input[type=text]").fill(EN_QUESTION)
        widget.locator("button.send").click()
        widget.locator(".msg.bot").nth(2).locator(".cite").first.wait_for(timeout=30_000)
        assert "documents" not in sent[-1]
    finally:
        site.close()
