"""Uploaded documents, treated as hostile input.

A multipart body is streamed part by part into a temporary folder inside the server's home
(never the system's temporary folder), each file under its own name only once that name has
been checked to be a plain base name; sizes are checked on the bytes as they arrive. Then the
files' real kinds are sniffed from their bytes (``index.extract.sniff``) and two files must be
the two language versions of one document. Any refusal is an ``ApiError`` (4xx); the caller
deletes the folder whatever happens (``upload_folder``).
"""

from __future__ import annotations

import email.message
import email.utils
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from bot.settings import Settings
from bot.web.errors import ApiError
from bot.web.models import DOCUMENT_ID_PATTERN, MAX_DOCUMENT_ID_CHARS
from bot.web.security import size_text
from index.extract import EXTENSIONS, LIMITS, ExtractError, sniff
from index.read import doc_id

MB = 1024 * 1024
MAX_FILES = 2  # one document: one file, or its Chinese and English versions
FIELD = "files"
MAX_NAME_BYTES = 255
_ID = re.compile(DOCUMENT_ID_PATTERN)
_LANGUAGE = re.compile(r"\.(zh|en)$", re.IGNORECASE)  # as index.read pairs files
# control, invisible formatting (bidi overrides, zero-width) and surrogate characters
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs")
_KINDS = "PDF, Word (.docx), HTML, Markdown or plain text"
PAIR_RULE = "two files must be the Chinese and English versions of one document: NAME.zh.EXT and NAME.en.EXT"


def max_file_bytes(settings: Settings) -> int:
    """The largest file an upload may carry: ``ZHEN_MAX_UPLOAD_MB``, at most what the
    extractor reads."""
    return min(settings.max_upload_mb * MB, LIMITS.max_bytes)


def max_upload_bytes(settings: Settings) -> int:
    """The largest upload body: two files at the limit, plus room for the multipart framing."""
    return MAX_FILES * max_file_bytes(settings) + 64 * 1024


@contextmanager
def upload_folder(home: Path) -> Iterator[Path]:
    """A new private folder ``<home>/uploads/.tmp-…``, deleted when the block ends."""
    parent = home / "uploads"
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".tmp-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def checked_name(raw: str) -> str:
    """The file name a part declares, if it is a plain, visible base name; else 422."""
    try:  # HTTP headers are latin-1 on the wire; browsers send UTF-8 file names in them
        name = unicodedata.normalize("NFC", raw.encode("latin-1").decode("utf-8"))
    except UnicodeError:
        raise _bad_name(raw, "is not valid UTF-8") from None
    if not name.strip():
        raise ApiError(422, "invalid_file_name", "every uploaded file needs a file name")
    if any(unicodedata.category(ch) in _HIDDEN_CATEGORIES for ch in name):
        raise _bad_name(name, "contains control or invisible formatting characters")
    if re.search(r"[/\\:]", name):
        raise _bad_name(name, "must be a plain file name, without folders or a drive")
    if name.startswith("."):
        raise _bad_name(name, "is a hidden name (starts with '.')")
    if name != name.strip():
        raise _bad_name(name, "starts or ends with white space")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise _bad_name(name, f"is longer than {MAX_NAME_BYTES} bytes")
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ApiError(
            415,
            "unsupported_file",
            f"{_shown(name)}: unsupported file type {suffix or '(none)'}; upload {_KINDS} "
            f"({', '.join(EXTENSIONS)})",
        )
    ident = doc_id(Path(name))
    if len(ident) > MAX_DOCUMENT_ID_CHARS or not _ID.match(ident):
        raise _bad_name(name, f"makes a document id longer than {MAX_DOCUMENT_ID_CHARS} characters")
    return name


def _shown(name: str) -> str:
    """A name for a message: quoted, control characters escaped, long ones cut."""
    return repr(name if len(name) <= 80 else name[:77] + "…")


def _bad_name(name: str, why: str) -> ApiError:
    return ApiError(422, "invalid_file_name", f"the file name {_shown(name)} {why}")


class _Receiver:
    """python-multipart callbacks writing each file part into ``folder``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.names: list[str] = []
        self.ended = False
        self._header = b""
        self._value = b""
        self._disposition = ""
        self._file: BinaryIO | None = None
        self._size = 0

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._disposition, self._size = "", 0

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        if self._header.lower() == b"content-disposition":
            self._disposition = self._value.decode("latin-1")
        self._header = self._value = b""

    def on_headers_finished(self) -> None:
        header = email.message.Message()
        header["content-disposition"] = self._disposition
        field = header.get_param("name", header="content-disposition")
        filename = header.get_param("filename", header="content-disposition")
        if header.get_content_disposition() != "form-data" or field != FIELD:
            raise ApiError(
                422, "invalid_upload", f"send the file(s) as form fields named {FIELD!r}"
            )
        if filename is None:
            raise ApiError(422, "invalid_upload", f"every {FIELD!r} part must be a file")
        if len(self.names) == MAX_FILES:
            raise ApiError(
                422, "too_many_files", f"at most {MAX_FILES} files per upload; {PAIR_RULE}"
            )
        if not isinstance(filename, str):  # RFC 2231 ``filename*=``
            filename = email.utils.collapse_rfc2231_value(filename)
        name = checked_name(filename)
        if name in self.names:
            raise ApiError(422, "not_a_pair", f"{_shown(name)} was sent twice; {PAIR_RULE}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        self._file = os.fdopen(os.open(self.folder / name, flags, 0o600), "wb")
        self.names.append(name)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        if self._size > self.max_bytes:
            name = _shown(self.names[-1])
            raise ApiError(413, "file_too_large", f"{name} is over {size_text(self.max_bytes)}")
        if self._file is not None:
            self._file.write(data[start:end])

    def on_part_end(self) -> None:
        self.close()

    def on_end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


async def receive(request: Request, folder: Path, max_bytes: int) -> list[str]:
    """Stream the request's multipart body into ``folder``: the names of the files written
    (1 or 2, checked base names). Any refusal is an ``ApiError``; the rest of the body is
    read and dropped first, so clients see the answer rather than a reset connection."""
    kind, options = parse_options_header(request.headers.get("content-type"))
    if kind != b"multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "upload the file(s) as multipart/form-data")
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise ApiError(400, "invalid_upload", "the multipart/form-data body has no boundary")
    receiver = _Receiver(folder, max_bytes)
    parser = MultipartParser(boundary, receiver.callbacks())
    stream = request.stream()
    try:
        async for chunk in stream:
            parser.write(chunk)
    except MultipartParseError as exc:
        raise ApiError(400, "invalid_upload", f"malformed multipart body ({exc})") from None
    except ApiError:
        async for _ in stream:  # bounded by the body limit (SecurityMiddleware)
            pass
        raise
    finally:
        receiver.close()
    if not receiver.ended:
        raise ApiError(400, "invalid_upload", "the multipart body ended before its last boundary")
    if not receiver.names:
        raise ApiError(422, "no_file", f"no file uploaded (form field {FIELD!r})")
    return receiver.names


def check_files(folder: Path, names: list[str]) -> None:
    """Refuse files that cannot make one document: a pair that is not NAME.zh.EXT +
    NAME.en.EXT, an empty file, a kind the bytes do not support or that the name disguises."""
    if len(names) == 2:
        ids = {doc_id(Path(n)) for n in names}
        languages = {_language(n) for n in names}
        if len(ids) != 1 or languages != {"zh", "en"}:
            shown = " and ".join(_shown(n) for n in names)
            raise ApiError(422, "not_a_pair", f"{shown} are not a pair; {PAIR_RULE}")
    for name in names:
        data = (folder / name).read_bytes()
        if not data.strip():
            raise ApiError(422, "empty_file", f"{_shown(name)} is empty")
        try:
            sniff(data, name)
        except ExtractError as exc:
            raise ApiError(415, "unsupported_file", str(exc)) from None


def _language(name: str) -> str | None:
    found = _LANGUAGE.search(Path(name).stem)
    return found.group(1).lower() if found else None


def without_folder(message: str, folder: Path) -> str:
    """``message`` with the temporary folder's path taken out of the file names it gives."""
    for prefix in {str(folder), str(folder.resolve())}:
        message = message.replace(prefix + os.sep, "")
    return message
