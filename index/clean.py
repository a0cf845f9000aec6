"""Clean conversion debris from article text while keeping a map back to the original.

Three kinds of debris are removed (never real text):
- pinyin glosses after a Chinese character: ``發(fā)展`` → ``發展``;
- PDF ligature breaks inside English words: ``fi rst`` → ``first``, ``diffi cult`` → ``difficult``;
- doubled spaces, and spaces between a number and 年/月/日 (``2012 年4 月`` → ``2012年4月``).

Garbled spans (mis-decoded bytes such as ``正?;詠碜罾щy局面``) are kept and only marked.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_GLOSS = re.compile(rf"(?<=[{CJK}])\((?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,8}}\)")
# A token ending in a ligature (fi, fl, ffi, ffl) cut off from the rest of its word.
_LIGATURE_BREAK = re.compile(r"\b([A-Za-z]*(?:fi|fl)) (?=[a-z])")
_LIGATURE_WORDS = {"wifi", "hifi", "scifi", "lofi"}
_EXTRA_SPACES = re.compile(r"(?<= ) +")
_SPACE_BEFORE_DATE_UNIT = re.compile(r"(?<=\d) +(?=[年月日號号])")
# Characters that do not belong in Chinese prose: '?', U+FFFD, Cyrillic, Greek, toned Latin.
_ANOMALY = re.compile(rf"[?\ufffd\u0370-\u03ff\u0400-\u04ff{_TONED}]|(?<=[^\sA-Za-z])[a-z]+")
_GARBLE_GAP = 6


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text, the spans marked as garbled, and a map back to the original offsets."""

    text: str
    garbled: tuple[tuple[int, int], ...] = ()
    # Copy segments (clean_start, orig_start, length): the cleaned text is these pieces in order.
    segments: tuple[tuple[int, int, int], ...] = field(default=(), repr=False)

    def from_original(self, offset: int) -> int:
        """Offset in the cleaned text of the original character at ``offset`` (a deleted
        character maps to where the cleaned text continues)."""
        for clean_start, orig_start, length in self.segments:
            if offset < orig_start + length:
                return clean_start + max(0, offset - orig_start)
        return len(self.text)

    def to_original(self, offset: int) -> int:
        """Offset in the original text of the cleaned character at ``offset``."""
        if not self.segments:
            return offset
        starts = [s[0] for s in self.segments]
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        clean_start, orig_start, length = self.segments[i]
        return orig_start + min(offset - clean_start, length)


def _deletions(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    spans += [m.span() for m in _PINYIN_GLOSS.finditer(text)]
    for m in _LIGATURE_BREAK.finditer(text):
        if m.group(1).lower() not in _LIGATURE_WORDS:
            spans.append((m.end(1), m.end()))
    spans += [m.span() for m in _EXTRA_SPACES.finditer(text)]
    spans += [m.span() for m in _SPACE_BEFORE_DATE_UNIT.finditer(text)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def find_garbled(text: str) -> list[tuple[int, int]]:
    """Spans of mis-decoded text inside Chinese prose (anomalies close together, merged)."""
    spans: list[tuple[int, int]] = []
    for m in _ANOMALY.finditer(text):
        start, end = m.span()
        near_cjk = re.search(rf"[{CJK}]", text[max(0, start - 2) : end + 2])
        if not near_cjk:
            continue
        if spans and start - spans[-1][1] <= _GARBLE_GAP and "\n" not in text[spans[-1][1] : start]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    # A lone ASCII '?' ending a Chinese question is punctuation, not debris.
    return [
        (s, e)
        for s, e in spans
        if not (e - s == 1 and text[s] == "?" and (e == len(text) or text[e] in "\n\"”'"))
    ]


def clean(text: str) -> Cleaned:
    """Remove conversion debris from ``text``; see the module docstring."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    pos = clean_len = 0
    for start, end in [*_deletions(text), (len(text), len(text))]:
        if start > pos:
            segments.append((clean_len, pos, start - pos))
            pieces.append(text[pos:start])
            clean_len += start - pos
        pos = end
    cleaned = "".join(pieces)
    return Cleaned(cleaned, tuple(find_garbled(cleaned)), tuple(segments))
