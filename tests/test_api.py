"""The HTTP API over the fake embedder: every endpoint, streaming, bad input, exposure rules."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from fastapi.testclient import TestClient

from bot.web.app import create_app
from bot.web.security import MAX_BODY_BYTES
from bot.web.ui import citation_html
from tests.conftest import ARTICLE, ROOT, free_port

EN = "How many pairs of friendship cities have China and Japan established?"
ZH = "中日韩友好城市交流大会举办了几届？"


def make_client(zhen, **changes) -> TestClient:
    settings = zhen.settings.replace(**changes)
    zhen.settings = settings
    return TestClient(create_app(zhen, settings, ui=False), raise_server_exceptions=False)


@pytest.fixture
def client(fake_zhen) -> TestClient:
    return make_client(fake_zhen, rate_limit=0)


def without_timings(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "timings_ms"}


def events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines.get("event", "message"), json.loads(lines["data"])))
    return out


def test_ask_returns_the_same_object_as_the_cli_json(client, fake_zhen):
    res = client.post("/api/ask", json={"question": EN})
    assert res.status_code == 200
    expected = fake_zhen.ask(EN).to_dict()
    assert without_timings(res.json()) == without_timings(expected)
    assert set(res.json()["timings_ms"]) >= {"retrieve", "total"}


def test_ask_accepts_history_and_k(client):
    body = {
        "question": ZH,
        "k": 3,
        "history": [{"role": "user", "content": EN}, {"role": "assistant", "content": "250 [1]"}],
    }
    res = client.post("/api/ask", json=body)
    assert res.status_code == 200 and res.json()["language"] == "zh-Hans"


def test_stream_sends_tokens_then_the_full_answer(client, fake_zhen):
    res = client.post("/api/ask/stream", json={"question": EN})
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/event-stream")
    got = events(res.text)
    tokens = [data["text"] for name, data in got if name == "token"]
    assert len(tokens) > 1
    name, final = got[-1]
    assert name == "answer"
    assert "".join(tokens) == final["answer"]
    assert without_timings(final) == without_timings(fake_zhen.ask(EN).to_dict())


def test_stream_rejects_a_bad_question_before_streaming(client):
    res = client.post("/api/ask/stream", json={"question": "  "})
    assert res.status_code == 422
    assert res.json()["error"]["code"] == "empty_question"


def test_stream_failure_midway_is_an_error_event_and_a_health_fault(client, fake_zhen):
    def broken(question, **kwargs):
        yield "partial "
        raise RuntimeError("backend fell over")

    fake_zhen.stream = broken
    got = events(client.post("/api/ask/stream", json={"question": EN}).text)
    assert got[0] == ("token", {"text": "partial "})
    assert got[-1][0] == "error" and got[-1][1]["error"]["code"] == "internal"
    health = client.get("/api/health").json()
    assert health["status"] == "degraded" and "answer" in health["faults"]
    assert "backend fell over" not in json.dumps(health)  # health is public: no internals


def test_openai_chat_completion_answers_the_last_user_message(client, fake_zhen):
    body = {
        "model": "zhen",
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "What is MIJBC?"},
            {"role": "assistant", "content": "..."},
            {"role": "user", "content": [{"type": "text", "text": EN}]},
        ],
    }
    res = client.post("/v1/chat/completions", json=body)
    assert res.status_code == 200
    data = res.json()
    expected = fake_zhen.ask(EN)
    assert data["object"] == "chat.completion"
    assert data["choices"][0]["message"] == {"role": "assistant", "content": expected.answer}
    assert [c["passage_id"] for c in data["citations"]] == [
        c.passage_id for c in expected.citations
    ]


def test_openai_streaming_sends_deltas_then_citations_then_done(client, fake_zhen):
    body = {"stream": True, "messages": [{"role": "user", "content": EN}]}
    res = client.post("/v1/chat/completions", json=body)
    blocks = [b.removeprefix("data: ") for b in res.text.strip().split("\n\n")]
    assert blocks[-1] == "[DONE]"
    chunks = [json.loads(b) for b in blocks[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    expected = fake_zhen.ask(EN)
    assert text == expected.answer
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert len(chunks[-1]["citations"]) == len(expected.citations)


def test_openai_answers_the_last_user_message_even_when_an_assistant_message_follows(
    client, fake_zhen
):
    body = {"messages": [{"role": "user", "content": EN}, {"role": "assistant", "content": "x"}]}
    res = client.post("/v1/chat/completions", json=body)
    assert res.status_code == 200
    assert res.json()["choices"][0]["message"]["content"] == fake_zhen.ask(EN).answer


def test_openai_refuses_a_conversation_without_a_user_message(client):
    body = {
        "messages": [{"role": "system", "content": "hi"}, {"role": "assistant", "content": "x"}]
    }
    res = client.post("/v1/chat/completions", json=body)
    assert res.status_code == 422 and res.json()["error"]["code"] == "empty_question"


def test_models_lists_zhen(client):
    assert client.get("/v1/models").json()["data"][0]["owned_by"] == "zhen"


def test_health_reports_index_models_and_no_faults(client, fake_zhen):
    data = client.get("/api/health").json()
    assert data["status"] == "ok" and data["faults"] == {}
    assert data["index_loaded"] is True and data["embedder"] == fake_zhen.embedder.id
    assert data["library_version"] == fake_zhen.index.manifest["version"]
    assert data["documents"] == 1 and data["chunks"] == len(fake_zhen.index.chunks)


def test_health_reports_a_missing_corpus_file_and_keeps_answering(fake_zhen, tmp_path):
    gone = tmp_path / "gone.txt"
    gone.write_text(ARTICLE.read_text("utf-8"), "utf-8")
    client = make_client(fake_zhen, corpus=(gone,), rate_limit=0)
    gone.unlink()
    assert "corpus" in client.get("/api/health").json()["faults"]
    assert client.post("/api/ask", json={"question": EN}).status_code == 200


def test_feedback_is_appended_to_the_log(client, fake_zhen):
    vote = {"question": EN, "answer": "250 [1]", "vote": "up", "citations": ["friendship:c1"]}
    assert client.post("/api/feedback", json=vote).status_code == 200
    lines = fake_zhen.settings.feedback_path.read_text("utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["vote"] == "up"


def test_feedback_write_failure_is_503_and_a_health_fault(fake_zhen):
    fake_zhen.settings.home.mkdir(parents=True, exist_ok=True)
    fake_zhen.settings.feedback_path.mkdir()  # a folder where the file should be
    client = make_client(fake_zhen, rate_limit=0)
    vote = {"question": EN, "answer": "a", "vote": "down"}
    res = client.post("/api/feedback", json=vote)
    assert res.status_code == 503 and res.json()["error"]["code"] == "feedback_unavailable"
    assert "feedback" in client.get("/api/health").json()["faults"]


BAD_BODIES = [
    ("empty", {"question": ""}, 422, "empty_question"),
    ("whitespace", {"question": " \n\t "}, 422, "empty_question"),
    ("too long", {"question": "a" * 2001}, 422, "question_too_long"),
    ("control characters", {"question": "what\x00is"}, 422, "control_characters"),
    ("wrong type", {"question": 42}, 422, "invalid_request"),
    ("k wrong type", {"question": EN, "k": "5"}, 422, "invalid_request"),
    ("k out of range", {"question": EN, "k": 0}, 422, "invalid_request"),
    ("unknown field", {"question": EN, "prompt": "x"}, 422, "invalid_request"),
    ("missing question", {}, 422, "invalid_request"),
    ("history not a list", {"question": EN, "history": "hi"}, 422, "invalid_request"),
    ("history bad role", {"question": EN, "history": [{"role": "x", "content": "a"}]}, 422, None),
    ("history too long", {"question": EN, "history": [{"role": "user", "content": "a"}] * 21}, 422,
     "history_too_long"),
    ("body not an object", [EN], 422, "invalid_request"),
    ("control character stripping would hide", {"question": EN + "\x0b"}, 422,
     "control_characters"),
    ("history C1 control", {"question": EN, "history": [{"role": "user", "content": "a\x85"}]},
     422, "control_characters"),
]  # fmt: skip


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
@pytest.mark.parametrize(
    ("case", "body", "status", "code"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
def test_bad_input_is_a_json_4xx(client, path, case, body, status, code):  # fmt: skip
    res = client.post(path, json=body)
    assert res.status_code == status
    error = res.json()["error"]
    assert error["message"] and (code is None or error["code"] == code)


def test_bad_question_message_is_in_the_question_language(client):
    res = client.post("/api/ask", json={"question": "问" * 2001})
    assert res.status_code == 422 and "问题太长" in res.json()["error"]["message"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [(b'{"question": ', "invalid_json"), (b'{"question": "\xff\xfe"}', "invalid_json")],
    ids=["malformed JSON", "invalid UTF-8"],
)
def test_undecodable_bodies_are_400(client, raw, code):
    for path in ("/api/ask", "/api/ask/stream", "/v1/chat/completions"):
        res = client.post(path, content=raw, headers={"content-type": "application/json"})
        assert res.status_code == 400 and res.json()["error"]["code"] == code


def test_oversized_body_is_413_by_content_length_and_by_streamed_size(client):
    big = json.dumps({"question": "a" * (MAX_BODY_BYTES + 10)}).encode()
    res = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert res.status_code == 413 and res.json()["error"]["code"] == "body_too_large"

    def chunks():  # no Content-Length: chunked transfer
        for i in range(0, len(big), 8192):
            yield big[i : i + 8192]

    res = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413 and res.json()["error"]["code"] == "body_too_large"


def test_openai_bad_messages_are_4xx(client):
    for body in (
        {"messages": []},
        {"messages": [{"role": "user", "content": 5}]},
        {"messages": [{"role": "user", "content": EN}], "n": 3},
        {"messages": [{"role": "user", "content": EN}], "unknown": 1},
        {"messages": [{"role": "user", "content": ""}]},
    ):
        res = client.post("/v1/chat/completions", json=body)
        assert 400 <= res.status_code < 500 and "error" in res.json(), body


def test_unknown_endpoint_and_wrong_method_are_json_errors(client):
    assert client.get("/api/nope").json()["error"]["code"] == "not_found"
    res = client.get("/api/ask")
    assert res.status_code == 405 and res.json()["error"]["code"] == "method_not_allowed"
    assert res.headers["allow"] == "POST"


def test_internal_errors_are_500_json_without_traceback(client, fake_zhen):
    def broken(question, **kwargs):
        raise RuntimeError("secret internals")

    fake_zhen.ask = broken
    res = client.post("/api/ask", json={"question": EN})
    assert res.status_code == 500
    assert res.json() == {"error": {"code": "internal", "message": "internal error"}}


def test_rate_limit_answers_429_with_retry_after(fake_zhen):
    client = make_client(fake_zhen, rate_limit=2)
    codes = [client.post("/api/ask", json={"question": EN}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    res = client.post("/api/ask/stream", json={"question": EN})
    assert res.status_code == 429 and int(res.headers["retry-after"]) >= 1
    assert res.json()["error"]["code"] == "rate_limited"
    assert client.get("/api/health").status_code == 200  # reading health is not limited


def test_cors_allows_listed_origins_and_refuses_others(fake_zhen):
    client = make_client(fake_zhen, allowed_origins=("https://site.example",), rate_limit=0)
    ok = client.post("/api/ask", json={"question": EN}, headers={"Origin": "https://site.example"})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://site.example"
    pre = client.options(
        "/api/ask/stream",
        headers={
            "Origin": "https://site.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 204 and "POST" in pre.headers["access-control-allow-methods"]
    bad = client.post("/api/ask", json={"question": EN}, headers={"Origin": "https://evil.example"})
    assert bad.status_code == 403 and "access-control-allow-origin" not in bad.headers
    same = client.post("/api/ask", json={"question": EN}, headers={"Origin": "http://testserver"})
    assert same.status_code == 200


def test_default_is_same_origin_only(client):
    res = client.post("/api/ask", json={"question": EN}, headers={"Origin": "https://a.example"})
    assert res.status_code == 403
    assert "frame-ancestors 'self'" in client.get("/embed").headers["content-security-policy"]


def test_admin_endpoints_are_disabled_without_a_configured_token(client):
    assert client.post("/api/admin/reindex").status_code == 403
    res = client.get("/api/admin/feedback", headers={"Authorization": "Bearer anything"})
    assert res.status_code == 403


def test_admin_endpoints_need_the_right_bearer_token(fake_zhen):
    client = make_client(fake_zhen, admin_token="s3cret-token", rate_limit=0)
    assert client.post("/api/admin/reindex").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/api/admin/feedback", headers=wrong).status_code == 401
    good = {"Authorization": "Bearer s3cret-token"}
    client.post("/api/feedback", json={"question": EN, "answer": "a", "vote": "up"})
    exported = client.get("/api/admin/feedback", headers=good).json()["entries"]
    assert [e["vote"] for e in exported] == ["up"]
    before = fake_zhen.index
    res = client.post("/api/admin/reindex", headers=good)
    assert res.status_code == 200 and res.json()["counts"]["chunks"] == len(before.chunks)
    assert fake_zhen.index is not before
    assert client.post("/api/ask", json={"question": EN}).status_code == 200
    assert "s3cret-token" not in client.get("/api/health").text


@pytest.mark.parametrize("path", ["/api/health", "/widget.js", "/embed", "/api/nope", "/docs"])
def test_security_headers_on_every_response(client, path):
    res = client.get(path)
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors" in res.headers["content-security-policy"]


def test_embed_page_allows_only_zhens_own_scripts(fake_zhen):
    client = make_client(fake_zhen, allowed_origins=("https://site.example",))
    res = client.get("/embed")
    csp = res.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'self' https://site.example" in csp
    assert '<script src="/widget.js"' in res.text


def test_widget_is_small_and_self_contained(client):
    res = client.get("/widget.js")
    assert res.status_code == 200 and "javascript" in res.headers["content-type"]
    assert len(res.content) <= 30 * 1024
    assert not re.search(r"https?://", res.text)  # no CDN, no external request
    assert "attachShadow" in res.text and "/api/ask/stream" in res.text


def test_openapi_docs_list_the_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/ask", "/api/ask/stream", "/v1/chat/completions", "/api/health"):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_chat_page_is_mounted_at_root(fake_zhen):
    client = TestClient(create_app(fake_zhen, fake_zhen.settings))
    res = client.get("/")
    assert res.status_code == 200 and "text/html" in res.headers["content-type"]
    assert res.headers["x-content-type-options"] == "nosniff"
    assert client.post("/api/ask", json={"question": EN}).status_code == 200


def test_chat_page_questions_are_rate_limited_too(fake_zhen):
    settings = fake_zhen.settings.replace(rate_limit=1)
    client = TestClient(create_app(fake_zhen, settings))
    first = client.post("/gradio_api/queue/join", json={})
    assert first.status_code != 429
    second = client.post("/gradio_api/queue/join", json={})
    assert second.status_code == 429 and "retry-after" in second.headers


def test_citation_html_escapes_the_passage_and_marks_the_quote(fake_zhen):
    citation = fake_zhen.ask(EN).citations[0]
    evil = dataclasses.replace(
        citation, text="<script>x</script> quoted part", highlight=[(19, 30)], translation="<b>"
    )
    html = citation_html(evil)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "<mark>quoted part</mark>" in html
    assert "<details" in html and "English" in html


def test_example_host_page_documents_the_widget_snippet():
    page = (ROOT / "examples" / "embed.html").read_text("utf-8")
    for attribute in ("data-title", "data-lang", "data-position", "data-color", "data-greeting"):
        assert attribute in page


def test_shutdown_lets_in_flight_requests_finish(fake_zhen):
    import threading
    import time

    import httpx
    import uvicorn

    from bot.web.app import server_config

    port = free_port()
    settings = fake_zhen.settings.replace(port=port, rate_limit=0)
    real_ask = fake_zhen.ask
    started = threading.Event()

    def slow_ask(question, **kwargs):
        started.set()
        time.sleep(1.0)
        return real_ask(question, **kwargs)

    fake_zhen.ask = slow_ask
    server = uvicorn.Server(server_config(create_app(fake_zhen, settings, ui=False), settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    result: dict = {}

    def ask() -> None:
        result["res"] = httpx.post(f"{base}/api/ask", json={"question": EN}, timeout=10)

    asker = threading.Thread(target=ask)
    asker.start()
    assert started.wait(5)
    server.should_exit = True  # what SIGTERM does
    asker.join(10)
    thread.join(20)
    assert result["res"].status_code == 200 and result["res"].json()["grounded"] is not None
    assert not thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/api/health", timeout=2)


def test_serve_rejects_a_bad_port_with_one_line_and_exit_2(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(ROOT), ZHEN_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", "70000"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "zhen: error: port (ZHEN_PORT) must be less than or equal to 65535, not 70000"
    ]


def test_a_good_stream_after_a_failure_clears_the_health_fault(client, fake_zhen):
    real = fake_zhen.stream

    def broken(question, **kwargs):
        raise RuntimeError("down")
        yield  # pragma: no cover

    fake_zhen.stream = broken
    client.post("/api/ask/stream", json={"question": EN})
    assert client.get("/api/health").json()["status"] == "degraded"
    fake_zhen.stream = real
    client.post("/api/ask/stream", json={"question": EN})
    assert client.get("/api/health").json()["status"] == "ok"


def test_reindex_refreshes_the_outline_for_title_questions(fake_zhen, tmp_path):
    corpus = tmp_path / "a.txt"
    corpus.write_text("Old Title\n\nTianjin and Kobe became friendship cities in 1973.\n", "utf-8")
    fake_zhen.settings = fake_zhen.settings.replace(corpus=(corpus,))
    from bot.engine import Zhen

    zhen = Zhen.load(fake_zhen.settings, fake_zhen.embedder)
    client = make_client(zhen, rate_limit=0, admin_token="s3cret")
    corpus.write_text(
        "New Title\n\nOsaka and Shanghai became friendship cities in 1974.\n", "utf-8"
    )
    auth = {"Authorization": "Bearer s3cret"}
    assert client.post("/api/admin/reindex", headers=auth).status_code == 200
    answer = client.post("/api/ask", json={"question": "What is the article titled?"}).json()
    assert "New Title" in answer["answer"]


def test_openai_history_parts_are_limited_one_by_one_not_joined(client):
    def body(*parts: str) -> dict:
        content = [{"type": "text", "text": text} for text in parts]
        return {
            "messages": [
                {"role": "assistant", "content": content},
                {"role": "user", "content": "hi there"},
            ]
        }

    res = client.post("/v1/chat/completions", json=body("a" * 15000, "a" * 15000))
    assert res.status_code == 200  # each part within the schema's limit
    res = client.post("/v1/chat/completions", json=body("a" * 20001))
    assert res.status_code == 422 and "error" in res.json()


def test_refusals_carry_the_security_headers_too(fake_zhen):
    client = make_client(fake_zhen, rate_limit=0)
    res = client.post("/api/ask", json={"question": EN}, headers={"Origin": "http://evil.test"})
    assert res.status_code == 403
    assert "frame-ancestors" in res.headers["content-security-policy"]
    assert res.headers["x-content-type-options"] == "nosniff"


def test_when_every_answering_slot_stays_taken_the_answer_is_503_with_retry_after(
    client, monkeypatch
):
    import bot.web.service

    monkeypatch.setattr(bot.web.service, "SLOT_WAIT_SECONDS", 0.05)
    service = client.app.state.service
    for _ in range(service.slots):
        service.busy.acquire()
    try:
        res = client.post("/api/ask", json={"question": ZH})
    finally:
        for _ in range(service.slots):
            service.busy.release()
    assert res.status_code == 503 and res.headers["retry-after"] == "5"
    assert (
        res.json()["error"]["code"] == "server_busy" and "服务器" in res.json()["error"]["message"]
    )
    assert client.post("/api/ask", json={"question": ZH}).status_code == 200


def test_a_failing_language_model_is_a_health_fault_while_answers_fall_back(scripted_zhen):
    from bot.generation.base import GeneratorTimeout
    from tests.conftest import ScriptedGenerator

    zhen = scripted_zhen(ScriptedGenerator(fail=GeneratorTimeout("too slow")))
    client = make_client(zhen, rate_limit=0)
    res = client.post("/api/ask", json={"question": EN})
    assert res.status_code == 200 and res.json()["mode"] == "fallback"
    health = client.get("/api/health").json()
    assert health["status"] == "degraded" and "generator" in health["faults"]
