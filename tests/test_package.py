"""The package's public API and its light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cseplan_xl


def test_every_public_name_resolves():
    for name in cseplan_xl.__all__:
        assert getattr(cseplan_xl, name) is not None, name
    from importlib.metadata import version

    assert cseplan_xl.__version__ == version("cseplan-xl") == "0.1.0"


def test_the_result_types_are_exported_and_seen_by_type_checkers():
    import ast
    from pathlib import Path

    from cseplan_xl.evaluation import Evaluation
    from cseplan_xl.findings import Finding
    from cseplan_xl.report import Report
    from cseplan_xl.rollups import Rollup

    assert (cseplan_xl.Report, cseplan_xl.Rollup, cseplan_xl.Evaluation, cseplan_xl.Finding) == (
        Report, Rollup, Evaluation, Finding)
    assert cseplan_xl.__all__ == ["__version__", *cseplan_xl._API]
    tree = ast.parse(Path(cseplan_xl.__file__).read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If))  # if TYPE_CHECKING: the same names
    seen = {alias.name: node.module for node in guarded.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}
    assert seen == cseplan_xl._API


WORD_AND_CHARTS = ("matplotlib", "docx", "docxtpl", "pandas", "openpyxl", "cseplan_xl.briefing")


@pytest.mark.parametrize("path,modules,banned", [
    ("the CLI's validate", "cseplan_xl.cli, cseplan_xl.batch, cseplan_xl.rules",
     (*WORD_AND_CHARTS, "numpy", "scipy", "xlwings", "importlib.metadata")),
    # The Validate and Refresh buttons: xlwings itself brings numpy, but no Word or chart code may come with ours.
    ("the Validate and Refresh buttons",
     "cseplan_xl.excel, cseplan_xl.rules, cseplan_xl.rollups, cseplan_xl.evaluation", WORD_AND_CHARTS),
])
def test_light_paths_keep_heavy_imports_away(path, modules, banned):
    code = f"import sys, {modules}; print(sorted(m for m in {banned!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"{path} imports {done.stdout.strip()}"


def test_the_package_ships_its_type_hints():
    from importlib import resources

    assert resources.files("cseplan_xl").joinpath("py.typed").is_file()
