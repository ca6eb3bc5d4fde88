"""The pre-publication screen: personal data in free text that is about to be published.

Each rule is a detector over one piece of text that yields what it found (`privacy_detectors.py`, running the
patterns of `privacy_patterns.py`); this module holds the rules' catalogue and runs them over what would be
published: `screen` over cells, `text_hits` over a workbook's distinct texts, `screen_output` over a finished
output, which it returns as `Screened` only when nothing blocks. The rules err on the side of blocking: a false
alarm costs the officer one `--allow Sheet!Cell` after checking the cell; a miss could identify a child. Findings
name the cell (`Anecdotes!D5: a phone number`).

What it looks for: names next to an age or a school, a named person in a quotation or beside a family word,
e-mail addresses other than role mailboxes, phone numbers other than published helplines, postcodes, dates of
birth, NHS numbers, police crime and occurrence references, street addresses, social media handles and vehicle
registrations. What it cannot see is listed in the README (Privacy): a bare name with nothing beside it, a
description that identifies without a name, a misspelt or disguised detail.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import privacy_detectors as detect
from .errors import InvalidValue
from .findings import ERROR, INFO, Finding, cell_address
from .privacy_detectors import Context, Detector, Hit, national_digits, phone_numbers
from .privacy_patterns import PUBLISHED_NUMBERS


@dataclass(frozen=True)
class TextItem:
    """One piece of free text that would appear in an output, with the cell it came from."""

    text: str
    sheet: str
    row: int | None
    column: str | None
    field: str | None = None
    activity_id: str | None = None

    @property
    def address(self) -> str:
        """The cell as the officer types it for `--allow` (`Anecdotes!D5`)."""
        return cell_address(self.sheet, self.column, self.row)


RULES: dict[str, tuple[str, Detector]] = {
    "privacy-email": ("An e-mail address that is not a role mailbox", detect.emails),
    "privacy-phone": ("A phone number that is not a published helpline", detect.phones),
    "privacy-postcode": ("A postcode", detect.postcodes),
    "privacy-dob": ("A date of birth (DOB, born on, or an age or a name with a date)", detect.dates_of_birth),
    "privacy-crime-ref": ("A crime, incident or occurrence reference", detect.crime_refs),
    "privacy-name-age": ("A personal name next to an age (Jess, 14)", detect.names_with_age),
    "privacy-name-school": ("A personal name next to a school (Jess attends X Academy)", detect.names_with_school),
    "privacy-nhs": ("An NHS number", detect.nhs_numbers),
    "privacy-address": ("A street address or flat number", detect.addresses),
    "privacy-social-handle": ("A social media handle or username", detect.social_handles),
    "privacy-vehicle-reg": ("A vehicle registration", detect.vehicle_regs),
    "privacy-name-quote": ("A personal name inside a quotation", detect.names_in_quotes),
    "privacy-name-relation": ("A personal name beside a family word (Jess's mum, her son Tyler)",
                              detect.names_with_relation),
}


def is_placeholder(value: str | None) -> bool:
    """True for a setting that holds no real value yet: blank, TBC/TBA/to be confirmed, or a documentation address
    (example.org, example.com, anything.example, .test, .invalid)."""
    text = " ".join((value or "").split()).casefold().strip(" .")
    if text in ("", "tbc", "tba", "tbd", "to be confirmed", "to be added", "n/a", "none", "-", "?", "xxx"):
        return True
    return bool(re.search(r"@(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.(?:example|test|invalid|localhost))$"
                          r"|^example\.|\bexample\.(?:org|com|net)\b", text))


def is_switchboard(digits: str) -> bool:
    """True for an organisation's number by its range: 03 (public bodies and charities), 0800 and 0808 (freephone)."""
    return bool(re.fullmatch(r"03\d{9}|080[08]\d{6,7}", digits))


def board_numbers(settings: Iterable[str | None]) -> list[str]:
    """The board's own numbers that may be published: switchboard numbers (03, 0800, 0808) in its Control settings.
    Any other number there (a mobile, a direct line) is screened like any text, so it blocks until allowed."""
    return sorted({n for text in settings for n in phone_numbers(text) if is_switchboard(n)})


def parse_allow(cells: Iterable[str]) -> frozenset[str]:
    """Allowed cells in canonical form (`Anecdotes!D5`); raises InvalidValue for one that is not `Sheet!A1`."""
    out = set()
    for cell in cells:
        m = re.fullmatch(r"\s*'?([^'!]+?)'?\s*!\s*\$?([A-Za-z]{1,3})\$?(\d+)\s*", cell or "")
        if not m:
            raise InvalidValue(f"--allow {cell!r}: give a cell with its sheet, such as Anecdotes!D5")
        out.add(_allow_key(m.group(1), m.group(2), int(m.group(3))))
    return frozenset(out)


def screen(
    items: Iterable[TextItem],
    *,
    mailboxes: Iterable[str] = (),
    numbers: Iterable[str] = (),
    allow: Iterable[str] = (),
    as_of: dt.date | None = None,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Every privacy hit in the items: errors block publication; hits in allowed cells come back as info.

    `mailboxes` and `numbers` extend the role mailboxes and published helplines (the board's switchboards);
    `allow` holds cells the officer has checked (`Anecdotes!D5`); `as_of` dates a possible date of birth (default
    today); `codes` limits the rules run (default all).
    """
    ctx = _context(mailboxes, numbers, as_of)
    chosen = [(code, RULES[code][1]) for code in (RULES if codes is None else [c for c in RULES if c in set(codes)])]
    allowed = parse_allow(allow)
    findings: list[Finding] = []
    for item in items:
        if not item.text:
            continue
        seen: set[tuple[str, str]] = set()
        for code, rule in chosen:
            for hit in rule(item.text, ctx):
                if (code, hit.found) not in seen:
                    seen.add((code, hit.found))
                    findings.append(_finding(item, hit, allowed))
    return findings


def text_hits(
    texts: Iterable[str],
    *,
    numbers: Iterable[str] = (),
    as_of: dt.date | None = None,
    codes: Iterable[str] | None = None,
) -> dict[str, list[tuple[str, str, str]]]:
    """The hits in each distinct text that has any, as (code, what, found), each once per text: for checking every
    cell of a workbook, where most texts repeat down a column (a hit depends on the text alone)."""
    ctx = _context((), numbers, as_of)
    chosen = [rule for code, (_title, rule) in RULES.items() if codes is None or code in set(codes)]
    out: dict[str, list[tuple[str, str, str]]] = {}
    for text in set(texts):
        # A cheap first look skips the texts no detector could match: all but 16 of the 20,049 distinct texts of the
        # 10,000-row bench plan. Its privacy rules went from 1.17 s to 0.10 s, a cold validate from 0.90 s to 0.47 s.
        if not text or not detect.may_hold(text):
            continue
        hits: dict[tuple[str, str], str] = {}  # (code, found) -> what, the first one
        for rule in chosen:
            for hit in rule(text, ctx):
                hits.setdefault((hit.code, hit.found), hit.what)
        if hits:
            out[text] = [(code, what, found) for (code, found), what in hits.items()]
    return out


@dataclass(frozen=True)
class Screened:
    """Output that passed the screen as a whole. Only `screen_output` makes one, and only when nothing blocks;
    whatever writes for partners (the Word renderer, the context dump) accepts nothing else."""

    _data: Any
    findings: tuple[Finding, ...] = ()  # hits in cells the officer allowed (info)

    @property
    def value(self) -> Any:
        """A copy of what was screened (a copy, so nothing added afterwards can skip the screen)."""
        return copy.deepcopy(self._data)


def screen_output(
    value: Any,
    sources: Iterable[TextItem] = (),
    *,
    where: str = "output",
    mailboxes: Iterable[str] = (),
    numbers: Iterable[str] = (),
    allow: Iterable[str] = (),
    as_of: dt.date | None = None,
) -> tuple[Screened | None, list[Finding]]:
    """Screen every string in a finished output (dicts, lists and text, however deep, keys too) and name each
    hit's source: the cells whose text holds it (`Plan!C5`), else the place in the output. Returns the Screened
    output (None when anything blocks) and the findings."""
    ctx = _context(mailboxes, numbers, as_of)
    allowed = parse_allow(allow)
    cells = [s for s in sources if s.text and s.text.strip()]
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for path, text in _strings(value):
        for code, (_title, rule) in RULES.items():
            for hit in rule(text, ctx):
                for item in _sources_of(hit.found, text, cells) or [TextItem(text, where, None, None, path)]:
                    key = (item.address if item.sheet != where else f"{where}:{path}", code, hit.found)
                    if key not in seen:
                        seen.add(key)
                        findings.append(_finding(item, hit, allowed, None if item.sheet != where else path))
    blocked = any(f.severity == ERROR for f in findings)
    return (None if blocked else Screened(copy.deepcopy(value), tuple(findings))), findings


def _sources_of(found: str, text: str, cells: list[TextItem]) -> list[TextItem]:
    """The cells a hit came from: those inside the screened text that hold it, else any that hold it, else those
    the hit spans."""
    holding = [c for c in cells if found in c.text]
    inside = [c for c in holding if c.text.strip() in text]
    return inside or holding or [c for c in cells if len(c.text.strip()) >= 3 and c.text.strip() in found]


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a value with where it sits (`did[0].activity`); dict keys are strings too."""
    if isinstance(value, str):
        yield path or "(text)", value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            yield from _strings(key, f"{sub} (key)") if isinstance(key, str) else iter(())
            yield from _strings(item, sub)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _context(mailboxes: Iterable[str], numbers: Iterable[str], as_of: dt.date | None) -> Context:
    return Context(
        mailboxes=frozenset(m.strip().casefold() for m in mailboxes if m),
        numbers=PUBLISHED_NUMBERS | {national_digits(n) for n in numbers},
        year=(as_of or dt.date.today()).year,
    )


def _finding(item: TextItem, hit: Hit, allowed: frozenset[str], path: str | None = None) -> Finding:
    if path is not None:  # in no one cell: named by its place in the output, and never allowed
        return Finding(hit.code, ERROR, f"{hit.what} at {path}: {hit.found!r}; it is built from several cells or "
                       "settings: take it out of them", sheet=item.sheet, field=path, value=hit.found)
    is_allowed = _allow_key(item.sheet, item.column or "", item.row or 0) in allowed
    message = f"{hit.what}: {hit.found!r}"
    message += (" (allowed by the officer)" if is_allowed else "; remove it, or allow the cell after checking")
    return Finding(hit.code, INFO if is_allowed else ERROR, message, sheet=item.sheet, row=item.row,
                   column=item.column, field=item.field, activity_id=item.activity_id, value=hit.found)


def blocked_text(findings: Iterable[Finding], what: str) -> str:
    """The lines that say an output was stopped: each blocking finding with its cell, and what to do."""
    blocking = [f for f in findings if f.severity == ERROR]
    lines = [f"Not written: the privacy screen found {len(blocking)} "
             f"{'problem' if len(blocking) == 1 else 'problems'} in what {what}:"]
    lines += [f"  {f.address}: {f.message}" for f in blocking]
    lines.append("Edit those cells, or after checking a cell allow it with --allow SHEET!CELL.")
    return "\n".join(lines) + "\n"


def unmatched_allows(allow: Iterable[str], findings: Iterable[Finding]) -> list[str]:
    """The --allow cells that name no cell the screen found anything in (most likely a mistyped address)."""
    found = {_allow_key(f.sheet or "", f.column or "", f.row or 0) for f in findings}
    return [cell for cell in allow if not parse_allow([cell]) <= found]


def _allow_key(sheet: str, column: str, row: int) -> str:
    return f"{sheet.strip().casefold()}!{column.upper()}{row}"
