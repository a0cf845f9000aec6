"""Tables without ruled cells on PDF pages, found from how their text lines up.

Most reports and papers rule a table only above and below, or not at all, so no grid of
border lines marks its cells (``index.pdftables`` reads those that have one). Such a table
still shows in the layout: its rows are bands of text split into cells by wide gaps, and the
gaps line up down the table into gutters no text crosses. Each table found is written as
``index.tables`` writes every table, one row per line.

Two-column text also sets lines side by side. It is told apart in two ways: a paragraph's
lines, no further apart than the page's usual line gap for their script, make one band taller
than a table row, and its lines fill their column where a table has a column of short cells.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from index.pdflayout import Line, chinese, join_line
from index.pdftables import splice
from index.tables import Slot, grid_lines

GAP = 0.5  # line heights: cells of a row are at least this far apart
TOUCH = 0.15  # line heights beyond the usual gap between a paragraph's lines: one band
LONG = 0.4  # share of the page's text width: a line this long is a paragraph's, not a cell's
MIN_ROWS = 3  # rows of two or more cells
ROW_GAP = 1.0  # line heights: rows of one table are at most this far apart
MAX_LINES = 4.5  # line heights: a taller band of lines side by side is running text
SHORT = 6.0  # line heights: a line this short is no line of running text
FULL = 0.6  # share of a column's width: a column of cells this wide or wider is running text


@dataclass(frozen=True)
class _Band:
    """Lines whose boxes overlap or touch vertically: one table row (its cells set side by
    side, centred or wrapped onto more lines), or a paragraph."""

    lines: tuple[Line, ...]

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def height(self) -> float:
        return sorted(line.height for line in self.lines)[len(self.lines) // 2]

    @property
    def row(self) -> bool:
        """Whether it can be a table row: cells side by side, none a paragraph."""
        return len(self.cells) >= 2 and self.bottom - self.top <= MAX_LINES * self.height

    @cached_property
    def cells(self) -> list[tuple[float, float]]:
        """The x-spans of its text, lines closer than ``GAP`` merged."""
        spans: list[list[float]] = []
        for line in sorted(self.lines, key=lambda line: line.x0):
            if spans and line.x0 - spans[-1][1] < GAP * line.height:
                spans[-1][1] = max(spans[-1][1], line.x1)
            else:
                spans.append([line.x0, line.x1])
        return [(a, b) for a, b in spans]


def _usual_gaps(lines: Sequence[Line]) -> dict[bool, float]:
    """The median gap, in line heights, between a paragraph's line and the next one under it,
    for Chinese and for Latin lines (Chinese ones are set looser). Paragraph lines are the
    long ones: a table's short cells must not teach their row spacing."""
    if not lines:
        return {True: 0.0, False: 0.0}
    long = LONG * (max(x.x1 for x in lines) - min(x.x0 for x in lines))
    gaps: dict[bool, list[float]] = {True: [], False: []}
    for a, b in itertools.pairwise(x for x in lines if x.x1 - x.x0 >= long):
        below = b.top >= a.top + 0.5 * a.height and min(a.x1, b.x1) > max(a.x0, b.x0)
        # a wider gap is a paragraph's end, not the spacing of its lines
        if below and a.height > 0 and chinese(a) == chinese(b) and b.top - a.bottom < a.height:
            gaps[chinese(a)].append((b.top - a.bottom) / a.height)
    return {cjk: statistics.median(found) if found else 0.0 for cjk, found in gaps.items()}


def _bands(lines: Sequence[Line]) -> list[_Band]:
    usual = _usual_gaps(lines)
    groups: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.top):
        if groups and _touches(groups[-1], line, usual):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [_Band(tuple(group)) for group in groups]


def _touches(group: list[Line], line: Line, usual: dict[bool, float]) -> bool:
    """Whether ``line`` goes on the band of ``group``: no further below it than a paragraph's
    lines are apart (a Latin line under a Chinese one: as the closer-set script)."""
    if line.whole or group[0].whole:
        return False
    last = max(group, key=lambda line: line.bottom)
    reach = (min(usual[chinese(line)], usual[chinese(last)]) + TOUCH) * line.height
    return line.top <= last.bottom + reach


def _columns(bands: Sequence[_Band]) -> list[tuple[float, float]]:
    """The column spans: the x-intervals between the gutters no band's text crosses (and
    narrower gaps)."""
    spans = sorted(span for band in bands for span in band.cells)
    gap = GAP * _height(bands)
    merged: list[list[float]] = []
    for a, b in spans:
        if merged and a - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _is_table(bands: Sequence[_Band]) -> bool:
    columns = _columns(bands)
    rows = sum(1 for band in bands if band.row)
    if len(columns) < 2 or rows < MIN_ROWS:
        return False
    return any(_short(bands, column) for column in columns)


def _height(bands: Sequence[_Band]) -> float:
    return sorted(band.height for band in bands)[len(bands) // 2]


def _short(bands: Sequence[_Band], column: tuple[float, float]) -> bool:
    widths = sorted(
        line.x1 - line.x0
        for band in bands
        for line in band.lines
        if column[0] <= line.x0 and line.x1 <= column[1]
    )
    # running text fills its column but for a paragraph's last line, and its lines are long;
    # a table's column of figures or names mostly does not, or is narrow
    if not widths:
        return False
    typical = widths[len(widths) // 4]
    return typical < FULL * (column[1] - column[0]) or typical < SHORT * _height(bands)


def _tables(bands: list[_Band]) -> list[list[_Band]]:
    """Runs of close bands that make a table: its rows, and single lines wrapped within a
    column between or after them."""
    found: list[list[_Band]] = []
    run: list[_Band] = []
    for band in [*bands, _Band(())]:
        close = run and band.lines and band.top - run[-1].bottom <= ROW_GAP * band.height
        if close and _fits(run, band):
            run.append(band)
            continue
        if run and _is_table(run):
            found.append(run)
        run = [band] if band.lines and band.row else []
    return found


def _fits(run: Sequence[_Band], band: _Band) -> bool:
    """Whether ``band`` goes on the table ``run`` starts: a row whose cells keep the gutters
    open, or one line inside a column."""
    if band.lines[0].whole:
        return False
    before, after = _columns(run), _columns([*run, band])
    if len(band.cells) >= 2:
        return band.row and len(after) >= max(2, len(before))
    ((a, b),) = band.cells
    return any(x0 <= a and b <= x1 for x0, x1 in before)


def _grid(table: Sequence[_Band]) -> list[list[Slot]]:
    """The table's grid. Its columns are those of the rows below a first row that spans
    several of them (a grouped header): a cell covering several columns is one ``Slot`` in
    each. A one-line band goes on the row above it (a line wrapped in a cell)."""
    columns = _columns(table)
    if len(_columns(table[1:])) > len(columns):
        columns = _columns(table[1:])
    rows: list[list[list[Line]]] = []  # each row's cells' lines
    boxes: list[list[tuple[float, float]]] = []  # each row's cells' x-spans
    for band in table:
        if len(band.cells) >= 2 or not rows:
            boxes.append(band.cells)
            rows.append([[] for _ in boxes[-1]])
        for line in band.lines:
            rows[-1][_cell_of(line, boxes[-1])].append(line)
    spans = [[_cell_of_column(column, cells) for column in columns] for cells in boxes]
    return [
        [
            Slot(_text(row[i]), (r, i)) if i >= 0 else Slot("", (r, -1 - c))
            for c, i in enumerate(covering)
        ]
        for r, (row, covering) in enumerate(zip(rows, spans, strict=True))
    ]


def _cell_of(line: Line, cells: Sequence[tuple[float, float]]) -> int:
    """The cell holding the line's start, else the nearest (a line wrapped under an empty
    cell)."""
    return min(
        range(len(cells)),
        key=lambda i: max(cells[i][0] - line.x0, line.x0 - cells[i][1], 0),
    )


def _cell_of_column(column: tuple[float, float], cells: Sequence[tuple[float, float]]) -> int:
    """The cell overlapping the column most, or -1 for none (an empty position)."""
    overlap = [min(column[1], b) - max(column[0], a) for a, b in cells]
    best = max(range(len(cells)), key=overlap.__getitem__)
    return best if overlap[best] > 0 else -1


def _text(cell: list[Line]) -> str:
    out = ""
    for line in sorted(cell, key=lambda line: (line.top, line.x0)):
        out = join_line(out, line.text) if out else line.text
    return out


def open_tables(lines: list[Line]) -> list[Line]:
    """The page's lines with each table found by alignment replaced by its rows, one line
    each, every one a paragraph of its own (lines already so, a ruled table's rows, stay).
    A line is looked at in its pieces: cells closer than a line height are set on one line."""
    parts: list[Line] = []
    parent: dict[int, Line] = {}
    for line in lines:
        for part in _parts(line):
            parts.append(part)
            parent[id(part)] = line
    for table in _tables(_bands(parts)):
        inside = {id(part) for band in table for part in band.lines}
        held_by_id = {id(parent[i]): parent[i] for i in inside}
        if any(id(parent[id(p)]) in held_by_id and id(p) not in inside for p in parts):
            continue  # a line only partly in the table: not a table after all
        held = list(held_by_id.values())
        rows = grid_lines(_grid(table))
        box = (min(x.x0 for x in held), table[0].top, max(x.x1 for x in held), table[-1].bottom)
        if rows:
            lines = splice(lines, held, rows, box)
    return lines


def _parts(line: Line) -> list[Line]:
    if not line.pieces:
        return [line]
    return [
        Line(text, x0, x1, line.top, line.bottom, line.height, line.first_word, line.whole)
        for x0, x1, text in line.pieces
    ]
