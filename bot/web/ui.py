"""The Gradio chat page: streamed answers, numbered expandable sources, votes."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterator

import gradio as gr

from bot.answering.answer import Answer, Citation
from bot.answering.conversation import Message
from bot.engine import Zhen
from bot.errors import ZhenError
from bot.settings import Settings
from bot.web.feedback import FeedbackError, open_feedback

log = logging.getLogger(__name__)
Stream = Callable[..., Iterator["str | Answer"]]  # (question, history=...) -> pieces, Answer
INTERNAL_ERROR = "Sorry, something went wrong; please try again. · 抱歉，出了点问题，请重试。"
EXAMPLES = [
    "How many pairs of friendship cities have China and Japan established?",
    "天津和神户什么时候结为友好城市？",
    "中日韓友好城市交流大會舉辦了幾屆？",
    "What is MIJBC?",
]
LANGUAGE_LABELS = {"zh": "中文 Chinese", "en": "English 英文"}
CSS = """
#zhen-chat mark { background: #fde68a; color: inherit; padding: 0 1px; }
#zhen-chat details.zhen-source { margin: .35em 0; border-left: 3px solid #94a3b8;
  padding-left: .6em; }
#zhen-chat details.zhen-source summary { cursor: pointer; font-weight: 600; }
#zhen-chat .zhen-lang { font-size: .8em; color: #64748b; text-transform: uppercase; }
"""
HEADER = """## zhen · 真
Ask about the article in English or Chinese (simplified or traditional); every answer cites its
sources. 用中文（简体或繁體）或英文提问；每个回答都注明出处。"""


def ui_options() -> dict:
    """Page-level options for ``gr.mount_gradio_app`` (Gradio 6 takes them there):
    system fonts only, so the page makes no request outside this server."""
    theme = gr.themes.Soft(
        font=["system-ui", "Noto Sans CJK SC", "sans-serif"], font_mono=["monospace"]
    )
    return {
        "css": CSS,
        "theme": theme,
        "ssr_mode": False,
        "footer_links": ["api"],
        "show_error": False,
    }


def _highlighted(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        start = max(start, last)
        if end <= start:
            continue
        out += [html.escape(text[last:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def source_label(c: Citation) -> str:
    """Where a citation comes from, for people: "Title · p. 3" (no page: just the title)."""
    where = c.doc_title or c.doc_id or c.passage_id
    return f"{where} · p. {c.page}" if c.page else where


def citation_html(c: Citation) -> str:
    """One numbered source: the passage (quoted sentence highlighted) and its translation."""
    other = "en" if c.lang == "zh" else "zh"
    parts = [
        f'<details class="zhen-source"><summary>[{c.n}] {html.escape(source_label(c))}</summary>',
        f'<div><span class="zhen-lang">{LANGUAGE_LABELS.get(c.lang, c.lang)}</span><br>'
        f"{_highlighted(c.text, c.highlight)}</div>",
    ]
    if c.translation:
        parts.append(
            f'<div><span class="zhen-lang">{LANGUAGE_LABELS[other]} · translation 译文</span>'
            f"<br>{html.escape(c.translation)}</div>"
        )
    parts.append("</details>")
    return "".join(parts)


def answer_html(result: Answer) -> str:
    body = html.escape(result.answer)
    if not result.citations:
        return body
    sources = "\n".join(citation_html(c) for c in result.citations)
    return f"{body}\n\n**Sources · 出处**\n\n{sources}\n"


def chat_turn(
    stream: Stream, settings: Settings, question: str, chat: list, records: list
) -> Iterator[tuple[list, str, list]]:
    """One turn of the chat page: yields (messages, cleared textbox, records) as it streams.

    ``records`` runs parallel to the messages: the answer record for each assistant message.
    """
    chat, records = list(chat or []), list(records or [])
    history: list[Message] = []
    for record in [r for r in records if r][-settings.max_history_turns :]:
        history += [
            Message(role="user", content=record["question"]),
            Message(role="assistant", content=record["answer"]),
        ]
    chat += [{"role": "user", "content": html.escape(question or "")}]
    chat += [{"role": "assistant", "content": "…"}]
    records += [None, None]
    yield chat, "", records
    text = ""
    try:
        for item in stream(question or "", history=history):
            if isinstance(item, str):
                text += item
                chat[-1] = {"role": "assistant", "content": html.escape(text)}
            else:
                chat[-1] = {"role": "assistant", "content": answer_html(item)}
                records[-1] = {
                    "question": item.question,
                    "answer": item.answer,
                    "citations": [c.passage_id for c in item.citations],
                }
            yield chat, "", records
    except ZhenError as exc:
        chat[-1] = {"role": "assistant", "content": html.escape(exc.text)}
        yield chat, "", records
    except Exception:  # never a traceback on the page
        log.exception("answer failed")
        chat[-1] = {"role": "assistant", "content": INTERNAL_ERROR}
        yield chat, "", records


def record_vote(vote: Callable[[dict], dict], records: list, index: int, liked: bool) -> bool:
    """Store a thumbs up/down for the answer at message ``index``; False if it failed."""
    record = records[index] if records and 0 <= index < len(records) else None
    if record is None:
        return True  # not an answer (a greeting or an error): nothing to store
    try:
        vote({**record, "vote": "up" if liked else "down", "source": "page"})
    except FeedbackError:
        return False
    return True


def build_ui(
    zhen: Zhen,
    settings: Settings,
    vote: Callable[[dict], dict] | None = None,
    stream: Stream | None = None,
) -> gr.Blocks:
    """The chat page. ``stream`` answers (default ``zhen.stream``; the server passes its own,
    which bounds concurrency and records faults); ``vote`` stores a thumbs up/down
    (default: the feedback log)."""
    vote = vote or open_feedback(settings.feedback_path, settings.feedback_url).append

    def respond(question: str, chat: list, records: list) -> Iterator[tuple]:
        yield from chat_turn(stream or zhen.stream, settings, question, chat, records)

    def on_like(records: list, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        if not record_vote(vote, records, index, bool(data.liked)):
            gr.Warning("Feedback could not be saved · 反馈未能保存")

    with gr.Blocks(title="zhen · 真", analytics_enabled=False) as demo:
        gr.Markdown(HEADER)
        chatbot = gr.Chatbot(
            label="zhen", elem_id="zhen-chat", height=520, feedback_options=("Like", "Dislike")
        )
        records = gr.State([])
        with gr.Row():
            box = gr.Textbox(
                placeholder="Ask a question · 请输入问题",
                show_label=False,
                scale=6,
                elem_id="zhen-question",
                max_length=settings.max_question_chars,
            )
            send = gr.Button("Ask · 提问", variant="primary", scale=1, elem_id="zhen-send")
        clear = gr.Button("Clear chat · 清空对话", elem_id="zhen-clear")
        gr.Examples(EXAMPLES, inputs=box, label="Examples · 示例")

        for event in (box.submit, send.click):
            event(respond, [box, chatbot, records], [chatbot, box, records], concurrency_limit=8)
        clear.click(lambda: ([], "", []), None, [chatbot, box, records], queue=False)
        chatbot.like(on_like, [records], None, queue=False)
    return demo
