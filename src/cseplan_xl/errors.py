"""The one exception hierarchy: every failure a user can cause ends here, as one plain line."""

from __future__ import annotations


class CseplanError(Exception):
    """Base of every error cseplan-xl reports to a user; its text is the whole message."""


class UnreadableWorkbookError(CseplanError):
    """The file is not a workbook we can read (corrupt, encrypted, wrong format, missing)."""


class MissingSheetError(CseplanError):
    """A required sheet (the Plan) is not in the workbook."""


class MissingColumnsError(CseplanError):
    """A sheet lacks columns the contract requires, or no header row could be found."""


class TemplateError(CseplanError):
    """A Word template is missing, unreadable, or uses a tag the context does not provide."""


class OutputExistsError(CseplanError):
    """An output would replace a file that must not be replaced silently."""


class InvalidValue(CseplanError):
    """A value handed to the library (period, baseline, rule code, cell, file name) that it cannot understand."""


class UsageError(CseplanError):
    """The command line used wrongly: raised by the CLI only (the library raises InvalidValue)."""
