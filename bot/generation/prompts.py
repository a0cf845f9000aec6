"""Prompt templates in ``prompts/``: one file per name and language, rendered strictly.

A template's variables are ``{name}`` fields. Rendering with a missing variable, or with
a variable the template does not use, is an error: prompts and code cannot drift apart.
Literal braces are written ``{{`` and ``}}``.
"""

from __future__ import annotations

import string
from pathlib import Path

from bot.resources import prompts_folder

LANGUAGES = ("en", "zh-Hans", "zh-Hant")


class PromptError(ValueError):
    """A prompt is missing, or was rendered with the wrong variables."""


def prompt_path(name: str, language: str, folder: Path | None = None) -> Path:
    return (folder or prompts_folder()) / f"{name}.{language}.txt"


def load_prompt(name: str, language: str, folder: Path | None = None) -> str:
    path = prompt_path(name, language, folder)
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise PromptError(f"no prompt {name!r} for {language!r} ({path})") from exc


def variables(template: str) -> set[str]:
    """The ``{field}`` names a template uses."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as exc:
        raise PromptError(f"malformed prompt template: {exc}") from exc


def render(template: str, **values: object) -> str:
    """Fill ``template``; every variable must be given and every given value used."""
    needed = variables(template)
    if any(not name.isidentifier() for name in needed):
        raise PromptError(f"prompt fields must be plain names, got {sorted(needed)}")
    missing, unused = needed - values.keys(), values.keys() - needed
    if missing or unused:
        raise PromptError(f"prompt variables missing {sorted(missing)}, unused {sorted(unused)}")
    return template.format(**values)


def render_prompt(name: str, language: str, **values: object) -> str:
    return render(load_prompt(name, language), **values)
