"""Tables as lines of text a passage can stand on: each data row names its cells by their
column's header ("Average distance: 6.4 km" is searchable and quotable where a bare row
"| 6.4 km | 11.2 km |" says nothing of what or where)."""

from __future__ import annotations

import re
from collections.abc import Sequence

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
