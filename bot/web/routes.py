"""The REST API (``/api/…``) and the static routes (widget, compact page, unknown paths)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from importlib import resources

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from starlette.exceptions import HTTPException

from bot.web.errors import sse, zhen_error_body
from bot.web.models import AskRequest, FeedbackRequest
from bot.web.service import Service

log = logging.getLogger(__name__)


def api_router(service: Service) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["zhen"])

    def admin(request: Request) -> None:
        token = service.settings.admin_token
        if not token:
            raise HTTPException(403, "admin endpoints are disabled (set ZHEN_ADMIN_TOKEN)")
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            raise HTTPException(401, "admin token required", {"WWW-Authenticate": "Bearer"})

    @router.post("/ask", summary="Answer a question (the object of `zhen ask --json`)")
    def ask(body: AskRequest) -> dict:
        return service.ask(body.question, body.history, body.k).to_dict()

    @router.post(
        "/ask/stream",
        summary="Answer as server-sent events: `token` pieces, then `answer` (or `error`)",
        response_class=StreamingResponse,
    )
    def ask_stream(body: AskRequest) -> StreamingResponse:
        pieces = service.stream(body.question, body.history, body.k)

        def events() -> Iterator[str]:
            try:
                for item in pieces:
                    if isinstance(item, str):
                        yield sse("token", {"text": item})
                    else:
                        yield sse("answer", item.to_dict())
            except Exception as exc:
                log.warning("stream failed: %s", exc)
                yield sse("error", zhen_error_body(exc))

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @router.get("/health", summary="Index, models and current faults")
    def health() -> dict:
        return service.health()

    @router.post("/feedback", summary="Thumbs up or down on an answer")
    def feedback(body: FeedbackRequest) -> dict:
        entry = service.vote(body.model_dump())
        return {"ok": True, "time": entry["time"]}

    @router.post("/admin/reindex", dependencies=[Depends(admin)], summary="Rebuild the index")
    def reindex() -> dict:
        return service.reindex()

    @router.get("/admin/feedback", dependencies=[Depends(admin)], summary="Export all votes")
    def feedback_export() -> dict:
        return {"entries": service.feedback.read()}

    return router


def static_router(known_paths: set[str]) -> APIRouter:
    """The widget, the compact chat page, and JSON 404/405 for unknown API paths."""
    router = APIRouter(include_in_schema=False)
    static = resources.files("bot.web") / "static"

    @router.get("/widget.js")
    def widget() -> Response:
        return Response(
            (static / "widget.js").read_bytes(),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @router.get("/embed")
    def embed() -> Response:
        return Response((static / "embed.html").read_bytes(), media_type="text/html")

    @router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    @router.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def unknown(rest: str, request: Request) -> Response:
        path = request.url.path
        if path in known_paths:
            raise HTTPException(405, f"{request.method} is not allowed on {path}")
        raise HTTPException(404, "no such endpoint")

    return router
