"""The rule catalogue: every family's rules end to end, and the engine that runs the chosen ones over a plan.

A rule yields hits (row, field, message, value); the engine turns them into findings with the
cell's address. Codes never change once released; users pick or skip rules by code or tag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from . import contract, rules_activities, rules_evaluation, rules_privacy, rules_workbook
from .errors import InvalidValue
from .findings import INFO, Finding
from .plan import Plan
from .rulebook import Hit, Rule, RuleFamily, Run

# The catalogue's order, which `cseplan rules`, the README's rule table and reports follow: these families in
# turn, each in the order its module declares its rules. A new rule goes into its family's module only.
FAMILIES: tuple[RuleFamily, ...] = (rules_workbook.READ, rules_activities.RULES, rules_workbook.RULES,
                                    rules_evaluation.RULES, rules_privacy.RULES)


def _catalogue(families: Iterable[RuleFamily]) -> dict[str, Rule]:
    catalogue: dict[str, Rule] = {}
    for family in families:
        for rule in family.rules:
            if rule.code in catalogue:
                raise ValueError(f"rule code {rule.code!r} is declared twice")
            catalogue[rule.code] = rule
    return catalogue


CATALOGUE: dict[str, Rule] = _catalogue(FAMILIES)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules chosen by code or tag (all when select is empty), less those ignored."""
    select, ignore = set(select), set(ignore)
    unknown = (select | ignore) - set(CATALOGUE) - {t for r in CATALOGUE.values() for t in r.tags}
    if unknown:
        raise InvalidValue(f"unknown rule code or tag: {', '.join(sorted(unknown))} (see `cseplan rules`)")

    def named(rule: Rule, names: set[str]) -> bool:
        return rule.code in names or bool(names & set(rule.tags))

    return [r for r in CATALOGUE.values() if (not select or named(r, select)) and not named(r, ignore)]


def check_plan(plan: Plan, as_of: dt.date | None = None, select: Iterable[str] = (),
               ignore: Iterable[str] = ()) -> list[Finding]:
    """Run the chosen rules over a plan; findings sorted by sheet and cell."""
    as_of = plan.as_of(as_of)
    rules = select_rules(select, ignore)
    chosen = {r.code for r in rules}
    findings = [n for n in plan.notes if n.code in chosen]
    missing = [spec for spec in (*contract.LOOKUP_SHEETS, *contract.EVALUATION_SHEETS) if not plan.has(spec)]
    missing_names = {spec.name for spec in missing}
    if "sheet-missing" in chosen:
        for spec in missing:
            if plan.present(spec):
                continue  # there but unreadable: sheet-unreadable has said so
            skipped = sorted(r.code for r in rules if spec in r.needs)
            tail = f"; skipped: {', '.join(skipped)}" if skipped else ""
            findings.append(Finding("sheet-missing", INFO, f"no {spec.name} sheet in this workbook{tail}",
                                    sheet=spec.name))
    run = Run(plan, as_of)
    for rule in rules:
        if any(spec.name in missing_names for spec in rule.needs):
            continue
        if rule.check_run is not None:
            hits = rule.check_run(run)
        elif rule.check is not None:
            hits = rule.check(plan, as_of)
        else:
            continue  # reported by the reader
        for hit in hits:
            findings.append(_finding(plan, rule, hit))
    order: dict[str | None, int] = {s.name: i for i, s in enumerate(contract.ALL_SHEETS)}
    spec_names: dict[str | None, str] = {}  # a sheet as named in the workbook -> its contract name
    for name, table in plan.tables.items():
        spec_names.setdefault(table.sheet, name)
    findings.sort(key=lambda f: (order.get(spec_names.get(f.sheet, f.sheet), 99), f.row or 0, f.column or "", f.code))
    return findings


def _finding(plan: Plan, rule: Rule, hit: Hit) -> Finding:
    spec = hit.sheet or rule.sheet
    column = None
    if spec is contract.CONTROL:
        sheet = plan.control_sheet
        column = "B" if hit.field == "value" else None
    else:
        table = plan.table(spec)
        sheet = table.sheet if table else spec.name
        column = table.letter(hit.field) if table and hit.field else None
    return Finding(rule.code, rule.severity, hit.message, sheet=sheet, row=hit.row, column=column,
                   field=hit.field, activity_id=hit.activity_id, value=hit.value)


def catalogue_rows() -> list[dict[str, Any]]:
    """The catalogue as rows for `cseplan rules` and the README."""
    return [rule.to_dict() for rule in CATALOGUE.values()]

