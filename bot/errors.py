"""Errors that reach users: one clear line, in their language, and an exit code."""

from __future__ import annotations

from bot.i18n import message


class ZhenError(Exception):
    """An error with a user-facing message. ``exit_code`` is what the CLI returns,
    ``status`` what the HTTP API answers."""

    exit_code = 1
    status = 500

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class InvalidQuestion(ZhenError):
    exit_code = 2
    status = 422

    def __init__(self, key: str, language: str = "en", **values: object) -> None:
        super().__init__(message(key, language, **values))
        self.key = key


class CorpusUnavailable(ZhenError):
    exit_code = 3
    status = 503


class IndexUnavailable(ZhenError):
    exit_code = 4
    status = 503


class ModelUnavailable(ZhenError):
    exit_code = 5
    status = 503


class ServerBusy(ZhenError):
    """Every answering slot stayed taken for longer than a client should wait."""

    exit_code = 1
    status = 503

    def __init__(self, language: str = "en") -> None:
        super().__init__(message("server_busy", language))
        self.key = "server_busy"


class UnknownDocuments(ZhenError):
    """A document id that names no document of the library."""

    exit_code = 2
    status = 422

    def __init__(self, ids: str, language: str = "en") -> None:
        super().__init__(message("unknown_documents", language, ids=ids))
        self.key = "unknown_documents"
        self.ids = ids
