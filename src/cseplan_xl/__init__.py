"""cseplan-xl: validate, roll up, evaluate and brief on a CSE communications plan kept in Excel.

The public API is imported lazily, so `import cseplan_xl` stays cheap for the command line and the buttons.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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
    "Finding": "findings",
    "rollup": "rag",
    "derive_status": "rag",
    "evaluate": "evaluation",
    "draft_newsletter": "briefing",
    "build_workbook": "build",
    "CseplanError": "errors",
}

__all__ = ["__version__", *_API]


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
