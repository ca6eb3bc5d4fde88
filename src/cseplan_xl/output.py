"""Writing output files without ever silently replacing one, and never over an input."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import CseplanError, OutputExistsError


def write_new(path: str | Path, content: str | bytes | Iterable[str], force: bool = False,
              inputs: Iterable[str | Path] = (), next_free: bool = False) -> Path:
    """Write a file and return the path written: never over an input or through a link; an existing file is replaced
    only with force (atomically), otherwise the name is taken by an exclusive create, so that two runs cannot both
    write it; with next_free a taken name moves on to `name-2.ext`, `name-3.ext`, ...

    The data goes first to a temporary file of a unique name (created exclusively, never through a link) beside the
    target, which is removed on any failure or interruption (Ctrl-C included). Content may be text pieces, written
    as they come (a large JSON report is never one string in memory)."""
    path = Path(path)
    if "\0" in str(path):
        raise OutputExistsError(f"{str(path)!r} is not a possible file name (it holds a NUL character)")
    if next_free:  # whatever holds the name (a file, a link, a folder) only makes it taken
        _check_inputs(path, inputs)
    else:
        check_writable(path, force=force, inputs=inputs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CseplanError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    tmp = _temporary(path, content)
    try:
        if force:
            os.replace(tmp, path)  # a rename replaces a link planted at path, never what it points to
            return path
        for candidate in _candidates(path, next_free):
            try:
                os.link(tmp, candidate)  # fails when the name exists (whatever it is): an exclusive create
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some network or FAT folders): an exclusive create of the file
                if not _create_exclusive(candidate, tmp):
                    continue
            return candidate
        raise OutputExistsError(f"{path} already exists: choose another name, or add --force to replace it")
    except OSError as exc:
        raise CseplanError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _temporary(path: Path, content: str | bytes | Iterable[str]) -> Path:
    """A new file holding the content beside path: a unique name made with O_EXCL and O_NOFOLLOW (tempfile.mkstemp)."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CseplanError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    tmp = Path(name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~_umask())  # as a plain open would make it (mkstemp makes 0600)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(content, (str, bytes)):
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            else:
                for piece in content:
                    fh.write(piece.encode("utf-8"))
    except BaseException as exc:  # a failed write or Ctrl-C: leave nothing behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise CseplanError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _candidates(path: Path, next_free: bool) -> Iterator[Path]:
    yield path
    if next_free:
        for n in range(2, _MAX_NEXT_FREE + 2):
            yield path.with_name(f"{path.stem}-{n}{path.suffix}")


_MAX_NEXT_FREE = 999


def _create_exclusive(path: Path, source: Path) -> bool:
    """Create path holding a copy of source when no file of that name exists (O_EXCL, not through a link); False when
    taken."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh, source.open("rb") as src:
            shutil.copyfileobj(src, fh)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return True


def check_writable(path: str | Path, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Raise unless `path` may be written: not an input, not a folder, not an existing file without force."""
    path = Path(path)
    if "\0" in str(path):
        raise OutputExistsError(f"{str(path)!r} is not a possible file name (it holds a NUL character)")
    _check_inputs(path, inputs)
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder: give a file name")
    # Writing goes through a temp file and a rename, which would replace a link, pipe or device with a plain file.
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputExistsError(f"{path} is a link, pipe or device, not a plain file: give a plain file name")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists: choose another name, or add --force to replace it")


def _check_inputs(path: Path, inputs: Iterable[str | Path]) -> None:
    for given in inputs:
        if _same_file(path, Path(given)):
            raise OutputExistsError(f"{path} is an input workbook: write the output somewhere else")


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
    """Copy a file to `name.backup-YYYYmmdd-HHMMSS.ext` beside it (or `...-2.ext`) and return the copy's path."""
    path = Path(path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CseplanError(f"{path}: cannot be backed up ({exc.strerror or exc})") from None
    target = write_new(path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}"), data, next_free=True)
    with contextlib.suppress(OSError):
        shutil.copystat(path, target)
    return target
