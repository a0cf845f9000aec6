"""``zhen index``, ``ask``, ``eval`` and ``serve``: thin wrappers over the library."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bot.answering.answer import Answer
from bot.answering.question import check_question
from bot.cli.common import UsageError, embedder_of, load_zhen, progress_bar, settings_of
from bot.engine import build_index, needs_build
from bot.errors import InvalidQuestion
from bot.evaluation import output, report
from bot.evaluation.run import THRESHOLDS, check, judge_unavailable, run_eval
from bot.evaluation.testset import DEFAULT_TESTSET, load_testset
from index.batching import batched


def cmd_index(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    embedder = embedder_of(settings)
    if not args.rebuild and not needs_build(settings, embedder):
        print(f"index is up to date: {settings.index_path}")
        return 0
    started = time.perf_counter()
    built = build_index(settings, embedder, progress_bar(), rebuild=args.rebuild)
    counts = built.counts
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
            print(f"[{c.n}] {_source(c)} ({c.lang}) {c.text}")
            if c.translation:
                print(f"    ↔ {c.translation}")


def _source(c) -> str:
    """ "Title · p. 3" for a citation."""
    return f"{c.doc_title} · p. {c.page}" if c.page else c.doc_title or c.passage_id


def _stream_answer(zhen, question: str, documents: list[str] | None) -> None:
    """Print the answer as it is written; the checked final answer replaces it if different."""
    streamed: list[str] = []
    final = None
    for item in zhen.stream(question, documents=documents):
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
        raise UsageError("give a question or --stdin, not both")
    if not args.stdin and args.question is None:
        raise UsageError("no question given")
    settings = settings_of(args)
    if args.question is not None:
        check_question(args.question, settings.max_question_chars)  # fail before loading
    zhen = load_zhen(settings, embedder_of(settings))
    scope = [d.strip() for d in args.documents.split(",") if d.strip()] if args.documents else None
    if not args.stdin:
        if args.stream and not args.json:
            _stream_answer(zhen, args.question, scope)
        else:
            _print_answer(zhen.ask(args.question, documents=scope), args.json)
        return 0
    failed = False
    for raw_line in sys.stdin.buffer:
        line = raw_line.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line.strip():
            continue
        try:
            if "\ufffd" in line:
                raise InvalidQuestion("control_characters")
            _print_answer(zhen.ask(line, documents=scope), args.json)
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
        raise UsageError(f"cannot write to {folder}: {exc.strerror or exc}") from exc


def cmd_eval(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.compare:
        a, b = (report.load_report(Path(p)) for p in args.compare)
        text = report.render_compare(a, b, (args.compare[0], args.compare[1]))
        _writable(out)
        (out / "compare.md").write_text(text, encoding="utf-8")
        print(text, end="")
        return 0

    settings = settings_of(args)
    testset = Path(args.testset) if args.testset else DEFAULT_TESTSET
    items = load_testset(testset)  # a broken test set stops here, before any model loads
    _writable(out)
    if args.export_ragas:
        _writable(Path(args.export_ragas).parent)
    if args.judge:
        print(f"zhen: --judge skipped: {judge_unavailable(settings)}", file=sys.stderr)
    zhen = load_zhen(settings, embedder_of(settings))
    if settings.generator != "extractive" and zhen.generator is None:
        raise UsageError(f"generator {settings.generator!r} is not available")
    result = run_eval(zhen, items, k=args.k, testset=testset, progress=progress_bar("item", "eval"))
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

    settings = settings_of(args)
    # Batched, one model call runs at a time and gets every core; unbatched, requests run
    # one per core, and one thread per question embedding beats all fighting for all cores.
    threads = None if settings.embed_batch > 1 else 1
    embedder = batched(embedder_of(settings, threads), settings.embed_batch, settings.embed_wait_ms)
    zhen = load_zhen(settings, embedder)  # index and models load once
    app = create_app(zhen, settings)
    print(f"zhen: serving on http://{settings.host}:{settings.port}", file=sys.stderr, flush=True)
    uvicorn.Server(server_config(app, settings)).run()
    return 0
