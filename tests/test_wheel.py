"""The wheel works without the source tree: built, installed in a fresh virtual environment and
run from another folder, it finds its article, test set, prompts and fitted decision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.real
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A virtual environment holding the built wheel; dependencies come from this Python's
    site-packages (the wheel itself is installed without them)."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(dist)],
        check=True,
        cwd=tmp,
    )  # fmt: skip
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env)], check=True)
    wheel = next(dist.glob("zhen-*.whl"))
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*pip, str(wheel)], check=True)
    return env


def run(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    environ = {**os.environ, "ZHEN_HOME": str(cwd / "home"), "PYTHONPATH": ""}
    return subprocess.run(
        args, capture_output=True, text=True, cwd=cwd, env=environ, timeout=600, check=False
    )


def test_the_installed_package_is_the_wheel_not_the_source_tree(venv, tmp_path):
    out = run(
        venv,
        str(venv / "bin" / "python"),
        "-c",
        "import bot, index; print(bot.__file__)",
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert str(venv) in out.stdout and str(ROOT) not in out.stdout


def test_ask_eval_and_prompts_work_from_another_folder(venv, tmp_path):
    ask = run(venv, str(venv / "bin" / "zhen"), "ask", "--json", "What is MIJBC?", cwd=tmp_path)
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert answer["grounded"] and "MIJBC" in answer["answer"]
    evaluated = run(venv, str(venv / "bin" / "zhen"), "eval", "--out", "report", cwd=tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    assert (tmp_path / "report" / "report.html").is_file()
    render = "from bot.generation.prompts import render_prompt as r; print(r('condense', 'en', history='h', question='q'))"
    prompt = run(venv, str(venv / "bin" / "python"), "-c", render, cwd=tmp_path)
    assert prompt.returncode == 0 and "q" in prompt.stdout, prompt.stderr


def test_serve_from_the_wheel_answers_health(venv, tmp_path):
    port = free_port()
    environ = {**os.environ, "ZHEN_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    server = subprocess.Popen(
        [str(venv / "bin" / "zhen"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code
            except httpx.HTTPError:
                time.sleep(0.5)
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
