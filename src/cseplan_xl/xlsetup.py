"""Setting up Python for the workbook's buttons: xlwings' user configuration, and checks an officer can show IT."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CseplanError

__all__ = ["CONF_SHEET", "Check", "SetupReport", "check_setup", "check_workbooks", "conf_sheet_cells", "pinned_xlwings",
           "user_config_path", "workbook_vba_version", "write_interpreter"]

CONF_SHEET = "xlwings.conf"  # the sheet xlwings reads its settings from (a leading _ switches it off)
_CLOUD = ("http://", "https://")
_CLOUD_WORDS = ("onedrive", "sharepoint")


@dataclass(frozen=True)
class Check:
    """One thing the buttons need: what it is, what was found, and the fix when it is not right."""

    name: str
    ok: bool
    found: str
    fix: str = ""

    def line(self) -> str:
        """One line: "OK" or "NOT OK", what it is and what was found."""
        return f"{'OK    ' if self.ok else 'NOT OK'}  {self.name}: {self.found}"


@dataclass(frozen=True)
class SetupReport:
    """Every check, in order, and what is left to do."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(c.ok for c in self.checks)

    def to_text(self) -> str:
        """The checks, then what is left to do (numbered), or that nothing is."""
        lines = [c.line() for c in self.checks]
        todo = [c.fix for c in self.checks if not c.ok and c.fix]
        if todo:
            lines += ["", "Left to do:", *(f"{i}. {fix}" for i, fix in enumerate(todo, 1))]
        else:
            lines += ["", "Nothing left to do: open the workbook, enable macros and click Check setup."]
        return "\n".join(lines) + "\n"


def user_config_path(platform: str | None = None) -> Path:
    """Where xlwings reads each user's settings (as xlwings.USER_CONFIG_FILE; its VBA reads the same file)."""
    if (platform or sys.platform).startswith("darwin"):
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def _interpreter_key(platform: str | None = None) -> str:
    return "INTERPRETER_MAC" if (platform or sys.platform).startswith("darwin") else "INTERPRETER_WIN"


def _read_config(path: Path) -> dict[str, str]:
    """xlwings' config file: one "KEY","VALUE" line per setting (keys upper case)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise CseplanError(f"cannot read {path}: {exc}") from None
    values = {}
    for line in text.splitlines():
        m = re.fullmatch(r'\s*"([^"]*)"\s*,\s*"(.*)"\s*', line)
        if m:
            values[m.group(1).upper()] = m.group(2)
    return values


def write_interpreter(interpreter: str | None = None, path: Path | None = None,
                      platform: str | None = None) -> Path:
    """Put this Python (or the one given) into xlwings' user configuration, keeping every other setting there."""
    path = path or user_config_path(platform)
    key = _interpreter_key(platform)
    line = f'"{key}","{interpreter or sys.executable}"'
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    except (OSError, UnicodeDecodeError) as exc:
        raise CseplanError(f"cannot read {path}: {exc}") from None
    kept = [x for x in lines if not re.match(rf'\s*"{key}"\s*,', x, flags=re.IGNORECASE)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([*kept, line]) + "\n", encoding="utf-8")
    except OSError as exc:
        raise CseplanError(f"cannot write {path}: {exc}") from None
    return path


def pinned_xlwings() -> str | None:
    """The xlwings version this package pins (its VBA module is taken from that release)."""
    for requirement in importlib.metadata.requires("cseplan-xl") or []:
        m = re.fullmatch(r"xlwings\s*==\s*([\w.]+)", requirement.split(";")[0].strip())
        if m:
            return m.group(1)
    return None


def workbook_vba_version(path: Path) -> str:
    """The XLWINGS_VERSION of the xlwings VBA module inside a workbook."""
    import zipfile

    from .vba import vba_sources

    try:
        with zipfile.ZipFile(path) as zf:
            project = zf.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise CseplanError(f"{path}: no VBA project to read ({exc})") from None
    m = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', vba_sources(project).get("xlwings", ""))
    if not m:
        raise CseplanError(f"{path}: the VBA project has no xlwings module")
    return m.group(1)


def check_setup(*, vba_versions: Sequence[tuple[str, str]] = (), workbook: str | None = None,
                output_folder: Path | None = None, config: Path | None = None,
                interpreter: str | None = None, check_config: bool = True,
                conf_sheets: Sequence[tuple[str, list[list[Any]]]] = ()) -> SetupReport:
    """Check what the buttons need: the interpreter xlwings will start, xlwings and its VBA, the package, the files.

    vba_versions: (where, version) of each xlwings VBA module to match (a workbook, or the package's pin);
    workbook: the workbook's full name as Excel gives it (a path, or an address when opened from the cloud);
    check_config=False when Excel has just started this Python (however it was configured);
    conf_sheets: (where, cells) of each workbook's active xlwings.conf sheet, which overrides each person's setting.
    """
    checks = [Check("Python", True, f"{sys.version.split()[0]} at {interpreter or sys.executable}")]
    if check_config:
        checks.append(_config_check(config or user_config_path(), interpreter or sys.executable))
    try:
        xlwings_version = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        xlwings_version = ""
    if not xlwings_version:
        checks.append(Check("xlwings", False, "not installed",
                            f"{interpreter or sys.executable} -m pip install cseplan-xl"))
    else:
        checks.append(Check("xlwings", True, xlwings_version))
        for where, version in vba_versions:
            same = version == xlwings_version
            checks.append(Check(f"VBA of {where}", same, f"xlwings {version}" + ("" if same else " (different)"),
                                "" if same else f"install xlwings=={version}, or carry the data into a current "
                                "workbook: `cseplan upgrade-workbook OLD.xlsm`"))
    checks.append(_import_check())
    checks += [_conf_sheet_check(where, cells, interpreter or sys.executable) for where, cells in conf_sheets]
    if workbook is not None:
        checks.append(_workbook_check(workbook))
    if output_folder is not None:
        checks.append(_folder_check(output_folder))
    return SetupReport(tuple(checks))


def check_workbooks(workbooks: Sequence[str | Path]) -> SetupReport:
    """check_setup for these workbooks (`cseplan excel-setup`): the package's pinned xlwings and each workbook's VBA
    version, their active xlwings.conf sheets, and the last one's workbook and Output folder."""
    from .plan import load_plan

    versions = []
    pinned = pinned_xlwings()
    if pinned:
        versions.append(("workbooks built by this cseplan-xl", pinned))
    folder, sheets = None, []
    for name in workbooks:
        path = Path(name)
        setting = load_plan(path).settings.output_folder  # first: the file's parts are checked before any is read
        versions.append((path.name, workbook_vba_version(path)))
        cells = conf_sheet_cells(path)
        if cells is not None:
            sheets.append((path.name, cells))
        folder = path.resolve().parent / setting if setting else path.resolve().parent
    workbook = str(Path(workbooks[-1]).resolve()) if workbooks else None
    return check_setup(vba_versions=versions, workbook=workbook, output_folder=folder, conf_sheets=sheets)


def _config_check(config: Path, here: str) -> Check:
    key = _interpreter_key()
    try:
        configured = _read_config(config).get(key, "")
    except CseplanError as exc:
        return Check("xlwings configuration", False, str(exc), "run `cseplan excel-setup`")
    if not configured:
        return Check("xlwings configuration", False, f"no {key} in {config}",
                     f"run `cseplan excel-setup` with the Python that has cseplan-xl ({here})")
    if not _same_file(configured, here):
        return Check("xlwings configuration", False, f"{key} is {configured}, not this Python ({here})",
                     "run `cseplan excel-setup` with the Python that has cseplan-xl installed")
    return Check("xlwings configuration", True, f"{key} in {config}")


def conf_sheet_cells(path: Path) -> list[list[Any]] | None:
    """The cells of a workbook's active xlwings settings sheet ("xlwings.conf"), None when it has none."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if CONF_SHEET not in book.sheet_names:
            return None
        return book.get_sheet_by_name(CONF_SHEET).to_python()
    except Exception as exc:  # noqa: BLE001 - calamine's errors are many: one line naming the file
        raise CseplanError(f"{path}: cannot read its sheets ({exc})") from None


def _conf_sheet_check(where: str, cells: list[list[Any]], here: str) -> Check:
    """An active xlwings.conf sheet wins over each person's setting (xlwings reads A:B down to the first blank A)."""
    key = _interpreter_key()
    values: dict[str, Any] = {}
    for row in cells:
        if not row or row[0] in ("", None):
            break
        values[str(row[0]).strip().upper()] = row[1] if len(row) > 1 else ""
    name = f"xlwings.conf sheet of {where}"
    if key not in values:
        return Check(name, True, f"names no {key}: each person's setting applies")
    value = str(values[key] or "").strip()
    found = shutil.which(value) if value else None
    if value and _same_file(found or value, here):
        return Check(name, True, f"{key} is this Python")
    return Check(name, False, f"{key} is {value or 'blank'}: it overrides each person's setting",
                 f"rename the sheet xlwings.conf in {where} to _xlwings.conf (or `cseplan upgrade-workbook`)")


def _same_file(a: str, b: str) -> bool:
    if os.path.normcase(a) == os.path.normcase(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _import_check() -> Check:
    try:
        version = importlib.metadata.version("cseplan-xl")
        module = importlib.import_module("cseplan_xl.excel")  # what the buttons import (with xlwings)
        importlib.import_module("xlwings")
    except Exception as exc:  # noqa: BLE001 - any import failure is what the officer would see: say it plainly
        return Check("cseplan-xl", False, f"does not import: {exc}", "reinstall: pip install cseplan-xl")
    return Check("cseplan-xl", True, f"{version} ({Path(module.__file__ or '').parent})")


def _workbook_check(fullname: str) -> Check:
    if fullname.lower().startswith(_CLOUD):
        return Check("Workbook", False, f"opened from the cloud: {fullname}",
                     "save a copy to a folder on this PC (or a OneDrive folder synced to it) and open that copy")
    if any(word in fullname.lower() for word in _CLOUD_WORDS):
        return Check("Workbook", True, f"in a synced cloud folder: {fullname}")
    return Check("Workbook", True, f"local: {fullname}")


def _folder_check(folder: Path) -> Check:
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError:
        return Check("Output folder", False, f"{folder} cannot be written",
                     "choose an Output folder on Control that you can write to")
    note = "" if existing == folder else " (will be created)"
    return Check("Output folder", True, f"{folder} is writable{note}")
