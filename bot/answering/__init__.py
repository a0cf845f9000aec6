"""Passages → cited answer: question checks, demands, selection, composition, follow-ups."""
