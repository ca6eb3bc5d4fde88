"""Validating one workbook or many: finding the files, checking each, in parallel only where it pays."""

from __future__ import annotations

import datetime as dt
import glob
import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .errors import CseplanError, InvalidValue
from .report import FileReport, Report

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Below this much estimated work, starting worker processes costs more than it saves.
_PARALLEL_MIN_SECONDS = 0.6


def discover(paths: Iterable[str]) -> list[Path]:
    """Files named, workbooks under folders and among glob matches (no `~$` lock files, hidden files or others)."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if _is_dir(path):
            found.extend(_walk(path))
        elif _exists(path) or not glob.has_magic(text) or "\0" in text:
            found.append(path)  # a missing file (or an impossible name) is reported as unreadable, not dropped
        else:
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            if not matches:
                raise InvalidValue(f"no files match {text!r}")
            for match in matches:
                if match.is_dir():
                    found.extend(_walk(match))
                elif _is_workbook_name(match.name) and _regular(match):
                    found.append(match)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long, a loop of links: reported as unreadable when read
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return True


def _walk(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths = (Path(root) / name for name in sorted(files) if _is_workbook_name(name))
        out.extend(path for path in paths if _regular(path))
    return out


def _regular(path: Path) -> bool:
    """True for a regular file (through a link): a FIFO, device or socket in a folder is skipped, never opened."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # unreadable: reported with its reason rather than dropped


def _is_workbook_name(name: str) -> bool:
    """A workbook a batch should check: .xlsx/.xlsm, not an Excel `~$` lock file, not hidden."""
    return name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", "."))


def validate_file(path: Path, as_of: dt.date | None = None, select: Sequence[str] = (),
                  ignore: Sequence[str] = ()) -> FileReport:
    """Read and check one workbook; an unusable file becomes a report with its reason."""
    from .plan import load_plan
    from .rules import check_plan

    try:
        plan = load_plan(path)
        effective = plan.as_of(as_of)
        return FileReport(str(path), check_plan(plan, effective, select, ignore), as_of=effective,
                          when=plan.when_counts())
    except CseplanError as exc:
        return FileReport(str(path), error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the batch
        return FileReport(str(path), error=f"{path}: cannot be checked (an unexpected problem: "
                                           f"{type(exc).__name__}: {_first_line(exc)}); please report it")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def cpus() -> int:
    """How many processors this process may use: the most worker processes a batch starts."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _validate_args(args: tuple[Path, dt.date | None, Sequence[str], Sequence[str]]) -> FileReport:
    return validate_file(*args)


def validate_files(paths: Sequence[Path], as_of: dt.date | None = None, select: Sequence[str] = (),
                   ignore: Sequence[str] = (), jobs: int = 0,
                   progress: Callable[[int, int], None] | None = None) -> Report:
    """Check many workbooks. jobs=0 decides from the measured cost of the first file; 1 is serial."""
    from .rules import select_rules

    select_rules(select, ignore)  # a bad code or tag is a usage error before any file is read
    if jobs < 0:
        raise InvalidValue(f"jobs must be 0 (automatic) or more, not {jobs}")
    reports: list[FileReport] = []
    started = time.perf_counter()
    for index, path in enumerate(paths):
        reports.append(validate_file(path, as_of, select, ignore))
        if progress:
            progress(index + 1, len(paths))
        remaining = len(paths) - index - 1
        workers = min(jobs, cpus()) if jobs else cpus()
        if index == 0 and remaining and workers > 1 and jobs != 1:
            estimate = (time.perf_counter() - started) * remaining
            if jobs > 1 or estimate > _PARALLEL_MIN_SECONDS:
                reports.extend(_parallel(paths[1:], as_of, select, ignore, workers, progress, len(paths)))
                break
    return Report(reports, as_of=as_of)


def _parallel(paths: Sequence[Path], as_of: dt.date | None, select: Sequence[str], ignore: Sequence[str],
              workers: int, progress: Callable[[int, int], None] | None, total: int) -> list[FileReport]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    args = [(p, as_of, tuple(select), tuple(ignore)) for p in paths]
    chunk = max(1, len(args) // (workers * 4))
    out: list[FileReport] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for done, report in enumerate(pool.map(_validate_args, args, chunksize=chunk), start=total - len(paths)):
            out.append(report)
            if progress:
                progress(done + 1, total)
    return out
