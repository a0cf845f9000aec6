"""Text extraction (``index/extract.py``): PDF, DOCX, HTML, Markdown and TXT, and hostile files.

The PDFs are printed by Debian's Chromium from HTML written here (``-m browser``) or written
byte by byte below; the DOCX files by python-docx. Every hostile file must give one clear
ExtractError within its time limit.
"""

from __future__ import annotations

import bisect
import io
import re
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from index.extract import Extracted, ExtractError, Limits, extract, sniff
from index.pdf import _close, _Glyph, normalize_glyphs
from index.pdflayout import Line, assemble, drop_running_lines, is_page_number
from tests.conftest import print_pdf

SLACK = 3.0  # seconds a refused file may take beyond its limit (starting the child process)
TEN_SECONDS = Limits(seconds=10)

# --- writing PDFs byte by byte ---------------------------------------------------------------

# Helvetica with the standard glyph names fi and fl at codes 174 and 175 (\256, \257).
FONT = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding"
    b" /BaseEncoding /WinAnsiEncoding /Differences [174 /fi /fl] >> >>"
)
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
    b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
)


def pdf_bytes(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of ``objects`` (numbered from 1; 1 is the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def stream(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)


def text_pdf(contents: list[bytes], info: bytes = b"", trailer: bytes = b"") -> bytes:
    """One page per content stream, all with font /F1; ``info`` is the /Info dictionary."""
    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        FONT,
        info or b"<< >>",
    ]
    for i, content in enumerate(contents):
        objects += [PAGE % (6 + 2 * i), stream(content)]
    return pdf_bytes(objects, b"/Info 4 0 R " + trailer)


def shared_pages_pdf(pages: int, content: bytes) -> bytes:
    """``pages`` pages that all draw the same content stream (a small file, a big document)."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        FONT,
        stream(content),
    ]
    return pdf_bytes(objects + [PAGE % 4] * pages)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, limits: Limits = TEN_SECONDS) -> str:
    """The ExtractError message for ``path``, checking it came within the time limit."""
    start = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        extract(path, limits)
    assert time.monotonic() - start < limits.seconds + SLACK
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


# --- PDF: written by hand ---------------------------------------------------------------------


def test_pdf_ligature_glyphs_become_letters_and_title_is_read(tmp_path):
    content = (
        b"BT /F1 14 Tf 72 760 Td (The \256rst of\256ce \257ight was ef\256cient.) Tj"
        b" 0 -40 Td [(The \256) -200 (rst day.)] TJ ET"
    )
    info = b"<< /Title (Ligatures \\(test\\)) >>"
    result = extract(write(tmp_path, "ligatures.pdf", text_pdf([content], info)))
    assert result == Extracted(
        "The first office flight was efficient.\nThe first day.",
        ((0, 1),),
        "Ligatures (test)",
        "pdf",
    )


def test_pdf_pages_map_offsets_to_page_numbers(tmp_path):
    words = (b"Alpha", b"Bravo", b"Charlie")
    pages = [b"BT /F1 12 Tf 72 400 Td (%s is here.) Tj ET" % word for word in words]
    pages.insert(2, b"0 0 m 10 10 l S")  # a page without text gets no entry
    result = extract(write(tmp_path, "pages.pdf", text_pdf(pages)))
    assert result.text == "Alpha is here.\nBravo is here.\nCharlie is here."
    assert result.pages == ((0, 1), (15, 2), (30, 4))


def test_scanned_pdf_is_refused(tmp_path):
    drawing = b"0 0 m 500 700 l S"
    path = write(tmp_path, "scan.pdf", text_pdf([drawing] * 3))
    assert refused(path).endswith("has no text layer (scanned?); OCR it first")
    # text on one page in twelve (an OCR'd cover, say) is still a scan
    cover = b"BT /F1 12 Tf 72 760 Td (Cover) Tj ET"
    path = write(tmp_path, "mostly-scan.pdf", text_pdf([cover] + [drawing] * 11))
    assert "no text layer" in refused(path)


def test_encrypted_pdf_is_refused(tmp_path):
    data = text_pdf(
        [b"BT /F1 12 Tf 72 760 Td (Secret) Tj ET"],
        trailer=b"/Encrypt 7 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    )
    encrypt = b"7 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>\nendobj\n" % (
        b"ab" * 32,
        b"cd" * 32,
    )
    data = data.replace(b"xref\n", encrypt + b"xref\n", 1)
    message = refused(write(tmp_path, "secret.pdf", data))
    assert "is encrypted (password-protected)" in message


def test_pdf_with_thousands_of_pages_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, "many.pdf", shared_pages_pdf(3000, b""))
    assert refused(path).endswith("has 3,000 pages, over the limit of 2,000")


@pytest.mark.parametrize(
    "pages",
    [
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",  # a page tree that contains itself
        b"<< /Type /Pages /Kids " + b"[" * 50_000 + b"]" * 50_000 + b" /Count 1 >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /X "
        + b"<< /A " * 20_000
        + b">> " * 20_000
        + b">>",
    ],
    ids=["cyclic", "nested-arrays", "nested-dicts"],
)
def test_pdf_with_cyclic_or_deeply_nested_objects_is_refused(tmp_path, pages):
    cycle = b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>"
    data = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", pages, cycle])
    message = refused(write(tmp_path, "hostile.pdf", data), Limits(seconds=5))
    assert re.search(r"is damaged|has no pages|has no text layer|not a readable PDF", message)


def test_slow_pdf_is_killed_at_the_time_limit(tmp_path):
    line = b"(The quick brown fox jumps over the lazy dog again and again.) Tj 0 -14 Td "
    path = write(
        tmp_path, "slow.pdf", shared_pages_pdf(1900, b"BT /F1 11 Tf 72 800 Td " + line * 50 + b"ET")
    )
    assert refused(path, Limits(seconds=2)).endswith(
        "took more than 2 s to read; gave up (damaged or hostile file?)"
    )


def test_parser_out_of_memory_is_an_error_not_a_crash(tmp_path):
    line = b"(The quick brown fox jumps over the lazy dog again and again.) Tj 0 -14 Td "
    path = write(
        tmp_path, "big.pdf", shared_pages_pdf(100, b"BT /F1 11 Tf 72 800 Td " + line * 50 + b"ET")
    )
    message = refused(path, Limits(seconds=10, max_memory=1024 * 1024))
    assert re.search(
        r"could not be read: the parser crashed .*out of memory|needs more than", message
    )


# --- PDF: the repairs on their own -----------------------------------------------------------


def test_glyph_normalisation_touches_only_pdf_font_characters():
    assert normalize_glyphs("⼤阪與⻑崎，⻘森と⻄宮") == "大阪與長崎，青森と西宮"
    assert normalize_glyphs("ﬁrst ﬂight oﬃce aﬄuent ﬀ") == "first flight office affluent ff"
    assert normalize_glyphs("豈\U0002f800") == "\u8c48\u4e3d"  # compatibility ideographs
    untouched = "①²ｶＡＢ１ ½ ™ 〜 “引号”"  # NFKC would change every one of these
    assert normalize_glyphs(untouched) == untouched


@pytest.mark.parametrize(
    "text",
    [
        "3",
        " 12 ",
        "- 3 -",
        "— 12 —",
        "Page 3",
        "page 3 of 10",
        "3 / 10",
        "第3页",
        "第 12 頁",
        "iv",
        "XII",
    ],
)
def test_bare_page_numbers(text):
    assert is_page_number(text)


@pytest.mark.parametrize(
    "text",
    ["Chapter 3", "2023年", "Section 3.1", "第三章", "3 cities", "Page three", "mid", "civil"],
)
def test_not_page_numbers(text):
    assert not is_page_number(text)


def line(text: str, x0: float, top: float, x1: float | None = None, size: float = 12.0) -> Line:
    """A synthetic line: CJK characters are one ``size`` wide, other characters half that."""
    width = sum(size if ord(ch) > 0x2E80 else size / 2 for ch in text)
    first = text[0] if ord(text[0]) > 0x2E80 else text.split()[0]
    first_width = sum(size if ord(ch) > 0x2E80 else size / 2 for ch in first)
    return Line(text, x0, x1 if x1 is not None else x0 + width, top, top + size, size, first_width)


def test_running_headers_footers_and_page_numbers_are_dropped():
    numbers = ["- 1 -", "- 2 -", "- 3 -", "- 4 -"]
    pages = [
        [
            line("Annual Report of the Friendship Association", 50, 30),
            line(f"Body text of page {n}.", 50, 300),
            line(number, 280, 800),
        ]
        for n, number in enumerate(numbers, start=1)
    ]
    pages[3][0] = line("第4页", 280, 30)  # a bare page number at the top of one page
    drop_running_lines([(lines, 842.0) for lines in pages])
    assert [[ln.text for ln in lines] for lines in pages] == [
        [f"Body text of page {n}."] for n in (1, 2, 3, 4)
    ]


def test_lines_joined_into_paragraphs_without_spaces_in_cjk_and_without_hyphenation():
    right = 50 + 40 * 12  # a 40-character (CJK) column
    lines = [
        line(
            "天津与神户于一九七三年结为友好城市，这是中日之间第一对友好城市，此后两国地方政府之",
            50,
            100,
            right,
        ),
        line("间的交流日益频繁。", 50, 114),
        line("The municipal governments' coop-", 50, 140, right),
        line("eration was productive, and the Sino-", 50, 154, right),
        line("Japanese office was efficient; a well-", 50, 168, right),
        line("known fact, like COVID-", 50, 182, right),
        line("19 and the first office.", 50, 196),
        line("A well-known office opened.", 50, 222),
    ]
    text, pages = assemble([(lines, 842.0)])
    assert text.splitlines() == [
        "天津与神户于一九七三年结为友好城市，这是中日之间第一对友好城市，此后两国地方政府之间的交流日益频繁。",
        "The municipal governments' cooperation was productive, and the Sino-Japanese office was"
        " efficient; a well-known fact, like COVID-19 and the first office.",
        "A well-known office opened.",
    ]
    assert pages == ((0, 1),)


def test_chinese_lines_are_judged_by_the_gaps_of_chinese_lines_not_of_latin_ones():
    # Latin lines set with no gap between their boxes must not make the wider (but usual)
    # gaps of the Chinese lines beside them look like paragraph breaks
    right = 50 + 30 * 12
    lines = [
        line("天津与神户于一九七三年结为友好城市，这是中日之间第一对友好城市", 50, 100, right),
        line("此后两国地方政府之间的交流日益频繁，双方互派代表团，开展经济", 50, 116, right),
        line("文化和青少年交流。", 50, 132),
        *(
            line(f"Latin line {n} of a paragraph set tight, box to box", 50, 160 + 12 * n, right)
            for n in range(4)
        ),
        line("Its last line.", 50, 208),
    ]
    text, _ = assemble([(lines, 842.0)])
    assert text.splitlines() == [
        "天津与神户于一九七三年结为友好城市，这是中日之间第一对友好城市此后两国地方政府之间的交流日益频繁，"
        "双方互派代表团，开展经济文化和青少年交流。",
        " ".join(f"Latin line {n} of a paragraph set tight, box to box" for n in range(4))
        + " Its last line.",
    ]


def test_a_hyphenated_compound_broken_at_its_own_hyphen_keeps_it():
    right = 50 + 60 * 6
    lines = [
        line("The stores charge user fees to cover day-to-", 50, 100, right),
        line("day maintenance of the solar panels.", 50, 114),
    ]
    text, _ = assemble([(lines, 842.0)])
    assert (
        text == "The stores charge user fees to cover day-to-day maintenance of the solar panels."
    )


def test_two_columns_read_column_by_column_and_paragraphs_continue_across_pages():
    def column(x0: float, words: list[str], top: float = 100) -> list[Line]:
        return [line(w, x0, top + 14 * i, x0 + 230) for i, w in enumerate(words)]

    left = column(
        50, ["Left one starts the story and", "goes on in the left column and", "ends it."]
    )
    right = column(
        315,
        ["Right one is the second part", "of the page and it carries on", "to the next page with-"],
    )
    title = [line("A Title Across Both Columns", 150, 60, size=16)]
    page_two = column(50, ["out a break.", "Then a new paragraph starts."], top=100)
    page_two[1] = line("Then a new paragraph starts.", 50, 128)
    text, pages = assemble([(right + title + left, 842.0), (page_two, 842.0)])
    assert text.splitlines() == [
        "A Title Across Both Columns",
        "Left one starts the story and goes on in the left column and ends it.",
        "Right one is the second part of the page and it carries on to the next page without a break.",
        "Then a new paragraph starts.",
    ]
    assert pages == ((0, 1), (text.index("out a break"), 2))


def test_a_heading_ending_a_column_does_not_run_into_the_next_columns_paragraph():
    def column(x0: float, texts: list[str]) -> list[Line]:
        return [line(t, x0, 100 + 14 * i, x0 + 230) for i, t in enumerate(texts)]

    left = column(
        50,
        [
            "The kiln was dug out in the autumn of the",
            "year, as the plan had said, by a team of",
            "twelve from the two institutes and the",
            "village, who worked through the rain.",
        ],
    )
    left.append(line("4. The Sleeping Dragon", 50, 170))  # a heading at the column's foot
    right = column(
        315,
        [
            "In late October the team found the wall",
            "of a kiln in the first trench, and as the",
            "digging went on a dragon kiln built up the",
            "hillside came to light.",
        ],
    )
    text, _ = assemble([(left + right, 842.0)])
    assert text.splitlines() == [
        "The kiln was dug out in the autumn of the year, as the plan had said, by a team of twelve"
        " from the two institutes and the village, who worked through the rain.",
        "4. The Sleeping Dragon",
        "In late October the team found the wall of a kiln in the first trench, and as the digging"
        " went on a dragon kiln built up the hillside came to light.",
    ]


# --- PDF: printed by Chromium -----------------------------------------------------------------

ZH = [
    "一九七三年，天津市与日本神户市缔结为中日之间第一对友好城市，开启了两国地方交流的新篇章。"
    "此后五十年间，两国共建立了二百多对友好城市，交流范围从经贸合作扩展到文化、教育、体育、环保和青少年往来等众多领域，"
    "为增进两国人民的相互理解和友谊发挥了不可替代的作用，也为地方经济的发展带来了实实在在的好处。",
    "进入新世纪以来，友好城市之间的合作方式不断创新，线上交流、联合研究和人才培训等新形式层出不穷，"
    "许多城市还设立了常驻代表处，定期互派干部学习考察，在城市管理、防灾减灾和养老服务等方面相互借鉴，"
    "取得了显著成效，成为两国关系中最具活力的组成部分之一。",
    "中日韓友好城市交流大會至今已舉辦多屆，各地代表在會上分享經驗，探討如何在新的時代背景下進一步擴大地方合作，"
    "推動民間往來，鞏固兩國關係的社會基礎，並為區域和平與繁榮注入新的活力。與會者一致認為，"
    "地方交流是國家關係的重要支柱，應當長期堅持下去，讓更多的年輕人參與其中。大會還通過了共同宣言，"
    "呼籲各城市在數字經濟、綠色發展和公共衛生等新興領域加強合作，互相開放博物館、圖書館和大學等公共資源，"
    "並約定每兩年輪流在三國城市舉辦一次。",
    "⼤阪與⻑崎的友好交流始於一九七九年，雙方在港口建設與海洋研究方面的合作尤為密切。",
]
EN = [
    "The first friendship cities between China and Japan were proposed in the early nineteen"
    " seventies as a way to let ordinary people meet, and the office in Tianjin that handled"
    " the first flight of visitors was famously efficient.",
    "Cooperation between the municipal governments was extra\xadordinarily pro\xadduc\xadtive:"
    " the Sino-Japanese com\xadmit\xadtee co\xador\xaddin\xadated inter\xadgovern\xadmental"
    " ex\xadchanges, admin\xadis\xadtrative secon\xadd\xadments and tech\xadno\xadlog\xadi\xadcal"
    " col\xadlab\xadora\xadtion, and the Sino-Japanese youth pro\xadgramme brought thou\xadsands of"
    " stu\xaddents to partner cities every summer.",
    "Affluent and less affluent cities alike took part, and the official figures show how"
    " efficient the offices became at arranging flights, first for delegations and later for"
    " tourists.",
    "By the end of the century the exchanges had become so routine that few people remembered"
    " how difficult the first visits had been to organise: visas took months, letters went by"
    " sea, and every delegation needed interpreters who knew both the language and the local"
    " customs of the host city. The archives kept in both cities describe these early journeys"
    " in great detail, from the menus of the official banquets to the gifts exchanged between"
    " the mayors, and they show how much patience the pioneers of the movement needed before"
    " the exchanges could grow into the dense network of contacts that exists today.",
]
COLUMNS = [
    "Left column opening: the partnership between Kobe and Tianjin began with a port agreement"
    " and grew into a relationship that touched nearly every part of civic life in both cities.",
    "Flowing paragraph: this text is long enough to run from the bottom of the left column to"
    " the top of the right column, and the extractor must read it as one paragraph in one line"
    " without mixing the columns or dropping the words that fall at the column break in the"
    " middle of the page, whatever the browser decides about where exactly to break the lines"
    " of this rather long and winding sentence about friendship cities and their exchanges.",
    "Right column closing: the archives of both cities record hundreds of exchange visits.",
]
HEADER = "Friendship Review · Running Head"


def article_html() -> str:
    def paragraphs(items: list[str], attrs: str = "") -> str:
        return "".join(f"<p{attrs}>{item}</p>" for item in items)

    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Printed</title><style>"
        "body{font:13pt 'DejaVu Serif'} .zh{font-family:'Noto Serif CJK SC'}"
        " .narrow{width:17em;text-align:justify} .page{break-before:page}"
        " .cols{column-count:2;column-gap:2em;text-align:justify} h2{column-span:all}"
        "</style></head><body>"
        f"<h1 class=zh>中日友好城市</h1>{paragraphs(ZH, ' class=zh')}"
        f"<h1 class=page>Friendship cities</h1><p>{EN[0]}</p>"
        f"<p class=narrow>{EN[1]}</p>{paragraphs(EN[2:])}"
        f"<div class='cols page'><h2>Two columns</h2>{paragraphs(COLUMNS)}</div>"
        "</body></html>"
    )


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """The article above printed to A5 by Chromium, with a running header and page numbers."""
    path = tmp_path_factory.mktemp("printed") / "article.pdf"
    return print_pdf(article_html(), path, header=HEADER)


def raw_pages(path: Path) -> list[str]:
    """Each page's text as pdfium gives it, whitespace removed (to find where words are)."""
    document = pdfium.PdfDocument(str(path))
    try:
        texts = [normalize_glyphs(page.get_textpage().get_text_range()) for page in document]
        return [re.sub(r"[\s\ufffe\x02\u2010-]", "", text) for text in texts]
    finally:
        document.close()


def page_of(result: Extracted, offset: int) -> int:
    starts = [start for start, _ in result.pages]
    return result.pages[bisect.bisect_right(starts, offset) - 1][1]


def printed_lines(page: str, path: Path) -> list[str]:
    """The text read back from ``page`` printed to ``path``, line by line, after the running
    header "Reprint"."""
    return extract(print_pdf(page, path, header="Reprint")).text.splitlines()[1:]


@pytest.mark.browser
def test_bullets_a_browser_draws_as_shapes_start_their_items(tmp_path):
    page = (
        "<p>The tour stopped in these cities, each on its own date in the spring:</p>"
        "<ul><li>Leipzig, 14 March</li><li>Dresden, 16 March</li></ul>"
        "<p>培训分为两个模块：</p><ul><li>成熟度判断：酪梨干物质测定与芒果果肉颜色对照卡</li>"
        "<li>轻采轻放、田间分级与包装：以塑胶周转箱取代麻袋</li></ul><p>After the lists.</p>"
    )
    assert printed_lines(page, tmp_path / "lists.pdf") == [
        "The tour stopped in these cities, each on its own date in the spring:",
        "- Leipzig, 14 March",
        "- Dresden, 16 March",
        "培训分为两个模块：",
        "- 成熟度判断：酪梨干物质测定与芒果果肉颜色对照卡",
        "- 轻采轻放、田间分级与包装：以塑胶周转箱取代麻袋",
        "After the lists.",
    ]


TABLE_STYLES = {
    "ruled cells": "td,th{border:1px solid #999;padding:2px 6px}table{border-collapse:collapse}",
    "rules above, below and under the header": "table{border-top:1.5px solid;border-bottom:1.5px"
    " solid;border-collapse:collapse}th{border-bottom:1px solid}td,th{padding:2px 14px 2px 0}",
    "no rules, cells set at their tops": "td,th{padding:3px 16px 3px 0;vertical-align:top}",
}


@pytest.mark.browser
@pytest.mark.parametrize("style", TABLE_STYLES.values(), ids=TABLE_STYLES.keys())
def test_a_table_in_a_pdf_is_read_row_by_row_each_cell_named_by_its_header(tmp_path, style):
    page = (
        f"<style>{style}</style><p>The pilot in figures, county by county, as the evaluation"
        " reported them:</p><table><tr><th>Indicator</th><th>Murang'a (avocado)</th>"
        "<th>Makueni (mango)</th></tr><tr><td>Total storage capacity in tonnes, a label long"
        " enough to wrap in its cell</td><td>210</td><td>150</td></tr><tr><td>冷库数量（座），这一格"
        "的文字长得足以在格子里折成两行</td><td>7</td><td>5</td></tr><tr><td>Trained attendants</td>"
        "<td>14</td><td>10</td></tr></table><p>After the table, a paragraph runs on across the"
        " page's full width, as body text does, and is not taken for a row.</p>"
    )
    assert printed_lines(page, tmp_path / "table.pdf") == [
        "The pilot in figures, county by county, as the evaluation reported them:",
        "Indicator: Total storage capacity in tonnes, a label long enough to wrap in its cell; "
        "Murang'a (avocado): 210; Makueni (mango): 150.",
        "Indicator：冷库数量（座），这一格的文字长得足以在格子里折成两行，Murang'a (avocado)：7，"
        "Makueni (mango)：5。",
        "Indicator: Trained attendants; Murang'a (avocado): 14; Makueni (mango): 10.",
        "After the table, a paragraph runs on across the page's full width, as body text does,"
        " and is not taken for a row.",
    ]


@pytest.mark.browser
def test_table_cells_set_closer_than_a_line_height_are_still_parted(tmp_path):
    rows = [("Makueni", "45%", "12%"), ("Murang'a", "38%", "9%"), ("Kitui", "41%", "15%")]
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
    page = (
        f"<style>{TABLE_STYLES['rules above, below and under the header']}</style>"
        "<p>Losses before and after the pilot, county by county:</p><table><tr><th>County</th>"
        f"<th>Before</th><th>After</th></tr>{body}</table><p>After the table.</p>"
    )
    assert printed_lines(page, tmp_path / "narrow.pdf") == [
        "Losses before and after the pilot, county by county:",
        *(f"County: {a}; Before: {b}; After: {c}." for a, b, c in rows),
        "After the table.",
    ]


@pytest.mark.browser
def test_a_ruled_pdf_table_with_merged_cells_is_read_on_its_grid(tmp_path):
    page = (
        f"<style>{TABLE_STYLES['ruled cells']}</style><p>Losses before and after the pilot, county by county:</p><table>"
        '<tr><th rowspan="2">County</th><th colspan="2">Post-harvest loss</th></tr>'
        "<tr><th>before</th><th>after</th></tr>"
        '<tr><td rowspan="2">Makueni</td><td>45%</td><td>12%</td></tr>'
        "<tr><td>40%</td><td>10%</td></tr>"
        "<tr><td>Murang'a</td><td>38%</td><td>9%</td></tr></table><p>After the table.</p>"
    )
    assert printed_lines(page, tmp_path / "merged.pdf") == [
        "Losses before and after the pilot, county by county:",
        "County: Makueni; Post-harvest loss before: 45%; Post-harvest loss after: 12%.",
        "County: Makueni; Post-harvest loss before: 40%; Post-harvest loss after: 10%.",
        "County: Murang'a; Post-harvest loss before: 38%; Post-harvest loss after: 9%.",
        "After the table.",
    ]


def two_columns(sections: list[tuple[str, str]]) -> str:
    """A page setting each (heading, paragraph) in two columns."""
    body = "".join(f"<h3>{h}</h3><p>{p}</p>" for h, p in sections)
    return (
        "<style>main{columns:2;column-gap:1.2em}h3{font-size:11pt;margin:4px 0}p{margin:2px 0}"
        f"</style><main>{body}</main>"
    )


@pytest.mark.browser
def test_two_columns_of_short_chinese_paragraphs_are_not_taken_for_a_table(tmp_path):
    sections = [
        (
            "七、双向奔赴的学生",
            "联合考古也是一项人才培养工程。2019年至2024年，共有14名中国研究生赴"
            "瓦大进行为期三个月的实验室培训，17名意大利学生来到云岙参与田野发掘。",
        ),
        (
            "八、走进博物馆",
            "展览特别设置了“窑口与港口”单元，把出土的瓷片并排陈列。按照计划，"
            "这一展览将于2025年9月巡展。",
        ),
        ("九、风雨与分歧", "六年的合作并非一帆风顺。"),
        (
            "十、天气",
            "2021年9月，工地所在山区连续降雨，当月有19天无法正常作业。考古队随后花费"
            "人民币18万元搭建了防雨棚。",
        ),
        ("十一、经费", "意方经费一度削减。"),
        ("十二、未来", "双方计划在2026年出版联合发掘报告，并继续培养学生。"),
    ]
    text = extract(
        print_pdf(two_columns(sections), tmp_path / "columns.pdf", header="Reprint")
    ).text
    for heading, paragraph in sections:
        assert text.count(paragraph) == 1
        assert f"{heading}：" not in text  # no heading names a cell of a row


@pytest.mark.browser
def test_a_short_two_column_page_with_many_headings_is_read_column_by_column(tmp_path):
    sections = [
        ("七、学生", "2019年至2024年，共有14名中国研究生赴瓦大进行为期三个月的实验室培训。"),
        ("八、展览", "展览把出土的瓷片并排陈列。按照计划，这一展览将于2025年9月巡展。"),
        ("九、分歧", "六年的合作并非一帆风顺。"),
        ("十、天气", "2021年9月连续降雨，当月有19天无法作业。考古队随后搭建了防雨棚。"),
        ("十一、经费", "意方经费一度削减。"),
        ("十二、未来", "双方计划在2026年出版联合发掘报告，并继续培养学生。"),
    ]
    text = extract(print_pdf(two_columns(sections), tmp_path / "columns.pdf")).text
    # headings are short lines: they do not hide the columns the paragraphs fill, so each
    # section comes whole and in order (read across the page, lines of both columns interleave)
    assert all(paragraph in text for _, paragraph in sections)
    found = [text.find(heading) for heading, _ in sections]
    assert -1 not in found and found == sorted(found)


@pytest.mark.browser
def test_a_short_heading_ends_before_a_chinese_line_that_opens_with_a_figure(tmp_path):
    paragraph = (
        "2019年至2024年，共有14名中国研究生赴瓦大进行为期三个月的实验室培训，"
        "17名意大利学生来到云岙参与田野发掘。"
    )
    page = f"<h3 style='font-size:11pt;margin:4px 0'>七、学生</h3><p style='margin:2px 0'>{paragraph}</p>"
    # "2019" is the first word: a line can break before the Chinese that follows it
    assert printed_lines(page, tmp_path / "heading.pdf") == ["七、学生", paragraph]


@pytest.mark.browser
def test_printed_article_paragraphs_come_out_whole(printed):
    result = extract(printed)
    assert (result.kind, result.title) == ("pdf", "Printed")
    expected = [
        "中日友好城市",
        *[normalize_glyphs(p) for p in ZH],
        "Friendship cities",
        *[p.replace("\xad", "") for p in EN],
        "Two columns",
        *COLUMNS,
    ]
    # every paragraph is one line: CJK joined without spaces, hyphenation undone, ligatures,
    # the columns in order, and nothing from the running header or the page numbers between
    assert result.text.splitlines() == expected


@pytest.mark.browser
def test_printed_article_page_numbers(printed):
    result = extract(printed)
    raw = raw_pages(printed)
    assert len(raw) >= 4 and [n for _, n in result.pages] == list(range(1, len(raw) + 1))
    for paragraph in result.text.splitlines():
        start, end = result.text.index(paragraph), len(paragraph) - 20
        for offset, snippet in ((start, paragraph[:20]), (start + max(0, end), paragraph[-20:])):
            where = [n for n, text in enumerate(raw, 1) if re.sub(r"[\s-]", "", snippet) in text]
            assert page_of(result, offset) in where, snippet
            assert len(where) == 1 or len(paragraph) < 20  # a heading may recur in running text


def ligatures(path: Path) -> set[str]:
    """The letters of the ligature glyphs the PDF draws (Chromium marks each with ActualText)."""
    data = path.read_bytes()
    found: set[str] = set()
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            content = zlib.decompressobj().decompress(data[match.end() : match.end() + 1_000_000])
        except zlib.error:
            continue
        found |= {m.decode() for m in re.findall(rb"/ActualText \((f[fil]{1,2})\)", content)}
    return found


@pytest.mark.browser
def test_printed_article_has_what_the_repairs_need(printed):
    """The PDF really has the debris: radicals, line-end hyphens, a header, page numbers."""
    document = pdfium.PdfDocument(str(printed))
    try:
        raw = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    assert "⼤" in raw and "⻑" in raw
    assert {"fi", "ff", "fl"} <= ligatures(printed)
    assert re.search(r"[a-z][\u2010\x02\ufffe-]\r?\n?[a-z]", raw)  # a word broken at a line end
    assert raw.count(HEADER) >= 4 and "Page 2 of" in raw
    result = extract(printed)
    assert HEADER not in result.text and "Page " not in result.text
    assert not re.search(r"[\u2e80-\u2fdf\ufb00-\ufb06\xad]", result.text)


# --- DOCX ------------------------------------------------------------------------------------


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_headings_and_tables_in_order(tmp_path):
    def build(document) -> None:
        document.core_properties.title = "中日友好城市 Friendship Cities"
        document.add_heading("中日友好城市", level=1)
        document.add_paragraph("一九七三年，天津市与日本神户市缔结为友好城市。")
        document.add_paragraph("中日韓友好城市交流大會至今已舉辦多屆。")
        document.add_heading("Exchanges", level=2)
        body = document.add_paragraph("Tianjin and Kobe became ")
        body.add_run("the first").bold = True
        body.add_run(" friendship cities in 1973.")
        table = document.add_table(rows=3, cols=2)
        for row, cells in zip(table.rows, [("城市", "City"), ("天津", "Tianjin")], strict=False):
            row.cells[0].text, row.cells[1].text = cells
        merged = table.cell(2, 0).merge(table.cell(2, 1))
        merged.text = "合计 Total"
        document.add_paragraph("")
        document.add_paragraph("After the table.")

    result = extract(write(tmp_path, "article.docx", docx_bytes(build)))
    assert result == Extracted(
        "中日友好城市\n一九七三年，天津市与日本神户市缔结为友好城市。\n中日韓友好城市交流大會至今已舉辦多屆。\n"
        "Exchanges\nTianjin and Kobe became the first friendship cities in 1973.\n"
        "城市：天津，City：Tianjin。\n合计 Total\nAfter the table.",
        (),
        "中日友好城市 Friendship Cities",
        "docx",
    )


def test_list_items_keep_their_markers_in_docx_and_html(tmp_path):
    def build(document) -> None:
        document.add_paragraph("The tour stopped in:")
        document.add_paragraph("Leipzig, 14 March", style="List Bullet")
        document.add_paragraph("Dresden, 16 March", style="List Bullet")
        document.add_paragraph("培训分为两个模块：")
        document.add_paragraph("成熟度判断", style="List Number")
        document.add_paragraph("预冷与冷库温度管理", style="List Number")

    expected = (
        "The tour stopped in:\n- Leipzig, 14 March\n- Dresden, 16 March\n"
        "培训分为两个模块：\n1. 成熟度判断\n2. 预冷与冷库温度管理"
    )
    assert extract(write(tmp_path, "list.docx", docx_bytes(build))).text == expected
    page = (
        "<main><p>The tour stopped in:</p><ul><li>Leipzig, 14 March</li>"
        "<li><p>Dresden, 16 March</p></li></ul><p>培训分为两个模块：</p>"
        "<ol><li>成熟度判断</li><li>预冷与冷库温度管理</li></ol></main>"
    )
    assert extract(write(tmp_path, "list.html", page.encode())).text == expected
    numbered = "<main><ol start=3><li>Third</li><li>Fourth</li></ol></main>"
    assert extract(write(tmp_path, "more.html", numbered.encode())).text == "3. Third\n4. Fourth"


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_bomb_docx_is_refused_before_parsing(tmp_path):
    document = docx_bytes(lambda d: d.add_paragraph("Hello"))
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    bomb = zip_bytes({**parts, "word/media/zeros.bin": bytes(30 * 1024 * 1024)})
    message = refused(write(tmp_path, "bomb.docx", bomb))
    assert re.search(r"has a part compressed [\d,]+:1; refused \(zip bomb\?\)$", message)
    # each part plausible, the whole absurd for the file's size
    spread = zip_bytes({**parts, **{f"word/media/{i}.xml": b"<a/>" * 200_000 for i in range(10)}})
    message = refused(write(tmp_path, "spread.docx", spread), Limits(max_bytes=500_000))
    assert re.search(r"spread\.docx unpacks to [89]\.\d MB; refused \(zip bomb\?\)$", message)
    crowd = zip_bytes({**parts, **{f"word/media/{i}.txt": b"" for i in range(2100)}})
    assert "parts, over 2,000 (zip bomb?)" in refused(write(tmp_path, "crowd.docx", crowd))


def test_zip_without_a_word_document_is_refused(tmp_path):
    path = write(tmp_path, "notes.docx", zip_bytes({"notes.txt": b"hello"}))
    assert refused(path).endswith("is a ZIP archive without word/document.xml; unsupported")
    path = write(tmp_path, "sheet.docx", zip_bytes({"xl/workbook.xml": b"<workbook/>"}))
    assert "is an Excel workbook without word/document.xml" in refused(path)


# --- HTML ------------------------------------------------------------------------------------

PAGE_HTML = """<!doctype html>
<html lang="zh"><head><meta charset="gbk"><title>友好城市 | Friendship Cities</title>
<meta property="og:title" content="OG_TITLE_MARKER">
<style>body { color: red } /* STYLE_MARKER */</style>
<script>var SCRIPT_HEAD_MARKER = 1;</script>
<script type="application/ld+json">{"headline": "JSONLD_MARKER"}</script>
</head><body class="has-sidebar">
<div id="cookie-banner" class="cookie-consent">We use cookies COOKIE_MARKER <button>OK</button></div>
<header class="site-header"><a href="/">SITE_HEADER_MARKER</a></header>
<nav><ul><li><a href="/">Home NAV_MARKER</a></li></ul></nav>
<main>
  <article>
    <header><h1>中日友好城市</h1><p class="byline">本报记者</p></header>
    <p>天津与神户于一九七三年
       结为友好城市。</p>
    <script>document.write("INLINE_SCRIPT_MARKER")</script>
    <p>Tianjin and <a href="javascript:alert('JS_LINK_MARKER')">Kobe</a> became <b>the first</b>
       friendship cities.<br>A second line.</p>
    <noscript>NOSCRIPT_MARKER</noscript>
    <template><p>TEMPLATE_MARKER</p></template>
    <ul><li>First item</li><li>Second item</li></ul>
    <table><tr><th>城市</th><th>City</th></tr><tr><td>天津</td><td>Tianjin</td></tr></table>
    <div class="share-buttons">SHARE_MARKER</div>
    <form><label>FORM_MARKER</label><input value="INPUT_MARKER"></form>
    <div hidden>HIDDEN_MARKER</div>
  </article>
  <aside>SIDEBAR_MARKER</aside>
</main>
<div class="sidebar">SIDEBAR_DIV_MARKER</div>
<footer>FOOTER_MARKER © 2024</footer>
<script>SCRIPT_BODY_MARKER()</script>
<iframe srcdoc="<p>IFRAME_MARKER</p>"></iframe>
</body></html>"""


def test_html_main_text_only(tmp_path):
    # declared GBK, written as GB18030 (its superset, which browsers read GBK pages as)
    result = extract(write(tmp_path, "page.html", PAGE_HTML.encode("gb18030")))
    assert result == Extracted(
        "中日友好城市\n本报记者\n天津与神户于一九七三年结为友好城市。\n"
        "Tianjin and Kobe became the first friendship cities.\nA second line.\n"
        "- First item\n- Second item\n城市：天津，City：Tianjin。",
        (),
        "友好城市 | Friendship Cities",
        "html",
    )
    assert "MARKER" not in result.text


def test_html_without_main_drops_page_chrome_and_reads_og_title(tmp_path):
    page = (
        '<html><head><meta property="og:title" content="The OG Title"></head><body>'
        "<header>Site name</header><nav>Menu</nav><div><h2>Heading</h2><p>Body text.</p></div>"
        "<aside>Related</aside><footer>Contact</footer><script>alert(1)</script></body></html>"
    )
    result = extract(write(tmp_path, "page.htm", page.encode()))
    assert (result.text, result.title) == ("Heading\nBody text.", "The OG Title")


def test_html_undeclared_charset_falls_back_to_utf8_with_replacement(tmp_path):
    data = "<!DOCTYPE html><p>Kobe 神户</p>".encode() + b"<p>bad \xff byte</p>"
    result = extract(write(tmp_path, "page.txt", data))  # the bytes say HTML, not the name
    assert (result.kind, result.text) == ("html", "Kobe 神户\nbad \ufffd byte")


def test_deeply_nested_html_is_killed_at_the_time_limit(tmp_path):
    path = write(tmp_path, "nested.html", b"<div>" * 200_000 + b"x" + b"</div>" * 200_000)
    assert refused(path, Limits(seconds=2)).endswith(
        "took more than 2 s to read; gave up (damaged or hostile file?)"
    )


# --- Markdown and plain text ------------------------------------------------------------------


def test_markdown_markup_and_front_matter_removed(tmp_path):
    source = (
        '\ufeff---\r\ntitle: "Friendship Cities"\r\ndate: 2024-01-01\r\n---\r\n'
        "# 中日友好城市\r\n\r\nSee [the report](https://example.org) and ![a map](map.png).\r\n"
        "**Tianjin** and `Kobe`.\r\n"
    )
    result = extract(write(tmp_path, "article.md", source.encode()))
    assert result == Extracted(
        "中日友好城市\n\nSee the report and .\nTianjin and Kobe.\n", (), "Friendship Cities", "md"
    )


def test_a_hard_wrapped_markdown_paragraph_is_one_paragraph(tmp_path):
    source = (
        "# Harbin\n\nHarbin Ice and Snow World was first built in 1999 and is one of the\n"
        "largest theme parks in the world.\n\n哈尔滨冰雪大世界始建于1999年，是世界上规模最大的\n"
        "冰雪主题乐园之一。\n\n茶路萬里\n第三站漢堡共接待觀眾五萬七千八百人次。\n\n"
        "- a list item\n- another\n"
    )
    result = extract(write(tmp_path, "harbin.md", source.encode()))
    assert result.text.split("\n") == [
        "Harbin",
        "",
        "Harbin Ice and Snow World was first built in 1999 and is one of the largest theme "
        "parks in the world.",
        "",
        "哈尔滨冰雪大世界始建于1999年，是世界上规模最大的冰雪主题乐园之一。",  # no space in Chinese
        "",
        "茶路萬里",  # a short title line keeps its break
        "第三站漢堡共接待觀眾五萬七千八百人次。",
        "",
        "- a list item",
        "- another",
        "",
    ]


def test_code_blocks_and_setext_underlines_keep_their_lines(tmp_path):
    long = "a line long enough to look hard-wrapped, well over forty columns"
    source = f"{long}\n=====\n\n```\n{long}\nnext\n```\n\n    {long}\n    more\n"
    result = extract(write(tmp_path, "code.md", source.encode()))
    assert result.text.split("\n")[:2] == [long, "====="]
    assert f"{long}\nnext" in result.text and f"    {long}\n    more" in result.text


def test_plain_text_keeps_its_lines(tmp_path):
    result = extract(write(tmp_path, "notes.txt", "\ufeffline one\r\n# not a heading\r\n".encode()))
    assert result == Extracted("line one\n# not a heading\n", (), None, "txt")


def test_invalid_utf8_names_the_byte_offset(tmp_path):
    path = write(tmp_path, "latin1.txt", "Café au lait".encode("latin-1"))
    assert refused(path).endswith("latin1.txt is not UTF-8 text (invalid byte at offset 3)")


# --- kinds, disguises, sizes ------------------------------------------------------------------

PDF_BYTES = text_pdf([b"BT /F1 12 Tf 72 400 Td (Hello) Tj ET"])


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF_BYTES, "a.pdf", "pdf"),
        (PDF_BYTES, "no-extension", "pdf"),
        (b"<!DOCTYPE html><p>x</p>", "page.txt", "html"),
        (b"  <html><body>x</body></html>", "page", "html"),
        (b"plain <b>words</b>", "page.html", "html"),
        (b"# Title", "a.md", "md"),
        (b"# Title", "a.txt", "txt"),
        (b"hello", "README", "txt"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_sniff_reads_the_kind_from_the_bytes(data, name, kind):
    assert sniff(data, name) == kind


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.pdf", "empty.pdf is empty"),
        (b" \n\t", "blank.txt", "blank.txt is empty"),
        (
            b"MZ\x90\x00" + bytes(100),
            "invoice.docx",
            "invoice.docx is a Windows program; unsupported",
        ),
        (b"\x7fELF\x02\x01", "report.pdf", "report.pdf is a Linux program; unsupported"),
        (b"\x89PNG\r\n\x1a\n", "scan.pdf", "scan.pdf is a PNG image; unsupported"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.docx", "old.docx is an old-format or password"),
        (PDF_BYTES, "notes.docx", "notes.docx is named .docx but is a PDF; rename it"),
        (PDF_BYTES, "page.html", "page.html is named .html but is a PDF; rename it"),
        (PDF_BYTES, "notes.txt", "notes.txt is named .txt but is a PDF; rename it"),
        (b"text\x00with\x00nuls", "data.txt", "data.txt is a binary file of an unknown kind"),
        ("utf-16".encode("utf-16"), "wide.txt", "wide.txt is UTF-16 text; save it as UTF-8"),
    ],
    ids=lambda value: value.split()[0] if isinstance(value, str) and " " in value else "",
)
def test_sniff_refuses_unsupported_and_disguised_files(data, name, message):
    with pytest.raises(ExtractError, match=re.escape(message)):
        sniff(data, name)


def test_disguised_docx_is_refused(tmp_path):
    document = docx_bytes(lambda d: d.add_paragraph("Hello"))
    assert refused(write(tmp_path, "report.pdf", document)).endswith(
        "report.pdf is named .pdf but is a Word document; rename it"
    )
    assert refused(write(tmp_path, "setup.docx", b"MZ" + bytes(1000))).endswith(
        "setup.docx is a Windows program; unsupported"
    )


def test_oversize_and_empty_files_are_refused_unread(tmp_path):
    path = write(tmp_path, "big.txt", b"a" * 20_000)
    assert refused(path, Limits(max_bytes=10_000)).endswith(
        "big.txt is 20 KB, over the 10 KB limit"
    )
    assert refused(write(tmp_path, "empty.pdf", b"")).endswith("empty.pdf is empty")
    assert refused(tmp_path / "missing.pdf").endswith("missing.pdf not found")


WRAPPED_EN = """The partnership is built around the East Asian-Australasian Flyway, the great
migration route that carries millions of shorebirds every year between the Arctic
and Australia. Its mudflats are among the most important staging sites anywhere:
birds stop there to feed before flying on. Counters from both organisations have
met there every spring since the first survey in 2014, and their figures now form
the longest record of its kind, kept with methods that are now
internationally-recognised.

A second paragraph, which stops short.

- a list item stays on its line
- and so does the next one
Name       Count
Reserve    41,300
"""

WRAPPED_ZH = """2019年至今，浙江省瓯江流域考古研究所与意大利瓦尔蒙特大学在云岙窑址开展联合
考古发掘，先后完成三个发掘季，累计出土瓷片四万六千八百片，揭露了一座保存完好
的宋代龙窑，并利用热释光测年技术为窑址建立了较为精确的年代框架。
故事要从2018年秋天说起。2018年10月23日至26日，第六届国际陶瓷考古学术研讨会在
江西景德镇举行，来自二十多个国家和地区的两百余名学者参会。10月24日下午的茶歇
时间，瓯江所副所长周立衡被一位意大利同行拦住了。
茶歇结束后，两人又约在酒店大堂聊了两个多小时。周立衡介绍，云岙窑址最早于1983年
第二次全国文物普查时被发现，遗址分布面积约4.2万平方米，地表调查共确认窑炉遗迹
11处，但此前从未进行过正式发掘。
"""


def test_hard_wrapped_plain_text_is_read_one_paragraph_per_line(tmp_path):
    result = extract(write(tmp_path, "wrapped.txt", WRAPPED_EN.encode()))
    assert result.text.splitlines() == [
        # "…methods that are now" goes on though short: the next word would not have fitted
        " ".join(WRAPPED_EN.split("\n\n")[0].split("\n")),
        "",
        "A second paragraph, which stops short.",
        "",
        "- a list item stays on its line",
        "- and so does the next one",
        "Name       Count",
        "Reserve    41,300",
    ]
    chinese = extract(write(tmp_path, "wrapped-zh.txt", WRAPPED_ZH.encode())).text
    assert chinese.splitlines() == [
        "".join(WRAPPED_ZH.splitlines()[:3]),
        "".join(WRAPPED_ZH.splitlines()[3:6]),
        "".join(WRAPPED_ZH.splitlines()[6:]),  # a figure after Chinese: no space
    ]


def test_plain_text_of_whole_paragraphs_is_not_rejoined(tmp_path):
    paragraphs = [f"Paragraph {n}: " + "a sentence of the article goes on. " * 6 for n in range(10)]
    text = "\n".join(p.strip() for p in paragraphs)
    assert extract(write(tmp_path, "article.txt", text.encode())).text == text


def glyphs(text: str, x: float = 0.0) -> list:
    """Glyph boxes for ``text``: Chinese characters and signs 10 wide, others 5."""
    out = []
    for ch in text:
        if ch == " ":
            out.append(" ")
            x += 5
            continue
        w = 10.0 if ord(ch) > 0x2E80 else 5.0
        out.append(_Glyph(ch, x, x + w, 0.0, 10.0))
        x += w
    return out


def first_words(*texts: str) -> list[float]:
    lines: list[Line] = []
    for text in texts:
        _close(glyphs(text), lines)
    return [line.first_word for line in lines]


def test_an_opening_bracket_measures_with_the_word_it_opens():
    # the bracket cannot end a line, so the whole word would have had to fit before it
    texts = ("（Matthias Körner）到成都", "「我們在肯尼亞有陽光」", "天津与神户")
    assert first_words(*texts) == [10 + 8 * 5, 20, 10]


def test_a_figure_opening_a_chinese_line_measures_to_the_chinese_after_it():
    # a line may break before 年 or 與, not before the comma that closes "2.8%，"
    assert first_words("2019年至2024年", "2.8%，與歐洲相當", "Tianjin 与神户") == [20, 20 + 10, 35]
