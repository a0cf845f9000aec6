"""The web server: one FastAPI application with the REST API, the OpenAI-compatible API,
the embeddable widget and the Gradio chat page mounted at ``/``.

``create_app`` builds it around an already loaded ``Zhen``; running it (uvicorn) is the CLI's job.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from bot.engine import Zhen
from bot.settings import Settings
from bot.web.documents import documents_router
from bot.web.errors import install_error_handlers
from bot.web.feedback import open_feedback
from bot.web.openai import openai_router
from bot.web.openapi import DESCRIPTION, install_openapi
from bot.web.routes import api_router, static_router
from bot.web.security import Exposure, SecurityMiddleware
from bot.web.service import Service
from bot.web.upload import max_upload_bytes


def create_app(zhen: Zhen, settings: Settings, *, ui: bool = True) -> FastAPI:
    """The whole web application around a loaded ``zhen`` (``ui=False``: API and widget only).

    The service raises ``zhen``'s own question-length limit to what NFC normalisation can
    reach, as the API measures questions before normalising them (``Service.check``)."""
    service = Service(zhen, settings, open_feedback(settings.feedback_path, settings.feedback_url))
    app = FastAPI(
        title="zhen",
        summary="Bilingual (Chinese ⇄ English) answers with citations",
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.service = service
    install_error_handlers(app)
    install_openapi(app, settings)
    routers = [api_router(service), documents_router(service), openai_router(service)]
    for router in routers:
        app.include_router(router)
    app.include_router(static_router(documented_methods(routers)))
    app.add_middleware(SecurityMiddleware, exposure=Exposure(settings, max_upload_bytes(settings)))
    if ui:
        import gradio as gr

        from bot.web.ui import build_ui, ui_options

        blocks = build_ui(zhen, settings, vote=service.vote, stream=service.stream)
        app = gr.mount_gradio_app(app, blocks, path="/", **ui_options())
    return app


def documented_methods(routers: list[APIRouter]) -> dict[str, set[str]]:
    """The methods of each path the routers serve."""
    methods: dict[str, set[str]] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                methods.setdefault(route.path, set()).update(route.methods)
    return methods


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
