"""Upgrading a workbook: what the officer entered, carried into a current build and checked value by value."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import contract as c
from .build import XLWINGS_CONF_SHEET, Entries, workbook_bytes
from .errors import CseplanError
from .findings import cell_address
from .output import check_writable, write_new
from .read import WorkbookData, read_workbook
from .workbook_style import DEMO_BANNER
from .xlsetup import conf_sheet_cells

__all__ = ["UpgradeResult", "upgrade_workbook"]

_REBUILT = (c.VALIDATION, c.DASHBOARD)  # written by the buttons: rebuilt, not carried
_CARRIED = tuple(s for s in c.TABLE_SHEETS if s not in _REBUILT)


@dataclass(frozen=True)
class UpgradeResult:
    """What upgrade_workbook carried (rows by sheet, settings, lists) and what it could not carry."""

    path: Path
    rows: dict[str, int]
    settings: int
    lists: int
    left_behind: tuple[str, ...]

    def to_text(self) -> str:
        """The lines the CLI prints."""
        counts = ", ".join(f"{sheet} {n}" for sheet, n in self.rows.items())
        lines = [f"Wrote {self.path}",
                 f"Carried: rows of {counts}; {self.settings} Control settings; {self.lists} Lists columns.",
                 "Every carried value was read back from the new workbook and is equal to the old one.",
                 "Validation and Dashboard are rebuilt: click Validate plan and Refresh dashboard in the new workbook."]
        if self.left_behind:
            lines += ["Not carried (copy these by hand if you need them):", *(f"- {x}" for x in self.left_behind)]
        return "\n".join(lines) + "\n"


def default_output(old: Path) -> Path:
    """Where the upgraded workbook goes by default: beside the old one, named NAME-upgraded.xlsm."""
    return old.with_name(f"{old.stem}-upgraded.xlsm")


def upgrade_workbook(old: str | Path, new: str | Path | None = None, *, force: bool = False) -> UpgradeResult:
    """Build a current workbook holding OLD's entries, check every value against OLD, then write it (never OLD)."""
    old = Path(old)
    target = Path(new) if new else default_output(old)
    check_writable(target, force=force, inputs=[old])
    data = read_workbook(old)
    entries = _entries(data)
    content = workbook_bytes(_is_demo(old, data), entries=entries)
    differences = _compare(data, _read_bytes(content, target.suffix or ".xlsm"))
    if differences:
        raise CseplanError(f"{old}: the upgraded workbook would not carry every value ({differences[0]}); "
                           "nothing was written")
    path = write_new(target, content, force=force, inputs=[old])
    return UpgradeResult(path, {s: len(r) for s, r in entries.rows.items()}, len(entries.settings),
                         len(entries.lists), _left_behind(data) + _conf_settings(old))


def _entries(data: WorkbookData) -> Entries:
    rows = {}
    for spec in _CARRIED:
        table = data.tables.get(spec.name)
        if table is not None:
            rows[spec.name] = [{spec.column(key).header: value for key, value in row.values.items()}
                               for row in table.rows]
    return Entries(rows=rows, settings=dict(data.settings), lists={k: list(v) for k, v in data.lists.items()})


def _is_demo(path: Path, data: WorkbookData) -> bool:
    """Whether OLD is a training copy: its Control sheet carries the demo banner."""
    if data.settings_sheet is None:
        return False
    from python_calamine import CalamineWorkbook  # the reader's engine; only the banner is looked for here

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(data.settings_sheet).to_python()
    return any(cell == DEMO_BANNER for row in grid[:3] for cell in row)


def _read_bytes(content: bytes, suffix: str) -> WorkbookData:
    handle, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(content)
        return read_workbook(name)
    finally:
        os.unlink(name)


def _compare(old: WorkbookData, new: WorkbookData) -> list[str]:
    """Each value of OLD that NEW does not hold equal (same type and value), named by OLD's cell."""
    differences = []
    for spec in _CARRIED:
        before, after = old.tables.get(spec.name), new.tables.get(spec.name)
        if before is None:
            continue
        if after is None or len(after.rows) != len(before.rows):
            differences.append(f"sheet {spec.name}: {len(before.rows)} rows, "
                               f"{len(after.rows) if after else 0} carried")
            continue
        for a, b in zip(before.rows, after.rows, strict=True):
            for key, value in a.values.items():
                if not _same(value, b.values.get(key)):
                    address = cell_address(before.sheet, before.letter(key), a.row)
                    differences.append(f"{address}: {value!r} became {b.values.get(key)!r}")
    for key, value in old.settings.items():
        if not _same(value, new.settings.get(key)):
            differences.append(f"Control setting {c.CONTROL.column(key).header}: {value!r} became "
                               f"{new.settings.get(key)!r}")
    for key, values in old.lists.items():
        if new.lists.get(key) != values:
            differences.append(f"Lists column {c.LISTS.column(key).header}")
    return differences


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _conf_settings(old: Path) -> tuple[str, ...]:
    """OLD's active xlwings.conf settings beyond the old default (python on the PATH): not carried, so named."""
    cells = conf_sheet_cells(old) or []
    kept = []
    for row in cells:
        if not row or row[0] in ("", None):
            break
        value = row[1] if len(row) > 1 else None
        if value not in ("", None, False, "python"):
            kept.append(f"{row[0]} = {value}")
    if not kept:
        return ()
    return (f"the xlwings.conf sheet's settings ({'; '.join(kept)}): the new workbook's _xlwings.conf is switched "
            "off so each person's own setting applies; for a shared install fill it in and rename it xlwings.conf",)


def _left_behind(data: WorkbookData) -> tuple[str, ...]:
    known = {XLWINGS_CONF_SHEET, "xlwings.conf"}
    matched = {name for name in data.sheet_names for spec in c.ALL_SHEETS if spec.matches(name)}
    found = [f"sheet {name!r} (not one the workbook has)" for name in data.sheet_names
             if name not in matched and name not in known]
    found += [f"{note.address} column {note.value!r} (not a column the workbook has)" for note in data.notes
              if note.code == "unknown-column"]
    return tuple(found)
