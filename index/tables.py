"""Tables as lines of text a passage can stand on: each data row names its cells by their
column's header ("Average distance: 6.4 km" is searchable and quotable where a bare row
"| 6.4 km | 11.2 km |" says nothing of what or where)."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_BARE_NUMBER = re.compile(r"[\d\s.,%％:/+-]+")
# a Markdown table's delimiter row: | --- | :---: |
_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ENDS = tuple(".!?。！？")


def table_lines(rows: Sequence[Sequence[str]], header: bool | None = None) -> list[str]:
    """One line per row. When the first row is a header (``header``; else when it has two or
    more cells and none is a bare number), every later row names its cells by it:
    ``Indicator: Cold stores; Murang'a: 7; Makueni: 5.`` (Chinese punctuation for a row with
    Chinese text). A row of one cell (a merged label row) stays as it is, and a table without
    a header has its cells joined by `` | ``."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    head = rows[0]
    if header is None:
        header = sum(1 for c in head if c) >= 2 and not any(_BARE_NUMBER.fullmatch(c) for c in head)
    if not header or len(rows) == 1:
        return [" | ".join(c for c in row if c) for row in rows]
    return [_described(head, row) for row in rows[1:]]


def _described(head: Sequence[str], row: Sequence[str]) -> str:
    cells = [(head[i] if i < len(head) else "", cell) for i, cell in enumerate(row) if cell]
    if len(cells) == 1:
        return cells[0][1]
    chinese = any(_CJK.search(cell) for _, cell in cells)
    colon, comma, stop = ("：", "，", "。") if chinese else (": ", "; ", ".")
    text = comma.join(
        f"{name}{colon}{cell}" if name and name != cell else cell for name, cell in cells
    )
    return text if text.endswith(_ENDS) else text + stop


@dataclass(frozen=True)
class Slot:
    """One position of a table's grid: the text of the cell covering it, which cell that is
    (positions a merged cell spans share ``cell``), and whether it is a header cell."""

    text: str
    cell: Hashable
    head: bool = False


def grid_lines(grid: Sequence[Sequence[Slot]], heads: int | None = None) -> list[str]:
    """``table_lines`` for a table whose cells may span rows and columns (HTML rowspan and
    colspan, DOCX merged cells), given as its full grid. The header is the first ``heads``
    rows (by default the leading rows of header cells; else the first row, and the second too
    when a cell of the first spans columns over it and it holds no bare figure): a column is
    named by its headers top down ("Post-harvest loss before"). A data cell spanning columns
    is read once; one spanning rows is repeated in each, so every row names all it holds. A
    leading row of one cell across the table (a caption) is a line of its own."""
    rows = [list(row) for row in grid if row]
    out: list[str] = []
    while rows and len({s.cell for s in rows[0]}) == 1 and len(rows[0]) > 1:
        out.append(" ".join(rows.pop(0)[0].text.split()))
    if not rows:
        return out
    if heads is None:
        heads = next((i for i, row in enumerate(rows) if not all(s.head for s in row)), len(rows))
        if heads == 0:
            spans = any(a.cell == b.cell for a, b in zip(rows[0], rows[0][1:], strict=False))
            named = len(rows) > 2 and not any(_BARE_NUMBER.fullmatch(s.text) for s in rows[1])
            heads = 2 if spans and named else 1
            if heads == 1:
                return out + table_lines([_once(row) for row in rows])
    width = max(len(row) for row in rows)
    names = []
    for c in range(width):
        said = [row[c].text for row in rows[:heads] if c < len(row)]
        names.append(" ".join(t for i, t in enumerate(said) if t and t not in said[:i]))
    return out + table_lines([names, *(_once(row) for row in rows[heads:])], header=True)


def _once(row: Sequence[Slot]) -> list[str]:
    """A row's texts, a cell spanning columns in its first column only."""
    return [s.text if i == 0 or s.cell != row[i - 1].cell else "" for i, s in enumerate(row)]


def markdown_tables(text: str) -> str:
    """``text`` with each Markdown table (a header row, a delimiter row, data rows) written as
    ``table_lines``; other lines unchanged."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if "|" in lines[i] and i + 1 < len(lines) and _DELIMITER.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and "|" in lines[end] and lines[end].strip():
                end += 1
            rows = [_cells(line) for line in [lines[i], *lines[i + 2 : end]]]
            out += table_lines(rows, header=True)
            i = end
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]
