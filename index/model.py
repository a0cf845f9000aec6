"""The records every stage passes along: documents, paragraphs, chunks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.lang import Lang


@dataclass(frozen=True)
class Document:
    """A cleaned source document. ``raw`` is the text as read; ``text`` the cleaned text.

    ``path`` names its source file(s) (``;``-separated when two language versions are paired);
    ``pages`` holds (offset in ``text`` where a page starts, page number), empty when the
    source has no pages; ``title`` is the title its metadata gives, if any.
    """

    id: str
    path: str
    raw: str
    text: str
    garbled: tuple[tuple[int, int], ...] = ()
    pages: tuple[tuple[int, int], ...] = ()
    title: str | None = None

    def page_at(self, offset: int) -> int | None:
        """The page number of the text at ``offset`` (None when the source has no pages)."""
        page = None
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class Paragraph:
    id: str
    doc_id: str
    lang: Lang
    start: int  # offsets into the cleaned document text
    end: int
    text: str


@dataclass
class Chunk:
    """A run of whole sentences inside one paragraph; the unit that is indexed and cited."""

    id: str
    doc_id: str
    paragraph_id: str
    lang: Lang
    start: int  # offsets into the cleaned document text
    end: int
    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)  # offsets within ``text``
    counterpart_id: str | None = None
    garbled: list[tuple[int, int]] = field(default_factory=list)  # offsets within ``text``
    page: int | None = None  # the source page the chunk starts on (None: no pages)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Chunk:
        data = dict(data)
        data["sentences"] = [tuple(s) for s in data.get("sentences", [])]
        data["garbled"] = [tuple(s) for s in data.get("garbled", [])]
        return cls(**data)

    def sentence_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.sentences]
