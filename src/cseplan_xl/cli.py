"""The `cseplan` command line: each command parses its input, calls one library function, shows the result.

How a result is shown (text, JSON, CSV; the terminal or --output) and how a command ends (exit codes 0, 1, 2; any
error as one line on stderr) are console.py's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .console import EXIT_FINDINGS, EXIT_OK, add_format, csv_output, emit, json_output, run
from .errors import UsageError
from .safetext import terminal_text

if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


# --- shared helpers ----------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    from .dates import out_of_range

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2018-03-31") from None
    if (why_not := out_of_range(day)) is not None:
        raise argparse.ArgumentTypeError(why_not)
    return day


def _jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: give 0 (automatic) or a number of worker processes")
    return int(text)


def _command(sub: _SubParsers, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=f"{summary}\n\nExample:\n  {example}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


# --- validate ----------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from .batch import cpus, discover, validate_files

    paths = discover(args.paths)
    if not paths:
        raise UsageError("no workbooks found (looked for .xlsx and .xlsm files)")
    show_progress = sys.stderr.isatty() and len(paths) >= 20

    def progress(done: int, total: int) -> None:
        print(f"\rchecked {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    if args.jobs > 1 and args.jobs > (most := cpus()):
        print(f"--jobs {args.jobs} is more than the {most} processors here: using {most}", file=sys.stderr)
    report = validate_files(paths, as_of=args.as_of, select=_split(args.select), ignore=_split(args.ignore),
                            jobs=args.jobs, progress=progress if show_progress else None)
    text: str | Iterator[str]
    if args.format == "json":
        text = json_output(report.to_dict())
    elif args.format == "csv":
        from .report import CSV_COLUMNS

        text = csv_output(report.csv_rows(), CSV_COLUMNS)
    else:
        to_terminal = not args.output and sys.stdout.isatty()
        text = report.to_text(colour=to_terminal)
    emit(text, args.output, args.force, inputs=paths)
    return report.exit_code(strict=args.strict)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _add_validate(sub: _SubParsers) -> None:
    p = _command(sub, "validate", "Check every row of one or many plan workbooks.",
                 "cseplan validate workbook/cseplan.xlsm plans/ --format json --output report.json")
    p.add_argument("paths", nargs="+", metavar="PATH", help="workbooks, folders (searched recursively) or globs")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="the date that decides 'started' and 'ended' (default: the workbook's As-of date, else today)")
    add_format(p)
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument("--select", action="append", metavar="CODES", help="only these rule codes or tags (comma-separated)")
    p.add_argument("--ignore", action="append", metavar="CODES", help="skip these rule codes or tags (comma-separated)")
    p.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                   help="worker processes; 0 = decide from the measured cost per file (default), 1 = serial")
    p.set_defaults(handler=_cmd_validate)


# --- when --------------------------------------------------------------------------------------


def _cmd_when(args: argparse.Namespace) -> int:
    from .when import parse_when

    schedules = [parse_when(text, args.plan_start, args.plan_end) for text in args.texts]
    if args.format == "json":
        import json
        sys.stdout.write(json.dumps([s.to_dict() for s in schedules], indent=2, ensure_ascii=False) + "\n")
    else:
        width = max(len(s.text) for s in schedules)
        for s in schedules:
            print(terminal_text(f"{s.text:<{width}}  {s.describe()}"))
    return EXIT_OK


def _add_when(sub: _SubParsers) -> None:
    p = _command(sub, "when", "Show how When texts are read as dates.",
                 "cseplan when 'Autumn 2017/ Early 2018' 'March 18 2018/19' --format json")
    p.add_argument("texts", nargs="+", metavar="TEXT")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--plan-start", type=_date, metavar="YYYY-MM-DD",
                   help="plan lifetime start (for Quarterly, Ongoing, missing years)")
    p.add_argument("--plan-end", type=_date, metavar="YYYY-MM-DD", help="plan lifetime end")
    p.set_defaults(handler=_cmd_when)


# --- rules -------------------------------------------------------------------------------------


def _cmd_rules(args: argparse.Namespace) -> int:
    from .rules import catalogue_rows

    rows = catalogue_rows()
    if args.format == "json":
        import json
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        for r in rows:
            print(f"{r['code']:<32} {r['severity']:<8} {r['title']}  [{', '.join(r['tags'])}]")
    return EXIT_OK


def _add_rules(sub: _SubParsers) -> None:
    p = _command(sub, "rules", "List the validation rules: code, severity, title and tags.", "cseplan rules")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=_cmd_rules)


# --- rollup ------------------------------------------------------------------------------------


def _cmd_rollup(args: argparse.Namespace) -> int:
    from .plan import load_plan
    from .rollups import CSV_COLUMNS, rollup

    groups = tuple(dict.fromkeys(args.by or _ROLLUP_GROUPS))
    result = rollup(load_plan(args.workbook), as_of=args.as_of, by=groups, period=args.period)
    text: str | Iterator[str]
    if args.format == "json":
        text = json_output(result.to_dict())
    elif args.format == "csv":
        text = csv_output(result.csv_rows(), CSV_COLUMNS)
    else:
        text = terminal_text(result.to_text())
    emit(text, args.output, args.force, inputs=[args.workbook])
    return EXIT_OK


_ROLLUP_GROUPS = ("section", "theme", "owner", "phase", "quarter")  # rollups.GROUPS, kept here so --help stays light


def _add_rollup(sub: _SubParsers) -> None:
    p = _command(sub, "rollup", "Where the plan stands: derived RAG, worst-of counts by group, overdue and upcoming.",
                 "cseplan rollup workbook/cseplan.xlsm --as-of 2018-03-31 --by theme --by owner --format json")
    p.add_argument("workbook", metavar="WORKBOOK", help="the plan workbook (.xlsx or .xlsm)")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="the date the RAG is judged at (default: the workbook's As-of date, else today)")
    p.add_argument("--by", action="append", choices=_ROLLUP_GROUPS, metavar="GROUP",
                   help=f"group by this (repeatable; default all of: {', '.join(_ROLLUP_GROUPS)})")
    p.add_argument("--period", metavar="P",
                   help="the reporting period whose deliveries are listed (and the next one's plans): 2018Q1, "
                        "2018-03, 2018/19 ... (default: the Control sheet's Reporting period, else the last "
                        "complete quarter)")
    add_format(p)
    p.set_defaults(handler=_cmd_rollup)


# --- build-workbook ----------------------------------------------------------------------------


def _cmd_build_workbook(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .build import build_workbook

    default = "workbook/examples/cseplan_demo.xlsm" if args.demo else "workbook/cseplan.xlsm"
    result = build_workbook(Path(args.output or default), demo=args.demo, force=args.force)
    print(terminal_text(result.summary()))
    return EXIT_OK


def _add_build_workbook(sub: _SubParsers) -> None:
    p = _command(sub, "build-workbook", "Build the plan workbook (.xlsm) from the plan's source rows, reproducibly.",
                 "cseplan build-workbook --demo -o training.xlsm")
    p.add_argument("--demo", action="store_true",
                   help="add illustrative progress, evaluation data and planted mistakes")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="where to write (default: workbook/cseplan.xlsm, or workbook/examples/cseplan_demo.xlsm)")
    p.add_argument("--force", action="store_true",
                   help="replace a workbook that differs from a fresh build (the old one is kept as a backup)")
    p.set_defaults(handler=_cmd_build_workbook)


# --- upgrade-workbook --------------------------------------------------------------------------


def _cmd_upgrade_workbook(args: argparse.Namespace) -> int:
    from .upgrade import upgrade_workbook

    result = upgrade_workbook(args.old, args.output, force=args.force)
    sys.stdout.write(terminal_text(result.to_text()))
    return EXIT_FINDINGS if result.left_behind else EXIT_OK


def _add_upgrade_workbook(sub: _SubParsers) -> None:
    p = _command(sub, "upgrade-workbook",
                 "Carry everything entered in a workbook into a current build, checked value by value.",
                 "cseplan upgrade-workbook cseplan.xlsm -o cseplan-new.xlsm")
    p.add_argument("old", metavar="OLD", help="the workbook to upgrade (never changed)")
    p.add_argument("--output", "-o", metavar="NEW", help="where to write (default: OLD-upgraded.xlsm beside OLD)")
    p.add_argument("--force", action="store_true", help="replace NEW if it exists (never OLD)")
    p.set_defaults(handler=_cmd_upgrade_workbook)


# --- excel-setup -------------------------------------------------------------------------------


def _cmd_excel_setup(args: argparse.Namespace) -> int:
    from .xlsetup import check_workbooks, write_interpreter

    if not args.check:
        print(f"Wrote this Python into {write_interpreter()}")
    report = check_workbooks(args.workbooks)
    sys.stdout.write(terminal_text(report.to_text()))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _add_excel_setup(sub: _SubParsers) -> None:
    p = _command(sub, "excel-setup", "Point xlwings at this Python for the workbook's buttons, then check the set-up.",
                 "cseplan excel-setup workbook/cseplan.xlsm")
    p.add_argument("workbooks", nargs="*", metavar="WORKBOOK",
                   help="workbooks to check too: their xlwings VBA version and their Output folder")
    p.add_argument("--check", action="store_true", help="only check: change no configuration")
    p.set_defaults(handler=_cmd_excel_setup)


# --- evaluate ----------------------------------------------------------------------------------


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import CSV_COLUMNS, evaluate
    from .plan import load_plan

    plan = load_plan(args.workbook)
    result = evaluate(plan, period=args.period, baseline=args.baseline, as_of=args.as_of)
    if args.format == "json":
        text = "".join(json_output(result.to_dict(args.partner_facing), allow_nan=False))  # small: screened as a whole
    elif args.format == "csv":
        text = csv_output(result.csv_rows(args.partner_facing), CSV_COLUMNS)
    else:
        text = terminal_text(result.to_text(args.partner_facing))
    if args.partner_facing:  # for partners: the whole output passes the privacy screen, or nothing is shown
        from .privacy import blocked_text
        from .rules_privacy import screen_published

        shown: dict[str, Any] = {"figures": result.to_dict(True)}  # the structured output as strings, one by one
        if args.format == "csv":
            shown["rows"] = result.csv_rows(True)
        elif args.format == "text":
            shown["lines"] = text.splitlines()
        screened, findings = screen_published(plan, shown, "evaluation", allow=args.allow or (), as_of=result.as_of)
        if screened is None:
            sys.stderr.write(blocked_text(findings, "the partner-facing evaluation would show"))
            return EXIT_FINDINGS
    emit(text, args.output, args.force, inputs=[args.workbook])
    return EXIT_OK


def _add_evaluate(sub: _SubParsers) -> None:
    p = _command(sub, "evaluate", "The plan's four measures for a period against a baseline, with honest uncertainty.",
                 "cseplan evaluate workbook/cseplan.xlsm --period 2018Q1 --baseline pre-period:4 --partner-facing")
    p.add_argument("workbook", metavar="WORKBOOK", help="the plan workbook (.xlsx or .xlsm)")
    p.add_argument("--period", metavar="P",
                   help="2018Q1, Q1 2018, 2018-03, 2018/19 or 2018-01-01..2018-03-31 "
                        "(default: the Control sheet's Reporting period, else the last complete quarter)")
    p.add_argument("--baseline", default="same-period-last-year", metavar="B",
                   help="same-period-last-year (default) or pre-period:K, the K periods of the same length before")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="the date that picks the default period (default: the workbook's As-of date, else today)")
    p.add_argument("--partner-facing", action="store_true",
                   help="counts below 5 as 'fewer than 5', and withhold figures that would reveal one by subtraction; "
                        "screened for personal data first (exit 1 with the cells instead)")
    p.add_argument("--allow", action="append", metavar="SHEET!CELL",
                   help="with --partner-facing: a cell the privacy screen flagged that you have checked (repeatable)")
    add_format(p)
    p.set_defaults(handler=_cmd_evaluate)


# --- newsletter --------------------------------------------------------------------------------


def _cmd_newsletter(args: argparse.Namespace) -> int:
    from .briefing import draft_newsletter, newsletter_context
    from .plan import load_plan

    plan = load_plan(args.workbook)
    if args.dump_context:
        screened = newsletter_context(plan, period=args.period, as_of=args.as_of, allow=args.allow or ())
        if screened.blocked:
            sys.stderr.write(terminal_text(screened.to_text()))
            return EXIT_FINDINGS
        import json
        emit(json.dumps(screened.context, indent=2, ensure_ascii=False) + "\n", args.dump_context, args.force,
              inputs=[args.workbook])
        return EXIT_OK
    result = draft_newsletter(plan, period=args.period, as_of=args.as_of, out=args.output,
                              template=args.template, force=args.force, allow=args.allow or (),
                              appendix=args.officer_appendix)
    if result.blocked:
        sys.stderr.write(terminal_text(result.to_text()))
        return EXIT_FINDINGS
    sys.stdout.write(terminal_text(result.to_text()))
    return EXIT_OK


def _add_newsletter(sub: _SubParsers) -> None:
    p = _command(sub, "newsletter", "Draft the partner newsletter article in Word, screened for personal data.",
                 "cseplan newsletter workbook/examples/cseplan_demo.xlsm --period 2018Q1 --output draft.docx")
    p.add_argument("workbook", metavar="WORKBOOK", help="the plan workbook (.xlsx or .xlsm)")
    p.add_argument("--period", metavar="P", help="2018Q1, Q1 2018, 2018-03, 2018/19 or 2018-01-01..2018-03-31 "
                   "(default: the Control sheet's Reporting period, else the last complete quarter)")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="the date the RAG is judged at (default: the workbook's As-of date, else today)")
    p.add_argument("-o", "--output", metavar="FILE.docx",
                   help="where to write (default: newsletters/<board>_<period>_draft.docx beside the workbook)")
    p.add_argument("--template", metavar="PATH",
                   help="a Word template (default: the nscb_newsletter.docx shipped with the package)")
    p.add_argument("--force", action="store_true", help="replace an existing file instead of taking the next free name")
    p.add_argument("--allow", action="append", metavar="SHEET!CELL",
                   help="a cell the privacy screen flagged that you have checked and allow (repeatable)")
    p.add_argument("--officer-appendix", action="store_true",
                   help="add the full evaluation figures (intervals, p-values) after the article, for the officer; "
                        "delete it before sending")
    p.add_argument("--dump-context", metavar="FILE|-",
                   help="write the newsletter's data as JSON (to design a template against) instead of the draft; "
                        "screened first: exit 1 with the findings, as a draft would")
    p.set_defaults(handler=_cmd_newsletter)


# --- entry point -------------------------------------------------------------------------------

# The function that adds each command's parser, in the order --help lists them.
COMMANDS: list[Callable[[_SubParsers], None]] = [
    _add_validate, _add_when, _add_rules, _add_rollup, _add_build_workbook, _add_evaluate, _add_newsletter,
    _add_upgrade_workbook, _add_excel_setup,
]


class _VersionAction(argparse.Action):
    """--version, looked up only when asked (the lookup costs a cold start tens of milliseconds)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from . import __version__

        parser.exit(message=f"cseplan-xl {__version__}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="cseplan",
        description="Validate, roll up, evaluate and brief on a CSE communications plan kept in Excel.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return its exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    return run(args.handler, args)
