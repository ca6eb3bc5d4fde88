"""Writing output files without ever silently replacing one, and never over an input."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .errors import CseplanError, OutputExistsError


def write_new(path: str | Path, content: str | bytes, force: bool = False,
              inputs: Iterable[str | Path] = ()) -> Path:
    """Write a file atomically; an existing one is replaced only with force, an input never."""
    path = Path(path)
    check_writable(path, force=force, inputs=inputs)
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise CseplanError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return path


def check_writable(path: str | Path, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Raise unless `path` may be written: not an input, not a folder, not an existing file without force."""
    path = Path(path)
    for given in inputs:
        if _same_file(path, Path(given)):
            raise OutputExistsError(f"{path} is an input workbook: write the output somewhere else")
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder: give a file name")
    # Writing goes through a temp file and a rename, which would replace a link, pipe or device with a plain file.
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputExistsError(f"{path} is a link, pipe or device, not a plain file: give a plain file name")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists: choose another name, or add --force to replace it")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def next_free(path: str | Path) -> Path:
    """The path itself when free, else the first free `name-2.ext`, `name-3.ext`, ..."""
    path = Path(path)
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def backup(path: str | Path, now: dt.datetime | None = None) -> Path:
    """Copy a file to `name.backup-YYYYmmdd-HHMMSS.ext` beside it and return the copy's path."""
    path = Path(path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = next_free(path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}"))
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        raise CseplanError(f"{path}: cannot be backed up to {target} ({exc.strerror or exc})") from None
    return target
