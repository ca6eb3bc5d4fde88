"""Generate plan workbooks of a chosen size for the benchmark (rows cycle through the source plan's wording)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

WHENS = ["January 2018 – TBC", "Quarterly", "Ongoing", "Autumn 2018", "Early 2018", "Two per year",
         "Late 2018/ early 2019", "Sept 19 2017", "Autumn 2017", "Nov 2017", "Tender process starts October 2017",
         "Feb 2018", "TBC", "2018 TBC", "Autumn 2017/ Early 2018", "March 18 2018/19", "April 2019"]
# A kept plan: owners known, costs settled, every started activity rated.
WHOS = ["CT", "LW/CT", "DJ/CT/Comms team", "CT/RISE/POLIT", "MT/CT", "CT/MF/LH", "CT/ALL", "ALL"]
COSTS = ["N/A", "N/A", "£500", "£1,200"]
RAGS = ["Green", "Amber", "Red", "Complete", "Complete"]
THEMES = ["Awareness and reporting", "Teenage boys and online gaming (Breck's Last Game)", "LGBT under-reporting",
          "Organised crime and gangs (Don't Be An Accessory)"]
SECTIONS = ["6.1 Internal and training", "6.2 External", "Phase Two external"]
OWNERS = ["CT", "LW", "MT", "DJ", "MF", "LH", "ALL", "Comms team", "RISE", "POLIT"]


def make_plan(path: Path, rows: int, seed: int = 1) -> Path:
    """A workbook with Control, Owners, Lists and a Plan of `rows` activities."""
    import xlsxwriter

    rnd = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    plan = book.add_worksheet("Plan")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    header = ["ID", "Section", "Theme", "Activity", "When", "Who", "Cost", "RAG", "Progress notes", "Last updated"]
    plan.write_row(0, 0, header)
    for r in range(1, rows + 1):
        plan.write_string(r, 0, f"A{r:06d}")
        plan.write_string(r, 1, rnd.choice(SECTIONS))
        plan.write_string(r, 2, rnd.choice(THEMES))
        plan.write_string(r, 3, f"Activity {r}: awareness session for partners and frontline staff")
        plan.write_string(r, 4, rnd.choice(WHENS))
        plan.write_string(r, 5, rnd.choice(WHOS))
        plan.write_string(r, 6, rnd.choice(COSTS))
        rag = rnd.choice(RAGS)
        if rag:
            plan.write_string(r, 7, rag)
        if r % 3 == 0:
            plan.write_string(r, 8, "Delivered to two teams; feedback positive.")
            plan.write_datetime(r, 9, dt.datetime(2018, 1, 1) + dt.timedelta(days=r % 80), dates)
    control = book.add_worksheet("Control")
    for i, (label, value) in enumerate([("Plan start", dt.datetime(2017, 9, 1)), ("Plan end", dt.datetime(2019, 8, 31)),
                                        ("As-of date", dt.datetime(2018, 3, 31))]):
        control.write_string(i, 0, label)
        control.write_datetime(i, 1, value, dates)
    owners = book.add_worksheet("Owners")
    owners.write_row(0, 0, ["Code", "Role or team"])
    for i, code in enumerate(OWNERS, start=1):
        owners.write_row(i, 0, [code, "Team"])
    lists = book.add_worksheet("Lists")
    lists.write_row(0, 0, ["Sections", "Themes"])
    for i in range(max(len(SECTIONS), len(THEMES))):  # constant_memory: rows in order
        for c, values in enumerate((SECTIONS, THEMES)):
            if i < len(values):
                lists.write_string(i + 1, c, values[i])
    book.close()
    return path


if __name__ == "__main__":
    make_plan(Path(sys.argv[1]), int(sys.argv[2]))
