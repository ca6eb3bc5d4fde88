"""The package's public API and its light import."""

from __future__ import annotations

import subprocess
import sys

import cseplan_xl


def test_every_public_name_resolves():
    for name in cseplan_xl.__all__:
        assert getattr(cseplan_xl, name) is not None, name
    assert cseplan_xl.__version__ == "0.1.0"


def test_validate_path_keeps_heavy_imports_away():
    code = ("import sys, cseplan_xl.cli, cseplan_xl.batch, cseplan_xl.rules;"
            "print(sorted(m for m in ('pandas', 'numpy', 'scipy', 'matplotlib', 'docx', 'docxtpl', 'openpyxl',"
            " 'xlwings', 'importlib.metadata') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_package_ships_its_type_hints():
    from importlib import resources

    assert resources.files("cseplan_xl").joinpath("py.typed").is_file()
