"""What every ``zhen`` command shares: settings from flags, progress, loading, errors."""

from __future__ import annotations

import argparse
import os
import sys
import time

from bot.engine import Zhen, needs_build
from bot.errors import ZhenError
from bot.settings import Settings
from index.embed import EmbedderError, load_embedder


def settings_of(args: argparse.Namespace) -> Settings:
    try:
        return Settings.from_env(
            home=args.home,
            corpus=tuple(args.corpus) if args.corpus else None,
            index_dir=args.index_dir,
            embedder=args.embedder,
            store=args.store,
            chunk_size=args.chunk_size,
            k=getattr(args, "k", None),
            generator=getattr(args, "generator", None),
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            base_url=getattr(args, "base_url", None),
            model=getattr(args, "model", None),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


class UsageError(ZhenError):
    exit_code = 2


def progress_bar(unit: str = "sentence", desc: str = "embedding", *, always: bool = False):
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


def load_zhen(settings: Settings, embedder) -> Zhen:
    """Load zhen; when the index must be built first (a first start, a changed corpus), say
    so and show the build's progress instead of going quiet for half a minute."""
    if not needs_build(settings, embedder):
        return Zhen.load(settings, embedder)
    print(
        f"zhen: indexing documents → {settings.index_path} (first start or changed corpus)",
        file=sys.stderr,
        flush=True,
    )
    started = time.perf_counter()
    zhen = Zhen.load(settings, embedder, progress=progress_bar(always=True))
    print(
        f"zhen: index ready in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True
    )
    return zhen


def embedder_of(settings: Settings, threads: int | None = None):
    """The configured embedder (weights load lazily); an unknown ``--embedder`` is a usage
    error (exit 2), whichever command names it."""
    try:
        return load_embedder(settings.embedder, threads)
    except EmbedderError as exc:
        raise UsageError(str(exc)) from exc
