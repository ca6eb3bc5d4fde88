"""xlwings' SampleCall runs this module (named after the workbook): it runs the Action chosen on Control."""

from __future__ import annotations

# Action text on the Control sheet -> function of cseplan_xl.excel.
ACTIONS = {
    "validate plan": "validate_plan",
    "refresh dashboard": "refresh_dashboard",
    "draft newsletter": "draft_newsletter",
}


def chosen_action(cells: list[list[object]]) -> str | None:
    """The function name for the Action value in Control's label/value rows, None when not recognised."""
    for row in cells:
        if len(row) >= 2 and str(row[0] or "").strip().casefold() == "action":
            return ACTIONS.get(" ".join(str(row[1] or "").split()).casefold())
    return None


def main() -> None:
    """Run the action chosen in Control's Action cell on the calling workbook."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        name = chosen_action(book.sheets["Control"].range("A1:B60").value)
    except Exception:  # no Control sheet: say what to do rather than show a traceback
        name = None
    if name is None:
        book.app.alert("Choose an action in the Action cell on Control, then click Run.", title="cseplan-xl")
        return
    from cseplan_xl import excel

    getattr(excel, name)(book)
