"""The OpenAPI document tells the truth: schemathesis fuzzes a real ``zhen serve`` against it
(``--checks all``), and the schema's question rules are compared with the code's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidQuestion
from bot.web.app import create_app
from tests.conftest import ROOT, free_port, wait_until_up
from tests.test_api import EN, make_client

TOKEN = "openapi-test-token"
EXAMPLES = 25  # per operation and phase: 670 requests, about 35 s on 2 cores
# 413 is how zhen refuses a body over 64 KB, on every operation, as the document says; JSON
# Schema cannot bound a body's size in bytes, so a generated body past it (e.g. 20 history
# messages of 20,000 characters) gets 413 whether or not it matches the schema. The other
# statuses are schemathesis's defaults. Two more things no schema can state: which document
# ids exist (a well-formed id no document has is 422 `unknown_documents` on the answering
# operations) and what an uploaded file's bytes are (random bytes are no document: 415 or 422).
SCHEMATHESIS_CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "429", "5xx"]

[[operations]]
include-path = ["/api/ask", "/api/ask/stream", "/v1/chat/completions"]
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "422", "429", "5xx"]

[[operations]]
include-path = "/api/documents"
include-method = "POST"
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "415", "422", "429", "5xx"]

[checks.negative_data_rejection]
expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]
"""
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``zhen serve`` (bundled article and embedder) on a free port; stopped after."""
    home = tmp_path_factory.mktemp("openapi-home")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHEN_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "ZHEN_HOME": str(home),
        "ZHEN_HOST": "127.0.0.1",
        "ZHEN_PORT": str(port),
        "ZHEN_RATE_LIMIT": "0",
        "ZHEN_ADMIN_TOKEN": TOKEN,
    }
    log = home / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"], env=env, stdout=out, stderr=out
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(process, f"{base}/api/health", log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def failures_section(output: str, limit: int = 8000) -> str:
    """Schemathesis's failure reports and summary, short enough for an assertion message."""
    start = output.find("FAILURES")
    if start < 0:
        return output[-limit:]
    return output[start:][:limit] + "\n…\n" + output[-1500:]


def test_schemathesis_finds_nothing_the_document_does_not_say(server, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG)
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color",
        "run", f"{server}/openapi.json",
        "--checks", "all",
        "--max-examples", str(EXAMPLES),
        "--generation-deterministic",  # the same cases every run (no seed, no example database)
        "--workers", "1",
        "--request-timeout", "30",
        "--header", f"Authorization: Bearer {TOKEN}",  # so the admin endpoints are fuzzed too
    ]  # fmt: skip
    out = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    output = out.stdout + out.stderr
    assert out.returncode == 0, failures_section(output)
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) >= 100, output[-1500:]
    assert "12 selected / 12 total" in output  # every operation, the admin ones included


@pytest.fixture
def client(fake_zhen) -> TestClient:
    return make_client(fake_zhen, rate_limit=0)


@pytest.fixture
def openapi(fake_zhen) -> dict:
    return make_client(fake_zhen, rate_limit=0).get("/openapi.json").json()


def test_limits_from_the_settings_are_in_the_document(fake_zhen):
    client = make_client(fake_zhen, max_question_chars=300, max_history_turns=3)
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    ask = schemas["AskRequest"]["properties"]
    assert ask["question"]["maxLength"] == 300 and ask["history"]["maxItems"] == 6
    assert schemas["UserMessage"]["properties"]["content"]["anyOf"][0]["maxLength"] == 300
    assert schemas["QuestionPart"]["properties"]["text"]["maxLength"] == 300
    assert "x-settings" not in client.get("/openapi.json").text


# What the documents endpoints answer beyond the general rules: the library may be unreadable
# (503), an upload is 201, a server on a fixed corpus refuses changes (409), an id is unknown
# (404) or malformed (422).
DOCUMENTS_CODES = {
    ("get", "/api/documents"): {"503"},
    ("get", "/api/admin/documents"): {"503"},
    ("post", "/api/documents"): {"201", "409"},
    ("delete", "/api/documents/{id}"): {"404", "409", "422", "503"},
}


def test_every_operation_documents_the_errors_it_can_answer(openapi):
    always = {"400", "403", "405", "413", "500"}
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            extra = DOCUMENTS_CODES.get((method, path), set())
            expected = always | extra | ({"200"} if "201" not in extra else set())
            if "requestBody" in operation:
                expected |= {"415", "422"}
            if method == "post":
                expected |= {"429", "503"}
            if "security" in operation:
                expected |= {"401"}
            assert codes == expected, (method, path)
            for code in codes - {"200", "201"}:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)


def test_streaming_endpoints_document_server_sent_events(openapi):
    for path in ("/api/ask/stream", "/v1/chat/completions"):
        content = openapi["paths"][path]["post"]["responses"]["200"]["content"]
        assert "text/event-stream" in content


def test_admin_endpoints_declare_the_bearer_token(openapi):
    for path, method in (
        ("/api/admin/reindex", "post"),
        ("/api/admin/feedback", "get"),
        ("/api/admin/documents", "get"),
        ("/api/documents", "post"),
        ("/api/documents/{id}", "delete"),
    ):
        assert openapi["paths"][path][method]["security"] == [{"HTTPBearer": []}]
    assert "security" not in openapi["paths"]["/api/ask"]["post"]
    assert "security" not in openapi["paths"]["/api/documents"]["get"]


def test_methods_a_path_does_not_document_are_405_with_allow(fake_zhen):
    client = TestClient(create_app(fake_zhen, fake_zhen.settings))  # the chat page mounted at /
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        documented = {m.upper() for m in operations}
        for method in set(METHODS) - documented:
            res = client.request(method, path)
            assert res.status_code == 405, (method, path)
            assert set(res.headers["allow"].split(", ")) == documented, (method, path)
            if method != "HEAD":
                assert res.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_bodies_that_are_not_json_are_415(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    for path in ("/api/ask", "/api/ask/stream", "/api/feedback", "/v1/chat/completions"):
        res = client.post(path, content=b'{"question": "hi"}', headers=headers)
        assert res.status_code == 415, path
        assert res.json()["error"]["code"] == "unsupported_media_type"


def test_a_question_at_the_limit_is_answered_even_if_normalising_lengthens_it(fake_zhen):
    client = make_client(fake_zhen, rate_limit=0, max_question_chars=50)
    expands = "\u0958" * 50  # DEVANAGARI QA: two code points each once NFC-normalised
    assert client.post("/api/ask", json={"question": expands}).status_code == 200
    res = client.post("/api/ask", json={"question": "a" * 48 + "   "})  # spaces count too
    assert res.status_code == 422 and res.json()["error"]["code"] == "question_too_long"


def test_openai_keeps_only_the_last_turns_and_ignores_trailing_assistant_messages(client):
    turns = [{"role": r, "content": "What is MIJBC?"} for r in ("user", "assistant") * 30]
    body = {"messages": [*turns, {"role": "user", "content": EN}, turns[1]]}
    assert client.post("/v1/chat/completions", json=body).status_code == 200


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "user", "content": "   "}, {"role": "user", "content": EN}],
        [{"role": "assistant", "content": "a\x07"}, {"role": "user", "content": EN}],
        [{"role": "user", "content": [{"type": "text", "text": "a"}] * 2}],
    ],
    ids=["blank earlier user message", "control character", "two parts in a user message"],
)
def test_openai_messages_are_held_to_the_schemas_rules(client, messages):
    res = client.post("/v1/chat/completions", json={"messages": messages})
    assert res.status_code == 422 and res.json()["error"]["message"]


# Characters on either side of every rule: white space (Python's and JSON Schema's), C0 and C1
# controls, NFC-expanding and combining characters, CJK. Lone surrogates are refused by the
# code; no JSON Schema pattern can state that, so the description does.
_CHARS = st.sampled_from(
    "a 问\t\n\r\x00\x07\x0b\x1c\x1f\x7f\x84\x85\x9f\xa0\u0301\u0958\u1680\u180e"
    "\u2000\u200b\u2028\u3000\ufeff\U0001d1c0"
)


def test_the_question_schema_accepts_exactly_what_the_code_accepts(fake_zhen, openapi):
    limit = 12
    service = make_client(fake_zhen, max_question_chars=limit).app.state.service
    schema = dict(openapi["components"]["schemas"]["AskRequest"]["properties"]["question"])
    validator = jsonschema_rs.validator_for({**schema, "maxLength": limit})

    @settings(max_examples=500, deadline=None)
    @given(st.lists(_CHARS, max_size=limit + 3).map("".join))
    def agree(question: str) -> None:
        try:
            service.check(question)
            accepted = True
        except InvalidQuestion:
            accepted = False
        assert validator.is_valid(question) == accepted, repr(question)

    agree()
