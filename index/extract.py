"""Text from PDF, DOCX, HTML, Markdown and plain-text files, one paragraph per line.

The kind comes from the bytes, not the name (``sniff``). PDF, DOCX and HTML are parsed in a
child process (``python -m index.extract FILE`` prints JSON) that is killed after
``Limits.seconds`` and may not grow past ``Limits.max_memory``, so a hostile file costs a bounded
time and memory and never takes the caller down; files over ``Limits.max_bytes`` are refused
before they are read.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from index.markup import read_docx, read_html
from index.pdf import PdfError, read_pdf
from index.tables import markdown_tables
from index.unwrap import unwrap, width

KINDS = ("pdf", "docx", "html", "md", "txt")
EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".text": "txt",
}
_NAMES = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "html": "an HTML page",
    "md": "Markdown text",
    "txt": "plain text",
}
_MAGIC = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xd0\xcf\x11\xe0", "an old-format or password-protected Office file (save it as .docx)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
)
_ZIP_KINDS = (
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint file"),
    ("mimetype", "an OpenDocument or EPUB file"),
)
_DOCX_MAX_ENTRIES = 2000
_DOCX_MAX_RATIO = 200  # deflated XML rarely beats 50:1; a zip bomb does 1000:1
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a file may cost to read."""

    max_bytes: int = 50 * _MB
    max_pages: int = 2000
    seconds: float = 60.0
    max_memory: int = 2048 * _MB  # address space of the parsing process


LIMITS = Limits()


@dataclass(frozen=True)
class Extracted:
    """A document's text, one paragraph per line, and where its pages start."""

    text: str
    pages: tuple[tuple[int, int], ...]  # (offset in text where a page starts, page number)
    title: str | None
    kind: str  # "pdf" | "docx" | "html" | "md" | "txt"


class ExtractError(ValueError):
    """The file cannot be read; str(error) is one clear line for users (naming the file)."""


def sniff(data: bytes, name: str) -> str:
    """The file's real kind from its bytes; ExtractError when unsupported or misnamed."""
    if not data or data.isspace():
        raise ExtractError(f"{name} is empty")
    ext = Path(name).suffix.lower()
    claimed = EXTENSIONS.get(ext)
    kind = _binary_kind(data, name) or _text_kind(data, name, claimed)
    if claimed and claimed != kind and {claimed, kind} & {"pdf", "docx"}:
        raise ExtractError(f"{name} is named {ext} but is {_NAMES[kind]}; rename it")
    return kind


def _binary_kind(data: bytes, name: str) -> str | None:
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        names = {entry.filename for entry in _zip_entries(data, name)}
        if "word/document.xml" in names:
            return "docx"
        what = next((what for part, what in _ZIP_KINDS if part in names), "a ZIP archive")
        raise ExtractError(f"{name} is {what} without word/document.xml; unsupported")
    what = next((what for magic, what in _MAGIC if data.startswith(magic)), None)
    if what:
        raise ExtractError(f"{name} is {what}; unsupported")
    return None


def _text_kind(data: bytes, name: str, claimed: str | None) -> str:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if claimed == "html" or b"<\x00h\x00t\x00m\x00l" in head.lower():
            return "html"
        raise ExtractError(f"{name} is UTF-16 text; save it as UTF-8")
    if b"\x00" in head:
        raise ExtractError(f"{name} is a binary file of an unknown kind; unsupported")
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if claimed == "html" or start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith((b"<?xml", b"<!--")) and b"<html" in start:
        return "html"
    return "md" if claimed == "md" else "txt"


def extract(path: Path, limits: Limits = LIMITS) -> Extracted:
    """Read the document at ``path``; ExtractError (one line naming the file) when it cannot."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ExtractError(f"{path} is not a file" if path.exists() else f"{path} not found")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ExtractError(f"{path} is {_size(size)}, over the {_size(limits.max_bytes)} limit")
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > limits.max_bytes:
        raise ExtractError(f"{path} is over the {_size(limits.max_bytes)} limit")
    kind = sniff(data, str(path))
    if kind in ("md", "txt"):
        return read_text(data, str(path), kind)
    if kind == "docx":
        check_zip(data, str(path), limits)
    return _in_child(path, kind, limits)


def _size(n: int) -> str:
    if n >= _MB:
        return f"{n / _MB:,.1f} MB".replace(".0 MB", " MB")
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n} bytes"


def _in_child(path: Path, kind: str, limits: Limits) -> Extracted:
    """Parse ``path`` in a child process, killed when ``limits.seconds`` pass."""
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    # -P: the caller's working directory must not shadow the ``index`` package
    command = [sys.executable, "-P", "-m", "index.extract", "--kind", kind]
    command += ["--max-pages", str(limits.max_pages), "--max-memory", str(limits.max_memory)]
    command += ["--", str(path)]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=limits.seconds, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractError(
            f"{path} took more than {limits.seconds:g} s to read; gave up (damaged or hostile file?)"
        ) from exc
    try:
        result = json.loads(done.stdout)
    except ValueError:
        raise ExtractError(f"{path} could not be read: the parser {_death(done)}") from None
    if "error" in result:
        raise ExtractError(result["error"])
    pages = tuple((int(offset), int(number)) for offset, number in result["pages"])
    return Extracted(result["text"], pages, result["title"], kind)


def _death(done: subprocess.CompletedProcess) -> str:
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        return f"crashed ({name}: out of memory, or a damaged file?)"
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return f"failed ({lines[-1] if lines else f'exit status {done.returncode}'})"


def parse(path: Path, kind: str, max_pages: int) -> Extracted:
    """Parse ``path`` as ``kind`` in this process (the child's work)."""
    name = str(path)
    if kind == "pdf":
        try:
            pdf = read_pdf(path, max_pages)
        except PdfError as exc:
            raise ExtractError(f"{name} {exc}") from exc
        return _checked(Extracted(pdf.text, pdf.pages, pdf.title, "pdf"), name)
    data = path.read_bytes()
    if kind in ("docx", "html"):
        text, title = read_docx(data) if kind == "docx" else read_html(data)
        return _checked(Extracted(text, (), title, kind), name)
    return read_text(data, name, kind)


def _checked(result: Extracted, name: str) -> Extracted:
    if not result.text.strip():
        raise ExtractError(f"{name} has no text")
    return result


def read_text(data: bytes, name: str, kind: str) -> Extracted:
    """UTF-8 Markdown or plain text; Markdown markup and front matter removed."""
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(
            f"{name} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from exc
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    title = None
    if kind == "md":
        front = re.match(r"---\n(.*?)\n---\n", raw, re.S)
        if front:
            found = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", front[1], re.M)
            title = found[1] if found else None
            raw = raw[front.end() :]
        raw = _strip_markdown(markdown_tables(_join_soft_breaks(raw)))
    else:
        raw = unwrap(raw)
    if not raw.strip():
        raise ExtractError(f"{name} is empty")
    return Extracted(raw, (), title, kind)


# Lines that start a Markdown block of their own: a heading, list item, quote, table row,
# code fence, rule, a setext heading's underline or an image.
_MD_BLOCK = re.compile(
    r"^\s{0,3}(?:#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|>|\||```|~~~|!\[|=+\s*$|([-*_])(?:\s*\1){2,}\s*$)"
)
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_CJK_EDGE = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


_WRAPPED = 40  # display columns: a shorter line is a title or a line of its own
_ENDS_SENTENCE = tuple('.!?。！？；;:：…"”」』)）')


def _wrapped(line: str) -> bool:
    """A line cut mid-sentence by hard wrapping: long, and not ending a sentence."""
    text = line.rstrip()
    return width(text) >= _WRAPPED and not text.endswith(_ENDS_SENTENCE) and not line.endswith("  ")


def _join_soft_breaks(text: str) -> str:
    """Join the lines of a hard-wrapped Markdown paragraph, as Markdown renders them: one
    paragraph, not one per line (Chinese lines are joined without a space). A short line (a
    title over its text) or one ending a sentence keeps its break."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        if _FENCE.match(line):
            fenced = not fenced
        if (
            not fenced
            and line.strip()
            and not line.startswith("    ")  # indented code
            and _wrapped(previous)
            and not _MD_BLOCK.match(line)
            and not _MD_BLOCK.match(previous)
            and not previous.endswith("\\")
        ):
            left, right = previous.rstrip(), line.strip()
            glue = "" if _CJK_EDGE.match(left[-1]) and _CJK_EDGE.match(right[0]) else " "
            out[-1] = left + glue + right
        else:
            out.append(line)
    return "\n".join(out)


def _strip_markdown(text: str) -> str:
    """Drop Markdown markup that would pollute passages, keeping line structure."""
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text)


def _zip_entries(data: bytes, name: str) -> list[zipfile.ZipInfo]:
    """The archive's entries; too many are refused from its end record, before the directory
    is parsed (a directory of a million entries costs the parser seconds and gigabytes)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    count = int.from_bytes(data[end + 10 : end + 12], "little") if end >= 0 else 0
    if count > _DOCX_MAX_ENTRIES:  # 0xFFFF: a ZIP64 archive, never needed for a DOCX
        raise ExtractError(f"{name} has {count:,} parts, over {_DOCX_MAX_ENTRIES:,} (zip bomb?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ExtractError(f"{name} is a damaged ZIP archive ({exc})") from exc
    if len(entries) > _DOCX_MAX_ENTRIES:
        raise ExtractError(
            f"{name} has {len(entries):,} parts, over {_DOCX_MAX_ENTRIES:,} (zip bomb?)"
        )
    return entries


def check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a DOCX whose archive would unpack absurdly (zip bomb) or lacks its document."""
    entries = _zip_entries(data, name)
    total = sum(entry.file_size for entry in entries)
    if total > 4 * limits.max_bytes:
        raise ExtractError(f"{name} unpacks to {_size(total)}; refused (zip bomb?)")
    for entry in entries:
        if entry.file_size > _MB and entry.file_size > _DOCX_MAX_RATIO * entry.compress_size:
            ratio = entry.file_size // max(1, entry.compress_size)
            raise ExtractError(f"{name} has a part compressed {ratio:,}:1; refused (zip bomb?)")
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise ExtractError(f"{name} has no word/document.xml; not a Word document")


def _limit_memory(max_bytes: int) -> None:
    if max_bytes > 0:
        import resource  # Unix only

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def main(argv: list[str] | None = None) -> int:
    """``python -m index.extract FILE``: print the extracted document (or the error) as JSON."""
    parser = argparse.ArgumentParser(prog="python -m index.extract", description=main.__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--kind", choices=KINDS, help="skip sniffing (the parent did it)")
    parser.add_argument("--max-pages", type=int, default=LIMITS.max_pages)
    parser.add_argument("--max-memory", type=int, default=0, help="bytes of address space")
    args = parser.parse_args(argv)
    name = str(args.file)
    try:
        _limit_memory(args.max_memory)
        kind = args.kind or sniff(args.file.read_bytes(), name)
        result = parse(args.file, kind, args.max_pages)
        out: dict = {"text": result.text, "pages": result.pages, "title": result.title}
        out["kind"] = kind
    except ExtractError as exc:
        out = {"error": str(exc)}
    except MemoryError:
        out = {"error": f"{name} needs more than {args.max_memory // _MB:,} MB of memory to read"}
    except RecursionError:
        out = {"error": f"{name} is nested too deeply to read"}
    except Exception as exc:
        detail = " ".join(str(exc).split())[:200]
        out = {"error": f"{name} could not be read ({type(exc).__name__}: {detail})"}
    sys.stdout.buffer.write(json.dumps(out, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
