"""``POST /v1/chat/completions``: the OpenAI chat-completions protocol over zhen's answers.

The last user message is the question, earlier user/assistant messages are the history,
later ones are ignored (system messages too: zhen answers from the article only). Citations
travel in an extra ``citations`` field of the response, or of the final chunk when streaming.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response, StreamingResponse

from bot.answering.question import has_control_characters
from bot.errors import InvalidQuestion
from bot.web.errors import json_body, zhen_error_body
from bot.web.models import (
    AssistantMessage,
    ChatRequest,
    Turn,
    UserMessage,
)
from bot.web.openapi import answering_errors, error_responses, event_stream
from bot.web.service import Service


def _conversation(service: Service, body: ChatRequest) -> tuple[str, list[Turn]]:
    """The question (the last user message) and the history before it. Every user message
    is held to the question rules and every assistant message to the history rules, as the
    schema says; only the last 2 × ``max_history_turns`` history messages are kept, and
    messages after the question are ignored (zhen cannot continue an assistant message)."""
    turns = [m for m in body.messages if isinstance(m, UserMessage | AssistantMessage)]
    users = [i for i, m in enumerate(turns) if isinstance(m, UserMessage)]
    if not users:
        raise InvalidQuestion("empty_question")
    _, language = service.check(turns[users[-1]].text())
    for message in turns:
        if isinstance(message, UserMessage):
            service.check(message.text())
        elif has_control_characters(message.text()):
            raise InvalidQuestion("control_characters", language)
    keep = 2 * service.settings.max_history_turns
    earlier = turns[: users[-1]]
    # Built without validation: each part was checked, and joined parts may exceed one
    # part's limit (the 64 KB body limit bounds them).
    history = [
        Turn.model_construct(role=m.role, content=m.text())
        for m in earlier[max(0, len(earlier) - keep) :]
    ]
    return turns[users[-1]].text(), history


def _model(service: Service, body: ChatRequest) -> str:
    return body.model or f"zhen-{service.settings.generator}"


_COMPLETION = event_stream(
    "A `chat.completion` object, or with `stream: true` server-sent `chat.completion.chunk` "
    "objects (`data: {...}`), the last with `citations`, then `data: [DONE]`."
)
_COMPLETION["content"]["application/json"] = {"schema": {"type": "object"}}


def openai_router(service: Service) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])
    answering = answering_errors()

    @router.get("/models", summary="The one model zhen serves", responses=error_responses())
    def models() -> dict:
        name = f"zhen-{service.settings.generator}"
        return {
            "object": "list",
            "data": [{"id": name, "object": "model", "created": 0, "owned_by": "zhen"}],
        }

    @router.post(
        "/chat/completions",
        summary="OpenAI-compatible chat completion (+ citations)",
        dependencies=[Depends(json_body)],
        responses={200: _COMPLETION, **answering},
    )
    def chat(body: ChatRequest) -> Response:
        question, history = _conversation(service, body)
        ident = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        model = _model(service, body)
        if not body.stream:
            result = service.ask(question, history, documents=body.documents)
            return JSONResponse(
                {
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
            )
        pieces = service.stream(question, history, documents=body.documents)

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
