"""cseplan-xl: validate, roll up, evaluate and brief on a CSE communications plan kept in Excel."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # importlib.metadata costs tens of milliseconds: look the version up only when asked.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("cseplan-xl")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'cseplan_xl' has no attribute {name!r}")
