import pytest

from bot.generation.prompts import (
    LANGUAGES,
    PromptError,
    load_prompt,
    render,
    variables,
)
from bot.resources import prompts_folder


def _names() -> set[str]:
    return {p.name.split(".")[0] for p in prompts_folder().glob("*.txt")}


def test_every_prompt_exists_in_every_language_with_the_same_variables():
    assert _names()
    for name in _names():
        found = {lang: variables(load_prompt(name, lang)) for lang in LANGUAGES}
        assert len({frozenset(v) for v in found.values()}) == 1, (name, found)


def test_rendering_with_a_missing_variable_fails():
    with pytest.raises(PromptError, match="missing"):
        render("Q: {question} P: {passages}", question="x")


def test_rendering_with_an_unused_variable_fails():
    with pytest.raises(PromptError, match="unused"):
        render("Q: {question}", question="x", passages="y")


def test_rendering_fills_every_variable():
    text = render(load_prompt("answer", "zh-Hans"), question="问题", passages="[1] 段落")
    assert "问题" in text and "[1] 段落" in text and "{" not in text
