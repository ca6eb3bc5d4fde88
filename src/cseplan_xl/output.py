"""Writing output files without ever silently replacing one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from .errors import OutputExistsError


def write_new(path: str | Path, content: str | bytes, force: bool = False) -> Path:
    """Write a file; an existing one is replaced only with force (it is written to a temp file first)."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists: choose another name, or add --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


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
    """Copy a file to `name.YYYYmmdd-HHMMSS.bak.ext` beside it and return the copy's path."""
    path = Path(path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = next_free(path.with_name(f"{path.stem}.{stamp}.bak{path.suffix}"))
    shutil.copy2(path, target)
    return target
