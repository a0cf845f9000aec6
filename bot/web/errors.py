"""Every HTTP error as JSON ``{"error": {"code", "message"}}``; never a traceback."""

from __future__ import annotations

import email.message
import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bot.errors import ServerBusy, ZhenError
from bot.web.feedback import FeedbackError

log = logging.getLogger(__name__)

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """An HTTP error with its own code, e.g. a refused upload (413 ``file_too_large``)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, headers=None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def json_body(request: Request) -> None:
    """A route dependency: bodies must be JSON (``application/json`` or ``…+json``, as
    FastAPI parses them), else 415."""
    header = email.message.Message()
    header["content-type"] = request.headers.get("content-type", "")
    subtype = header.get_content_subtype()
    if header.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        raise HTTPException(415, "the body must be JSON (Content-Type: application/json)")


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

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

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
