"""Writing an eval run to disk: report.json, report.md, report.html, and RAGAS JSONL."""

from __future__ import annotations

import json
from pathlib import Path

from bot.evaluation.report import render_markdown
from bot.evaluation.report_html import render_html
from bot.evaluation.run import Report


def write_reports(report: Report, out: Path) -> list[Path]:
    """Write ``report.json``, ``report.md`` and ``report.html`` into ``out``; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    data = report.to_dict()
    paths = [out / "report.json", out / "report.md", out / "report.html"]
    paths[0].write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text(render_markdown(data), encoding="utf-8")
    paths[2].write_text(render_html(data), encoding="utf-8")
    return paths


def write_ragas(report: Report | dict, path: Path) -> None:
    """The answers as a RAGAS ``EvaluationDataset`` JSONL (one single-turn sample per line)."""
    data = report.to_dict() if isinstance(report, Report) else report
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for item in data["items"]:
            sample = {
                "user_input": item["question"],
                "retrieved_contexts": [p["text"] for p in item["retrieved"]],
                "response": item["answer"] or "",
                "reference": item["reference"],
            }
            f.write(json.dumps(sample, ensure_ascii=False) + "\n")
