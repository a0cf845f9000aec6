"""PDF lines → text: running headers, footers and page numbers dropped, columns read in order,
paragraphs rebuilt from gaps, indents and short lines, lines joined (no space in CJK, line-end
hyphenation undone), and the offset where each page starts.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np

CJK = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_HYPHENS = "-\u2010\u00ad"
_WORD_HYPHEN = re.compile(r"[A-Za-z]+-[A-Za-z]+")
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|pp\.)?\s*[-–—~]?\s*\d{1,5}\s*[-–—~]?\s*(?:(?:of|/)\s*\d{1,5})?"
    r"|第\s*\d{1,5}\s*[页頁](?:\s*[，,/]?\s*共\s*\d{1,5}\s*[页頁])?"
    r"|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})",
    re.I,
)
_BULLET = re.compile(r"[•·▪◦●■\-–*]\s|\(?\d{1,2}[.)]\s|[a-z][.)]\s")
_LEADER = re.compile(r"(?:\.\s?){3,}\s*\w{1,6}$|[…·]{2,}\s*\w{1,6}$")  # a contents line: ". . . 12"
_TERMINAL = tuple(".!?。！？:：;；”’\"')）」』")


@dataclass
class Line:
    """One visual line: its text and box (y grows downwards from the top of the page)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    height: float  # the glyphs' box height: the size measure every threshold is scaled by
    first_word: float  # width of the first word (of the first character in CJK)
    whole: bool = False  # a paragraph of its own (a table's row)
    # stretches parted by gaps wider than a word space (x0, x1, text): a table row's cells
    pieces: tuple[tuple[float, float, str], ...] = ()


@dataclass
class Block:
    """Lines that flow one after the other: a column stretch or a line spanning the columns."""

    lines: list[Line]
    breaks: list[bool] = field(default_factory=list)  # does a paragraph start at line i?
    rights: list[float] = field(default_factory=list)  # the right edge of the text near line i


def is_page_number(text: str) -> bool:
    """A bare page number: ``3``, ``- 3 -``, ``Page 3 of 10``, ``第3页``, ``iv``."""
    return _PAGE_NUMBER.fullmatch(text.strip()) is not None


def drop_running_lines(pages: list[tuple[list[Line], float]]) -> None:
    """Drop page numbers and text repeated at the top or bottom of most pages, in place."""

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))

    margins = [_margin_lines(lines, height) for lines, height in pages]
    seen = Counter(k for found in margins for k in {key(line) for line in found})
    with_text = sum(1 for lines, _ in pages if lines)
    # On half the pages, or on three (a chapter's running head): no sentence of the text
    # itself comes back word for word at the edge of three pages.
    running = {k for k, n in seen.items() if n >= 3 or (n >= 2 and n >= 0.5 * with_text)}
    for (lines, _), found in zip(pages, margins, strict=True):
        drop = {id(line) for line in found if key(line) in running or is_page_number(line.text)}
        lines[:] = [line for line in lines if id(line) not in drop]


def _margin_lines(lines: list[Line], page_height: float) -> list[Line]:
    """The first two and last two lines of a page, when they sit in its top or bottom 15 %."""
    ordered = sorted(lines, key=lambda line: line.top)
    top = [line for line in ordered[:2] if line.bottom < 0.15 * page_height]
    bottom = [line for line in ordered[-2:] if line.top > 0.85 * page_height]
    return top + [line for line in bottom if all(line is not t for t in top)]


def _blocks(lines: list[Line], depth: int = 0) -> list[Block]:
    """Lines in reading order: stretches of columns left to right, split by spanning lines."""
    gutter = _gutter(lines) if depth < 3 else None
    if gutter is None:
        return [Block(_merge_rows(lines))] if lines else []
    blocks: list[Block] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in sorted(lines, key=lambda line: line.top):
        if line.x1 <= gutter:
            left.append(line)
        elif line.x0 >= gutter:
            right.append(line)
        else:
            blocks += _blocks(left, depth + 1) + _blocks(right, depth + 1)
            blocks.append(Block([line]))
            left, right = [], []
    return blocks + _blocks(left, depth + 1) + _blocks(right, depth + 1)


def _gutter(lines: list[Line]) -> float | None:
    """The x of an empty strip between columns: lines fill the columns on both sides of it,
    side by side, and at most a few (a title, a figure) cross it."""
    if len(lines) < 6:
        return None
    x0 = np.array([line.x0 for line in lines])
    x1 = np.array([line.x1 for line in lines])
    lo, hi = x0.min(), x1.max()
    xs = np.arange(lo + 0.2 * (hi - lo), lo + 0.8 * (hi - lo), 1.0)[:, None]
    crossing = ((x0 < xs) & (x1 > xs)).sum(axis=1)
    ok = (crossing <= max(1, 0.1 * len(lines))) & ((x1 <= xs).sum(axis=1) >= 3)
    ok &= (x0 >= xs).sum(axis=1) >= 3
    if not ok.any():
        return None
    best = np.flatnonzero(ok & (crossing == crossing[ok].min()))
    runs = np.split(best, np.flatnonzero(np.diff(best) > 1) + 1)
    widest = max(runs, key=len)
    gutter = float(xs[widest[len(widest) // 2], 0])
    left = [line for line in lines if line.x1 <= gutter]
    right = [line for line in lines if line.x0 >= gutter]
    # Text columns are mostly full lines; a table's cells or a list of short lines are not.
    # (Headings and paragraphs' last lines are short: a quarter of the lines are full.)
    full = _upper_quartile(ln.x1 - ln.x0 for ln in left) > 0.6 * (gutter - lo) and (
        _upper_quartile(ln.x1 - ln.x0 for ln in right) > 0.6 * (hi - gutter)
    )
    spans = [(min(ln.top for ln in side), max(ln.bottom for ln in side)) for side in (left, right)]
    side_by_side = min(spans[0][1], spans[1][1]) > max(spans[0][0], spans[1][0])
    return gutter if full and side_by_side else None


def _upper_quartile(values: Iterable[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) * 3 // 4]


def _merge_rows(lines: list[Line]) -> list[Line]:
    """Lines top to bottom; pieces of one visual line (split at wide gaps) joined left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.top):
        row = rows[-1] if rows else None
        if row is not None:
            overlap = min(row[0].bottom, line.bottom) - max(row[0].top, line.top)
            if overlap >= 0.5 * min(row[0].height, line.height) and not (
                row[0].whole or line.whole
            ):
                row.append(line)
                continue
        rows.append([line])
    return [_join_row(sorted(row, key=lambda line: line.x0)) for row in rows]


def _join_row(row: list[Line]) -> Line:
    if len(row) == 1:
        return row[0]
    text = row[0].text
    for line in row[1:]:
        text = text + ("" if _no_space(text, line.text) else " ") + line.text
    return Line(
        text,
        row[0].x0,
        max(line.x1 for line in row),
        min(line.top for line in row),
        max(line.bottom for line in row),
        max(line.height for line in row),
        row[0].first_word,
    )


def _no_space(before: str, after: str) -> bool:
    return bool(CJK.match(before[-1:]) or CJK.match(after[:1]))


def _similar(a: Line, b: Line) -> bool:
    return abs(a.height - b.height) <= 0.15 * max(a.height, b.height)


def _layout(block: Block, usual_gaps: dict[tuple[int, bool], float]) -> None:
    """Fill ``block.breaks`` and ``block.rights``: a paragraph starts after a wider gap than its
    neighbours', at a change of size, at an indented line, a bullet, or after a line that left
    room for the next line's first word."""
    lines = block.lines
    gaps: list[float | None] = [None] + [
        (b.top - a.bottom) / a.height if a.height > 0 and _similar(a, b) else None
        for a, b in itertools.pairwise(lines)
    ]
    # Chinese and Latin lines of one size are set with different gaps (the fonts' boxes
    # differ): a line's usual gap is judged among lines of its own script.
    cjk = [_kind(line)[1] for line in lines]
    own = {
        script: [g if i and cjk[i] == cjk[i - 1] == script else None for i, g in enumerate(gaps)]
        for script in (True, False)
    }
    strong = [True] + [
        gap is None or gap > _local_gap(own[cjk[i]], i, usual_gaps.get(_kind(lines[i]), 0.5)) + 0.3
        for i, gap in enumerate(gaps)
        if i
    ]
    stretch = np.cumsum(strong)
    block.rights = [
        max(lines[j].x1 for j in range(max(0, i - 3), min(len(lines), i + 4)) if stretch[j] == s)
        for i, s in enumerate(stretch)
    ]
    left = min(line.x0 for line in lines)
    block.breaks = [True]
    for i in range(1, len(lines)):
        prev, cur = lines[i - 1], lines[i]
        size = max(prev.height, cur.height)
        room = block.rights[i - 1] - prev.x1
        bullet = _BULLET.match(prev.text) is not None  # its next line hangs indented
        block.breaks.append(
            strong[i]
            or prev.whole
            or cur.whole
            or (cur.x0 - left > 0.6 * size and prev.x0 - left < 0.3 * size and not bullet)
            or (not _ends_hyphen(prev.text) and room > cur.first_word + 0.5 * size)
            or _BULLET.match(cur.text) is not None
            or _LEADER.search(prev.text) is not None
        )


def _local_gap(gaps: list[float | None], i: int, usual: float) -> float:
    """The usual gap between lines around line ``i`` (its lower quartile), in line heights."""
    near = sorted(g for g in gaps[max(1, i - 4) : i + 5] if g is not None)
    # Too few neighbours to judge: the document's usual gap, capped at half a line (a short
    # document may have nothing but paragraph gaps).
    return near[len(near) // 4] if len(near) >= 3 else min(usual, 0.5)


def _ends_hyphen(text: str) -> bool:
    return len(text) > 1 and text[-1] in _HYPHENS and text[-2].isalpha()


def _continues(prev: Line, prev_block: Block, cur: Line, block: Block) -> bool:
    """Does ``cur``, first in its block, carry on the paragraph ``prev`` ended in the block before?"""
    size = max(prev.height, cur.height)
    if abs(prev.height - cur.height) > 0.15 * size or _BULLET.match(cur.text):
        return False
    if prev.whole or cur.whole:
        return False
    if _ends_hyphen(prev.text):
        return True
    # a lone line (a title across the columns) gives no measure of how full it is; a line is
    # full when it reaches its column's edge (a heading alone in its stretch does not)
    edge = max(prev_block.rights[-1], *(line.x1 for line in prev_block.lines if not line.whole))
    full = len(prev_block.lines) > 1 and edge - prev.x1 < cur.first_word + size / 2
    left = min(line.x0 for line in block.lines)
    indented = len(block.lines) > 1 and cur.x0 - left > 0.6 * size
    ended = prev.text.endswith(_TERMINAL) or _LEADER.search(prev.text) is not None
    return full and not indented and not ended


def join_line(text: str, line: str, hyphenated: Collection[str] = ()) -> str:
    """``line`` appended to the paragraph ``text``: no space in CJK, hyphenation at the break
    undone (kept in a word ``hyphenated`` holds, "well-known")."""
    if _ends_hyphen(text) and line[:1].isalnum():
        head = re.search(r"[A-Za-z]+$", text[:-1])
        tail = re.match(r"[A-Za-z]+", line)
        # A real hyphen stays before a capital or a digit (Sino-Japanese, COVID-19) and in a
        # word the text also hyphenates elsewhere (well-known); a soft hyphen never does.
        written = bool(head and tail and f"{head[0]}-{tail[0]}".lower() in hyphenated)
        # a compound hyphenated before the break goes on with its own hyphen (day-to-|day)
        compound = bool(re.search(r"[A-Za-z]-[A-Za-z]+$", text[:-1]))
        keep = text[-1] != "\u00ad" and (not line[0].islower() or written or compound)
        return text[:-1] + ("-" if keep else "") + line
    return text + ("" if _no_space(text, line) else " ") + line


def assemble(pages: list[tuple[list[Line], float]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """All pages' paragraphs as text, with the offset where each page with text starts."""
    blocks = [_blocks(lines) for lines, _ in pages]
    all_lines = [line for page in blocks for block in page for line in block.lines]
    hyphenated = {m.lower() for line in all_lines for m in _WORD_HYPHEN.findall(line.text)}
    usual_gaps = _usual_gaps(blocks)
    for page in blocks:
        for block in page:
            _layout(block, usual_gaps)
    paragraphs: list[str] = []
    done = 0  # length of the finished paragraphs, with their newlines
    starts: list[tuple[int, int]] = []
    last: tuple[Line, Block] | None = None
    for number, page in enumerate(blocks, start=1):
        page_start: int | None = None
        for block in page:
            for line, new in zip(block.lines, block.breaks, strict=True):
                if new and line is block.lines[0] and last is not None:
                    new = not _continues(last[0], last[1], line, block)
                if new or not paragraphs:
                    if paragraphs:
                        done += len(paragraphs[-1]) + 1
                    paragraphs.append(line.text)
                    offset = done
                else:
                    paragraphs[-1] = join_line(paragraphs[-1], line.text, hyphenated)
                    offset = done + len(paragraphs[-1]) - len(line.text)
                if page_start is None:
                    page_start = offset
                    starts.append((offset, number))
                last = (line, block)
    return "\n".join(paragraphs), tuple(starts)


def _usual_gaps(blocks: list[list[Block]]) -> dict[tuple[int, bool], float]:
    """The median gap between consecutive lines of one size and script, in line heights (fonts
    differ: CJK lines are set looser than Latin ones of the same size)."""
    by_kind: dict[tuple[int, bool], list[float]] = {}
    for page in blocks:
        for block in page:
            for a, b in itertools.pairwise(block.lines):
                if a.height > 0 and _similar(a, b) and _kind(a) == _kind(b):
                    by_kind.setdefault(_kind(a), []).append((b.top - a.bottom) / a.height)
    return {kind: statistics.median(gaps) for kind, gaps in by_kind.items()}


def _kind(line: Line) -> tuple[int, bool]:
    """A line's size and whether it holds Chinese (set with other gaps than Latin text)."""
    return round(line.height), chinese(line)


def chinese(line: Line) -> bool:
    """Whether the line holds Chinese (set with other gaps than Latin text)."""
    return CJK.search(line.text) is not None
