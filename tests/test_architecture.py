"""The import graph of the package: no cycle, and no module imports one from a higher layer (ARCHITECTURE.md).

Every `import` counts, including those inside functions (lazy imports are still dependencies).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import cseplan_xl

PACKAGE = Path(cseplan_xl.__file__).parent
ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module may import modules of its own layer or of a lower one, never of a higher one.
LAYERS: dict[str, set[str]] = {
    "leaves": {"errors", "words", "dates", "findings", "contract", "stats", "disclosure", "privacy_patterns",
               "privacy_detectors", "privacy", "output", "vba", "cfb",
               "safetext", "console", "tables"},
    "input": {"when", "when_reading", "when_grammar", "when_periods", "when_words", "period", "awareness", "container",
              "read", "cell_values", "rag_colour"},
    "model": {"plan"},
    "analysis": {"rulebook", "rules_workbook", "rules_activities", "rules_evaluation", "rules_privacy", "rules",
                 "rag", "rollups", "history", "delivery", "measures", "referrals", "social_media", "traditional_media",
                 "anecdotes", "evaluation_views", "evaluation", "report", "batch"},
    "outputs": {"article", "charts", "wordfile", "briefing", "workbook_style", "control_sheet", "table_sheets",
                "dashboard", "build", "upgrade", "xlsetup", "writeback", "frames"},
    "faces": {"cli", "excel", "__main__", "__init__"},
}
HOW_TO_ADD = ("add it to LAYERS in tests/test_architecture.py, in the lowest layer whose modules it imports (a "
              "module may use its own layer and those below), and give it a line in ARCHITECTURE.md's module map")


def _modules() -> set[str]:
    return {path.stem for path in PACKAGE.glob("*.py")}


def _imports(module: str, modules: set[str]) -> set[str]:
    """The package modules `module` imports anywhere in its source (relative or absolute imports)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or node.module == "cseplan_xl" or (node.module or "").startswith("cseplan_xl."):
                path = (node.module or "").removeprefix("cseplan_xl").lstrip(".") if node.level == 0 else (
                    node.module or "")
                if path:
                    found.add(path.split(".")[0])
                else:  # from . import x, from cseplan_xl import x: x may be a module, else it is the package's
                    found.update(a.name if a.name in modules else "__init__" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("cseplan_xl."))
    return {m for m in found if m in modules and m != module}


def _layer_of() -> dict[str, int]:
    return {m: i for i, members in enumerate(LAYERS.values()) for m in members}


def test_every_module_has_a_layer():
    placed = _layer_of()
    missing = sorted(_modules() - set(placed))
    assert not missing, f"module(s) {', '.join(missing)} not in the layer map: {HOW_TO_ADD}"
    gone = sorted(set(placed) - _modules())
    assert not gone, f"the layer map names module(s) that no longer exist: {', '.join(gone)}; take them out"


def test_no_module_imports_from_a_higher_layer():
    modules, layer = _modules(), _layer_of()
    names = list(LAYERS)
    upward = [f"{m} ({names[layer[m]]}) imports {d} ({names[layer[d]]})"
              for m in sorted(modules) for d in sorted(_imports(m, modules))
              if m in layer and d in layer and layer[d] > layer[m]]
    assert not upward, ("upward imports: " + "; ".join(upward) + ". Move the shared code down into a lower module, "
                        "or pass what the lower module needs as an argument")


def test_no_import_cycle():
    modules = _modules()
    graph = {m: _imports(m, modules) for m in modules}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                return [*path[path.index(d):], d]
            if d not in state and (cycle := visit(d)):
                return cycle
        path.pop()
        state[m] = 2
        return None

    for m in sorted(modules):
        if m not in state and (cycle := visit(m)):
            raise AssertionError("import cycle: " + " -> ".join(cycle))


def test_the_walk_sees_imports_inside_functions():
    modules = _modules()
    assert {"rules", "rollups", "period", "briefing", "xlsetup"} <= _imports("excel", modules)  # all lazy there
    assert "evaluation" in _imports("writeback", modules)  # likewise
    assert "when" in _imports("cli", modules) and "contract" in _imports("build", modules)  # absolute import


def test_architecture_md_lists_every_module():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = {m for m in re.findall(r"`([a-z_]+)\.py`", text) if not m.startswith("test_")}
    missing = sorted(_modules() - listed - {"__init__", "__main__"})
    assert not missing, f"ARCHITECTURE.md does not mention {', '.join(m + '.py' for m in missing)}: {HOW_TO_ADD}"
    gone = sorted(listed - _modules())
    assert not gone, f"ARCHITECTURE.md names module(s) that no longer exist: {', '.join(gone)}"


MODULE_LINES = 450  # "roughly 100-400 lines" with room for a docstring or two; past it, a concept wants its own module
FUNCTION_LINES = 60


def test_modules_and_functions_stay_small():
    too_long = []
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if (lines := source.count("\n")) > MODULE_LINES:
            too_long.append(f"{path.name} has {lines} lines (limit {MODULE_LINES})")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    too_long.append(f"{path.name}:{node.lineno} {node.name} has {length} lines "
                                    f"(limit {FUNCTION_LINES})")
    assert not too_long, "; ".join(too_long) + ". Split along the code's seams (ARCHITECTURE.md, 'A new module')"
