"""HTTP exposure rules for every request: body size, allowed origins (CORS), rate limits and
security headers, as one ASGI middleware in front of the API, the widget and the Gradio page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings
from bot.web.ratelimit import RateLimiter

MAX_BODY_BYTES = 64 * 1024
UPLOAD_PATH = "/api/documents"  # POST: multipart uploads, with a limit of their own
Scope = MutableMapping[str, Any]
ASGIMessage = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[ASGIMessage]]
Send = Callable[[ASGIMessage], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# POSTs that ask questions or store votes; rate-limited per client.
LIMITED_PREFIXES = (
    "/api/",
    "/v1/",
    "/gradio_api/queue/join",
    "/gradio_api/run/",
    "/gradio_api/call/",
    "/gradio_api/api/",
)
# Strict policy for zhen's own compact chat page: only zhen's own scripts.
EMBED_CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
STRICT_PAGES = ("/embed", "/admin")


def error_body(code: str, message: str) -> bytes:
    """The JSON error object every HTTP error uses: ``{"error": {"code", "message"}}``."""
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


log = logging.getLogger(__name__)


BURST = 10  # requests a client may send at once before the per-minute rate applies


class BodyTooLarge(Exception):
    """The request body went past its limit while it was being read."""


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased (the form browsers send in ``Origin``)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Exposure:
    """Who may call zhen from a browser, and how often."""

    def __init__(
        self,
        settings: Settings,
        upload_bytes: int = MAX_BODY_BYTES,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.allowed = {o.lower().rstrip("/") for o in settings.allowed_origins}
        self.upload_bytes = upload_bytes
        self.limiter = limiter or RateLimiter(
            settings.rate_limit,
            burst=min(settings.rate_limit, BURST),
            storage=settings.rate_limit_storage,
        )

    def origin_allowed(self, origin: str, own_origin: str) -> bool:
        origin = origin.lower().rstrip("/")
        return origin == own_origin or "*" in self.allowed or origin in self.allowed

    def body_limit(self, method: str, path: str) -> int:
        """The most bytes a request body may have: uploads have their own limit."""
        if method == "POST" and path.rstrip("/") == UPLOAD_PATH:
            return self.upload_bytes
        return MAX_BODY_BYTES

    def frame_ancestors(self) -> str:
        if "*" in self.allowed:
            return "frame-ancestors *"
        return "frame-ancestors " + " ".join(["'self'", *sorted(self.allowed)])


class SecurityMiddleware:
    """Pure ASGI middleware (so streamed responses and streamed bodies are handled):

    - bodies over 64 KB (uploads: their own limit) → 413, checked on ``Content-Length`` and
      on the bytes actually read;
    - a browser ``Origin`` that is neither this server nor in ``allowed_origins`` → 403;
      allowed cross-origin requests get CORS headers, preflights are answered here;
    - POSTs that ask or vote are rate-limited per client IP → 429 with ``Retry-After``;
    - security headers on every response.
    """

    def __init__(self, app: ASGIApp, exposure: Exposure) -> None:
        self.app = app
        self.exposure = exposure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path: str = scope["path"]
        method: str = scope["method"]
        origin = headers.get("origin")
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        cors: list[tuple[bytes, bytes]] = []
        base = self._headers(path)  # on every response, refusals included
        if origin and origin != "null" and origin.lower() != own:
            if not self.exposure.origin_allowed(origin, own):
                await _reply(
                    send, 403, "origin_not_allowed", f"origin {origin} is not allowed", base
                )
                return
            cors = [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"vary", b"Origin"),
            ]
            if method == "OPTIONS" and "access-control-request-method" in headers:
                await _reply(send, 204, extra=[*cors, *_PREFLIGHT, *base])
                return
        elif origin == "null" and method != "GET":
            await _reply(send, 403, "origin_not_allowed", "origin null is not allowed", base)
            return
        length = headers.get("content-length")
        if length is not None and not (length.isascii() and length.isdigit()):
            await _reply(send, 400, "bad_request", "invalid Content-Length", [*cors, *base])
            return
        limit = self.exposure.body_limit(method, path)
        too_large = f"request body is over {size_text(limit)}"
        if length is not None and int(length) > limit:
            await _reply(send, 413, "body_too_large", too_large, [*cors, *base])
            return
        if method == "POST" and path.startswith(LIMITED_PREFIXES):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.exposure.limiter.check(client)
            if wait is not None:
                retry = str(max(1, int(wait + 0.999)))
                await _reply(
                    send,
                    429,
                    "rate_limited",
                    f"too many requests; retry in {retry} s",
                    [*cors, *base, (b"retry-after", retry.encode())],
                )
                return
        extra = [*cors, *base]
        started = False

        async def limited_receive() -> ASGIMessage:
            message = await receive()
            if message["type"] == "http.request":
                limited_receive.size += len(message.get("body", b""))  # type: ignore[attr-defined]
                if limited_receive.size > limit:  # type: ignore[attr-defined]
                    raise BodyTooLarge
            return message

        limited_receive.size = 0  # type: ignore[attr-defined]

        async def send_with_headers(message: ASGIMessage) -> None:
            nonlocal started
            if limited_receive.size > limit:  # type: ignore[attr-defined]
                # the app saw a broken body (FastAPI turns it into a 400): answer 413 instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _reply(send, 413, "body_too_large", too_large, extra)
                return
            if message["type"] == "http.response.start":
                started = True
                # No credentialed CORS: zhen uses no cookies, and a permissive allow-list
                # must not become credentialed access (Gradio adds this header itself).
                own = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"access-control-allow-credentials"
                ]
                names = {k.lower() for k, _ in own}
                message["headers"] = [
                    *own,
                    *((k, v) for k, v in extra if k not in names or k == b"vary"),
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, "body_too_large", too_large, extra)
        except Exception:  # never a traceback, and the same headers as any other response
            log.exception("unhandled error on %s", path)
            if not started:
                await _reply(send, 500, "internal", "internal error", extra)

    def _headers(self, path: str) -> list[tuple[bytes, bytes]]:
        ancestors = self.exposure.frame_ancestors()
        page = path.rstrip("/")
        if page == "/admin":  # never framed: no clickjacking of the admin page
            ancestors = "frame-ancestors 'none'"
        csp = f"{EMBED_CSP}; {ancestors}" if page in STRICT_PAGES else ancestors
        return [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"content-security-policy", csp.encode()),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]


_PREFLIGHT = [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Content-Type"),
    (b"access-control-max-age", b"600"),
]


async def _reply(
    send: Send,
    status: int,
    code: str | None = None,
    message: str = "",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = error_body(code, message) if code else b""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
