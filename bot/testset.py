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
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ZhenError
from bot.settings import PROJECT_ROOT

DEFAULT_TESTSET = PROJECT_ROOT / "data" / "testset.jsonl"
LANGUAGES = ("en", "zh-Hans", "zh-Hant")
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class TestsetError(ZhenError):
    """The test set cannot be used; the message names the file and line."""

    __test__ = False  # not a pytest test class
    exit_code = 2
    status = 422


@dataclass(frozen=True)
class TestItem:
    __test__ = False

    id: str
    user_input: str
    reference: str
    reference_contexts: tuple[str, ...]
    language: str
    answerable: bool
    must_include: tuple[tuple[str, ...], ...]
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "user_input": self.user_input,
            "reference": self.reference,
            "reference_contexts": list(self.reference_contexts),
            "language": self.language,
            "answerable": self.answerable,
            "must_include": [list(g) for g in self.must_include],
            "tags": list(self.tags),
        }


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

    def need(name: str, kind: type, what: str) -> object:
        if name not in obj:
            raise TestsetError(f"{where}: missing field {name!r}")
        value = obj[name]
        if not isinstance(value, kind) or (
            kind is str and not value.strip() and name != "reference"
        ):
            raise TestsetError(f"{where}: field {name!r} must be {what}, got {_show(value)}")
        return value

    item_id = need("id", str, "a non-empty string")
    question = need("user_input", str, "a non-empty string")
    reference = need("reference", str, "a string")
    language = need("language", str, "one of " + ", ".join(LANGUAGES))
    if language not in LANGUAGES:
        raise TestsetError(
            f"{where}: field 'language' must be one of {', '.join(LANGUAGES)}, got {language!r}"
        )
    answerable = need("answerable", bool, "true or false")
    contexts = _strings(
        need("reference_contexts", list, "a list of strings"), "reference_contexts", where
    )
    groups_raw = need("must_include", list, "a list of groups (lists of alternatives)")
    groups = []
    for group in groups_raw:  # type: ignore[union-attr]
        if not isinstance(group, list) or not group:
            raise TestsetError(
                f"{where}: field 'must_include' must be a list of non-empty lists of strings, "
                f"got an element {_show(group)}"
            )
        groups.append(_strings(group, "must_include", where))
    tags = obj.get("tags", [])
    if not isinstance(tags, list):
        raise TestsetError(f"{where}: field 'tags' must be a list of strings, got {_show(tags)}")
    tags = _strings(tags, "tags", where)
    if answerable and not contexts:
        raise TestsetError(
            f"{where}: an answerable item needs at least one reference_contexts entry"
        )
    if answerable and not groups:
        raise TestsetError(f"{where}: an answerable item needs at least one must_include group")
    return TestItem(
        id=item_id.strip(),  # type: ignore[union-attr]
        user_input=question,  # type: ignore[arg-type]
        reference=reference,  # type: ignore[arg-type]
        reference_contexts=contexts,
        language=language,  # type: ignore[arg-type]
        answerable=answerable,  # type: ignore[arg-type]
        must_include=tuple(groups),
        tags=tags,
    )


def _strings(values: list, name: str, where: str) -> tuple[str, ...]:
    for v in values:
        if not isinstance(v, str) or not v.strip():
            raise TestsetError(
                f"{where}: field {name!r} must hold non-empty strings, got {_show(v)}"
            )
    return tuple(values)


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
