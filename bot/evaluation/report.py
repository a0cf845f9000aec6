"""Eval reports as Markdown, and comparing two reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.errors import ZhenError
from bot.evaluation.run import LOWER_IS_BETTER, METRICS, failed_checks

MAX_CELL = 160


class ReportError(ZhenError):
    """A report file given to ``--compare`` cannot be used."""

    exit_code = 2


def fmt(value: object) -> str:
    """A metric value for tables: rates and ms with 3 and 1 decimals, ``–`` for none."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"
    return str(value)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _clip(text: str | None, limit: int = MAX_CELL) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def breakdown_rows(groups: dict[str, dict]) -> list[list[str]]:
    return [[name, fmt(m["n"]), *(fmt(m[k]) for k in METRICS)] for name, m in groups.items()]


def render_markdown(data: dict) -> str:
    """``report.md``: summary, breakdowns by language and tag, and the failures."""
    cfg = data["config"]
    lines = [
        "# zhen eval report",
        "",
        f"{data['n']} items · embedder `{cfg.get('embedder')}` · generator "
        f"`{cfg.get('generator')}` · k={cfg.get('k')} · chunk size {cfg.get('chunk_size')} · "
        f"{cfg.get('started', '')}",
        "",
        "## Summary",
        "",
        *_table(["metric", "value"], [[k, fmt(data["metrics"].get(k))] for k in METRICS]),
    ]
    for title, key in (
        ("By language", "by_language"),
        ("By category", "by_category"),
        ("By tag", "by_tag"),
    ):
        if not data.get(key):
            continue
        lines += ["", f"## {title}", ""]
        lines += _table(["group", "n", *METRICS], breakdown_rows(data[key]))
    failures = [(item, failed_checks(item)) for item in data["items"]]
    failures = [(item, why) for item, why in failures if why]
    lines += ["", f"## Failures ({len(failures)})", ""]
    rows = [
        [
            item["id"],
            ", ".join(why),
            _clip(item["question"]),
            _clip(item["answer"] or item["error"]),
            " ".join(c["passage_id"] for c in item["citations"]) or "–",
        ]
        for item, why in failures
    ]
    lines += _table(["id", "failed", "question", "answer", "cited"], rows) if rows else ["None."]
    return "\n".join(lines) + "\n"


def load_report(path: Path) -> dict:
    """A ``report.json`` written by ``zhen eval``; raises ``ReportError`` otherwise."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: report not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not a readable JSON report ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ReportError(f"{path}: not a zhen eval report (no 'metrics')")
    return data


def compare(a: dict, b: dict) -> list[dict]:
    """Per metric (overall, then per language): A, B, B − A and whether B is better."""
    rows = []
    sections = [("all", a["metrics"], b["metrics"])]
    for lang in sorted(set(a.get("by_language", {})) | set(b.get("by_language", {}))):
        sections.append(
            (lang, a.get("by_language", {}).get(lang, {}), b.get("by_language", {}).get(lang, {}))
        )
    for group, ma, mb in sections:
        for metric in METRICS:
            va, vb = ma.get(metric), mb.get(metric)
            delta = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
            better = None
            if delta:
                better = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
            rows.append(
                {
                    "group": group,
                    "metric": metric,
                    "a": va,
                    "b": vb,
                    "delta": delta,
                    "better": better,
                }
            )
    return rows


def render_compare(a: dict, b: dict, names: tuple[str, str]) -> str:
    """The comparison as a Markdown table (also readable in a terminal)."""

    def describe(d: dict) -> str:
        c = d.get("config", {})
        return f"{c.get('embedder')}, {c.get('generator')}, k={c.get('k')}, chunk {c.get('chunk_size')}"

    rows = []
    for r in compare(a, b):
        delta = "–" if r["delta"] is None else f"{r['delta']:+.3f}".rstrip("0").rstrip(".")
        mark = {True: " ▲", False: " ▼", None: ""}[r["better"]]
        rows.append([r["group"], r["metric"], fmt(r["a"]), fmt(r["b"]), delta + mark])
    lines = [
        f"A: {names[0]} (n={a.get('n')}; {describe(a)})",
        f"B: {names[1]} (n={b.get('n')}; {describe(b)})",
        "",
        *_table(["group", "metric", "A", "B", "Δ (B − A)"], rows),
        "",
        "▲ B better, ▼ B worse (lower is better for false_refusals and latency).",
    ]
    fixed, broken = changed_items(a, b)
    if fixed or broken:
        lines += ["", f"Fixed in B ({len(fixed)}): {', '.join(fixed) or '–'}"]
        lines += [f"Broken in B ({len(broken)}): {', '.join(broken) or '–'}"]
    return "\n".join(lines) + "\n"


def changed_items(a: dict, b: dict) -> tuple[list[str], list[str]]:
    """Ids of items in both reports that failed in A and pass in B, and the reverse."""
    failed_a = {i["id"]: bool(failed_checks(i)) for i in a.get("items", [])}
    fixed, broken = [], []
    for item in b.get("items", []):
        before = failed_a.get(item["id"])
        now = bool(failed_checks(item))
        if before is True and not now:
            fixed.append(item["id"])
        elif before is False and now:
            broken.append(item["id"])
    return fixed, broken
