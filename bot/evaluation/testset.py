"""Test sets for ``zhen eval``: JSON Lines or CSV, validated before any run starts.

Fields (RAGAS-compatible names plus zhen's own): ``id``, ``user_input``, ``reference``,
``reference_contexts`` (gold evidence), ``language`` (``en`` / ``zh-Hans`` / ``zh-Hant``),
``answerable`` (bool), ``must_include`` (groups of alternatives; every group must match) and
optional ``tags``. Other fields are ignored.

CSV: one row per item with those column names. A list cell is either a JSON array, or plain
text: ``reference_contexts`` and ``tags`` split on ``|``; ``must_include`` splits groups on
``;`` and alternatives on ``|`` (``Tianjin|天津;1973``). ``answerable`` is true/false (or 1/0,
yes/no); an empty ``tags`` cell means no tags.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.errors import ZhenError
from bot.resources import bundled_testset

DEFAULT_TESTSET = bundled_testset()
LANGUAGES = ("en", "zh-Hans", "zh-Hant")
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class TestsetError(ZhenError):
    """The test set cannot be used; the message names the file and line."""

    __test__ = False  # not a pytest test class
    exit_code = 2
    status = 422


_WHAT = {
    "id": "a non-empty string",
    "user_input": "a non-empty string",
    "reference": "a string",
    "language": "one of " + ", ".join(LANGUAGES),
    "answerable": "true or false",
    "reference_contexts": "a list of strings",
    "must_include": "a list of non-empty lists of strings (groups of alternatives)",
    "tags": "a list of strings",
    "category": "a string",
}
NonEmpty = Annotated[StrictStr, StringConstraints(min_length=1, pattern=r"\S")]


class TestItem(BaseModel):
    """One question of a test set, validated."""

    __test__ = False
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: NonEmpty
    user_input: NonEmpty
    reference: StrictStr
    reference_contexts: tuple[NonEmpty, ...]
    language: Literal["en", "zh-Hans", "zh-Hant"]
    answerable: StrictBool
    must_include: tuple[Annotated[tuple[NonEmpty, ...], Field(min_length=1)], ...]
    tags: tuple[NonEmpty, ...] = ()
    category: NonEmpty | None = None  # e.g. paraphrase, typo, unanswerable (zhen eval groups by it)

    @field_validator("reference_contexts", "must_include", "tags", mode="before")
    @classmethod
    def _lists_only(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            raise ValueError("not a list")
        return value

    @model_validator(mode="after")
    def _answerable_needs_gold(self) -> TestItem:
        if self.answerable and not self.reference_contexts:
            raise ValueError("an answerable item needs at least one reference_contexts entry")
        if self.answerable and not self.must_include:
            raise ValueError("an answerable item needs at least one must_include group")
        return self

    def to_dict(self) -> dict:
        data = {
            "id": self.id,
            "user_input": self.user_input,
            "reference": self.reference,
            "reference_contexts": list(self.reference_contexts),
            "language": self.language,
            "answerable": self.answerable,
            "must_include": [list(g) for g in self.must_include],
            "tags": list(self.tags),
        }
        if self.category is not None:
            data["category"] = self.category
        return data


def load_testset(path: Path | str) -> list[TestItem]:
    """Read and validate a ``.jsonl`` or ``.csv`` test set; raises ``TestsetError``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TestsetError(f"{path}: test set not found") from None
    except UnicodeDecodeError:
        raise TestsetError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise TestsetError(f"{path}: cannot read ({exc.strerror})") from None
    rows = _csv_rows(path, text) if path.suffix.lower() == ".csv" else _jsonl_rows(path, text)
    items: list[TestItem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        item = parse_item(row, f"{path}:{line}")
        if item.id in seen:
            raise TestsetError(
                f"{path}:{line}: duplicate id {item.id!r} (first on line {seen[item.id]})"
            )
        seen[item.id] = line
        items.append(item)
    if not items:
        raise TestsetError(f"{path}: the test set has no items")
    return items


def _jsonl_rows(path: Path, text: str) -> list[tuple[int, object]]:
    rows = []
    # Only "\n" ends a line: splitlines() would also split on U+2028, U+0085 etc. inside strings.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise TestsetError(
                f"{path}:{n}: not valid JSON ({exc.msg}, column {exc.colno})"
            ) from None
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[int, object]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise TestsetError(f"{path}:{reader.line_num}: not valid CSV ({exc})") from None
    out: list[tuple[int, object]] = []
    for line, row in rows:
        if None in row:
            raise TestsetError(f"{path}:{line}: more cells than columns")
        if not any((v or "").strip() for v in row.values()):
            continue
        out.append((line, _from_cells(row, f"{path}:{line}")))
    return out


def _from_cells(row: dict[str, str | None], where: str) -> dict:
    """A CSV row as the JSON object it stands for (list cells decoded, booleans parsed)."""
    obj: dict[str, object] = {k: v for k, v in row.items() if v is not None}
    for name in ("reference_contexts", "tags", "must_include"):
        cell = row.get(name)
        if cell is None:
            continue
        cell = cell.strip()
        if cell.startswith("["):
            try:
                obj[name] = json.loads(cell)
            except json.JSONDecodeError as exc:
                raise TestsetError(
                    f"{where}: {name} is not a valid JSON array ({exc.msg})"
                ) from None
        elif name == "must_include":
            obj[name] = [_split(g, "|") for g in cell.split(";") if g.strip()]
        else:
            obj[name] = _split(cell, "|")
    if "answerable" in row and row["answerable"] is not None:
        value = _BOOLS.get(row["answerable"].strip().lower())
        if value is None:
            raise TestsetError(
                f"{where}: answerable must be true or false, not {row['answerable']!r}"
            )
        obj["answerable"] = value
    return obj


def _split(cell: str, sep: str) -> list[str]:
    return [part.strip() for part in cell.split(sep) if part.strip()]


def parse_item(obj: object, where: str) -> TestItem:
    """Validate one item (a decoded JSON object); ``where`` prefixes every error message."""
    if not isinstance(obj, dict):
        raise TestsetError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    try:
        item = TestItem.model_validate(obj)
    except ValidationError as exc:
        raise TestsetError(f"{where}: {_describe(exc.errors()[0], obj)}") from None
    return item.model_copy(update={"id": item.id.strip()})


def _describe(error: dict, obj: dict) -> str:
    """One validation error in the words of the test-set format."""
    loc = error["loc"]
    if not loc:
        return str(error["msg"]).removeprefix("Value error, ")
    name = str(loc[0])
    if error["type"] == "missing":
        return f"missing field {name!r}"
    if (len(loc) > 1 and name in ("reference_contexts", "tags")) or len(loc) > 2:
        value = obj[name]
        for index in loc[1:]:
            value = value[index]
        return f"field {name!r} must hold non-empty strings, got {_show(value)}"
    if len(loc) > 1:  # a must_include group
        return f"field {name!r} must be {_WHAT[name]}, got an element {_show(obj[name][loc[1]])}"
    return f"field {name!r} must be {_WHAT.get(name, 'valid')}, got {_show(obj.get(name))}"


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
