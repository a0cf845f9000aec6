"""The architecture as a test: imports point down the layers, and nothing imports in a circle.

index ← retrieval ← answering ← generation ← engine ← {web, evaluation} ← cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "index")
# Lower rank = lower layer. A module may import its own rank or below.
RANKS = (
    ("index", 0),
    ("bot.errors", 1),
    ("bot.i18n", 1),
    ("bot.settings", 1),
    ("bot.resources", 1),
    ("bot.retrieval", 2),
    ("bot.answering", 3),
    ("bot.generation", 4),
    ("bot.integrations", 4),
    ("bot.engine", 5),
    ("bot.web", 6),
    ("bot.evaluation", 6),
    ("bot.cli", 7),
)
# Siblings on one layer that must not know each other.
APART = (("bot.web", "bot.evaluation"), ("bot.evaluation", "bot.web"))
# Imports inside a function are for heavy or optional parts only (LangChain, the web stack,
# Gradio, each LLM backend's client library), never to dodge a cycle.
LAZY_ALLOWED = {
    "bot.integrations.langchain",
    "bot.web.app",
    "bot.web.ui",
    "bot.generation.backends.gguf",
    "bot.generation.backends.hf",
    "bot.generation.backends.openai_compat",
}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module ``name`` refers to (``bot.x.y`` may be a name inside ``bot.x``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported project module, imported inside a function) for each import in ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, nested: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # annotations only: no import at run time
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [f"{child.module}.{a.name}" for a in child.names]
            for name in names:
                target = _resolve(name)
                if target is not None and name.split(".")[0] in PACKAGES:
                    found.append((target, inner))
            visit(child, inner, type_only)

    visit(tree, False, False)
    return found


def _rank(module: str) -> int:
    for prefix, rank in RANKS:
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return 1 if module == "bot" else 99


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def test_every_module_has_a_layer():
    assert [m for m in MODULES if _rank(m) == 99] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    up = [t for t, _ in GRAPH[module] if _rank(t) > _rank(module)]
    apart = [
        t for t, _ in GRAPH[module] for a, b in APART if module.startswith(a) and t.startswith(b)
    ]
    assert up == [] and apart == [], f"{module} imports upward or sideways: {up + apart}"


def test_no_import_cycles():
    graph = {m: {t for t, _ in deps if t != m} for m, deps in GRAPH.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_imports_inside_functions_are_only_for_heavy_optional_parts():
    lazy = {(m, t) for m, deps in GRAPH.items() for t, inner in deps if inner}
    assert {t for _, t in lazy} <= LAZY_ALLOWED, sorted(lazy)


def test_modules_stay_small_enough_to_read():
    long = {
        m: n
        for m, p in MODULES.items()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
