"""The answer object every entry point returns, and the extractive answer composed from a
selection of quoted sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.answering.select import Selection
from bot.i18n import message
from bot.retrieval.hybrid import Hit
from index.lang import Language, passage_lang, to_script
from index.store import Index


@dataclass(frozen=True)
class Citation:
    n: int
    passage_id: str
    lang: str
    text: str  # the cited passage, cleaned text as in the article
    translation: str | None  # its aligned counterpart
    translation_id: str | None
    score: float
    highlight: list[tuple[int, int]]  # spans of ``text`` quoted in the answer
    doc_id: str = ""
    doc_title: str = ""  # in the asker's language where the document has one
    page: int | None = None  # the source page (None when the source has no pages)

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "page": self.page,
            "passage_id": self.passage_id,
            "lang": self.lang,
            "text": self.text,
            "translation": self.translation,
            "translation_id": self.translation_id,
            "score": round(self.score, 4),
            "highlight": [list(s) for s in self.highlight],
        }


@dataclass
class Answer:
    question: str
    language: Language
    answer: str
    grounded: bool
    citations: list[Citation]
    mode: str = "extractive"  # "generated" | "extractive" | "fallback"
    note: str | None = None  # why a generated answer was replaced by the extractive one
    hits: list[Hit] = field(default_factory=list, repr=False)  # the retrieval, in rank order
    timings_ms: dict[str, float] = field(default_factory=dict)  # "cache": True on a cache hit
    features: dict[str, float] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """The JSON object of ``zhen ask --json`` and ``POST /api/ask``."""
        return {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "grounded": self.grounded,
            "mode": self.mode,
            "note": self.note,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": {
                k: v if isinstance(v, bool) else round(v, 2) for k, v in self.timings_ms.items()
            },
        }


def compose(
    question: str, language: Language, sel: Selection, hits: list[Hit], index: Index
) -> Answer:
    """The extractive answer for ``sel``: quoted sentences cited ``[n]``, or "does not say"."""
    if not sel.grounded or not sel.sentences:
        return Answer(
            question,
            language,
            message("not_found", language),
            False,
            [],
            hits=hits,
            features=sel.features,
        )
    citations: list[Citation] = []
    numbers: dict[str, int] = {}
    parts: list[str] = []
    for sentence in sel.sentences:
        chunk = sentence.chunk
        if chunk.id not in numbers:
            hit = next(
                (h for h in hits if chunk.id in (h.chunk.id, getattr(h.translation, "id", None))),
                None,
            )
            translation = None
            if hit is not None:
                translation = hit.translation if hit.chunk.id == chunk.id else hit.chunk
            numbers[chunk.id] = len(citations) + 1
            citations.append(
                Citation(
                    n=numbers[chunk.id],
                    passage_id=chunk.id,
                    lang=chunk.lang,
                    text=chunk.text,
                    translation=translation.text if translation else None,
                    translation_id=translation.id if translation else None,
                    score=hit.score if hit else 0.0,
                    highlight=[],
                    doc_id=chunk.doc_id,
                    doc_title=index.doc_title(chunk.doc_id, passage_lang(language)),
                    page=chunk.page,
                )
            )
        citation = citations[numbers[chunk.id] - 1]
        citation.highlight.append(sentence.span)
        quote = sentence.text
        if chunk.lang == "zh" and language != "en" and not sel.cross_language:
            quote = to_script(quote, language)
        quoted = sel.cross_language or sel.lead is not None
        parts.append(f"“{quote}” [{citation.n}]" if quoted else f"{quote} [{citation.n}]")
    if sel.lead is not None:
        body = ("; " if language == "en" else "；").join(parts)
    else:
        body = " ".join(parts) if language == "en" or sel.cross_language else "".join(parts)
    lead_key = sel.lead
    if lead_key is None and sel.cross_language:
        lead_key = "only_in_zh" if language == "en" else "only_in_en"
    if lead_key is not None:
        lead = message(lead_key, language)
        body = f"{lead} {body}" if language == "en" else f"{lead}{body}"
    return Answer(
        question,
        language,
        body,
        True,
        citations,
        hits=hits,
        features=sel.features,
    )


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_PIECE = re.compile(rf"[{_CJK}]{{1,4}}|[^\s{_CJK}]+\s*|\s+")


def display_pieces(text: str) -> Iterator[str]:
    """Split an answer into short pieces to stream: a word with its space, or up to four
    CJK characters."""
    return (m.group(0) for m in _PIECE.finditer(text))
