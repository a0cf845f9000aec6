"""The web server: one FastAPI application with the REST API, the OpenAI-compatible API,
the embeddable widget and the Gradio chat page mounted at ``/``.

``create_app`` builds it around an already loaded ``Zhen``; running it (uvicorn) is the CLI's job.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from bot.answer import Answer, check_question
from bot.api_models import AskRequest, FeedbackRequest, checked_history
from bot.engine import Zhen, build_index
from bot.errors import ServerBusy, ZhenError
from bot.extractive import SentenceScorer
from bot.feedback import FeedbackError, FeedbackLog
from bot.generate import Message
from bot.messages import message
from bot.outline import Outline
from bot.retrieve import Retriever
from bot.security import Exposure, SecurityMiddleware
from bot.settings import Settings
from bot.slots import FairSlots

log = logging.getLogger(__name__)

SLOT_WAIT_SECONDS = 20.0  # longest a request waits for an answering slot before a 503
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


class Faults:
    """What is currently wrong (shown by ``/api/health``); thread-safe."""

    def __init__(self) -> None:
        self._faults: dict[str, str] = {}
        self._lock = threading.Lock()

    def record(self, name: str, message: str) -> None:
        with self._lock:
            self._faults[name] = message

    def clear(self, name: str) -> None:
        with self._lock:
            self._faults.pop(name, None)

    def items(self) -> dict[str, str]:
        with self._lock:
            return dict(self._faults)


@dataclass
class Service:
    """What every endpoint shares: the loaded zhen, the settings and the feedback log."""

    zhen: Zhen
    settings: Settings
    feedback: FeedbackLog
    faults: Faults = field(default_factory=Faults)
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)
    # Answering is CPU-bound: running more at once than there are cores only adds thrashing.
    slots: int = field(default_factory=lambda: os.cpu_count() or 2)
    busy: FairSlots = field(init=False)

    def __post_init__(self) -> None:
        self.busy = FairSlots(self.slots)

    @contextmanager
    def slot(self, language: str):
        """One answering slot; ``ServerBusy`` (503) rather than tying up a worker thread
        indefinitely when every slot stays taken."""
        if not self.busy.acquire(timeout=SLOT_WAIT_SECONDS):
            raise ServerBusy(language)
        try:
            yield
        finally:
            self.busy.release()

    def prepare(self, question: str, history) -> tuple[str, str, list[Message]]:
        """Validate a question and its history (raises ``InvalidQuestion``, in its language):
        the question, its language and the history turns."""
        text, language = check_question(question, self.settings.max_question_chars)
        return text, language, checked_history(history, self.settings.max_history_turns, language)

    @contextmanager
    def answering(self):
        """Unexpected failures while answering become the ``answer`` health fault (details
        in the log); a success clears it."""
        try:
            yield
        except ZhenError:
            raise
        except Exception:
            log.exception("answering failed")
            self.faults.record("answer", "answering failed (details in the server log)")
            raise
        self.faults.clear("answer")

    def ask(self, question: str, history, k: int | None = None) -> Answer:
        text, language, turns = self.prepare(question, history)
        with self.answering(), self.slot(language):
            result = self.zhen.ask(text, k=k, history=turns)
        self._watch_generator(result)
        return result

    def _watch_generator(self, result: Answer) -> None:
        """A language model that fails or times out is a fault (answers fall back to quotes);
        a generated answer shows it works again."""
        if result.mode == "generated":
            self.faults.clear("generator")
        elif result.mode == "fallback" and result.note == message(
            "generation_failed", result.language
        ):
            self.faults.record("generator", "the language model failed or timed out; quoting")

    def stream(self, question: str, history=None, k: int | None = None) -> Iterator[str | Answer]:
        """Validates first (so bad input fails before any event), then streams."""
        text, language, turns = self.prepare(question, history)

        def pieces() -> Iterator[str | Answer]:
            with self.answering():
                stream = self.zhen.stream(text, k=k, history=turns)
                with self.slot(language):  # retrieval happens on the first step
                    first = next(stream, None)
                if first is not None:
                    yield first
                    for item in stream:
                        if isinstance(item, Answer):
                            self._watch_generator(item)
                        yield item

        return pieces()

    def vote(self, record: dict) -> dict:
        try:
            entry = self.feedback.append(record)
        except FeedbackError as exc:
            log.error("%s", exc)
            self.faults.record("feedback", "the feedback log cannot be written")
            raise
        self.faults.clear("feedback")
        return entry

    def health(self) -> dict:
        faults = self.faults.items()
        missing = [p for p in self.settings.corpus if not p.exists()]
        if missing:  # no paths: health is public
            faults["corpus"] = f"{len(missing)} corpus file(s) missing"
        manifest = self.zhen.index.manifest
        return {
            "status": "degraded" if faults else "ok",
            "index_loaded": True,
            "corpus_hash": manifest.get("corpus", {}).get("hash"),
            "chunks": len(self.zhen.index.chunks),
            "embedder": self.zhen.embedder.id,
            "generator": getattr(self.zhen.generator, "id", self.settings.generator),
            "faults": faults,
        }

    def reindex(self) -> dict:
        """Rebuild the index and swap it in while no answer is being computed."""
        zhen = self.zhen
        with self.reindex_lock:
            started = time.perf_counter()
            built = build_index(self.settings, zhen.embedder)
            retriever, scorer = Retriever(built, zhen.embedder), SentenceScorer(built)
            for _ in range(self.slots):  # wait until no answer is being computed
                self.busy.acquire()
            try:
                vars(zhen).update(
                    index=built, retriever=retriever, scorer=scorer, outline=Outline.of(built)
                )
            finally:
                for _ in range(self.slots):
                    self.busy.release()
        return {"counts": built.manifest["counts"], "seconds": time.perf_counter() - started}


def error_response(status: int, code: str, message: str, headers=None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def zhen_error_body(exc: Exception) -> dict:
    if isinstance(exc, ZhenError):
        code = getattr(exc, "key", None) or _snake(type(exc).__name__)
        return {"error": {"code": code, "message": exc.text}}
    return {"error": {"code": "internal", "message": "internal error"}}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def install_error_handlers(app: FastAPI) -> None:
    """Every error is a JSON ``{"error": {"code", "message"}}``; never a traceback."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "invalid_json", "the body is not valid JSON")
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        return error_response(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(ZhenError)
    async def zhen_error(request: Request, exc: ZhenError) -> JSONResponse:
        headers = {"Retry-After": "5"} if isinstance(exc, ServerBusy) else None
        return JSONResponse(zhen_error_body(exc), status_code=exc.status, headers=headers)

    @app.exception_handler(FeedbackError)
    async def feedback_error(request: Request, exc: FeedbackError) -> JSONResponse:
        return error_response(503, "feedback_unavailable", "feedback could not be stored")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 400 and "parsing the body" in message:  # e.g. invalid UTF-8
            code, message = "invalid_json", "the body is not valid UTF-8 JSON"
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return error_response(500, "internal", "internal error")


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
    static = resources.files("bot") / "static"

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


def create_app(zhen: Zhen, settings: Settings, *, ui: bool = True) -> FastAPI:
    """The whole web application around a loaded ``zhen`` (``ui=False``: API and widget only)."""
    from bot.api_openai import openai_router

    service = Service(zhen, settings, FeedbackLog(settings.feedback_path))
    app = FastAPI(
        title="zhen",
        summary="Bilingual (Chinese ⇄ English) answers with citations",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.service = service
    install_error_handlers(app)
    routers = [api_router(service), openai_router(service)]
    for router in routers:
        app.include_router(router)
    app.include_router(static_router({r.path for router in routers for r in router.routes}))
    app.add_middleware(SecurityMiddleware, exposure=Exposure(settings))
    if ui:
        import gradio as gr

        from bot.ui import build_ui, ui_options

        blocks = build_ui(zhen, settings, vote=service.vote, stream=service.stream)
        app = gr.mount_gradio_app(app, blocks, path="/", **ui_options())
    return app


def server_config(app: FastAPI, settings: Settings):
    """How ``zhen serve`` runs ``app``: on SIGINT/SIGTERM uvicorn stops accepting connections
    and lets in-flight requests finish (up to 15 s)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=os.environ.get("ZHEN_LOG_LEVEL", "warning"),
        timeout_graceful_shutdown=15,
    )
