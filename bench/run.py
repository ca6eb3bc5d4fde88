"""The benchmark: cseplan-xl against floors measured in the same run, reported as ratios.

Run with `make bench` (or `.venv/bin/python bench/run.py [--quick]`). Times are medians of whole
processes (time.perf_counter around subprocess.run) or of in-process calls; peak memory comes from
/usr/bin/time. Machines are shared and noisy: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
PY = sys.executable
CSEPLAN = str(Path(PY).with_name("cseplan"))
DEMO = ROOT / "workbook" / "examples" / "cseplan_demo.xlsm"
sys.path.insert(0, str(HERE))

from make_plans import make_plan  # noqa: E402

READ_PLAN = ("import sys\nfrom python_calamine import CalamineWorkbook\n"
             "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name('Plan').to_python()")
READ_LOOP = ("import sys, pathlib\nfrom python_calamine import CalamineWorkbook\n"
             "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.xlsx')):\n"
             "    CalamineWorkbook.from_path(str(p)).get_sheet_by_name('Plan').to_python()")


def wall(cmd: list[str], runs: int) -> float:
    """Median wall time of a whole process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(cmd: list[str], floor: list[str], runs: int) -> tuple[float, float]:
    """Medians of a command and its floor, run alternately so both see the same machine."""
    ours, base = [], []
    for _ in range(runs):
        base.append(wall(floor, 1))
        ours.append(wall(cmd, 1))
    return statistics.median(ours), statistics.median(base)


def peak_kb(cmd: list[str]) -> int:
    """Peak resident memory of a process, from /usr/bin/time."""
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    return int(done.stderr.strip().splitlines()[-1])


def inproc(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


ROWS: list[tuple[str, float, float, float, str]] = []


def report(name: str, ours: float, floor: float, target: float, unit: str = "s") -> None:
    ROWS.append((name, ours, floor, target, unit))
    ratio = ours / floor if floor else float("inf")
    mark = "ok" if ratio <= target else "MISSED"
    print(f"{name:<58} {ours:9.3f} {floor:9.3f} {ratio:6.2f}x  target <= {target}x  {mark}", flush=True)


def bench_validate(runs: int, sizes: list[int]) -> None:
    from python_calamine import CalamineWorkbook

    from cseplan_xl.plan import build_plan
    from cseplan_xl.read import read_workbook
    from cseplan_xl.rollups import rollup
    from cseplan_xl.rules import check_plan

    targets = {40: 3.0, 10_000: 1.4}
    paths = {n: make_plan(DATA / f"plan_{n}.xlsx", n) for n in sizes}
    for n in sizes:
        if n in targets:
            ours, floor = paired([CSEPLAN, "validate", str(paths[n])], [PY, "-c", READ_PLAN, str(paths[n])], runs)
            report(f"validate {n:,} rows, cold process vs bare read", ours, floor, targets[n])
        if n == 10_000:  # the same without the privacy screen, to tell its share from the rest of validate's
            ours, floor = paired([CSEPLAN, "validate", str(paths[n]), "--ignore", "privacy"],
                                 [PY, "-c", READ_PLAN, str(paths[n])], runs)
            report(f"validate {n:,} rows --ignore privacy, cold vs bare read", ours, floor, targets[n])
    for n in sizes:
        if n < 10_000:
            continue
        path = str(paths[n])
        read = inproc(lambda path=path: CalamineWorkbook.from_path(path).get_sheet_by_name("Plan").to_python(),
                      max(1, runs // 2))
        data = read_workbook(path)
        plan = build_plan(data)
        ours_read = inproc(lambda path=path: build_plan(read_workbook(path)), max(1, runs // 2))
        checks = inproc(lambda plan=plan: (check_plan(plan), rollup(plan)), max(1, runs // 2))
        report(f"rules+rollup {n:,} rows in-process vs bare calamine read", checks, read, 0.5)
        report(f"rules+rollup {n:,} rows in-process vs our read (workbook -> records)", checks, ours_read, 0.5)
        unscreened = inproc(lambda plan=plan: (check_plan(plan, ignore=("privacy",)), rollup(plan)), max(1, runs // 2))
        report(f"the same without the privacy rules, {n:,} rows, vs our read", unscreened, ours_read, 0.5)
        alone = inproc(lambda plan=plan: rollup(plan), max(1, runs // 2))
        report(f"rollup {n:,} activities in-process vs read", alone, read, 0.5)
    if 100_000 in sizes:
        path = str(paths[100_000])
        report("peak memory validating 100,000 rows vs bare read (MB)",
               peak_kb([CSEPLAN, "validate", path]) / 1024, peak_kb([PY, "-c", READ_PLAN, path]) / 1024, 1.2, "MB")


def bench_batch(runs: int, count: int = 200) -> None:
    folder = DATA / f"batch_{count}"
    if not folder.exists() or len(list(folder.glob("*.xlsx"))) != count:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        first = make_plan(folder / "plan_000.xlsx", 40)
        for i in range(1, count):
            shutil.copyfile(first, folder / f"plan_{i:03d}.xlsx")
    ours, floor = paired([CSEPLAN, "validate", str(folder)], [PY, "-c", READ_LOOP, str(folder)], max(1, runs // 2))
    report(f"validate a batch of {count} small workbooks vs a read loop", ours, floor, 1.3)


def bench_evaluate(runs: int) -> None:
    # evaluate needs no scientific library (its exact tails are plain Python): its floor is the reader alone,
    # and, for comparison, the import of the package modules it runs.
    for what, needs in (("python_calamine", "import python_calamine"),
                        ("calamine + cseplan_xl's modules", "import python_calamine, cseplan_xl.plan, "
                                                            "cseplan_xl.evaluation, cseplan_xl.cli")):
        ours, floor = paired([CSEPLAN, "evaluate", str(DEMO)], [PY, "-c", needs], runs)
        report(f"evaluate demo, cold vs importing {what}", ours, floor, 1.5)


def bench_newsletter(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "draft.docx"
        floor_cmd = [PY, "-c", "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot, docx"]
        ours, floor = paired([CSEPLAN, "newsletter", str(DEMO), "-o", str(out), "--force"], floor_cmd, runs)
        report("newsletter demo, cold vs importing matplotlib (Agg) + python-docx", ours, floor, 1.5)

        from cseplan_xl import briefing
        from cseplan_xl.plan import load_plan

        plan = load_plan(DEMO)
        briefing.draft_newsletter(plan, out=out, force=True)  # the first draft pays the imports
        second = inproc(lambda: briefing.draft_newsletter(plan, out=out, force=True), runs)
        context = briefing.newsletter_context(plan).context

        def charts() -> None:
            briefing.chart_rag_by_theme(context)
            briefing.chart_referrals(context)

        report("second newsletter draft in-process vs drawing its charts", second, inproc(charts, runs), 1.5)


CLICK = """import json, os, sys
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # the remote engine (xlwings Server's) is licensed
import xlwings
from xlwings.pro import _xlremote
if "remote" not in [e.name for e in xlwings.engines]:
    xlwings.engines.add(xlwings.Engine(impl=_xlremote.engine))
import cseplan_xl.excel
with open(sys.argv[1], encoding="utf-8") as f:
    book = xlwings.Book(json=json.load(f))
cseplan_xl.excel.{function}(book)
sys.stdout.write(json.dumps(book.json(), default=str))  # the write-back: what Excel is sent to do
"""


def _payload(path: Path) -> dict:
    """The JSON book the xlwings client sends for a workbook (every sheet's values), as Excel would on a click."""
    import datetime as dt

    import xlwings
    from python_calamine import CalamineWorkbook

    def cell(value: object) -> object:
        if isinstance(value, dt.datetime | dt.date):
            value = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            return value.isoformat() + ".000Z"
        if isinstance(value, dt.time | dt.timedelta):
            return str(value)
        return value

    wb = CalamineWorkbook.from_path(str(path))
    sheets = [{"name": name, "values": [[cell(v) for v in row] for row in
                                        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)] or [[]],
               "pictures": [], "tables": []} for name in wb.sheet_names]
    return {"client": "Office.js", "version": xlwings.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"}, "names": [], "sheets": sheets}


def bench_click(runs: int) -> None:
    """A button press, Python's side: a fresh process imports xlwings and the package, reads the demo through the
    remote engine, validates (or refreshes) and writes back; the floor is a process that only imports xlwings.
    Excel's own part (starting the process, sending the book) is the same for both and not measured here."""
    import json

    payload = DATA / "demo_payload.json"
    payload.write_text(json.dumps(_payload(DEMO)), encoding="utf-8")
    floor = [PY, "-c", "import os; os.environ['XLWINGS_LICENSE_KEY'] = 'noncommercial'; import xlwings"]
    for function, target in (("validate_plan", 1.3), ("refresh_dashboard", 1.5)):
        ours, base = paired([PY, "-c", CLICK.replace("{function}", function), str(payload)], floor, runs)
        report(f"button {function} (remote engine), cold vs importing xlwings", ours, base, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and no 100,000-row plan")
    parser.add_argument("--click", action="store_true", help="only the button-press latency")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 7, quick 3)")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    DATA.mkdir(exist_ok=True)
    # Byte-compile the package once, as an installed copy would be (PYTHONDONTWRITEBYTECODE may be set).
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    print(f"{'measurement':<58} {'ours':>9} {'floor':>9} {'ratio':>7}")
    if args.click:
        bench_click(runs)
        return 0
    bench_validate(runs, [40, 10_000] if args.quick else [40, 10_000, 100_000])
    bench_batch(runs)
    bench_evaluate(runs)
    bench_newsletter(runs)
    bench_click(runs)
    missed = [r for r in ROWS if r[1] / r[2] > r[3]]
    print(f"\n{len(ROWS) - len(missed)} of {len(ROWS)} targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
