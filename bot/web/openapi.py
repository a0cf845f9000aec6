"""What the OpenAPI document says beyond the routes themselves: every error each endpoint can
answer, the streaming media type, and the limits of the running server's settings."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI

from bot.settings import Settings
from bot.web.models import ErrorResponse
from bot.web.security import MAX_BODY_BYTES

Responses = dict[int | str, dict[str, Any]]

DESCRIPTION = f"""Answers questions about the loaded articles, in English or Chinese, with citations.

Every error is JSON `{{"error": {{"code", "message"}}}}`, never a traceback; refusals of a
question are worded in the question's language. Request bodies are JSON (`Content-Type:
application/json`, else 415) of at most {MAX_BODY_BYTES // 1024} KB ({MAX_BODY_BYTES} bytes), except
uploads (`POST /api/documents`: multipart/form-data, `ZHEN_MAX_UPLOAD_MB` per file). POST requests
under `/api/` and `/v1/` are rate-limited per client (`ZHEN_RATE_LIMIT` per minute, 429 with
`Retry-After`). A browser `Origin` that is neither this server nor in `ZHEN_ALLOWED_ORIGINS` is
refused with 403. Methods not listed for a path get 405 with `Allow`.
"""

_RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "minimum": 1},
}


def _error(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"model": ErrorResponse, "description": description}
    if headers:
        entry["headers"] = {name.replace("_", "-"): spec for name, spec in headers.items()}
    return entry


def _required(description: str) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {"type": "string"}}


def event_stream(description: str, events: list[str] | None = None) -> dict[str, Any]:
    """A 200 response of server-sent events named ``events`` (``None``: unnamed, that is
    ``message``). The schema is one event's, as OpenAPI 3.2's ``itemSchema`` (which tools
    read from ``schema`` in 3.1)."""
    name = {"enum": events} if events else {"const": "message"}
    event = {
        "type": "object",
        "required": ["data", *(["event"] if events else [])],
        "properties": {"event": {"type": "string", **name}, "data": {"type": "string"}},
    }
    return {"description": description, "content": {"text/event-stream": {"schema": event}}}


def error_responses(
    *,
    body: bool = False,
    limited: bool = False,
    admin: bool = False,
    unavailable: str | None = None,
    missing: str | None = None,
    invalid: str | None = None,
) -> Responses:
    """The errors an endpoint can answer: ``body`` (takes a JSON body), ``limited`` (rate
    limited), ``admin`` (needs the admin token), ``unavailable`` (why it can answer 503),
    ``missing`` (why it can answer 404), ``invalid`` (why it can answer 422 when it takes no
    body: its parameters)."""
    bad = "invalid `Content-Length`"
    if body:
        bad = f"malformed JSON, a body that is not UTF-8, or an {bad}"
    forbidden = "a browser `Origin` that is neither this server nor allowed"
    if admin:
        forbidden = f"admin endpoints disabled (no `ZHEN_ADMIN_TOKEN` set), or {forbidden}"
    out: Responses = {
        400: _error(f"Bad request: {bad}."),
        403: _error(f"Forbidden: {forbidden}."),
        405: _error(
            "Method not allowed: this path answers only the methods documented for it.",
            Allow=_required("The methods this path answers."),
        ),
        413: _error(f"The request body is over {MAX_BODY_BYTES // 1024} KB."),
        500: _error("Internal error (details in the server log only)."),
    }
    if admin:
        out[401] = _error(
            "The admin token is missing or wrong.",
            WWW_Authenticate=_required("`Bearer`."),
        )
    if body:
        out[415] = _error("The body is not `application/json`.")
        out[422] = _error(
            "The body breaks a rule of the request schema (e.g. an empty, over-long or "
            "control-character question; too long a history; wrong types; unknown fields)."
        )
    if limited:
        out[429] = _error(
            "Too many requests from this client.",
            Retry_After={**_RETRY_AFTER, "required": True},
        )
    if unavailable:
        out[503] = _error(unavailable, Retry_After=_RETRY_AFTER)
    if missing:
        out[404] = _error(missing)
    if invalid:
        out[422] = _error(invalid)
    return out


def conflict(why: str) -> dict[str, Any]:
    """A documented 409: ``why`` the request cannot be done in the server's current state."""
    return _error(f"Conflict: {why[0].upper()}{why[1:]}.")


def upload_errors(max_file_bytes: int) -> Responses:
    """The errors of ``POST /api/documents`` (``max_file_bytes``: the per-file limit)."""
    size = f"{max_file_bytes / 1024 / 1024:g} MB"
    out = error_responses(
        admin=True,
        limited=True,
        unavailable="The index or the embedding model is unavailable.",
    )
    out[400] = _error("Bad request: a malformed multipart body, or an invalid `Content-Length`.")
    out[413] = _error(f"A file is over {size} (`ZHEN_MAX_UPLOAD_MB`), or the body over two such.")
    out[415] = _error(
        "The body is not multipart/form-data (`unsupported_media_type`), or a file's type, "
        "judged from its bytes, is not supported or not the one its name says "
        "(`unsupported_file`)."
    )
    out[422] = _error(
        "A file name that is not a plain, visible base name (`invalid_file_name`); a part "
        "that is not a `files` file (`invalid_upload`); no file (`no_file`); more than two "
        "(`too_many_files`); two files that are not NAME.zh.EXT + NAME.en.EXT (`not_a_pair`); "
        "an empty file (`empty_file`); a file that cannot be read: damaged, too many pages, "
        "nested too deeply, a zip bomb, no text (`unreadable_file`)."
    )
    return out


def upload_body(field: str, max_files: int, max_size: str) -> dict[str, Any]:
    """The multipart request body of ``POST /api/documents`` (parsed by the route itself)."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [field],
                    "additionalProperties": False,
                    "properties": {
                        field: {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": max_files,
                            "items": {"type": "string", "format": "binary"},
                            "description": (
                                "One file, or the Chinese and English versions of one document "
                                f"(`NAME.zh.EXT` + `NAME.en.EXT`), each at most {max_size}: PDF, "
                                "DOCX, HTML, Markdown or UTF-8 text, judged by its bytes. The "
                                "file name (a plain base name, not hidden) gives the document "
                                "id; a document with that id is replaced."
                            ),
                        }
                    },
                }
            }
        },
    }


def answering_errors() -> Responses:
    """The errors of the endpoints that answer questions."""
    return error_responses(
        body=True,
        limited=True,
        unavailable="Every answering slot stayed busy (with `Retry-After`), or the index or "
        "a model is unavailable.",
    )


def settings_values(settings: Settings) -> dict[str, int]:
    """The values that ``x-settings`` markers in the request models stand for."""
    return {
        "max_question_chars": settings.max_question_chars,
        "max_history_messages": 2 * settings.max_history_turns,
    }


def apply_settings(node: Any, values: dict[str, int]) -> None:
    """Replace every ``x-settings`` marker (``{keyword: setting}``) by the setting's value."""
    if isinstance(node, dict):
        for keyword, name in node.pop("x-settings", {}).items():
            node[keyword] = values[name]
        for child in node.values():
            apply_settings(child, values)
    elif isinstance(node, list):
        for child in node:
            apply_settings(child, values)


def install_openapi(app: FastAPI, settings: Settings) -> None:
    """Serve an OpenAPI document with the limits of ``settings`` filled in."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            # a copy: pydantic may share the dicts of its schemas between applications
            schema = copy.deepcopy(generate())
            apply_settings(schema, settings_values(settings))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
