"""cseplan-xl: validate, roll up, evaluate and brief on a CSE communications plan kept in Excel."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cseplan-xl")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
