"""xlwings' SampleCall runs this module (named after the workbook): it runs the Action chosen on Control."""


def main() -> None:
    """Run the action chosen in Control's Action cell on the calling workbook."""
    from cseplan_xl.excel import run_chosen_action  # the package knows the actions and the Control sheet

    run_chosen_action()
