"""Hard-wrapped plain text (copied from a PDF or an e-mail, or written at a fixed width) made
one paragraph per line, as every other format is read: a sentence cut at the wrap width would
otherwise be two passages, neither of which says the whole thing."""

from __future__ import annotations

import re

MIN_LINES = 8  # fewer lines give no measure of a wrap width
MAX_WIDTH = 120  # display columns: lines longer than this are paragraphs, not wrapped lines
SLACK = 2  # display columns

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_ALIGNED = re.compile(r"\S {3,}\S|\t|\|")  # (two spaces may follow a full stop)
# a line that starts a block of its own: a list item, or a paragraph indented to start
_STARTS = re.compile(
    r"^(?:\s*(?:[-*+•·▪]\s|\d{1,3}(?:[.)]\s|、)|[(（]?[一二三四五六七八九十]{1,3}[)）、])|\s{2,}|\u3000)"
)


def width(line: str) -> int:
    """Display columns: a Chinese character or full-width sign is two."""
    return sum(2 if _CJK.match(ch) else 1 for ch in line.rstrip())


def wrap_width(lines: list[str]) -> int | None:
    """The width a text is hard-wrapped at (the 90th percentile of its line widths), or None
    when it is not hard-wrapped: too few lines, or lines longer than any wrap."""
    widths = sorted(width(line) for line in lines if line.strip())
    if len(widths) < MIN_LINES:
        return None
    wrap = widths[int(0.9 * (len(widths) - 1))]
    return wrap if wrap <= MAX_WIDTH else None


def unwrap(text: str) -> str:
    """``text`` with each hard-wrapped paragraph on one line. A line goes on in the next when
    the next one's first word would not have fitted after it within the wrap width (the line
    was broken for want of room), unless the next starts a list item or an indented
    paragraph; a line that stopped short (a paragraph's last, a title) and a blank line end
    the paragraph. Lines join without a space beside Chinese. Text that is not hard-wrapped
    is returned as it is."""
    lines = text.split("\n")
    wrap = wrap_width(lines)
    if wrap is None:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        previous = lines[i - 1] if i else ""
        if out and _goes_on(previous, line, wrap):
            left, right = out[-1].rstrip(), line.strip()
            cjk = _CJK.match(left[-1]) or _CJK.match(right[0])
            out[-1] = left + ("" if cjk or left.endswith("-") else " ") + right
        else:
            out.append(line)
    return "\n".join(out)


def _goes_on(line: str, following: str, wrap: int) -> bool:
    if not line.strip() or not following.strip() or _STARTS.match(following):
        return False
    if _ALIGNED.search(line) or _ALIGNED.search(following):
        return False  # columns set apart by spaces: a table in text, every line a row
    word = following.split()[0]
    first = word[0] if _CJK.match(word[0]) else re.split(_CJK, word)[0]
    space = 0 if _CJK.match(first) and _CJK.match(line.rstrip()[-1]) else 1
    # within a character of the width: wrapping tools and fonts measure a little differently
    return width(line) + space + width(first) > wrap - SLACK
