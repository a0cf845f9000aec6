"""Tables become lines that name each cell by its column's header."""

from __future__ import annotations

import io

import docx
from docx.oxml import OxmlElement

from bot.engine import Zhen
from bot.settings import Settings
from index.extract import extract
from index.markup import read_docx, read_html
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


MERGED_HTML = """<main><p>Losses before and after the pilot.</p><table>
<tr><td colspan="3">Table 2: post-harvest loss</td></tr>
<tr><th rowspan="2">County</th><th colspan="2">Post-harvest loss</th></tr>
<tr><th>before</th><th>after</th></tr>
<tr><td rowspan="2">Makueni</td><td>45%</td><td>12%</td></tr>
<tr><td>40%</td><td>10%</td></tr>
<tr><td colspan="3">Murang'a, avocado</td></tr>
<tr><td>Murang'a</td><td>38%</td><td>9%</td></tr></table></main>"""


def test_html_merged_headers_name_each_column_and_a_row_spanning_cell_is_repeated():
    text, _ = read_html(MERGED_HTML.encode())
    assert text.splitlines() == [
        "Losses before and after the pilot.",
        "Table 2: post-harvest loss",
        "County: Makueni; Post-harvest loss before: 45%; Post-harvest loss after: 12%.",
        "County: Makueni; Post-harvest loss before: 40%; Post-harvest loss after: 10%.",
        "Murang'a, avocado",
        "County: Murang'a; Post-harvest loss before: 38%; Post-harvest loss after: 9%.",
    ]


def test_malformed_spans_are_read_as_far_as_they_make_sense():
    page = '<main><table><tr><td>a</td><td colspan="9999999">b</td><td rowspan="x">c</td></tr>'
    page += '<tr><td rowspan="-3">d</td><td colspan="0">e</td></tr></table></main>'
    text, _ = read_html(page.encode())
    # a span past any sane width counts as MAX_SPAN columns; the first row is the header
    assert text.splitlines() == ["a: d; b: e."]


def _docx(build) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    build(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_merged_headers_name_each_column():
    def build(table) -> None:
        table.cell(0, 0).merge(table.cell(1, 0)).text = "County"
        table.cell(0, 1).merge(table.cell(0, 2)).text = "Post-harvest loss"
        for r, cells in enumerate([("before", "after"), ("38%", "9%"), ("45%", "12%")], start=1):
            table.cell(r, 1).text, table.cell(r, 2).text = cells
        table.cell(2, 0).text, table.cell(3, 0).text = "Murang'a", "Makueni"

    text, _ = read_docx(_docx(build))
    assert text.splitlines() == [
        "County: Murang'a; Post-harvest loss before: 38%; Post-harvest loss after: 9%.",
        "County: Makueni; Post-harvest loss before: 45%; Post-harvest loss after: 12%.",
    ]


def test_a_docx_row_word_repeats_on_every_page_is_the_header_even_of_years():
    def build(table) -> None:
        rows = [("", "2023", "2024"), ("Visitors", "91,250", "88,400"), ("Venues", "2", "3")]
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))

    text, _ = read_docx(_docx(build))
    assert text.splitlines() == [
        "Visitors; 2023: 91,250; 2024: 88,400.",
        "Venues; 2023: 2; 2024: 3.",
    ]
