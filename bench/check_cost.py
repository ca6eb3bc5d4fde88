"""What the zip check (container.check_package) costs on the common path: reading and validating a 10,000-row plan
with the check and with it stubbed out, interleaved in one process (medians; compare the ratios, not seconds).

Run: .venv/bin/python bench/check_cost.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cseplan_xl import container  # noqa: E402
from cseplan_xl.batch import validate_file  # noqa: E402
from cseplan_xl.read import read_workbook  # noqa: E402
from make_plans import make_plan  # noqa: E402


def main() -> None:
    data = Path(__file__).resolve().parent / "data"
    data.mkdir(exist_ok=True)
    plan = data / "plan_10000.xlsx"
    if not plan.exists():
        make_plan(plan, 10_000)
    real = container.check_package

    def stub(path: Path) -> container.Package:
        return container.Package({}, {})

    for name, fn, runs in (("read_workbook", read_workbook, 21), ("validate_file", validate_file, 9)):
        with_check: list[float] = []
        without: list[float] = []
        for _ in range(runs):
            for impl, times in ((real, with_check), (stub, without)):
                container.check_package = impl
                start = time.perf_counter()
                fn(plan)
                times.append(time.perf_counter() - start)
        a, b = statistics.median(with_check), statistics.median(without)
        print(f"{name}, 10,000 rows: with the check {a:.3f} s, without {b:.3f} s, ratio {a / b:.2f}")
    container.check_package = real


if __name__ == "__main__":
    main()
