"""cseplan-xl: validate, roll up, evaluate and brief on a CSE communications plan kept in Excel.

The public API is imported lazily, so `import cseplan_xl` stays cheap for the command line and the buttons.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Public name -> the module that holds it.
_API = {
    "load_plan": "plan",
    "Plan": "plan",
    "Activity": "plan",
    "parse_when": "when",
    "Schedule": "when",
    "parse_period": "period",
    "check_plan": "rules",
    "CATALOGUE": "rules",
    "validate_files": "batch",
    "Report": "report",
    "FileReport": "report",
    "Finding": "findings",
    "rollup": "rollups",
    "Rollup": "rollups",
    "derive_status": "rag",
    "evaluate": "evaluation",
    "Evaluation": "evaluation",
    "draft_newsletter": "briefing",
    "NewsletterResult": "briefing",
    "build_workbook": "build",
    "CseplanError": "errors",
    "InvalidValue": "errors",
}

if TYPE_CHECKING:  # the same names for type checkers; at run time __getattr__ imports each when first used
    from .batch import validate_files
    from .briefing import NewsletterResult, draft_newsletter
    from .build import build_workbook
    from .errors import CseplanError, InvalidValue
    from .evaluation import Evaluation, evaluate
    from .findings import Finding
    from .period import parse_period
    from .plan import Activity, Plan, load_plan
    from .rag import derive_status
    from .report import FileReport, Report
    from .rollups import Rollup, rollup
    from .rules import CATALOGUE, check_plan
    from .when import Schedule, parse_when

# Written out (not built from _API) so that linters and type checkers can read it; a test keeps the two equal.
__all__ = [
    "__version__",
    "load_plan", "Plan", "Activity", "parse_when", "Schedule", "parse_period",
    "check_plan", "CATALOGUE", "validate_files", "Report", "FileReport", "Finding",
    "rollup", "Rollup", "derive_status", "evaluate", "Evaluation", "draft_newsletter", "NewsletterResult",
    "build_workbook", "CseplanError", "InvalidValue",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        # importlib.metadata costs tens of milliseconds: look the version up only when asked.
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("cseplan-xl")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'cseplan_xl' has no attribute {name!r}")
