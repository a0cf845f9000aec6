"""zhen as a LangChain retriever, for LCEL chains with any chat model.

``ZhenRetriever(zhen=Zhen.load(settings), k=4)`` (or ``zhen.as_retriever(k=4)``) returns the
passages zhen's own answers cite from, each as a ``Document`` in the asker's language, with
the aligned translation and the citation data in ``metadata``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from bot.retrieval.hybrid import Hit


class Searcher(Protocol):
    """What the retriever needs: ``Zhen.search``."""

    def search(
        self, question: str, *, k: int | None = None, documents: Collection[str] | None = None
    ) -> list[Hit]: ...


def to_document(hit: Hit) -> Document:
    """A retrieved passage as a LangChain ``Document``."""
    chunk, translation = hit.chunk, hit.translation
    return Document(
        page_content=chunk.text,
        id=chunk.id,
        metadata={
            "passage_id": chunk.id,
            "lang": chunk.lang,
            "translation": translation.text if translation else None,
            "translation_id": translation.id if translation else None,
            "score": hit.score,
            "doc_id": chunk.doc_id,
        },
    )


class ZhenRetriever(BaseRetriever):
    """The passages zhen would cite for a question (hybrid search, rerank, outline routing),
    best first. ``documents`` limits the search to those document ids."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    zhen: Any = Field(description="a loaded Zhen (anything with Zhen.search)")
    k: int = Field(default=5, ge=1, le=50)
    documents: list[str] | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        documents: Collection[str] | None = None,
    ) -> list[Document]:
        searcher: Searcher = self.zhen
        scope = documents if documents is not None else self.documents
        hits = searcher.search(query, k=k or self.k, documents=scope)
        return [to_document(h) for h in hits]
