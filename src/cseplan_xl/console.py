"""What a command shows and how it ends: its result on stdout or in an --output file, and its exit code.

A result is text, JSON (streamed in pieces, never held whole) or CSV (made safe by safetext.csv_text); --output never
silently replaces a file or writes over an input (output.write_new). A failure is one line on stderr, never a
traceback. Exit codes: 0 done and no error findings; 1 error findings (or a blocked output); 2 unusable input or
usage (any CseplanError, including the CLI's UsageError, and any error the library did not expect).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .errors import CseplanError
from .safetext import csv_text, terminal_text

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it


def add_format(p: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json", "csv")) -> None:
    """The options that choose how a command's result is shown: --format, --output and --force."""
    p.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--force", action="store_true", help="allow --output to replace an existing file")


def csv_output(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV text of rows (the columns given, else the first row's keys), every field safe for a spreadsheet."""
    return csv_text(rows, list(columns or (rows[0].keys() if rows else [])))


def json_output(data: Any, **options: Any) -> Iterator[str]:
    """JSON text (indented, UTF-8) in pieces of about 64 kB: a large report is written as it is encoded, never held
    whole."""
    import json

    pieces: list[str] = []
    size = 0
    for piece in json.JSONEncoder(indent=2, ensure_ascii=False, **options).iterencode(data):
        pieces.append(piece)
        size += len(piece)
        if size > 1 << 16:
            yield "".join(pieces)
            pieces, size = [], 0
    yield "".join(pieces) + "\n"


def emit(text: str | Iterable[str], output: str | None, force: bool = False, inputs: Sequence[Any] = ()) -> None:
    """Print to stdout, or write to --output (never silently replacing a file, never over an input)."""
    if output and output != "-":
        from .output import write_new

        path = write_new(output, text, force=force, inputs=inputs)
        print(terminal_text(f"wrote {path}"), file=sys.stderr)
    elif isinstance(text, str):
        sys.stdout.write(text)
    else:
        for piece in text:
            sys.stdout.write(piece)


def run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """A command's exit code: the handler's, or EXIT_UNUSABLE with one line on stderr for any error it raises."""
    try:
        return handler(args)
    except CseplanError as exc:
        print(terminal_text(f"Error: {exc}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - never a traceback, and never exit 1 (which means "findings")
        print(terminal_text(f"Error: {unexpected(exc)}"), file=sys.stderr)
        return EXIT_UNUSABLE


def unexpected(exc: Exception) -> str:
    """One line for an error no library function turned into a CseplanError."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or text or type(exc).__name__}"
    if isinstance(exc, MemoryError):
        return "not enough memory to finish; try a smaller workbook or fewer files at once"
    if isinstance(exc, (OverflowError, ValueError)) and "range" in text:
        return f"a date is out of range ({text}); use dates from 1900 to 2199"
    return (f"an unexpected problem ({type(exc).__name__}: {text}); nothing was written over any file. "
            "Please report it with the command you ran")
