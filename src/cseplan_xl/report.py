"""The validation report: validity, counts and findings per file, with JSON, text and CSV views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .dates import iso
from .findings import ERROR, INFO, SEVERITIES, WARNING, Finding, json_value
from .safetext import terminal_text
from .words import plural

# Columns of the CSV view (and the order of a finding's JSON keys).
CSV_COLUMNS = ("path", "code", "severity", "sheet", "cell", "row", "column", "field", "activity_id", "value",
               "message")
_COLOURS = {ERROR: "\033[31m", WARNING: "\033[33m", INFO: "\033[36m"}
_RESET = "\033[0m"


@dataclass(frozen=True)
class FileReport:
    """The outcome for one workbook: its findings, or the one-line reason it could not be read."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    as_of: dt.date | None = None
    # How many filled When cells were understood, inferred from the plan's context, ambiguous, not understood.
    when: dict[str, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many findings of each severity."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    @property
    def valid(self) -> bool:
        """True when the file was read and has no error findings."""
        return self.error is None and not any(f.severity == ERROR for f in self.findings)

    def verdict(self) -> str:
        """One line: the path, valid/invalid/unreadable, and the counts."""
        if self.error is not None:
            return f"{self.path}: unreadable: {_strip_path(self.error, self.path)}"
        c = self.counts
        word = "valid" if self.valid else "INVALID"
        when = f" (as of {self.as_of.isoformat()})" if self.as_of else ""
        line = (f"{self.path}: {word}, {plural(c[ERROR], 'error')}, {plural(c[WARNING], 'warning')}, "
                f"{c[INFO]} info{when}")
        return line + (f"\n  {self.when_line()}" if self.when else "")

    def when_line(self) -> str:
        """ "When: 38 of 40 read (35 understood, 3 inferred from the plan's context), 1 ambiguous, 1 not
        understood"."""
        w = self.when or {}
        total = sum(w.values())
        dated = w.get("understood", 0) + w.get("inferred", 0)
        return (f"When: {dated} of {total} read ({w.get('understood', 0)} understood, {w.get('inferred', 0)} "
                f"inferred from the plan's context), {w.get('ambiguous', 0)} ambiguous, "
                f"{w.get('not understood', 0)} not understood")

    def to_dict(self) -> dict[str, Any]:
        """The file's JSON: path, valid, error, as_of, counts, when, findings."""
        return {
            "path": self.path,
            "valid": self.valid,
            "error": self.error,
            "as_of": iso(self.as_of),
            "counts": self.counts,
            "when": {k.replace(" ", "_"): v for k, v in self.when.items()} if self.when is not None else None,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class Report:
    """A batch of file reports with the as-of date the run was asked for."""

    files: list[FileReport]
    as_of: dt.date | None = None

    @property
    def summary(self) -> dict[str, int]:
        """How many files, and how many of them valid, invalid and unreadable."""
        unreadable = sum(1 for f in self.files if f.error is not None)
        valid = sum(1 for f in self.files if f.valid)
        return {"files": len(self.files), "valid": valid, "invalid": len(self.files) - valid - unreadable,
                "unreadable": unreadable}

    def exit_code(self, strict: bool = False) -> int:
        """0 no error findings; 1 error findings (or warnings when strict); 2 a file could not be read."""
        if any(f.error is not None for f in self.files):
            return 2
        failing = {ERROR, WARNING} if strict else {ERROR}
        return 1 if any(x.severity in failing for f in self.files for x in f.findings) else 0

    def to_dict(self) -> dict[str, Any]:
        """The batch's JSON: as_of, each file's report, the summary."""
        return {
            "as_of": iso(self.as_of),
            "files": [f.to_dict() for f in self.files],
            "summary": self.summary,
        }

    def to_text(self, colour: bool = False) -> str:
        """A verdict line per file, then its findings grouped by sheet (control characters shown as escapes)."""
        lines: list[str] = []
        for report in self.files:
            lines.append(terminal_text(report.verdict()))
            sheet = object()
            for f in report.findings:
                if f.sheet != sheet:
                    sheet = f.sheet
                    lines.append(terminal_text(f"  {sheet or '(workbook)'}"))
                # Cell text is shown with visible escapes before the colour codes (ours) go in.
                sev = f"{_COLOURS[f.severity]}{f.severity:<7}{_RESET}" if colour else f"{f.severity:<7}"
                lines.append(f"    {terminal_text(f.address):<14} {sev} {f.code}: {terminal_text(f.message)}")
        s = self.summary
        if len(self.files) > 1:
            lines.append(f"{s['files']} files: {s['valid']} valid, {s['invalid']} invalid, "
                         f"{s['unreadable']} unreadable")
        return "\n".join(lines) + "\n"

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per finding (and one per unreadable file), with CSV_COLUMNS as keys."""
        rows = []
        for report in self.files:
            if report.error is not None:
                rows.append({**dict.fromkeys(CSV_COLUMNS), "path": report.path, "code": "unreadable",
                             "severity": ERROR, "message": report.error})
            for f in report.findings:
                rows.append({"path": report.path, **{k: json_value(v) for k, v in f.to_dict().items()}})
        return rows


def _strip_path(message: str, path: str) -> str:
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message
