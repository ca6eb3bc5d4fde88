"""What a rule is: the Hit it yields, the Rule record, one check_plan call's Run, and RuleFamily, the ordered
list each rules_* module declares its rules into.

The family modules (rules_workbook.py, rules_activities.py, rules_evaluation.py, rules_privacy.py) import this
module; rules.py imports them and lays their families end to end as the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from . import contract
from .contract import SheetSpec
from .plan import Plan

_T = TypeVar("_T")


@dataclass(slots=True)  # not frozen: rules make thousands on a large plan, and a frozen init is three times slower
class Hit:
    """What a rule found: the row and field it is about, the message, and the offending value."""

    row: int | None
    field: str | None
    message: str
    value: Any = None
    activity_id: str | None = None
    sheet: SheetSpec | None = None  # defaults to the rule's sheet


_Check = Callable[[Plan, dt.date], Iterable[Hit]]  # a rule's check: the hits it finds in a plan on a date


@dataclass(frozen=True)
class Rule:
    """One entry of the catalogue."""

    code: str
    severity: str
    title: str
    sheet: SheetSpec
    tags: tuple[str, ...]
    needs: tuple[SheetSpec, ...]
    check: _Check | None  # None: reported by the reader
    check_run: Callable[[Run], Iterable[Hit]] | None = None  # instead of check: a rule reading what a run shares

    def to_dict(self) -> dict[str, Any]:
        """The rule as `cseplan rules --format json` lists it: code, severity, title, sheet, tags."""
        return {"code": self.code, "severity": self.severity, "title": self.title,
                "sheet": self.sheet.name, "tags": list(self.tags)}


class Run:
    """One check_plan call: the plan, its As-of date, and what several rules share, worked out when first asked."""

    def __init__(self, plan: Plan, as_of: dt.date) -> None:
        self.plan = plan
        self.as_of = as_of
        self._shared: dict[Callable[[Plan, dt.date], Any], Any] = {}

    def shared(self, work: Callable[[Plan, dt.date], _T]) -> _T:
        """What `work` makes of this call's plan and As-of date: worked out for the first rule to ask, then kept
        for the others until the call ends (the privacy rules share one screen this way)."""
        if work not in self._shared:
            self._shared[work] = work(self.plan, self.as_of)
        return cast(_T, self._shared[work])


class RuleFamily:
    """Rules of one kind, in the order their module declares them; rules.py lists the families in turn."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def add(self, rule: Rule) -> None:
        """Declare a rule built by hand (the privacy rules, which read what the run shares)."""
        self.rules.append(rule)

    def rule(self, code: str, severity: str, title: str, sheet: SheetSpec = contract.PLAN,
             tags: tuple[str, ...] = (), needs: tuple[SheetSpec, ...] = ()) -> Callable[[_Check], _Check]:
        """Decorator: declare the function below as the check of rule `code`."""
        def register(check: _Check) -> _Check:
            self.add(Rule(code, severity, title, sheet, tags, needs, check))
            return check
        return register

    def reader_rule(self, code: str, severity: str, title: str, tags: tuple[str, ...]) -> None:
        """Declare a rule whose findings the reader reports (it has no check here)."""
        self.add(Rule(code, severity, title, contract.PLAN, tags, (), None))
