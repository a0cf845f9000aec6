"""Ruled tables on PDF pages: the grid their border lines draw, each cell's text, and the rows
written as ``index.tables`` writes every table (each cell named by its column's header), so a
row can be found and quoted on its own instead of as a jumble of cells and wrapped lines.

A table without ruled borders is left to the ordinary line layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from index.pdflayout import Line, join_line
from index.tables import table_lines

THIN = 2.0  # a border is a path at most this thick
NEAR = 2.0  # edges this close are one edge; rules this close touch


@dataclass(frozen=True)
class _Rule:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def across(self) -> bool:
        return self.top - self.bottom <= THIN < self.right - self.left

    def touches(self, other: _Rule) -> bool:
        return (
            self.left - NEAR <= other.right
            and other.left - NEAR <= self.right
            and self.bottom - NEAR <= other.top
            and other.bottom - NEAR <= self.top
        )


@dataclass(frozen=True)
class Grid:
    """A ruled table: its column edges left to right and row edges top to bottom (PDF units,
    y up)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]


Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF units, y up)


def grids(paths: Sequence[Box]) -> list[Grid]:
    """The ruled tables among a page's drawings (``paths``, their boxes): connected thin
    lines making at least two columns and two rows of cells."""
    rules = []
    for left, bottom, right, top in paths:
        width, height = right - left, top - bottom
        if (height <= THIN < width) or (width <= THIN < height):
            rules.append(_Rule(left, bottom, right, top))
    found = []
    for group in _connected(rules):
        xs = _edges([(r.left + r.right) / 2 for r in group if not r.across])
        ys = _edges([(r.bottom + r.top) / 2 for r in group if r.across], reverse=True)
        if len(xs) >= 3 and len(ys) >= 3:
            found.append(Grid(tuple(xs), tuple(ys)))
    return found


def _connected(rules: list[_Rule]) -> list[list[_Rule]]:
    groups: list[list[_Rule]] = []
    for rule in rules:
        joined = [g for g in groups if any(rule.touches(r) for r in g)]
        merged = [rule] + [r for g in joined for r in g]
        groups = [g for g in groups if g not in joined] + [merged]
    return groups


def _edges(values: list[float], reverse: bool = False) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > NEAR:
            edges.append(v)
    return edges[::-1] if reverse else edges


def cell_rows(textpage: pdfium.PdfTextPage, grid: Grid) -> list[list[str]]:
    """Each row's cell texts (a cell's wrapped lines joined: no space between Chinese lines)."""
    rows = []
    for top, bottom in zip(grid.ys, grid.ys[1:], strict=False):
        row = []
        for left, right in zip(grid.xs, grid.xs[1:], strict=False):
            text = textpage.get_text_bounded(left + 1, bottom + 1, right - 1, top - 1)
            row.append(_joined(text.splitlines()))
        rows.append(row)
    return rows


def _joined(lines: list[str]) -> str:
    """A cell's wrapped lines as one text, joined as body text's lines are."""
    out = ""
    for line in (" ".join(x.split()) for x in lines):
        if line:
            out = join_line(out, line) if out else line
    return out


def replace_tables(
    lines: list[Line], paths: Sequence[Box], textpage: pdfium.PdfTextPage, page_top: float
) -> list[Line]:
    """The page's lines with each ruled table's lines replaced by its rows, one line each,
    every one a paragraph of its own."""
    for grid in grids(paths):
        top, bottom = page_top - grid.ys[0], page_top - grid.ys[-1]
        box = (grid.xs[0], top, grid.xs[-1], bottom)
        held = [line for line in lines if _inside(line, box)]
        rows = table_lines(cell_rows(textpage, grid))
        if held and rows:
            lines = splice(lines, held, rows, box)
    return lines


def splice(
    lines: list[Line], held: list[Line], rows: list[str], box: tuple[float, float, float, float]
) -> list[Line]:
    """``lines`` with the table's lines (``held``) replaced by its rows, one line each set
    where its first line stood, every one a paragraph of its own."""
    left, top, right, bottom = box
    height = sorted(line.height for line in held)[len(held) // 2]
    step = (bottom - top) / len(rows)
    made = [
        Line(text, left, right, top + i * step, top + i * step + height, height, height, True)
        for i, text in enumerate(rows)
    ]
    gone = {id(line) for line in held}
    out: list[Line] = []
    for line in lines:
        if id(line) not in gone:
            out.append(line)
        elif made:
            out += made
            made = []
    return out


def _inside(line: Line, box: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = box
    middle = (line.top + line.bottom) / 2
    return top <= middle <= bottom and left - NEAR <= line.x0 and line.x1 <= right + NEAR
