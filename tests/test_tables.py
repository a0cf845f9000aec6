"""Tables become lines that name each cell by its column's header."""

from __future__ import annotations

from bot.engine import Zhen
from bot.settings import Settings
from index.extract import extract
from index.tables import markdown_tables, table_lines

TABLE = """The table sums up the two counties.

| Indicator | Murang'a | Makueni |
|---|:---:|---|
| Cold stores | 7 | 5 |
| Average distance from orchard to store | 6.4 km | 11.2 km |

Photo: a store."""


def test_a_markdown_row_names_each_cell_by_its_column():
    lines = markdown_tables(TABLE).split("\n")
    assert lines == [
        "The table sums up the two counties.",
        "",
        "Indicator: Cold stores; Murang'a: 7; Makueni: 5.",
        "Indicator: Average distance from orchard to store; Murang'a: 6.4 km; Makueni: 11.2 km.",
        "",
        "Photo: a store.",
    ]


def test_a_chinese_row_takes_chinese_punctuation_and_empty_cells_are_skipped():
    rows = [["指标", "穆朗阿", "马库埃尼"], ["冷库", "7座", ""]]
    assert table_lines(rows) == ["指标：冷库，穆朗阿：7座。"]


def test_a_first_row_of_figures_is_no_header_and_a_merged_row_stays_whole():
    assert table_lines([["2019", "12"], ["2020", "15"]]) == ["2019 | 12", "2020 | 15"]
    assert table_lines([["City", "Year"], ["Total 2 cities"], ["Kobe", "1973"]]) == [
        "Total 2 cities",
        "City: Kobe; Year: 1973.",
    ]


def test_pipes_outside_a_table_and_escaped_pipes_in_cells_are_kept(tmp_path):
    assert markdown_tables("a | b without a delimiter row") == "a | b without a delimiter row"
    lines = markdown_tables("| Term | Meaning |\n| --- | --- |\n| a\\|b | either |")
    assert lines == "Term: a|b; Meaning: either."
    path = tmp_path / "t.md"
    path.write_text(TABLE, encoding="utf-8")
    assert "Makueni: 11.2 km." in extract(path).text


def test_a_question_about_one_column_is_answered_from_the_row_naming_it(tmp_path, fake_embedder):
    corpus = tmp_path / "counties.md"
    corpus.write_text(TABLE, encoding="utf-8")
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path / "home", corpus=(corpus,)), fake_embedder)
    answer = zhen.ask("How far is the average orchard from its store in Makueni?")
    assert answer.grounded
    assert "Makueni: 11.2 km" in answer.answer
