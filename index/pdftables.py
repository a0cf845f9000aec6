"""Ruled tables on PDF pages: the grid their border lines draw, each cell's text, and the rows
written as ``index.tables`` writes every table (each cell named by its column's header), so a
row can be found and quoted on its own instead of as a jumble of cells and wrapped lines.

A table without ruled borders is left to the ordinary line layout.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from index.pdflayout import Line, join_line
from index.tables import Slot, grid_lines

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
    y up), and its rules (a merged cell lacks the rule between the cells it joins)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    rules: tuple[_Rule, ...] = ()

    def ruled(self, x: float, y: float, across: bool) -> bool:
        """Whether a rule (``across`` or upright) passes through the point (x, y)."""
        return any(
            r.across == across
            and r.left - NEAR <= x <= r.right + NEAR
            and r.bottom - NEAR <= y <= r.top + NEAR
            for r in self.rules
        )


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
            found.append(Grid(tuple(xs), tuple(ys), tuple(group)))
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


def cell_slots(textpage: pdfium.PdfTextPage, grid: Grid) -> list[list[Slot]]:
    """The table's grid of cells (``index.tables.Slot``): a position with no rule to its left
    belongs to the cell on its left, one with no rule above it to the cell above. Each cell's
    text is read from its whole box (wrapped lines joined: no space between Chinese lines)."""
    xs, ys = grid.xs, grid.ys
    ids: list[list[tuple[int, int]]] = []
    for r, (top, bottom) in enumerate(itertools.pairwise(ys)):
        row: list[tuple[int, int]] = []
        for c, (left, right) in enumerate(itertools.pairwise(xs)):
            if c and not grid.ruled(left, (top + bottom) / 2, across=False):
                row.append(row[-1])
            elif r and not grid.ruled((left + right) / 2, top, across=True):
                row.append(ids[-1][c])
            else:
                row.append((r, c))
        ids.append(row)
    last: dict[tuple[int, int], tuple[int, int]] = {}  # each cell's bottom-right position
    for r, row in enumerate(ids):
        for c, cell in enumerate(row):
            last[cell] = (r, c)
    texts = {
        (r, c): _joined(
            textpage.get_text_bounded(
                xs[c] + 1, ys[r2 + 1] + 1, xs[c2 + 1] - 1, ys[r] - 1
            ).splitlines()
        )
        for (r, c), (r2, c2) in last.items()
    }
    return [[Slot(texts[cell], cell) for cell in row] for row in ids]


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
        rows = grid_lines(cell_slots(textpage, grid))
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
