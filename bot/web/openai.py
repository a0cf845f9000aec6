"""``POST /v1/chat/completions``: the OpenAI chat-completions protocol over zhen's answers.

The last user message is the question, earlier user/assistant messages are the history
(system messages are ignored: zhen answers from the article only). Citations travel in an
extra ``citations`` field of the response, or of the final chunk when streaming.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from bot.errors import InvalidQuestion
from bot.web.errors import zhen_error_body
from bot.web.models import MAX_MESSAGE_CHARS, ChatRequest, Turn
from bot.web.service import Service


def _split(body: ChatRequest) -> tuple[str, list[Turn]]:
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise InvalidQuestion("empty_question")
    try:
        history = [Turn(role=m.role, content=m.text()) for m in turns[:-1]]
    except ValidationError:
        raise InvalidQuestion("history_message_too_long", limit=MAX_MESSAGE_CHARS) from None
    return turns[-1].text(), history


def _model(service: Service, body: ChatRequest) -> str:
    return body.model or f"zhen-{service.settings.generator}"


def openai_router(service: Service) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])

    @router.get("/models", summary="The one model zhen serves")
    def models() -> dict:
        name = f"zhen-{service.settings.generator}"
        return {
            "object": "list",
            "data": [{"id": name, "object": "model", "created": 0, "owned_by": "zhen"}],
        }

    @router.post("/chat/completions", summary="OpenAI-compatible chat completion (+ citations)")
    def chat(body: ChatRequest, request: Request):
        question, history = _split(body)
        ident = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        model = _model(service, body)
        if not body.stream:
            result = service.ask(question, history)
            return {
                "id": ident,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": result.answer},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "citations": [c.to_dict() for c in result.citations],
                "grounded": result.grounded,
                "language": result.language,
            }
        pieces = service.stream(question, history)

        def chunk(delta: dict, finish: str | None = None, **extra: object) -> str:
            data = {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        def events() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            try:
                for item in pieces:
                    if isinstance(item, str):
                        yield chunk({"content": item})
                    else:
                        yield chunk(
                            {},
                            "stop",
                            citations=[c.to_dict() for c in item.citations],
                            grounded=item.grounded,
                            language=item.language,
                        )
            except Exception as exc:
                yield f"data: {json.dumps(zhen_error_body(exc), ensure_ascii=False)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    return router
