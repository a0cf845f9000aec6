"""``zhen add``, ``remove`` and ``docs``: the library of documents."""

from __future__ import annotations

import argparse
import json

from bot.cli.common import embedder_of, progress_bar, settings_of
from bot.engine import add_documents, list_documents, remove_documents
from index.library import DocInfo


def _print(docs: list[DocInfo], as_json: bool) -> None:
    if as_json:
        print(json.dumps([d.to_dict() for d in docs], ensure_ascii=False))
        return
    for d in docs:
        pages = f", {d.pages} pages" if d.pages else ""
        titles = " / ".join(dict.fromkeys(d.titles.values())) or "(no title)"
        print(f"{d.id}\t{titles}\t{'+'.join(d.languages)}{pages}, {d.passages} passages")


def cmd_add(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    _print(add_documents(settings, embedder_of(settings), args.paths, progress_bar()), args.json)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    _print(remove_documents(settings, embedder_of(settings), args.ids), args.json)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    _print(list_documents(settings, embedder_of(settings)), args.json)
    return 0
