"""The Dashboard sheet as built: live counts by theme over the Plan, its two charts and the campaign months."""

from __future__ import annotations

from typing import Any

from cseplan_xl import contract as c
from cseplan_xl.findings import column_letter
from cseplan_xl.workbook_style import HEADER_ROW, LAST_INPUT_ROW, CellFormats, column_of

TITLE = ("Live counts and charts (Excel formulas over the Plan: they update as you edit); below them the tables "
         "written by Refresh dashboard: anything typed there is replaced.")
WIDTHS = [46] + [11] * 16  # column A, then B:Q
GENERAL_CAMPAIGN = "General awareness"  # the Campaign of posts and coverage outside any campaign period


def write_dashboard(wb: Any, ws: Any, formats: CellFormats, *, referrals: int) -> None:
    """Everything below the title row: the live table, the charts and the campaign months beside them.

    referrals: how many Referrals rows the workbook ships (the referrals chart covers at least 36 months).
    Its ranges reach down to the Plan's and logs' last input row (workbook_style.LAST_INPUT_ROW).
    """
    _Dashboard(wb, ws, formats).write(referrals)


class _Dashboard:
    """Writes one Dashboard sheet."""

    def __init__(self, wb: Any, ws: Any, formats: CellFormats) -> None:
        self.wb, self.ws, self.f = wb, ws, formats

    def write(self, referrals: int) -> None:
        """Live COUNTIFS over the Plan by Lists theme, two native charts, and the space Refresh dashboard writes."""
        ws, f = self.ws, self.f
        ws.write_string(HEADER_ROW, 0, "Dashboard", f.title)
        ws.write_string(HEADER_ROW + 1, 0, "Not refreshed yet: click Refresh dashboard on Control.", f.help)
        ws.set_column(0, 0, 46)
        ws.set_column(1, 16, 11)
        ws.set_column(8, 8, 3)
        top = c.DASHBOARD_LIVE_ROW - 1  # 0-based heading row
        ws.write_string(top, 0, "RAG by theme, live", f.heading)
        ws.write_string(top, 1, f"One row per theme on the Lists sheet (the first {c.DASHBOARD_THEME_ROWS}). Derived "
                                "RAG is filled by Refresh dashboard; Reported RAG is what the Plan says.", f.note)
        head = top + 1
        ws.write_string(head, 0, "Theme", f.header)
        for first, title in ((1, "Derived (worst)"), (9, "Reported (worst)")):
            ws.write_string(head, first, title, f.header)
            for i, rag in enumerate(c.RAG_VALUES):
                ws.write_string(head, first + 1 + i, rag, f.rag[rag])
        ws.write_string(head, 7, "Total", f.header)
        ws.write_string(head, 15, "Not rated", f.header)
        ws.write_string(head, 16, "Total", f.header)
        ws.set_row(head, 30)
        themes = list(c.DEFAULT_THEMES)
        lists = column_letter(column_of(c.LISTS, "themes"))
        first_theme, other, every = head + 1, head + 1 + c.DASHBOARD_THEME_ROWS, head + 2 + c.DASHBOARD_THEME_ROWS
        for i in range(c.DASHBOARD_THEME_ROWS):
            r, source = first_theme + i, f"{c.LISTS.name}!${lists}${c.FIRST_DATA_ROW + i}"
            ws.write_formula(r, 0, f'=IF({source}="","",{source})', f.text, themes[i] if i < len(themes) else "")
            self._live_counts(r, head, "theme")
        ws.write_string(other, 0, "Other or no theme (not in the Lists)", f.text)
        self._live_counts(other, head, "other", (first_theme, other - 1, every))
        ws.write_string(every, 0, "All activities", f.label)
        self._live_counts(every, head, None)
        self._charts(first_theme, other - 1, referrals)
        ws.write_string(c.DASHBOARD_TABLES_ROW - 2, 0, "Written by Refresh dashboard", f.heading)

    def _live_counts(self, r: int, head: int, kind: str | None, other: tuple[int, int, int] | None = None) -> None:
        """One row: derived counts C:G, total H, worst B; reported K:O, not rated P, total Q, worst J.

        kind "theme": COUNTIFS for the theme in column A (blank when A is); None: every activity; "other": the
        All activities row less the theme rows (other = first theme row, last theme row, All row; 0-based).
        """
        ws, f = self.ws, self.f

        def rng(key: str) -> str:
            letter = column_letter(column_of(c.PLAN, key))
            return f"{c.PLAN.name}!${letter}${c.FIRST_DATA_ROW}:${letter}${LAST_INPUT_ROW + 1}"

        def count(criteria: str, col: int) -> str:
            if kind == "other" and other:
                letter = column_letter(col)
                return f"={letter}{other[2] + 1}-SUM({letter}{other[0] + 1}:{letter}{other[1] + 1})"
            if kind == "theme":
                return f'=IF($A{r + 1}="","",COUNTIFS({rng("theme")},$A{r + 1},{criteria}))'
            return f"=COUNTIFS({criteria})"

        for first, key in ((1, "derived_rag"), (9, "rag")):
            for i in range(len(c.RAG_VALUES)):
                col = first + 1 + i
                ws.write_formula(r, col, count(f"{rng(key)},{column_letter(col)}${head + 1}", col), f.count)
            cells = {rag: f"{column_letter(first + 1 + i)}{r + 1}" for i, rag in enumerate(c.RAG_VALUES)}
            worst = '""'
            for rag in reversed(c.RAG_SEVERITY_ORDER):  # the worst present wins, as in rollups.worst_of
                worst = f'IF(N({cells[rag]})>0,"{rag}",{worst})'  # N(): a blank theme row's "" counts as 0
            ws.write_formula(r, first, f"={worst}", f.worst)
        ws.write_formula(r, 16, count(f'{rng("activity")},"<>"', 16), f.count)
        blank = f'$A{r + 1}="",' if kind == "theme" else ""
        for col, total in ((7, f"SUM(C{r + 1}:G{r + 1})"), (15, f"Q{r + 1}-SUM(K{r + 1}:O{r + 1})")):
            ws.write_formula(r, col, f'=IF({blank}"",{total})' if blank else f"={total}", f.count)

    def _charts(self, first: int, last: int, referrals: int) -> None:
        """RAG by theme (stacked bars in the RAG colours) and referrals by month with the campaign months shaded."""
        ws = self.ws
        bars = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        sheet = c.DASHBOARD.name
        for i, rag in enumerate(c.RAG_VALUES):
            col = 2 + i
            bars.add_series({
                "name": [sheet, first - 1, col], "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col], "fill": {"color": c.RAG_COLOURS[rag]},
                "border": {"none": True}, "gap": 60,
            })
        bars.set_title({"name": "Derived RAG by theme", "name_font": {"size": 11}})
        bars.set_y_axis({"reverse": True})
        bars.set_legend({"position": "bottom"})
        bars.set_size({"width": 620, "height": 300})
        row = last + 4
        ws.insert_chart(row, 0, bars)
        months = HEADER_ROW + max(referrals, 36)  # last 0-based row
        line = self.wb.add_chart({"type": "line"})
        spec = c.REFERRALS
        for key, colour in (("referrals", "#1F4E78"), ("teen_boys", "#C00000")):
            col = column_of(spec, key)
            line.add_series({
                "name": [spec.name, HEADER_ROW, col], "categories": [spec.name, HEADER_ROW + 1, 0, months, 0],
                "values": [spec.name, HEADER_ROW + 1, col, months, col], "line": {"color": colour, "width": 1.75},
            })
        marked = self._campaign_months(months - HEADER_ROW)
        shade = self.wb.add_chart({"type": "column"})
        shade.add_series({
            "name": [sheet, c.DASHBOARD_LIVE_ROW, marked], "categories": [spec.name, HEADER_ROW + 1, 0, months, 0],
            "values": [sheet, c.DASHBOARD_LIVE_ROW + 1, marked, c.DASHBOARD_LIVE_ROW + months - HEADER_ROW, marked],
            "fill": {"color": "#F4B183", "transparency": 55}, "border": {"none": True}, "gap": 0, "y2_axis": True,
        })
        shade.set_y2_axis({"min": 0, "max": 1, "num_format": ";;;", "line": {"none": True}, "major_tick_mark": "none"})
        line.combine(shade)
        line.set_title({"name": "Referrals by month (shaded: months with campaign posts or coverage)",
                        "name_font": {"size": 11}})
        line.set_x_axis({"date_axis": True, "num_format": "mmm yy", "major_unit": 3, "major_unit_type": "months"})
        line.set_legend({"position": "bottom"})
        line.set_size({"width": 620, "height": 300})
        ws.insert_chart(row, 8, line)
        for i, note in enumerate(("Shaded: a month in which the Social or Media sheet logs a post or an item",
                                  f"for a named campaign (any Campaign but {GENERAL_CAMPAIGN}); see columns S:U.")):
            ws.write_string(row + 15 + i, 9, note, self.f.note)

    def _campaign_months(self, count: int) -> int:
        """Columns S:U beside the live table: each Referrals month, its campaign posts and coverage, and 1 when
        there were any (the shaded columns of the referrals chart). Returns the 0-based column of the 1s."""
        ws, f = self.ws, self.f
        month_col, items_col, marked = 18, 19, 20
        top = c.DASHBOARD_LIVE_ROW - 1
        ws.set_column(month_col, marked, 11)
        ws.write_string(top, month_col, "Campaign months (for the referrals chart)", f.heading)
        for col, title in ((month_col, "Month"), (items_col, "Campaign items"), (marked, "Campaign month")):
            ws.write_string(top + 1, col, title, f.header)

        def criteria(spec: c.SheetSpec, month: str) -> str:
            date = column_letter(column_of(spec, "date"))
            campaign = column_letter(column_of(spec, "campaign"))
            rows = f"${c.FIRST_DATA_ROW}:$"
            dates = f"{spec.name}!${date}{rows}{date}${LAST_INPUT_ROW + 1}"
            names = f"{spec.name}!${campaign}{rows}{campaign}${LAST_INPUT_ROW + 1}"
            return (f'COUNTIFS({names},"<>",{names},"<>{GENERAL_CAMPAIGN}",{dates},">="&{month},'
                    f'{dates},"<"&EDATE({month},1))')

        months = f"{c.REFERRALS.name}!$A"
        for i in range(count):
            r = top + 2 + i
            month, items = f"${column_letter(month_col)}{r + 1}", f"{column_letter(items_col)}{r + 1}"
            source = f"{months}{c.FIRST_DATA_ROW + i}"
            ws.write_formula(r, month_col, f'=IF({source}="","",{source})', f.month)
            ws.write_formula(r, items_col, f'=IF({month}="","",{criteria(c.SOCIAL, month)}+'
                                           f'{criteria(c.MEDIA, month)})', f.count)
            ws.write_formula(r, marked, f"=IF(N({items})>0,1,0)", f.count)
        return marked
