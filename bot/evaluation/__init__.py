"""Test sets, metrics, evaluation runs and reports (Markdown, HTML, comparisons)."""
