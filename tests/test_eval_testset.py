"""Loading test sets: JSON Lines and CSV, and clear errors that name the file and line."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.evaluation.testset import DEFAULT_TESTSET, LANGUAGES, TestsetError, load_testset

GOOD = {
    "id": "x-1",
    "user_input": "When was the first pair formed?",
    "reference": "1973.",
    "reference_contexts": ["On 24th, June, 1973"],
    "language": "en",
    "answerable": True,
    "must_include": [["1973"]],
    "tags": ["date"],
}


def write_jsonl(path, *objects, raw_lines=()):
    lines = [json.dumps(o, ensure_ascii=False) for o in objects] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_bundled_test_set_is_valid_and_covers_every_language():
    items = load_testset(DEFAULT_TESTSET)
    assert len(items) >= 80
    assert {i.language for i in items} == set(LANGUAGES)
    assert any(not i.answerable for i in items) and any("injection" in i.tags for i in items)


def test_a_valid_jsonl_line_becomes_an_item(tmp_path):
    (it,) = load_testset(write_jsonl(tmp_path / "t.jsonl", GOOD))
    assert it.id == "x-1" and it.must_include == (("1973",),) and it.tags == ("date",)


def test_tags_are_optional_and_extra_fields_ignored(tmp_path):
    obj = {k: v for k, v in GOOD.items() if k != "tags"} | {"note": "x"}
    (it,) = load_testset(write_jsonl(tmp_path / "t.jsonl", obj))
    assert it.tags == ()


def test_unicode_line_separators_inside_strings_do_not_split_items(tmp_path):
    odd = "Kobe\u2028and\u0085Tianjin\x1c?"
    (it,) = load_testset(write_jsonl(tmp_path / "t.jsonl", GOOD | {"user_input": odd}))
    assert it.user_input == odd
    (tmp_path / "t.csv").write_text(CSV_HEAD + f'a,"{odd}",r,ctx,en,true,x,\n', encoding="utf-8")
    (it,) = load_testset(tmp_path / "t.csv")
    assert it.user_input == odd


def test_a_malformed_line_names_the_file_and_line(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", GOOD, raw_lines=['{"id": "x-2", oops}'])
    with pytest.raises(TestsetError) as err:
        load_testset(path)
    assert f"{path}:2: not valid JSON" in err.value.text and err.value.exit_code == 2


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"user_input": None}, "missing field 'user_input'"),
        ({"answerable": "yes"}, "field 'answerable' must be true or false"),
        ({"language": "fr"}, "field 'language' must be one of en, zh-Hans, zh-Hant"),
        ({"must_include": ["1973"]}, "must be a list of non-empty lists"),
        ({"reference_contexts": "On 24th"}, "field 'reference_contexts' must be a list"),
        ({"tags": [1]}, "field 'tags' must hold non-empty strings"),
        ({"id": ""}, "field 'id' must be a non-empty string"),
        ({"must_include": []}, "needs at least one must_include group"),
    ],
)
def test_missing_or_wrong_typed_fields_are_reported_with_the_line(tmp_path, change, expected):
    bad = {k: v for k, v in (GOOD | change).items() if v is not None}
    path = write_jsonl(tmp_path / "t.jsonl", GOOD | {"id": "ok"}, bad)
    with pytest.raises(TestsetError) as err:
        load_testset(path)
    assert err.value.text.startswith(f"{path}:2: ") and expected in err.value.text


def test_duplicate_ids_empty_files_and_missing_files_are_errors(tmp_path):
    with pytest.raises(TestsetError, match="duplicate id 'x-1' \\(first on line 1\\)"):
        load_testset(write_jsonl(tmp_path / "d.jsonl", GOOD, GOOD))
    (tmp_path / "e.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(TestsetError, match="has no items"):
        load_testset(tmp_path / "e.jsonl")
    with pytest.raises(TestsetError, match="not found"):
        load_testset(tmp_path / "none.jsonl")
    (tmp_path / "b.jsonl").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TestsetError, match="not UTF-8"):
        load_testset(tmp_path / "b.jsonl")


CSV_HEAD = "id,user_input,reference,reference_contexts,language,answerable,must_include,tags\n"


def test_csv_reads_json_cells_and_pipe_separated_cells_alike(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        CSV_HEAD
        + 'a,Which cities?,"Tianjin, Kobe",On 24th|天津,en,true,Tianjin|天津;Kobe|神戶,multi-fact|en\n'
        + 'b,Who?,x,"[""gold, with comma""]",zh-Hant,1,"[[""神戶"", ""Kobe""]]",\n'
        + "c,Population?,The article does not say.,,en,false,,\n",
        encoding="utf-8",
    )
    a, b, c = load_testset(path)
    assert a.reference_contexts == ("On 24th", "天津") and a.answerable is True
    assert a.must_include == (("Tianjin", "天津"), ("Kobe", "神戶")) and a.tags == (
        "multi-fact",
        "en",
    )
    assert b.reference_contexts == ("gold, with comma",) and b.must_include == (("神戶", "Kobe"),)
    assert b.tags == () and c.answerable is False and c.must_include == ()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("a,q,r,ctx,en,maybe,x,\n", "answerable must be true or false"),
        ('a,q,r,"[broken",en,true,x,\n', "reference_contexts is not a valid JSON array"),
        ("a,q,r,ctx,en,true,x,t,extra\n", "more cells than columns"),
    ],
)
def test_bad_csv_rows_name_the_line(tmp_path, row, expected):
    path = tmp_path / "t.csv"
    path.write_text(CSV_HEAD + "ok,q,r,ctx,en,true,x,\n" + row, encoding="utf-8")
    with pytest.raises(TestsetError) as err:
        load_testset(path)
    assert err.value.text.startswith(f"{path}:3: ") and expected in err.value.text


def test_csv_without_a_required_column_is_rejected(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,user_input\na,q\n", encoding="utf-8")
    with pytest.raises(TestsetError, match=r":2: missing field 'reference'"):
        load_testset(path)


text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(
    question=text,
    contexts=st.lists(text, min_size=1, max_size=3),
    groups=st.lists(st.lists(text, min_size=1, max_size=3), min_size=1, max_size=3),
    tags=st.lists(text, max_size=3),
    language=st.sampled_from(LANGUAGES),
)
def test_any_valid_item_survives_a_jsonl_round_trip(
    tmp_path_factory, question, contexts, groups, tags, language
):
    item = GOOD | {
        "user_input": question,
        "reference_contexts": contexts,
        "must_include": groups,
        "tags": tags,
        "language": language,
    }
    path = write_jsonl(tmp_path_factory.mktemp("rt") / "t.jsonl", item)
    (loaded,) = load_testset(path)
    assert loaded.to_dict() == item
