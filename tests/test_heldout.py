"""Held-out question sets are frozen: their SHA-256 is recorded in README and must not change."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bot.resources import decision_parameters

ROOT = Path(__file__).resolve().parent.parent


def test_every_held_out_set_matches_the_sha256_recorded_in_readme():
    recorded = dict(
        re.findall(
            r"`(data/heldout/[\w.-]+\.jsonl)`[^\n]*?`([0-9a-f]{64})`",
            (ROOT / "README.md").read_text("utf-8"),
        )
    )
    files = sorted((ROOT / "data" / "heldout").glob("*.jsonl"))
    assert files, "no held-out sets"
    for path in files:
        name = str(path.relative_to(ROOT))
        assert recorded.get(name) == hashlib.sha256(path.read_bytes()).hexdigest(), name


def test_the_decision_was_fitted_on_development_sets_only():
    text = decision_parameters().read_text("utf-8")
    assert "heldout" not in text
