"""Split cleaned documents into paragraphs, sentences and sentence-aligned chunks."""

from __future__ import annotations

import re

from index.lang import detect_lang, has_letters
from index.model import Chunk, Document, Paragraph

_CLOSERS = "”’\"'」』）)】"
# Chinese sentence ends, with any closing quotes/brackets that follow them.
_ZH_END = re.compile(rf"[。！？；!?;…]+[{_CLOSERS}]*")
# English sentence ends: . ! ? (plus closers) followed by a space, or glued to the next
# sentence's capital letter after a lower-case word ("achievements.Up to now").
_EN_END = re.compile(
    rf"(?<=[a-z0-9%{_CLOSERS}])[.!?]+[{_CLOSERS}]*(?:\s+|(?=[A-Z\"“]))|(?<=[.!?][{_CLOSERS}])\s+"
)
_LONG_SPLIT = re.compile(r"[,，、:：]\s*")
# a full stop that ends an abbreviation ("Dr. Moriarty", "No. 2") ends no sentence
_ABBREVIATION = re.compile(
    r"(?:^|(?<=[\s(（]))(?:mr|mrs|ms|dr|prof|st|mt|vs|jr|sr|approx)$", re.IGNORECASE
)
_NUMBERED = re.compile(r"(?:^|(?<=[\s(（]))(?:no|nos|fig|vol|pp?)$", re.IGNORECASE)


def split_paragraphs(doc: Document) -> list[Paragraph]:
    """Non-empty lines (or blank-line separated blocks) of the cleaned text, with language."""
    paragraphs: list[Paragraph] = []
    for m in re.finditer(r"[^\n]+", doc.text):
        start, end = m.span()
        text = m.group()
        stripped = text.strip()
        if not stripped or not has_letters(stripped):
            continue
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        n = len(paragraphs)
        paragraphs.append(
            Paragraph(f"{doc.id}:p{n}", doc.id, detect_lang(stripped), start, end, stripped)
        )
    return paragraphs


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans that tile ``text`` exactly (trailing spaces stay with their sentence)."""
    pattern = _ZH_END if lang == "zh" else _EN_END
    spans: list[tuple[int, int]] = []
    start = 0
    for m in pattern.finditer(text):
        end = m.end()
        if lang != "zh" and m.group().startswith(".") and _abbreviation(text, m):
            continue
        if end > start and text[start:end].strip():
            spans.append((start, end))
            start = end
    if start < len(text):
        # what is left with no letters or digits (the "*" closing an italic caption) ends
        # the last sentence
        if spans and not re.search(r"\w", text[start:]):
            spans[-1] = (spans[-1][0], len(text))
        else:
            spans.append((start, len(text)))
    return spans


def _abbreviation(text: str, stop: re.Match[str]) -> bool:
    # only the word before the stop matters, so look at a few characters rather than the
    # whole text up to it (a long paragraph has many stops); 8 is more than the longest
    # abbreviation, so a cut word never matches whole
    word = text[max(0, stop.start() - 8) : stop.start()]
    if _ABBREVIATION.search(word):
        return True
    return bool(_NUMBERED.search(word)) and text[stop.end() : stop.end() + 1].isdigit()


def size_units(text: str) -> float:
    """Approximate model tokens: one per Chinese character, 1.3 per English word."""
    cjk = len(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]", text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    return cjk + 1.3 * words


def _split_long(text: str, span: tuple[int, int], limit: float) -> list[tuple[int, int]]:
    """Cut a sentence longer than ``limit`` at commas so no chunk overflows the embedder."""
    start, end = span
    if size_units(text[start:end]) <= limit:
        return [span]
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for m in _LONG_SPLIT.finditer(text, start, end):
        if size_units(text[piece_start : m.end()]) >= limit / 2:
            pieces.append((piece_start, m.end()))
            piece_start = m.end()
    if piece_start < end:
        pieces.append((piece_start, end))
    return pieces


def _inside(spans: tuple[tuple[int, int], ...], start: int, end: int) -> list[tuple[int, int]]:
    return [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]


def chunk_paragraph(
    doc: Document, paragraph: Paragraph, size: int, first_index: int = 0
) -> list[Chunk]:
    """Pack whole sentences into chunks of about ``size`` units; chunks tile the paragraph."""
    text = paragraph.text
    sentences: list[tuple[int, int]] = []
    for span in split_sentences(text, paragraph.lang):
        sentences += _split_long(text, span, size * 2)
    groups: list[list[tuple[int, int]]] = []
    for span in sentences:
        current = groups[-1] if groups else None
        if current and size_units(text[current[0][0] : span[1]]) <= size:
            current.append(span)
        else:
            groups.append([span])
    chunks = []
    for i, group in enumerate(groups, start=first_index):
        s, e = group[0][0], group[-1][1]
        abs_start, abs_end = paragraph.start + s, paragraph.start + e
        chunks.append(
            Chunk(
                id=f"{doc.id}:c{i}",
                doc_id=doc.id,
                paragraph_id=paragraph.id,
                lang=paragraph.lang,
                start=abs_start,
                end=abs_end,
                text=text[s:e],
                sentences=[(a - s, b - s) for a, b in group],
                garbled=_inside(doc.garbled, abs_start, abs_end),
                page=doc.page_at(abs_start),
            )
        )
    return chunks


def chunk_document(doc: Document, size: int = 100) -> tuple[list[Paragraph], list[Chunk]]:
    """Paragraphs and chunks of one document, chunk ids numbered in text order."""
    paragraphs = split_paragraphs(doc)
    chunks: list[Chunk] = []
    for paragraph in paragraphs:
        chunks += chunk_paragraph(doc, paragraph, size, first_index=len(chunks))
    return paragraphs, chunks
