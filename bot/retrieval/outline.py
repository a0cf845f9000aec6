"""Questions about the article's structure: its title, section headings and credit line.

"What is the title?", "英文版第一节的小标题是什么？", "Under which heading does the
English version discuss X?", "Who wrote the article?" are answered from the document
outline (found at indexing time) rather than by sentence similarity, which cannot tell
a heading from body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.retrieval.hybrid import Hit, Retrieval
from bot.retrieval.sentences import Sentence
from index.align import find_title, is_heading
from index.anchors import ordinals
from index.lang import Lang, normalize
from index.model import Chunk, Paragraph
from index.store import Index

_HEADINGS = re.compile(
    r"\b(?:section )?headings?\b|\bsections?\b.{0,30}\b(?:called|titled|named)\b|"
    r"小标题|(?:节|部分|(?<!文)章).{0,8}(?:标题|题目)",
    re.IGNORECASE,
)
# the article's title, not a title it mentions ("look for books other than by title")
_TITLE = re.compile(
    r"\b(?:the|its|this|article(?:'s)?|story's|piece's)\s+(?:(?:english|chinese)\s+)?title\b"
    r"(?!\s+of\s+(?!(?:the|this)\s+(?:article|piece|story|report|text|version|half)\b|it\b))|"
    r"\btitle\b(?=.{0,40}\b(?:article|piece|story)\b)|\btitled\b|标题|题目",
    re.IGNORECASE,
)
_ALL = re.compile(
    r"\b(?:all|three|two|four|five|list)\b|\bheadings\b|哪些|哪几|各节|各个|有几", re.I
)
_CREDIT = re.compile(
    r"\bauthors?\b|\bbyline\b|\bwritten by\b|\bcredits?\b|\bwho (?:wrote|authored|provided|"
    r"supplied|contributed)\b.{0,20}\b(?:article|text|story|photos?|pictures?|images?|manuscript)\b|"
    r"作者|供稿|供图|撰稿|署名|(?:文章|稿件|稿子|图片|照片).{0,8}(?:谁|哪个|哪家).{0,4}提供",
    re.IGNORECASE,
)
_EN = re.compile(r"\benglish\b|英文|英语", re.IGNORECASE)
_ZH = re.compile(r"\bchinese (?:version|text|title|half)\b|中文", re.IGNORECASE)


@dataclass(frozen=True)
class Outline:
    """Titles, section headings and credit lines of one index, per language, in order."""

    titles: dict[str, Paragraph]
    headings: dict[str, list[Paragraph]]
    section: dict[str, Paragraph]  # paragraph id -> the heading of its section
    credits: dict[str, Paragraph]  # a short parenthesised line, e.g. "(Provided by …)"

    @classmethod
    def of(cls, index: Index) -> Outline:
        titles: dict[str, Paragraph] = {}
        headings: dict[str, list[Paragraph]] = {"zh": [], "en": []}
        section: dict[str, Paragraph] = {}
        credits: dict[str, Paragraph] = {}
        for lang in ("zh", "en"):
            paragraphs = [p for p in index.paragraphs if p.lang == lang]
            title = find_title(paragraphs)
            if title is not None:
                titles[lang] = title
            current = None
            for p in paragraphs:
                if p is titles.get(lang):
                    continue
                parenthesised = p.text.lstrip().startswith(("(", "（"))
                if is_heading(p) and parenthesised:
                    credits[lang] = p
                elif is_heading(p):
                    headings[lang].append(p)
                    current = p
                elif current is not None:
                    section[p.id] = current
        return cls(titles, headings, section, credits)


@dataclass(frozen=True)
class Structure:
    """The outline sentences a structure question asks for, and the message key that
    introduces them (``title_is``, ``heading_is``, ``headings_are``, ``credit_is``)."""

    sentences: list[Sentence]
    lead: str


def structural_answer(
    retrieval: Retrieval, index: Index, outline: Outline, question_lang: Lang
) -> Structure | None:
    """The title or heading(s) the question asks for, or None when the question is not
    about the article's structure."""
    question = normalize(retrieval.question)
    wants_headings = bool(_HEADINGS.search(question))
    wants_credit = bool(outline.credits and _CREDIT.search(question))
    if not wants_headings and not wants_credit and not _TITLE.search(question):
        return None
    lang = "en" if _EN.search(question) else "zh" if _ZH.search(question) else question_lang
    if wants_credit:
        credit = outline.credits.get(lang) or next(iter(outline.credits.values()))
        paragraphs, lead = [credit], "credit_is"
    elif wants_headings:
        paragraphs = _headings(retrieval, index, outline, lang, question)
        lead = "headings_are" if len(paragraphs) > 1 else "heading_is"
    else:
        title = outline.titles.get(lang) or next(iter(outline.titles.values()), None)
        paragraphs = [title] if title else []
        lead = "title_is"
    sentences = [s for p in paragraphs for s in _sentences(index, p)]
    if not sentences:
        return None
    return Structure(sentences, lead)


def route(
    retrieval: Retrieval, index: Index, outline: Outline, question_lang: Lang
) -> tuple[Retrieval, Structure | None]:
    """Route structure questions to the outline: their title or heading passages come first
    in the retrieval, with the sentences to quote. Other questions pass through."""
    structure = structural_answer(retrieval, index, outline, question_lang)
    if structure is None:
        return retrieval, None
    first: list[Hit] = []
    for sentence in structure.sentences:
        if all(h.chunk.id != sentence.chunk.id for h in first):
            first.append(Hit(sentence.chunk, None, 0.0, 0.0, 0.0, sentence.chunk.id))
    ids = {h.chunk.id for h in first}
    rest = [h for h in retrieval.hits if h.chunk.id not in ids]
    return replace(
        retrieval, hits=(first + rest)[: max(len(retrieval.hits), len(first))]
    ), structure


def _headings(
    retrieval: Retrieval, index: Index, outline: Outline, lang: str, question: str
) -> list[Paragraph]:
    headings = outline.headings.get(lang) or []
    if not headings:
        return []
    wanted = sorted(n for n in ordinals(question) if 1 <= n <= len(headings))
    if wanted:
        return [headings[n - 1] for n in wanted]
    if _ALL.search(question):
        return headings
    # The section whose heading and best passage together match the question best.
    best: dict[str, float] = {}
    for i, chunk in enumerate(index.chunks):
        heading = outline.section.get(chunk.paragraph_id)
        if heading is not None and chunk.lang == lang:
            other = index.position(chunk.counterpart_id) if chunk.counterpart_id else None
            mine = retrieval.similarity(index, i)
            score = max(mine, retrieval.similarity(index, other) if other is not None else -1)
            best[heading.id] = max(best.get(heading.id, -1.0), float(score))

    def total(h: Paragraph) -> float:
        rows = [r for c in _chunks(index, h) for r in index.sentence_rows(index.position(c.id))]
        own = max(float(index.sentence_vectors[r] @ retrieval.query_vector) for r in rows)
        return own + best.get(h.id, -1.0)

    return [max(headings, key=total)]


def _chunks(index: Index, paragraph: Paragraph) -> list[Chunk]:
    return [c for c in index.chunks if c.paragraph_id == paragraph.id]


def _sentences(index: Index, paragraph: Paragraph) -> list[Sentence]:
    out = []
    for chunk in _chunks(index, paragraph):
        ci = index.position(chunk.id)
        for row, span in zip(index.sentence_rows(ci), chunk.sentences, strict=True):
            out.append(Sentence(chunk, 0, span, row, 1.0, 1.0, 1.0))
    return out
