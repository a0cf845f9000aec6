"""The library in a real browser (Debian's Chromium): the admin page uploads a PDF pair that
Chromium printed, the new document is listed, and the widget scoped to it with
``data-documents`` answers with citations labelled "Title · p. N".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHROMIUM, ROOT, asked_bodies, free_port, launch_chromium, zhen_serving
from tests.test_browser import HostSite

pytestmark = [pytest.mark.browser, pytest.mark.real]
TOKEN = "browser-admin-token"
DOC_ID = "ice-lanterns"
QUESTION = "When was the first ice lantern fair held in Zhaolin Park?"
OTHER_QUESTION = "How many pairs of friendship cities have China and Japan established?"
STYLE = '<style>body{font-family:"Noto Sans CJK SC",sans-serif}.next{break-before:page}</style>'
# The same article in Chinese and English; its second section starts on page 2.
ARTICLE = {
    "zh": f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>哈尔滨冰灯</title>{STYLE}</head><body><h1>哈尔滨冰灯</h1>
<p>哈尔滨位于中国东北，以漫长而寒冷的冬季闻名。</p>
<p>每年一月，这座城市都会举办冰雪节，吸引世界各地的游客。</p>
<div class="next"><h2>冰灯是怎样制作的</h2>
<p>松花江上的渔民把水倒进水桶里冻成冰，做成了最早的冰灯。</p>
<p>1963年，第一届冰灯游园会在兆麟公园举行。</p></div></body></html>""",
    "en": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbin Ice Lanterns</title>{STYLE}</head><body><h1>Harbin Ice Lanterns</h1>
<p>Harbin, in the north-east of China, is famous for its long and cold winters.</p>
<p>Every January the city holds an ice and snow festival that draws visitors from around
the world.</p>
<div class="next"><h2>How the lanterns are made</h2>
<p>Fishermen on the Songhua River made the first ice lanterns by freezing water in buckets.</p>
<p>The first ice lantern fair was held in Zhaolin Park in 1963.</p></div></body></html>""",
}

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Iterator[str]:
    """``zhen serve`` on a library of its own, with an admin token and one allowed origin."""
    home = tmp_path_factory.mktemp("library-serve")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHEN_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "ZHEN_HOME": str(home),
        "ZHEN_ADMIN_TOKEN": TOKEN,
        "ZHEN_ALLOWED_ORIGINS": f"http://127.0.0.1:{site_port}",
        "ZHEN_RATE_LIMIT": "0",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    log = home / "serve.log"
    with zhen_serving(env, log, timeout=300) as base:
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
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def print_pdfs(browser, folder: Path) -> list[Path]:
    """The article's two language versions, printed to PDF by Chromium (CJK: Noto)."""
    page = browser.new_page()
    paths = []
    for lang, html in ARTICLE.items():
        page.set_content(html)
        path = folder / f"{DOC_ID}.{lang}.pdf"
        page.pdf(path=str(path), format="A5")
        paths.append(path)
    page.close()
    return paths


def test_an_uploaded_pdf_pair_is_listed_and_the_scoped_widget_cites_its_page(
    server, browser, page, tmp_path, site_port
):
    pdfs = print_pdfs(browser, tmp_path)

    # the admin page: the token, the upload with its progress bar, the new row
    page.goto(server + "/admin")
    page.locator("#token").fill(TOKEN)
    page.locator("#use-token").click()
    page.locator('tr[data-id="friendship-cities"]').wait_for(timeout=30_000)
    assert page.evaluate("sessionStorage.getItem('zhen-admin-token')") == TOKEN
    page.locator("#files").set_input_files([str(p) for p in pdfs])
    page.locator("#send").click()
    row = page.locator(f'tr[data-id="{DOC_ID}"]')
    row.wait_for(timeout=120_000)
    assert "Added" in page.locator("#message").inner_text()
    assert page.locator("#progress").is_visible()
    assert page.locator("#progress").evaluate("e => e.value") == 100
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == [DOC_ID, "Harbin Ice Lanterns · 哈尔滨冰灯", "2"]
    assert int(cells[3]) >= 4  # passages

    # the widget on another site, scoped to the new document
    host = (
        '<!doctype html><html><body><h1>Ice lanterns</h1><script src="'
        f'{server}/widget.js" data-documents="{DOC_ID}" data-lang="en"></script></body></html>'
    )
    (tmp_path / "host.html").write_text(host, "utf-8")
    site = HostSite(tmp_path, site_port)
    sent = asked_bodies(page)
    try:
        page.goto(site.origin + "/host.html")
        widget = page.locator("[data-zhen-widget]")
        widget.locator(".launcher").click()
        switch = widget.locator(".scope")
        assert switch.inner_text() == "Search all articles"
        widget.locator("input[type=text]").fill(QUESTION)
        widget.locator("button.send").click()
        cites = widget.locator(".msg.bot .cite")
        cites.first.wait_for(timeout=60_000)
        expected = httpx.post(
            f"{server}/api/ask", json={"question": QUESTION, "documents": [DOC_ID]}
        ).json()
        assert "1963" in expected["answer"]
        assert expected["citations"][0]["doc_id"] == DOC_ID
        assert expected["citations"][0]["page"] == 2  # the fair is on the second page
        labels = cites.all_inner_texts()
        assert labels[0] == "[1] Harbin Ice Lanterns · p. 2"
        assert labels == [
            f"[{c['n']}] {c['doc_title']} · p. {c['page']}" for c in expected["citations"]
        ]
        assert sent[-1]["documents"] == [DOC_ID]

        # scoped, a question about another article is not answered from it ...
        widget.locator("input[type=text]").fill(OTHER_QUESTION)
        widget.locator("button.send").click()
        page.wait_for_function(
            "() => document.querySelector('[data-zhen-widget]').shadowRoot"
            ".querySelectorAll('.msg.bot').length === 3 && !document.querySelector("
            "'[data-zhen-widget]').shadowRoot.querySelector('button.send').disabled",
            timeout=60_000,
        )
        assert widget.locator(".msg.bot").last.inner_text() == "The article does not say."
        # ... and "search all articles" drops the scope
        switch.locator("input").check()
        widget.locator("input[type=text]").fill(OTHER_QUESTION)
        widget.locator("button.send").click()
        widget.locator(".msg.bot").nth(3).locator(".cite").first.wait_for(timeout=60_000)
        assert "documents" not in sent[-1]
        assert (
            "Sino-Japanese" in widget.locator(".msg.bot").nth(3).locator(".cite").first.inner_text()
        )
    finally:
        site.close()

    # the delete button removes it again
    page.goto(server + "/admin")  # the token is kept for this tab
    page.locator(f'tr[data-id="{DOC_ID}"]').wait_for(timeout=30_000)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'tr[data-id="{DOC_ID}"] button.delete').click()
    page.locator(f'tr[data-id="{DOC_ID}"]').wait_for(state="detached", timeout=30_000)
    assert [d["id"] for d in httpx.get(f"{server}/api/documents").json()["documents"]] == [
        "friendship-cities"
    ]
