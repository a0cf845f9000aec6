"""Text from PDF files with pdfium (pypdfium2): glyphs and their boxes → visual lines, with
ligatures and CJK radical glyphs turned into ordinary characters; ``index.pdflayout`` makes
paragraphs of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from index.pdflayout import CJK, Line, assemble, drop_running_lines
from index.pdfopen import open_tables
from index.pdftables import Box, replace_tables

# CJK radicals supplement → the unified ideograph each stands for (Unicode's
# EquivalentUnifiedIdeograph.txt); NFKC leaves all but two of these alone.
_RADICAL_PAIRS = (
    "⺀冫⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺉刂⺊卜⺋㔾⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺗㣺⺘扌"
    "⺙攵⺛旡⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺥爫⺦丬⺨犭⺫罒⺬示⺭礻⺯糹⺰纟⺱罓⺳㓁⺴㓁"
    "⺹耂⺺肀⺼月⺽臼⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻈讠⻉贝⻋车⻍辶⻏阝⻐钅⻑長⻒镸"
    "⻓长⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉"
    "⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
_RADICALS = dict(zip(_RADICAL_PAIRS[0::2], _RADICAL_PAIRS[1::2], strict=True))
# Characters PDF fonts yield for ordinary text: ligatures, Kangxi radicals, compatibility ideographs.
_NFKC_RANGES = ((0xFB00, 0xFB06), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


WIDE = 0.6  # glyph heights: a gap this wide inside a line parts two cells of a table row
_CLOSING = "，。、；：？！）」』】〕》〉”’…·％"  # no line starts with these
_OPENING = "（「『“‘《〈【〔([{\"'"


class PdfError(ValueError):
    """The PDF cannot be read; the message continues a sentence that starts with the file name."""


@dataclass(frozen=True)
class PdfText:
    text: str
    pages: tuple[tuple[int, int], ...]
    title: str | None


def normalize_glyphs(text: str) -> str:
    """Ligatures, Kangxi radicals and CJK compatibility ideographs to ordinary characters."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _RADICALS:
            out.append(_RADICALS[ch])
        elif any(lo <= code <= hi for lo, hi in _NFKC_RANGES):
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


def read_pdf(path: Path, max_pages: int) -> PdfText:
    """The text of the PDF at ``path``, one paragraph per line, with page start offsets."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PdfError("is encrypted (password-protected); remove the password first") from exc
        raise PdfError(f"is not a readable PDF ({exc})") from exc
    try:
        count = len(doc)
        if count == 0:
            raise PdfError("has no pages")
        if count > max_pages:
            raise PdfError(f"has {count:,} pages, over the limit of {max_pages:,}")
        title = (doc.get_metadata_value("Title") or "").strip() or None
        pages = [_page_lines(doc, i) for i in range(count)]
    finally:
        doc.close()
    with_text = sum(1 for lines, _ in pages if any(line.text.strip() for line in lines))
    if with_text == 0 or with_text < 0.1 * count:
        raise PdfError("has no text layer (scanned?); OCR it first")
    drop_running_lines(pages)
    text, starts = assemble(pages)
    return PdfText(text, starts, normalize_glyphs(title) if title else None)


def _page_lines(doc: pdfium.PdfDocument, index: int) -> tuple[list[Line], float]:
    try:
        page = doc[index]
    except pdfium.PdfiumError as exc:
        raise PdfError(f"is damaged: page {index + 1} cannot be loaded ({exc})") from exc
    try:
        _, bottom, _, top = page.get_bbox()
        # the drawings' boxes, read once: tables' rules and lists' bullets are among them
        paths = [
            obj.get_bounds()
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3)
        ]
        textpage = page.get_textpage()
        try:
            lines = open_tables(replace_tables(_lines(textpage.raw, top), paths, textpage, top))
        finally:
            textpage.close()
        return _marked(lines, _dots(paths, top)), top - bottom
    finally:
        page.close()


def _dots(paths: Sequence[Box], page_top: float) -> list[tuple[float, float, float]]:
    """Small square drawings among ``paths`` (a list's bullets, which browsers draw as shapes,
    not text): their right edge and vertical extent, measured from ``page_top`` down."""
    dots = []
    for left, low, right, high in paths:
        width, height = right - left, high - low
        if 1.0 <= width <= 8.0 and 1.0 <= height <= 8.0 and 0.6 <= width / height <= 1.6:
            dots.append((right, page_top - high, page_top - low))
    return dots


def _marked(lines: list[Line], dots: list[tuple[float, float, float]]) -> list[Line]:
    """Lines with a bullet drawn just left of them starting with "- ", the marker every other
    format's list items get."""
    if not dots:
        return lines
    out = []
    for line in lines:
        size = line.bottom - line.top
        bulleted = any(
            line.x0 - 2.5 * size <= right < line.x0
            and line.top <= (top + bottom) / 2 <= line.bottom
            for right, top, bottom in dots
        )
        out.append(replace(line, text=f"- {line.text}") if bulleted else line)
    return out


@dataclass
class _Glyph:
    text: str
    left: float
    right: float
    top: float
    bottom: float
    ligature: bool = False


def _glyphs(raw, page_top: float) -> Iterable[_Glyph | str]:
    """Glyphs with their boxes, plus ``"\\n"`` for pdfium's line breaks and ``" "`` for spaces
    that are real or wide enough (pdfium also invents spaces inside words, e.g. after ligatures)."""
    rect = pdfium_c.FS_RECTF()
    last: _Glyph | None = None
    space = ""
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        generated = pdfium_c.FPDFText_IsGenerated(raw, i) == 1
        if code in (0x0D, 0x0A):
            yield "\n"
            last, space = None, ""
            continue
        if code in (0x20, 0xA0, 0x3000):
            space = "generated" if generated and space != "real" else "real"
            continue
        if code == 0x02 or pdfium_c.FPDFText_IsHyphen(raw, i) == 1:
            code = 0x2D  # pdfium marks a hyphen that ends a line this way
        elif code < 0x20 or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF:
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect):
            continue
        box = (rect.left, rect.right)
        glyph = _Glyph(
            normalize_glyphs(chr(code)),
            rect.left,
            rect.right,
            page_top - rect.top,
            page_top - rect.bottom,
            # pdfium spells a ligature glyph as letters sharing one box
            0xFB00 <= code <= 0xFB06 or (last is not None and (last.left, last.right) == box),
        )
        if space and last is not None and _keep_space(space, last, glyph):
            yield " "
        yield glyph
        last, space = glyph, ""


def _keep_space(kind: str, before: _Glyph, after: _Glyph) -> bool:
    """A real space stays; one pdfium made up needs a gap (a wide one after a ligature glyph,
    whose box is often narrower than its advance: ``ﬁ rst``), and never goes between CJK."""
    if kind == "real":
        return True
    if CJK.match(before.text[-1]) and CJK.match(after.text[0]):
        return False
    share = 0.25 if before.ligature else 0.15
    return after.left - before.right > share * (before.bottom - before.top)


def _lines(raw, page_top: float) -> list[Line]:
    """The page's visual lines, measured from ``page_top`` down."""
    lines: list[Line] = []
    current: list[_Glyph | str] = []
    for item in _glyphs(raw, page_top):
        if item == "\n":
            _close(current, lines)
            current = []
        elif isinstance(item, _Glyph) and current and not _same_line(_last_glyph(current), item):
            _close(current, lines)
            current = [item]
        elif current or item != " ":
            current.append(item)
    _close(current, lines)
    return lines


def _last_glyph(items: list[_Glyph | str]) -> _Glyph:
    return next(item for item in reversed(items) if isinstance(item, _Glyph))


def _same_line(last: _Glyph, glyph: _Glyph) -> bool:
    size = max(1.0, min(last.bottom - last.top, glyph.bottom - glyph.top))
    overlap = min(last.bottom, glyph.bottom) - max(last.top, glyph.top)
    # Letters of one ligature glyph share its box, so only a step back past the last glyph's
    # left edge starts a new line.
    back = glyph.left - last.left
    return overlap >= 0.5 * size and back >= -0.5 * size and glyph.left - last.right <= 1.5 * size


def _pieces(items: list[_Glyph | str], size: float) -> tuple[tuple[float, float, str], ...]:
    """The line's stretches parted by gaps wider than any word space (a table row's cells);
    empty for a line in one stretch."""
    pieces: list[tuple[float, float, str]] = []
    text, left, right = "", 0.0, None
    for item in items:
        if isinstance(item, str):
            text += item
            continue
        if right is not None and item.left - right > WIDE * size:
            pieces.append((left, right, text.strip()))
            text, right = "", None
        if right is None:
            left = item.left
        text += item.text
        right = item.right if right is None else max(right, item.right)
    pieces.append((left, right or left, text.strip()))
    return tuple(pieces) if len(pieces) > 1 else ()


def _close(items: list[_Glyph | str], lines: list[Line]) -> None:
    glyphs = [item for item in items if isinstance(item, _Glyph)]
    if not glyphs:
        return
    text = "".join(item if isinstance(item, str) else item.text for item in items).strip()
    heights = sorted(g.bottom - g.top for g in glyphs)
    size = heights[len(heights) * 3 // 4]  # a few odd glyph boxes do not count
    first_word = glyphs[0].right - glyphs[0].left
    if not CJK.match(glyphs[0].text):
        # a Latin word or a figure ends at a space, or where Chinese follows ("2019年至…"),
        # with the punctuation no line may start with ("2.8%，")
        for item in items[1:]:
            if not isinstance(item, _Glyph) or (CJK.match(item.text) and item.text not in _CLOSING):
                break
            first_word = item.right - glyphs[0].left
    elif glyphs[0].text in _OPENING:
        # an opening bracket or quote goes with what follows it: a Chinese character, or a
        # whole Latin word (（Matthias Körner） cannot break after the bracket)
        latin = False
        for item in items[1:]:
            if not isinstance(item, _Glyph) or (latin and CJK.match(item.text)):
                break
            first_word = item.right - glyphs[0].left
            if item.text not in _OPENING:
                if CJK.match(item.text):
                    break
                latin = True
    lines.append(
        Line(
            text=text,
            x0=min(g.left for g in glyphs),
            x1=max(g.right for g in glyphs),
            top=min(g.top for g in glyphs),
            bottom=max(g.bottom for g in glyphs),
            height=size,
            first_word=first_word,
            pieces=_pieces(items, size),
        )
    )
