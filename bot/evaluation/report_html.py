"""``report.html``: one self-contained page (inline CSS and SVG charts, no external requests)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.evaluation.metrics import percentile
from bot.evaluation.report import breakdown_rows, fmt
from bot.evaluation.run import METRICS, THRESHOLDS, failed_checks

CHART_METRICS = ("hit@3", "facts", "citation_precision", "refusal_accuracy", "language_match")
COLOURS = ("#3b6fb6", "#e08a2e", "#6aa84f", "#a64d79", "#888888")

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:0;color:#1d232a;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
.meta{color:#5b6570;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px;margin-top:16px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:22px;white-space:nowrap}.card span{color:#5b6570;font-size:12px}
.card.pass{border-left:5px solid #2e8b57}.card.fail{border-left:5px solid #c0392b}
table{border-collapse:collapse;background:#fff;font-size:13px;width:100%;margin-top:8px}
th,td{border:1px solid #dde1e6;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}svg{max-width:100%;height:auto}.chart{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:8px}
.why{color:#c0392b;white-space:nowrap}.pid{color:#5b6570;font-size:12px}
mark{background:#fff3b0}blockquote{margin:2px 0;padding-left:8px;border-left:3px solid #dde1e6;color:#3d4750}
"""


def render_html(data: dict) -> str:
    """The whole page for one report (``report.json`` contents)."""
    cfg, metrics = data["config"], data["metrics"]
    meta = (
        f"{data['n']} items · embedder {cfg.get('embedder')} · generator {cfg.get('generator')} · "
        f"k={cfg.get('k')} · chunk size {cfg.get('chunk_size')} · {cfg.get('started', '')}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>zhen eval · {data['n']} items</title><style>{CSS}</style></head><body><main>",
        f'<h1>zhen eval</h1><div class="meta">{escape(meta)}</div>',
        _cards(metrics),
        '<h2 id="summary">Summary</h2>',
        _summary_table(data),
        '<h2 id="by-language">By language</h2>',
        f'<div class="chart">{bar_chart(data["by_language"])}</div>',
        *_category_section(data.get("by_category") or {}),
        '<h2 id="by-tag">By tag</h2>',
        f'<div class="chart">{bar_chart(_tags_only(data))}</div>',
        _tag_table(data["by_tag"]),
        *_answerability_section(data),
        '<h2 id="latency">Latency</h2>',
        f'<div class="chart">{histogram([i["latency_ms"] for i in data["items"]])}</div>',
        _failures(data["items"]),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _tags_only(data: dict) -> dict[str, dict]:
    """Tags other than the language names (those are charted by language already)."""
    return {t: m for t, m in data["by_tag"].items() if t not in data["by_language"]}


def _cards(metrics: dict) -> str:
    cards = []
    for name in ("hit@1", "hit@3", "mrr", "facts", "refusal_accuracy", "language_match"):
        value, floor = metrics.get(name), THRESHOLDS.get(name)
        state = ""
        if floor is not None:
            state = " pass" if value is not None and value >= floor else " fail"
        target = f" (target ≥ {floor:g})" if floor is not None else ""
        cards.append(
            f'<div class="card{state}"><b>{fmt(value)}</b><span>{escape(name + target)}</span></div>'
        )
    p50, p95 = fmt(metrics.get("latency_ms_p50")), fmt(metrics.get("latency_ms_p95"))
    cards.append(f'<div class="card"><b>{p50} ms</b><span>latency p50 (p95 {p95} ms)</span></div>')
    return f'<div class="cards">{"".join(cards)}</div>'


SHORT = {
    "citation_precision": "cite prec.",
    "refusal_accuracy": "refusal",
    "false_refusals": "false ref.",
    "language_match": "lang",
    "latency_ms_p50": "p50 ms",
    "latency_ms_p95": "p95 ms",
}


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i else ''}>{escape(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><tr>{header}</tr>{body}</table></div>'


def _summary_table(data: dict) -> str:
    """Metrics as rows; overall, each language and the target as columns."""
    groups = {"all": data["metrics"], **data["by_language"]}
    head = ["metric", *(f"{g} ({fmt(m['n'])})" for g, m in groups.items()), "target"]
    rows = [[name, *(fmt(m.get(name)) for m in groups.values()), _target(name)] for name in METRICS]
    return _table(head, rows)


def _target(name: str) -> str:
    floor = THRESHOLDS.get(name)
    return "–" if floor is None else f"≥ {floor:g}"


def _tag_table(by_tag: dict[str, dict], label: str = "tag") -> str:
    return _table([label, "n", *(SHORT.get(k, k) for k in METRICS)], breakdown_rows(by_tag))


def _category_section(by_category: dict[str, dict]) -> list[str]:
    if not by_category:
        return []
    return [
        '<h2 id="by-category">By category</h2>',
        f'<div class="chart">{bar_chart(by_category)}</div>',
        _tag_table(by_category, "category"),
    ]


def bar_chart(groups: dict[str, dict], metrics: Sequence[str] = CHART_METRICS) -> str:
    """Grouped bars (0–1) of ``metrics`` for each group, as inline SVG."""
    left, top, height, min_width = 60, 30, 170, 1000
    slots = max(1, len(groups))
    width_group = max(len(metrics) * 9 + 14, (min_width - left - 10) / slots)
    bar = min(18, (width_group - 14) / len(metrics))
    gap = width_group - bar * len(metrics)
    width = left + width_group * slots + 10
    svg = [
        f'<svg viewBox="0 0 {width:.0f} {top + height + 60}" width="{width:.0f}" '
        f'height="{top + height + 60}" role="img" aria-label="metrics per group">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = top + height * (1 - tick)
        svg.append(
            f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>'
        )
        svg.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick:g}</text>'
        )
    for gi, (name, m) in enumerate(groups.items()):
        x0 = left + gi * width_group + gap / 2
        for mi, metric in enumerate(metrics):
            value = m.get(metric)
            if value is None:
                continue
            h = height * max(0.0, min(1.0, value))
            svg.append(
                f'<rect x="{x0 + mi * bar:.1f}" y="{top + height - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[mi % len(COLOURS)]}">'
                f"<title>{escape(f'{name} · {metric}: {value:.3f}')}</title></rect>"
            )
        cx, cy = x0 + bar * len(metrics) / 2, top + height + 12
        label = escape(f"{name} ({m.get('n')})")
        svg.append(
            f'<text x="{cx:.1f}" y="{cy}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {cx:.1f} {cy})">{label}</text>'
        )
    for mi, metric in enumerate(metrics):  # legend
        x = left + mi * 118
        svg.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{COLOURS[mi % len(COLOURS)]}"/>'
        )
        svg.append(f'<text x="{x + 14}" y="15" font-size="11">{escape(metric)}</text>')
    svg.append("</svg>")
    return "".join(svg)


def histogram(values: Sequence[float], bins: int = 20) -> str:
    """Latency histogram (ms) with p50/p95 marks, as inline SVG."""
    if not values:
        return "<p>No items.</p>"
    lo = min(values)
    hi = min(max(values), 2 * percentile(values, 95))  # slower outliers share the last bin
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[max(0, min(bins - 1, int((v - lo) / span * bins)))] += 1
    left, top, width, height = 34, 10, 620, 150
    peak = max(counts)
    svg = [
        f'<svg viewBox="0 0 {left + width + 30} {top + height + 40}" width="{left + width + 30}" '
        f'height="{top + height + 40}" role="img" aria-label="latency histogram">'
    ]
    bw = width / bins
    for i, c in enumerate(counts):
        h = height * c / peak
        svg.append(
            f'<rect x="{left + i * bw:.1f}" y="{top + height - h:.1f}" width="{bw - 1:.1f}" '
            f'height="{h:.1f}" fill="#3b6fb6"><title>{c} item(s), '
            f"{lo + i * span / bins:.1f}–{lo + (i + 1) * span / bins:.1f} ms</title></rect>"
        )
    svg.append(f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">{peak}</text>')
    for label, q in (("p50", 50), ("p95", 95)):
        v = percentile(values, q)
        x = left + (v - lo) / span * width
        svg.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + height}" stroke="#c0392b" stroke-dasharray="4 3"/>'
        )
        svg.append(
            f'<text x="{x + 3:.1f}" y="{top + 10}" font-size="10" fill="#c0392b">{label} {v:.1f}</text>'
        )
    for frac in (0, 0.5, 1):
        more = "≥ " if frac == 1 and hi < max(values) else ""
        anchor = {0: "start", 0.5: "middle", 1: "end"}[frac]
        svg.append(
            f'<text x="{left + frac * width:.1f}" y="{top + height + 14}" font-size="10" '
            f'text-anchor="{anchor}">{more}{lo + frac * span:.1f} ms</text>'
        )
    svg.append("</svg>")
    return "".join(svg)


def _answerability_section(data: dict) -> list[str]:
    items = [i for i in data["items"] if i.get("answer_probability") is not None]
    if not any(i["answerable"] for i in items) or all(i["answerable"] for i in items):
        return []
    return [
        '<h2 id="answerability">Answer or refuse</h2>',
        '<p class="meta">As the threshold on the probability that the article answers moves: '
        "unanswerable questions refused (refusal accuracy) against answerable ones refused "
        "(false refusals). The dashed line is the threshold in use.</p>",
        f'<div class="chart">{answerability_curve(items, data["config"].get("answer_threshold"))}</div>',
    ]


def answerability_curve(items: Sequence[dict], threshold: float | None, steps: int = 50) -> str:
    """Refusal accuracy and false refusals against the answer threshold, as inline SVG."""
    answerable = [i["answer_probability"] for i in items if i["answerable"]]
    unanswerable = [i["answer_probability"] for i in items if not i["answerable"]]
    left, top, width, height = 40, 12, 600, 170
    series = {
        "refusal accuracy": ("#2e8b57", [sum(p < t for p in unanswerable) / len(unanswerable)
                                         for t in _grid(steps)]),
        "false refusals": ("#c0392b", [sum(p < t for p in answerable) / len(answerable)
                                       for t in _grid(steps)]),
    }  # fmt: skip
    svg = [
        f'<svg viewBox="0 0 {left + width + 150} {top + height + 36}" width="{left + width + 150}" '
        f'height="{top + height + 36}" role="img" aria-label="answer threshold curve">',
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#dde1e6"/>',
    ]
    for n, (name, (colour, ys)) in enumerate(series.items()):
        points = " ".join(
            f"{left + t * width:.1f},{top + height * (1 - y):.1f}"
            for t, y in zip(_grid(steps), ys, strict=True)
        )
        svg.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        svg.append(
            f'<text x="{left + width + 8}" y="{top + 14 + 16 * n}" font-size="11" '
            f'fill="{colour}">{escape(name)}</text>'
        )
    if threshold is not None:
        x = left + threshold * width
        svg.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + height}" stroke="#333" '
            f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{top + height - 4}" '
            f'font-size="10">{threshold:.2f}</text>'
        )
    for frac in (0, 0.5, 1):
        svg.append(
            f'<text x="{left + frac * width:.1f}" y="{top + height + 14}" font-size="10" '
            f'text-anchor="middle">{frac:g}</text>'
            f'<text x="{left - 4}" y="{top + height * (1 - frac) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{frac:g}</text>'
        )
    svg.append(
        f'<text x="{left + width / 2}" y="{top + height + 30}" font-size="10" '
        'text-anchor="middle">threshold on P(the article answers)</text></svg>'
    )
    return "".join(svg)


def _grid(steps: int) -> list[float]:
    return [i / steps for i in range(steps + 1)]


def highlighted(text: str, spans: Sequence[Sequence[int]]) -> str:
    """``text`` escaped, with the quoted ``spans`` wrapped in ``<mark>``."""
    out, at = [], 0
    for start, end in sorted((int(a), int(b)) for a, b in spans):
        if start < at or end > len(text):
            continue  # overlapping or out of range: leave unmarked
        out += [escape(text[at:start]), f"<mark>{escape(text[start:end])}</mark>"]
        at = end
    return "".join([*out, escape(text[at:])])


def _failures(items: Sequence[dict]) -> str:
    failed = [(item, failed_checks(item)) for item in items]
    failed = [(item, why) for item, why in failed if why]
    head = f'<h2 id="failures">Failures ({len(failed)} of {len(items)})</h2>'
    if not failed:
        return head + "<p>None.</p>"
    rows = []
    for item, why in failed:
        cited = (
            "".join(
                f'<blockquote><span class="pid">[{c["n"]}] {escape(c["passage_id"])}</span> '
                f"{highlighted(c['text'], c.get('highlight', []))}</blockquote>"
                for c in item["citations"]
            )
            or "–"
        )
        answer = escape(item["answer"] if item["answer"] is not None else f"error: {item['error']}")
        rows.append(
            f"<tr><td>{escape(item['id'])}<br><span class=pid>{escape(item['language'])}</span></td>"
            f'<td class="why">{"<br>".join(escape(w) for w in why)}</td>'
            f"<td>{escape(item['question'])}</td><td>{answer}</td>"
            f"<td>{escape(item['reference'])}</td><td>{cited}</td></tr>"
        )
    header = "".join(
        f"<th>{h}</th>"
        for h in ("id", "failed", "question", "answer", "reference", "cited passages")
    )
    return f'{head}<div class="scroll"><table><tr>{header}</tr>{"".join(rows)}</table></div>'
