"""The REST API (``/api/…``) and the static routes (widget, compact page, unknown paths)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from importlib import resources

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from bot.web.auth import admin_guard
from bot.web.errors import error_response, json_body, sse, zhen_error_body
from bot.web.models import AskRequest, FeedbackRequest
from bot.web.openapi import answering_errors, error_responses, event_stream
from bot.web.service import Service

log = logging.getLogger(__name__)


def api_router(service: Service) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["zhen"])
    admin = admin_guard(service)
    answering = answering_errors()

    @router.post(
        "/ask",
        summary="Answer a question (the object of `zhen ask --json`)",
        dependencies=[Depends(json_body)],
        responses=answering,
    )
    def ask(body: AskRequest) -> dict:
        return service.ask(body.question, body.history, body.k, body.documents).to_dict()

    @router.post(
        "/ask/stream",
        summary="Answer as server-sent events: `token` pieces, then `answer` (or `error`)",
        response_class=StreamingResponse,
        dependencies=[Depends(json_body)],
        responses={
            200: event_stream(
                '`event: token` (`{"text"}`) pieces, then `event: answer` (the object of '
                '`/api/ask`), or `event: error` (`{"error": {"code", "message"}}`) '
                "if answering fails midway.",
                ["token", "answer", "error"],
            ),
            **answering,
        },
    )
    def ask_stream(body: AskRequest) -> StreamingResponse:
        pieces = service.stream(body.question, body.history, body.k, body.documents)

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

    @router.get("/health", summary="Index, models and current faults", responses=error_responses())
    def health() -> dict:
        return service.health()

    @router.post(
        "/feedback",
        summary="Thumbs up or down on an answer",
        dependencies=[Depends(json_body)],
        responses=error_responses(
            body=True, limited=True, unavailable="The vote could not be stored."
        ),
    )
    def feedback(body: FeedbackRequest) -> dict:
        entry = service.vote(body.model_dump())
        return {"ok": True, "time": entry["time"]}

    @router.post(
        "/admin/reindex",
        dependencies=[Depends(admin)],
        summary="Rebuild the index",
        responses=error_responses(
            admin=True, limited=True, unavailable="The corpus or the index is unavailable."
        ),
    )
    def reindex() -> dict:
        return service.reindex()

    @router.get(
        "/admin/feedback",
        dependencies=[Depends(admin)],
        summary="Export all votes",
        responses=error_responses(admin=True),
    )
    def feedback_export() -> dict:
        return {"entries": service.feedback.read()}

    return router


class NotHere:
    """JSON 405 (with ``Allow``) for a method a documented path does not answer; else 404.

    ``methods``: the methods of each documented path, whose ``{parameters}`` match any one
    path segment."""

    def __init__(self, methods: dict[str, set[str]]) -> None:
        self.methods = [(_template(path), allowed) for path, allowed in methods.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        allowed = set().union(*(a for pattern, a in self.methods if pattern.fullmatch(path)))
        if allowed:
            allow = {"Allow": ", ".join(sorted(allowed))}
            message = f"{method} is not allowed on {path}"
            response = error_response(405, "method_not_allowed", message, allow)
        else:
            response = error_response(404, "not_found", "no such endpoint")
        await response(scope, receive, send)


def _template(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]*\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def static_router(methods: dict[str, set[str]]) -> APIRouter:
    """The widget, the compact chat page, and JSON 404/405 for unknown API paths and methods
    (``methods``: the methods of each documented path)."""
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

    @router.get("/admin")
    def admin_page() -> Response:
        return Response((static / "admin.html").read_bytes(), media_type="text/html")

    @router.get("/admin.js")
    def admin_script() -> Response:
        return Response(
            (static / "admin.js").read_bytes(), media_type="text/javascript; charset=utf-8"
        )

    # An ASGI app, not a function: a Starlette route to a function answers only GET and HEAD,
    # one to an app every method (OPTIONS, TRACE, ...), so none of them reaches the chat
    # page mounted at ``/``.
    for prefix in ("/api", "/v1"):
        router.add_route(prefix + "/{rest:path}", NotHere(methods), include_in_schema=False)
    return router
