"""The documents API: list (public), upload and remove (admin), under ``/api/documents``."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.errors import CorpusUnavailable, UnknownDocuments
from bot.web.auth import admin_guard
from bot.web.errors import ApiError
from bot.web.models import DOCUMENT_ID_NOTE, DOCUMENT_ID_PATTERN, MAX_DOCUMENT_ID_CHARS
from bot.web.openapi import conflict, error_responses, upload_body, upload_errors
from bot.web.service import Service
from bot.web.upload import (
    FIELD,
    MAX_FILES,
    check_files,
    max_file_bytes,
    receive,
    size_text,
    upload_folder,
    without_folder,
)
from index.extract import LIMITS
from index.library import DocInfo

log = logging.getLogger(__name__)
UNREADABLE = "The library cannot be read."
FIXED_CORPUS = (
    "this server answers from a fixed corpus (--corpus / ZHEN_CORPUS); documents can be "
    "added and removed only when it serves the library"
)


class Titles(BaseModel):
    zh: str | None = Field(None, description="The Chinese title, when the document has one.")
    en: str | None = Field(None, description="The English title, when the document has one.")


class DocumentSummary(BaseModel):
    id: str = Field(description=DOCUMENT_ID_NOTE)
    titles: Titles
    pages: int | None = Field(description="Pages of the source (null: no pages, e.g. text).")


class Document(DocumentSummary):
    languages: list[str] = Field(description="`zh`, `en` or both.")
    passages: int
    added: str = Field(description="When it was added (UTC, ISO 8601).")


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class Documents(BaseModel):
    documents: list[Document]


class Removed(BaseModel):
    removed: list[Document]


DocumentPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_DOCUMENT_ID_CHARS,
        pattern=DOCUMENT_ID_PATTERN,
        description=DOCUMENT_ID_NOTE,
    ),
]


def summary(info: DocInfo) -> dict:
    return {"id": info.id, "titles": info.titles, "pages": info.pages}


def details(info: DocInfo) -> dict:
    """Everything ``zhen docs --json`` shows but the paths of the server's files."""
    data = info.to_dict()
    data.pop("files")
    return data


def documents_router(service: Service) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["documents"])
    admin = admin_guard(service)
    per_file = max_file_bytes(service.settings)

    def library_only() -> None:
        if service.settings.corpus is not None:
            raise ApiError(409, "fixed_corpus", FIXED_CORPUS)

    @router.get(
        "/documents",
        summary="The documents answers come from",
        response_model=DocumentList,
        responses=error_responses(unavailable=UNREADABLE),
    )
    def listing() -> dict:
        return {"documents": [summary(d) for d in service.documents()]}

    @router.get(
        "/admin/documents",
        summary="The documents, with their passages and when they were added",
        dependencies=[Depends(admin)],
        response_model=Documents,
        responses=error_responses(admin=True, unavailable=UNREADABLE),
    )
    def admin_listing() -> dict:
        return {"documents": [details(d) for d in service.documents()]}

    @router.post(
        "/documents",
        summary="Upload a document: one file, or its two versions NAME.zh.EXT + NAME.en.EXT",
        dependencies=[Depends(admin)],
        status_code=201,
        response_model=Documents,
        responses={**upload_errors(per_file), 409: conflict(FIXED_CORPUS)},
        openapi_extra={"requestBody": upload_body(FIELD, MAX_FILES, size_text(per_file))},
    )
    async def upload(request: Request) -> JSONResponse:
        library_only()
        with upload_folder(service.settings.home) as folder:
            names = await receive(request, folder, per_file)
            await run_in_threadpool(check_files, folder, names)
            try:
                added = await run_in_threadpool(service.add, [folder / n for n in names])
            except CorpusUnavailable as exc:
                message = without_folder(exc.text, folder)
                if f"over the {size_text(LIMITS.max_bytes)} limit" in message:
                    raise ApiError(413, "file_too_large", message) from None
                raise ApiError(422, "unreadable_file", message) from None
        log.info("added %s", ", ".join(d.id for d in added))
        return JSONResponse({"documents": [details(d) for d in added]}, status_code=201)

    @router.delete(
        "/documents/{id}",
        summary="Remove a document",
        dependencies=[Depends(admin)],
        response_model=Removed,
        responses={
            **error_responses(
                admin=True,
                unavailable=UNREADABLE,
                missing="No document has this id (`unknown_documents`).",
                invalid="The id is not shaped like a document id.",
            ),
            409: conflict(FIXED_CORPUS),
        },
    )
    def remove(id: DocumentPath) -> dict:
        library_only()
        try:
            removed = service.remove([id])
        except UnknownDocuments as exc:
            raise ApiError(404, "unknown_documents", exc.text) from None
        return {"removed": [details(d) for d in removed]}

    return router
