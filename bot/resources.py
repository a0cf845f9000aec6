"""Files shipped inside the package: the bundled article, its test set and the prompts.

The article and test set live in ``bot/data/``, the prompt templates in the top-level
``prompts`` package; both are package data, so a plain ``pip install`` finds them with
``importlib.resources`` wherever it puts them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _folder(package: str) -> Path:
    return Path(str(files(package)))


def bundled_corpus() -> Path:
    """The folder holding the bundled article."""
    return _folder("bot") / "data" / "corpus"


def bundled_testset() -> Path:
    """The bundled test set (``zhen eval`` without ``--testset``)."""
    return _folder("bot") / "data" / "testset.jsonl"


def prompts_folder() -> Path:
    """The folder of prompt templates (``<name>.<language>.txt``)."""
    return _folder("prompts")


def decision_parameters() -> Path:
    """The fitted answer/refuse decision (``scripts/fit_decision.py`` writes it)."""
    return _folder("bot") / "data" / "decision.json"
