"""The plan as records: activities with their schedules, owners, costs and RAG; settings; evaluation rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import contract, rag_colour
from .cell_values import as_date, as_dates, as_number, as_text, lenient
from .findings import Finding
from .read import WorkbookData, read_workbook
from .tables import Row, Table
from .when import STATUSES, Schedule, parse_when, with_dates
from .when_reading import YearContext

_DATE_SETTINGS = frozenset(col.key for col in contract.CONTROL.columns if col.type == contract.DATE)


@dataclass(frozen=True)
class Settings:
    """The Control sheet's settings, typed; None where blank or not understood."""

    title: str | None = None
    board_name: str | None = None
    board_short: str | None = None
    newsletter_title: str | None = None
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    as_of: dt.date | None = None
    reporting_period: str | None = None
    output_folder: str | None = None
    contact_mailbox: str | None = None
    referral_route: str | None = None
    action: str | None = None

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Settings:
        """Typed settings from the reader's raw Control values (bad dates become None; rules report them)."""
        typed: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            raw = values.get(name)
            if name in _DATE_SETTINGS:
                typed[name] = lenient(as_date, raw)
            else:
                typed[name] = as_text(raw)
        return cls(**typed)


class TextCell(NamedTuple):
    """A text cell the officer typed in a table sheet: the sheet's contract, its Excel row, the field and the text."""

    spec: contract.SheetSpec
    row: int
    key: str
    text: str


@dataclass(frozen=True)
class SettingCell:
    """One Control setting as typed: its Excel row and its raw value."""

    row: int
    value: Any


class Activity(NamedTuple):
    """One activity row of the Plan sheet, with its schedule read from When (and Start/End).

    A named tuple: immutable and hashable, and built in ~1.5 µs where a frozen dataclass of these 22 fields takes
    ~5.5 µs (build_plan of 10,000 rows: about 35 ms either way of the difference). Change it with `_replace`.
    """

    row: int
    activity: str | None
    when: str | None
    schedule: Schedule
    id: str | None = None
    section: str | None = None
    phase: str | None = None
    theme: str | None = None
    who: str | None = None
    owners: tuple[str, ...] = ()
    cost: Any = None
    rag: str | None = None  # reported RAG in canonical form (typed, else the cell's fill); None when neither gives one
    rag_text: str | None = None  # reported RAG as typed
    progress: str | None = None
    last_updated: dt.date | None = None
    original_when: str | None = None
    rebaseline_reason: str | None = None
    when_schedule: Schedule | None = None  # what the When text alone says (before Start/End overrides)
    given_start: dt.date | None = None  # the Start column, None when blank or not a date
    given_end: dt.date | None = None  # the End column, likewise
    from_headings: tuple[str, ...] = ()  # fields (section, phase) taken from a heading row above, not the row
    error_fields: frozenset[str] = frozenset()  # fields whose cell shows an Excel error (#REF! ...)
    delivered_on: tuple[dt.date, ...] = ()  # days recorded as delivered (Delivered on), in order
    delivered_text: str | None = None  # the Delivered on cell as typed (rules check it reads as dates)
    short_title: str | None = None
    rag_colour: str | None = None  # the RAG the RAG cell's fill colour shows, None when it has no RAG fill
    original_schedule: Schedule | None = None  # what Original When says, read with the same context as When
    rag_fill: str | None = None  # that fill as "#RRGGBB"

    @property
    def start(self) -> dt.date | None:
        """The first day of its schedule (When, or the Start column), None when open or unknown."""
        return self.schedule.start

    @property
    def end(self) -> dt.date | None:
        """The last day of its schedule (When, or the End column), None when open or unknown."""
        return self.schedule.end

    @property
    def label(self) -> str:
        """How messages name the activity: its ID, else its row."""
        return self.id or f"row {self.row}"


@dataclass(frozen=True)
class Plan:
    """A workbook understood: settings, activities, owners, lists and the evaluation tables.

    What rules and reports need from the workbook is asked of the plan (its attributes and methods below), never
    of `source`, the reader's own structure, which may change with the reader.
    """

    source: WorkbookData
    settings: Settings
    activities: tuple[Activity, ...]
    owners: dict[str, str]
    # Where a When text's missing year came from when Control gives no plan lifetime: the span of the plan's
    # dated rows, else the as-of date's year. None when Control gives the lifetime.
    year_context: YearContext | None = None

    @property
    def path(self) -> Path:
        """The workbook file the plan was read from."""
        return self.source.path

    @property
    def plan_table(self) -> Table:
        """The Plan sheet as read (every workbook has one)."""
        return self.source.tables[contract.PLAN.name]

    @property
    def tables(self) -> dict[str, Table]:
        """The table sheets read, by contract name (Plan always; optional ones when present and readable)."""
        return self.source.tables

    def table(self, spec: contract.SheetSpec) -> Table | None:
        """A table sheet as read, None when the workbook does not have it."""
        return self.source.tables.get(spec.name)

    def has(self, spec: contract.SheetSpec) -> bool:
        """True when the workbook holds this sheet and it could be read."""
        return self.source.has(spec)

    def present(self, spec: contract.SheetSpec) -> bool:
        """True when the workbook has a sheet of this name, readable or not."""
        return self.source.present(spec)

    def sheet_name(self, spec: contract.SheetSpec) -> str | None:
        """The workbook's own name for this sheet ("Settings" for Control), readable or not; None without one."""
        return self.source.sheet_name(spec)

    @property
    def lists(self) -> dict[str, list[str]]:
        """The Lists sheet: list name (its header's key) -> the values offered; empty without the sheet."""
        return self.source.lists

    @property
    def control_sheet(self) -> str | None:
        """The Control sheet's name as the workbook spells it, None without one."""
        return self.source.settings_sheet

    @property
    def setting_cells(self) -> dict[str, SettingCell]:
        """The Control sheet's settings as typed, each with its Excel row (settings are typed in `settings`)."""
        rows = self.source.settings_rows
        return {key: SettingCell(rows[key], value) for key, value in self.source.settings.items() if key in rows}

    def text_cells(self) -> Iterator[TextCell]:
        """Every non-blank text cell typed in a table sheet (not the computed columns), by sheet then row.

        Made afresh on each call, never held: a 100,000-row plan has about 800,000 of them, and holding them as
        records raised validate's peak memory by about 60 MB (bench/run.py's peak-memory figure)."""
        for table in self.source.tables.values():
            keys = [col.key for col in table.spec.columns if col.type == contract.TEXT and not col.output]
            for row in table.rows:
                for key in keys:
                    value = row.values.get(key)
                    if isinstance(value, str) and value.strip():
                        yield TextCell(table.spec, row.row, key, value)

    @property
    def notes(self) -> list[Finding]:
        """What the reader noticed (unknown columns, unreadable optional sheets), as findings."""
        return self.source.notes

    def records(self, spec: contract.SheetSpec) -> list[dict[str, Any]]:
        """The rows of an evaluation sheet with typed values (None where blank or invalid) and `row`."""
        table = self.table(spec)
        if table is None:
            return []
        converters = {contract.DATE: as_date, contract.INTEGER: as_number, contract.NUMBER: as_number,
                      contract.FLAG: contract.parse_flag, contract.TEXT: as_text}
        out = []
        for row in table.rows:
            record: dict[str, Any] = {"row": row.row}
            for col in spec.columns:
                record[col.key] = lenient(converters[col.type], row.get(col.key))
            out.append(record)
        return out

    def when_counts(self) -> dict[str, int]:
        """How many filled When cells were understood, inferred from context, ambiguous or not understood."""
        counts = dict.fromkeys(STATUSES, 0)
        for a in self.activities:
            if a.when and a.when_schedule is not None:
                counts[a.when_schedule.status] += 1
        return counts

    def as_of(self, override: dt.date | None = None) -> dt.date:
        """The as-of date: the one given, else the workbook's own setting, else today."""
        return override or self.settings.as_of or dt.date.today()


class _Cells:
    """Tidy text, RAG and owners of the plan's cells, worked out once per distinct text (most repeat)."""

    def __init__(self) -> None:
        self._texts: dict[str, str | None] = {}
        self._rags: dict[str | None, str | None] = {}
        self._owners: dict[str | None, tuple[str, ...]] = {}

    def text(self, value: Any) -> str | None:
        if type(value) is not str:  # a str key only: 1 == 1.0 == True would share an entry
            return as_text(value)
        if value not in self._texts:
            self._texts[value] = as_text(value)
        return self._texts[value]

    def rag(self, text: str | None) -> str | None:
        if text not in self._rags:
            self._rags[text] = lenient(contract.parse_rag, text)
        return self._rags[text]

    def owners(self, who: str | None) -> tuple[str, ...]:
        owners = self._owners.get(who)
        if owners is None:
            owners = self._owners[who] = tuple(contract.split_owners(who))
        return owners


def _when_value(row: Row, cells: _Cells) -> tuple[Any, str | None]:
    """What parse_when reads from a row's When cell (an Excel date as it is, else tidy text), and that text."""
    when_value = row.values.get("when")
    when_text = cells.text(when_value)
    return (when_value if isinstance(when_value, dt.date) else when_text or ""), when_text


def _year_context(rows: tuple[Row, ...], settings: Settings, cells: _Cells) -> YearContext | None:
    """Where a missing year comes from when Control gives no plan lifetime: the span of the dates the rows' When
    texts give with their own years (as whole years), else the year of the as-of date (today when Control has none)."""
    if settings.plan_start and settings.plan_end:
        return None
    starts, ends = [], []
    for value in {_when_value(row, cells)[0] for row in rows}:
        schedule = parse_when(value)
        if schedule.kind in ("day", "days", "window", "from") and schedule.start and not schedule.year_from:
            starts.append(schedule.start)
            ends.append(schedule.end or schedule.start)
    if starts:  # whole years: the rows' own dates need not reach the ends of the plan's lifetime
        return YearContext(dt.date(min(starts).year, 1, 1), dt.date(max(ends).year, 12, 31),
                           "the span of the plan's dated rows")
    year = (settings.as_of or dt.date.today()).year
    return YearContext(dt.date(year, 1, 1), dt.date(year, 12, 31), "the as-of date's year")


def _activity(row: Row, settings: Settings, cells: _Cells, error_fields: frozenset[str],
              context: YearContext | None = None, fill: tuple[str, str] | None = None) -> Activity:
    get = row.values.get
    text = cells.text
    when_value, when_text = _when_value(row, cells)
    when_schedule = parse_when(when_value, settings.plan_start, settings.plan_end, context)
    schedule = when_schedule
    start = end = None
    if get("start") is not None or get("end") is not None:
        start, end = lenient(as_date, get("start")), lenient(as_date, get("end"))
        if start or end:
            schedule = with_dates(schedule, start, end)
    section, phase = text(get("section")), text(get("phase"))
    from_headings: tuple[str, ...] = ()
    if (row.section and not section) or (row.phase and not phase):
        from_headings = tuple(key for key, own, heading in (("section", section, row.section),
                                                             ("phase", phase, row.phase)) if heading and not own)
    rag_text = text(get("rag"))
    original = text(get("original_when"))
    who = text(get("who"))
    updated = get("last_updated")
    return Activity(
        row=row.row,
        id=as_text(get("id")),  # ID and Activity differ on every row: not worth a cache
        section=section or row.section,
        phase=phase or row.phase,
        theme=text(get("theme")),
        activity=as_text(get("activity")),
        when=when_text,
        schedule=schedule,
        when_schedule=when_schedule,
        who=who,
        owners=cells.owners(who),
        cost=get("cost"),
        rag=cells.rag(rag_text) or (fill[0] if fill and not rag_text else None),
        rag_text=rag_text,
        progress=text(get("progress")),
        last_updated=updated if type(updated) is dt.date else lenient(as_date, updated),
        original_when=original,
        rebaseline_reason=text(get("rebaseline_reason")),
        given_start=start,
        given_end=end,
        from_headings=from_headings,
        error_fields=error_fields,
        delivered_on=lenient(as_dates, get("delivered_on")) or (),
        delivered_text=as_text(get("delivered_on")),
        short_title=as_text(get("short_title")),
        rag_colour=fill[0] if fill else None,
        original_schedule=parse_when(original, settings.plan_start, settings.plan_end, context) if original else None,
        rag_fill=fill[1] if fill else None,
    )


def build_plan(data: WorkbookData, rag_fills: dict[int, tuple[str, str]] | None = None) -> Plan:
    """The plan's records from a workbook already read.

    rag_fills: Excel row -> (RAG, "#RRGGBB") of RAG cells filled with a RAG colour; None reads them from the
    workbook's file (rag_colour.rag_fills). The Excel buttons pass what Excel shows.
    """
    settings = Settings.from_values(data.settings)
    cells = _Cells()
    table = data.tables[contract.PLAN.name]
    errors: dict[int, set[str]] = {}  # Excel row -> fields showing an Excel error (few rows have any)
    for excel_row, key, _ in table.errors:
        errors.setdefault(excel_row, set()).add(key)
    no_errors: frozenset[str] = frozenset()
    context = _year_context(table.rows, settings, cells)
    if rag_fills is None:
        letter = table.letter("rag")
        rag_fills = rag_colour.rag_fills(data.path, table.sheet, letter, table.header_row + 1) if letter else {}
    activities = tuple(_activity(row, settings, cells, frozenset(errors[row.row]) if row.row in errors else no_errors,
                                 context, rag_fills.get(row.row)) for row in table.rows)
    owners: dict[str, str] = {}
    owner_table = data.tables.get(contract.OWNERS.name)
    if owner_table is not None:
        for row in owner_table.rows:
            code = as_text(row.get("code"))
            if code:
                owners[code.casefold()] = as_text(row.get("role")) or code
    return Plan(source=data, settings=settings, activities=activities, owners=owners, year_context=context)


def load_plan(path: str | Path) -> Plan:
    """Read a workbook and build its plan; raises a CseplanError when the workbook is unusable."""
    return build_plan(read_workbook(path))
