"""Question sets paired with the article they ask about.

A folder of sets (``data/dev/``, ``data/heldout/``) holds ``NAME.jsonl`` files; each asks
about the article ``NAME`` in the sibling ``articles/`` folder (any supported extension), or,
failing that, the bundled article of that name.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import ZhenError
from bot.resources import bundled_corpus, bundled_testset


class SuiteError(ZhenError):
    """A question set has no article to ask."""

    exit_code = 2


def question_sets(folder: Path) -> list[tuple[str, Path, Path]]:
    """(name, test set, article) for every ``*.jsonl`` set in ``folder``, sorted by name."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        articles = sorted((folder.parent / "articles").glob(f"{path.stem}.*"))
        article = articles[0] if articles else bundled_corpus() / f"{path.stem}.txt"
        if not article.is_file():
            raise SuiteError(f"{path}: no article named {path.stem} to ask")
        out.append((path.stem, path, article))
    return out


def bundled_set() -> tuple[str, Path, Path]:
    """The bundled test set and the bundled article."""
    return ("bundled", bundled_testset(), bundled_corpus())
