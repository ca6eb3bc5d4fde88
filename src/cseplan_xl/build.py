"""The workbook builder: the plan's source rows, lists and settings written as a macro-enabled workbook."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import importlib.util
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from cseplan_xl import contract as c
from cseplan_xl import control_sheet, dashboard, output
from cseplan_xl.errors import CseplanError, OutputExistsError
from cseplan_xl.table_sheets import TableSheets
from cseplan_xl.vba import replace_module, vba_sources
from cseplan_xl.workbook_style import DEMO_BANNER, CellFormats, add_sheet, title_row

XLWINGS_CONF_SHEET = "_xlwings.conf"  # xlwings reads "xlwings.conf": the leading _ switches the sheet off
CREATED = dt.datetime(2017, 9, 1, 0, 0, 0, tzinfo=dt.UTC)  # fixed, so builds are byte-for-byte equal
QUICKSTART = "quickstart_standalone.xlsm"

__all__ = [
    "BuildResult", "Entries", "build_workbook", "demo_mistakes", "plan_rows", "vba_project", "workbook_bytes",
]


@dataclass(frozen=True)
class Entries:
    """What an officer entered, to carry into a new build: table rows by sheet (header -> value), Control settings
    (by contract key) and the Lists (by contract key). Anything not given is built as usual."""

    rows: dict[str, list[dict[str, Any]]]
    settings: dict[str, Any]
    lists: dict[str, list[str]]


@dataclass(frozen=True)
class BuildResult:
    """What build_workbook did: created, unchanged or replaced (with a backup)."""

    path: Path
    status: str
    backup: Path | None = None

    def summary(self) -> str:
        """One line for the terminal."""
        text = {"created": "Built", "unchanged": "Up to date:", "replaced": "Rebuilt"}[self.status]
        line = f"{text} {self.path}"
        if self.backup:
            line += f" (previous file kept as {self.backup.name})"
        return line


# --- Source data ---------------------------------------------------------------------------------


def _data(name: str) -> str:
    return (files("cseplan_xl") / "data" / name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data(name))))


def plan_rows() -> list[dict[str, str]]:
    """The source plan's activities, one dict per row keyed by Plan header (ID, Section, ..., RAG)."""
    return _csv("plan_rows.csv")


def demo_mistakes() -> list[dict[str, str]]:
    """The deliberate mistakes planted in the demo workbook: Sheet, Cell, Value and the Check that finds it."""
    return _csv("demo_mistakes.csv")


@cache
def _lookups() -> dict[str, Any]:
    lookups: dict[str, Any] = json.loads(_data("lookups.json"))
    return lookups


def _list_values() -> dict[str, list[str]]:
    """Lists sheet content by contract key."""
    extra = _lookups()
    return {
        "sections": list(c.DEFAULT_SECTIONS),
        "phases": list(c.DEFAULT_PHASES),
        "themes": list(c.DEFAULT_THEMES),
        "rag_values": list(c.RAG_VALUES),
        "cost_keywords": list(c.COST_KEYWORDS),
        "audiences": extra["audiences"],
        "objectives": extra["objectives"],
        "key_messages": extra["key_messages"],
        "platforms": list(c.SOCIAL.column("platform").choices),
        "outlet_tiers": list(c.MEDIA.column("tier").choices),
        "source_types": list(c.ANECDOTES.column("source_type").choices),
        "campaigns": extra["campaigns"],
        "actions": list(c.ACTIONS),
    }


# --- The VBA project -----------------------------------------------------------------------------


def vba_project() -> bytes:
    """The workbook's xl/vbaProject.bin: the pinned xlwings quickstart's project with Module1 holding our Subs."""
    return replace_module(_quickstart_project(), "Module1", _data("Module1.bas"))


def _quickstart_project() -> bytes:
    """xl/vbaProject.bin of the pinned xlwings package's standalone quickstart, checked before use."""
    spec = importlib.util.find_spec("xlwings")  # locate without importing xlwings
    if spec is None or spec.origin is None:
        raise CseplanError("xlwings is not installed: it supplies the workbook's VBA module")
    quickstart = Path(spec.origin).parent / QUICKSTART
    try:
        with zipfile.ZipFile(quickstart) as zf:
            project = zf.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise CseplanError(f"cannot read the VBA project in {quickstart}: {exc}") from None
    modules = vba_sources(project)
    version = importlib.metadata.version("xlwings")
    if f'XLWINGS_VERSION As String = "{version}"' not in modules.get("xlwings", ""):
        raise CseplanError(f"the xlwings VBA module in {quickstart} is not version {version}")
    if "Module1" not in modules:
        raise CseplanError(f"the VBA project in {quickstart} has no Module1 to hold the buttons' Subs")
    return project


# --- Writing the workbook ------------------------------------------------------------------------


def workbook_bytes(demo: bool = False, entries: Entries | None = None) -> bytes:
    """The built workbook (.xlsm) as bytes; equal inputs give equal bytes. entries: an officer's, in place of ours."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({
        "title": "CSE communications plan", "subject": "Activity plan, evaluation and newsletter inputs",
        "author": "cseplan-xl", "company": "", "created": CREATED,
        "comments": "Built by cseplan build-workbook" + (" (demo)" if demo else ""),
    })
    wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    _Writer(wb, demo, entries).write_all()
    wb.close()
    return buffer.getvalue()


def build_workbook(path: Path, *, demo: bool = False, force: bool = False) -> BuildResult:
    """Build the workbook at path; an existing different file is replaced only with force, after a backup."""
    path = Path(path)
    data = workbook_bytes(demo)
    saved = None
    if path.is_file():
        if path.read_bytes() == data:
            return BuildResult(path, "unchanged")
        if not force:
            raise OutputExistsError(
                f"{path} differs from a fresh build (edited?): not replaced; "
                "use --force to replace it (a backup is kept)"
            )
        saved = output.backup(path)
    output.write_new(path, data, force=True)
    return BuildResult(path, "replaced" if saved else "created", backup=saved)


class _Writer:
    """Writes each sheet of one workbook, in order: what goes on each, and the sheet's module that writes it."""

    def __init__(self, wb: Any, demo: bool, entries: Entries | None = None) -> None:
        self.wb = wb
        self.demo = demo
        self.entries = entries
        self.f = CellFormats(wb)
        self.tables = TableSheets(wb, self.f, demo, {**_list_values(), **(entries.lists if entries else {})})

    def write_all(self) -> None:
        self.wb.set_size(1400, 900)
        self.tables.define_list_names()
        self._control()
        self.tables.plan(self._plan_rows())
        self._owners()
        self.tables.lists_sheet()
        for spec in c.EVALUATION_SHEETS:
            rows = _csv(f"demo_{spec.name.lower()}.csv") if self.demo else []
            self.tables.evaluation(spec, self._carried(spec) if self.entries else rows, _lookups()["media_types"])
        self._dashboard()
        self.tables.table_sheet(c.VALIDATION, [])
        self.tables.table_sheet(c.HISTORY, self._carried(c.HISTORY))
        self._xlwings_conf()

    def _carried(self, spec: c.SheetSpec) -> list[dict[str, Any]]:
        """The officer's rows of a sheet, when building with their entries."""
        return self.entries.rows.get(spec.name, []) if self.entries else []

    def _control(self) -> None:
        """The Control sheet: our settings (the demo's in the demo), or the officer's when carried."""
        values = {key: row[0] for key, row in _lookups()["control"].items()}
        if self.demo:
            values.update(_lookups()["demo_control"])
        if self.entries:
            values.update({key: "" if value is None else value for key, value in self.entries.settings.items()})
        ws = add_sheet(self.wb, c.CONTROL.name, landscape=False)
        control_sheet.write_control(ws, self.f, settings=values,
                                    notes={key: row[1] for key, row in _lookups()["control"].items()},
                                    reporting_periods=_lookups()["reporting_periods"], demo=self.demo)

    def _plan_rows(self) -> list[dict[str, Any]]:
        """The Plan's rows: the officer's when carried, else the source plan (with the demo's progress in the demo)."""
        rows: list[dict[str, Any]] = self._carried(c.PLAN) if self.entries else plan_rows()
        if self.demo and not self.entries:
            progress = {r["ID"]: r for r in _csv("demo_plan.csv")}
            for row in rows:
                row.update({k: v for k, v in progress.get(row["ID"], {}).items() if v and k != "ID"})
        return rows

    def _owners(self) -> None:
        rows = self._carried(c.OWNERS) or [dict(zip(("Code", "Role or team", "Agency"), r))
                                            for r in _lookups()["owners"]]
        self.tables.table_sheet(c.OWNERS, rows, c.OWNERS.description + " Fill in each code's role.")

    def _dashboard(self) -> None:
        """The Dashboard sheet: its title row here, the rest (live counts, charts, campaign months) in dashboard."""
        ws = add_sheet(self.wb, c.DASHBOARD.name)
        title_row(ws, self.f, dashboard.TITLE, dashboard.WIDTHS, self.demo)
        referrals = len(self._carried(c.REFERRALS)) if self.entries else len(_csv("demo_referrals.csv")) * self.demo
        dashboard.write_dashboard(self.wb, ws, self.f, referrals=referrals)

    def _xlwings_conf(self) -> None:
        """xlwings' settings sheet, shipped switched off (_xlwings.conf) so each user's own configuration applies."""
        ws = add_sheet(self.wb, XLWINGS_CONF_SHEET, landscape=False)
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 2, 3)
        ws.set_column(3, 3, 90, self.f.help)
        settings: list[tuple[str, object]] = [
            ("Interpreter_Win", ""), ("Interpreter_Mac", ""), ("PYTHONPATH", ""),
            ("Conda Path", ""), ("Conda Env", ""), ("Show Console", False),
        ]
        for row, (key, value) in enumerate(settings):
            ws.write_string(row, 0, key, self.f.label)
            if isinstance(value, bool):
                ws.write_boolean(row, 1, value, self.f.value)
            else:
                ws.write_blank(row, 1, None, self.f.value)
        notes = [
            DEMO_BANNER if self.demo else "About this sheet: switched off (its name starts with _)",
            "Each person's Python is set by `cseplan excel-setup` in their own xlwings configuration; this sheet is "
            "not needed for that.",
            "For a shared install (one Python for everyone, set up by IT): fill in Interpreter_Win / Interpreter_Mac, "
            r"e.g. C:\Program Files\cseplan-xl\Scripts\pythonw.exe, then rename this sheet to xlwings.conf.",
            "Once switched on, xlwings reads columns A:B from A1 down to the first blank cell in A, and a blank value "
            "here overrides each person's configuration: delete the rows you leave blank.",
            "Rename it back to _xlwings.conf to switch it off again.",
        ]
        for row, note in enumerate(notes):
            ws.write_string(row, 3, note, self.f.banner if self.demo and row == 0 else
                            (self.f.label if row == 0 else self.f.help))
