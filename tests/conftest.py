"""Shared test helpers: small real workbooks written with XlsxWriter, the built demo, the xlwings quickstart's VBA."""

from __future__ import annotations

import datetime as dt
import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import pytest

XLWINGS = Path(importlib.util.find_spec("xlwings").origin).parent  # the installed xlwings package's folder

PLAN_HEADER = ["ID", "Section", "Theme", "Activity", "When", "Who", "Cost", "RAG Status", "Progress notes",
               "Last updated", "Original When", "Re-baseline reason"]
CONTROL_ROWS = [
    ["Title", "CSE communications plan"],
    ["Board name", "Northamptonshire Safeguarding Children Board"],
    ["Board short name", "NSCB"],
    ["Plan start", dt.date(2017, 9, 1)],
    ["Plan end", dt.date(2019, 8, 31)],
    ["As-of date", dt.date(2018, 3, 31)],
]


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write rows (lists of cell values, None for blank) to sheets of a new .xlsx; dates as real dates."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str) and value.startswith("="):
                    sheet.write_formula(r, c, value, None, "#REF!")
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


@pytest.fixture
def book(tmp_path):
    """Factory: book(sheets, name='plan.xlsx') -> path of a new workbook in tmp_path."""

    def make(sheets: dict[str, list[list[Any]]], name: str = "plan.xlsx") -> Path:
        return write_workbook(tmp_path / name, sheets)

    return make


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    """A freshly built demo workbook, once per test module."""
    from cseplan_xl import build

    path = tmp_path_factory.mktemp("wb") / "cseplan_demo.xlsm"
    path.write_bytes(build.workbook_bytes(demo=True))
    return path


def quickstart_project() -> bytes:
    """xl/vbaProject.bin of the xlwings quickstart workbook the build takes its VBA project from."""
    with zipfile.ZipFile(XLWINGS / "quickstart_standalone.xlsm") as zf:
        return zf.read("xl/vbaProject.bin")
