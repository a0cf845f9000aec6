"""Shared fixtures: a deterministic fake embedder for fast tests, and the real bundled one."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest

from bot.engine import Zhen
from bot.resources import bundled_corpus, bundled_testset
from bot.settings import Settings
from index.lang import normalize

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = bundled_corpus() / "friendship-cities.txt"
TESTSET = bundled_testset()


CHROMIUM = "/usr/bin/chromium"


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def wait_until_up(
    process: subprocess.Popen, url: str, log: Path, seconds: float = 180, name: str = "zhen serve"
) -> None:
    """Until ``url`` answers 200; fails with the server's output if it exits first or does not
    answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{name} did not start in {seconds} s:\n{log.read_text()}")


@contextmanager
def zhen_serving(env: dict[str, str], log: Path, timeout: float = 180) -> Iterator[str]:
    """``zhen serve`` in a subprocess on a free port with ``env`` (output to ``log``); yields
    its base URL once ``/api/health`` answers, fails the test if it exits or never does, and
    stops it afterwards."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{base}/api/health", log, timeout)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def asked_bodies(page) -> list[dict]:
    """The JSON bodies of the page's ``/api/ask/stream`` requests, filled in as they go."""
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: (
            sent.append(json.loads(r.post_data or "{}"))
            if r.url.endswith("/api/ask/stream")
            else None
        ),
    )
    return sent


def print_pdf(html: str, path: Path, *, header: str | None = None, page_format: str = "A5") -> Path:
    """``html`` printed to ``path`` by Debian's Chromium (through Playwright), with a running
    header when given and "Page N of M" footers; skips the test when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    small = "font-size:9px;width:100%;text-align:center;font-family:'DejaVu Sans'"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.set_content(html)
            page.pdf(
                path=str(path),
                format=page_format,
                display_header_footer=True,
                header_template=f'<div style="{small}">{header or ""}</div>',
                footer_template=f'<div style="{small}">Page <span class="pageNumber"></span>'
                ' of <span class="totalPages"></span></div>',
                margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            )
        finally:
            browser.close()
    return path


def zhen_on_article(tmp_path: Path, name: str, text: str) -> Zhen:
    """The real engine over one article written from ``text`` under ``tmp_path``."""
    article = tmp_path / name
    article.write_text(text, "utf-8")
    return Zhen.load(Settings.from_env({}, home=tmp_path / "home", corpus=(article,)))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeEmbedder:
    """Hashes words and Chinese character bigrams into a fixed-size bag-of-features vector.

    Deterministic and fast; similar texts get similar vectors, languages never meet.
    """

    id = "fake:hash-256"
    dim = 256

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            norm = normalize(text)
            feats = re.findall(r"[a-z0-9]+", norm)
            for run in re.findall(r"[\u3400-\u9fff]+", norm):
                feats += [run[i : i + 2] for i in range(max(1, len(run) - 1))]
            for feat in feats:
                h = int.from_bytes(hashlib.blake2b(feat.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0
            out[row, 0] += 0.01  # never an all-zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({}, home=tmp_path / "home", corpus=(ARTICLE,))


@pytest.fixture
def fake_zhen(settings: Settings, fake_embedder: FakeEmbedder) -> Zhen:
    return Zhen.load(settings, fake_embedder)


@pytest.fixture(scope="session")
def real_zhen(tmp_path_factory: pytest.TempPathFactory) -> Zhen:
    """zhen with the bundled multilingual-e5-small, built once per test session."""
    home = tmp_path_factory.mktemp("real-home")
    return Zhen.load(Settings.from_env({}, home=home, corpus=(ARTICLE,)))


def passage_number(prompt: str, needle: str) -> int:
    """The number an answer prompt gives the passage containing ``needle``."""
    for n, text in re.findall(r"^\[(\d+)\] (.*)$", prompt, re.M):
        if needle in text:
            return int(n)
    raise AssertionError(f"{needle!r} not in any passage")


def cite(template: str, needle: str):
    """A scripted reply citing, as ``{n}``, the passage that contains ``needle``."""
    return lambda prompt: template.format(n=passage_number(prompt, needle))


class ScriptedGenerator:
    """A fake LLM: replies from a script (a string, or a function of the prompt), records calls.

    ``fail`` raises that exception instead of replying; ``fail_after`` raises it after
    streaming that many pieces.
    """

    id = "fake:scripted"

    def __init__(self, reply="", *, fail: Exception | None = None, fail_after: int | None = None):
        self.reply = reply
        self.fail = fail
        self.fail_after = fail_after
        self.calls: list[list[dict]] = []

    def _text(self, messages) -> str:
        self.calls.append(list(messages))
        if self.fail is not None and self.fail_after is None:
            raise self.fail
        return self.reply(messages[-1]["content"]) if callable(self.reply) else self.reply

    def generate(self, messages, *, max_tokens, timeout):
        return self._text(messages)

    def stream(self, messages, *, max_tokens, timeout):
        text = self._text(messages)
        for i, piece in enumerate(re.findall(r"\S+\s*|\s+", text)):
            if self.fail is not None and i == self.fail_after:
                raise self.fail
            yield piece


@pytest.fixture
def scripted_zhen(settings: Settings, fake_embedder: FakeEmbedder):
    """A factory: ``scripted_zhen(generator)`` is a fake-embedder zhen answering with it."""
    index = Zhen.load(settings, fake_embedder)

    def make(generator) -> Zhen:
        return dataclasses.replace(index, generator=generator)

    return make
