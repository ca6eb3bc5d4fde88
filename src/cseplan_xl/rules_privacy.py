"""Rules on personal data and published contacts, and the screen of what is published, named by the plan's cells.

The privacy screen's rules (privacy.py) run over every text cell of every sheet and every Control setting; the
newsletter and the partner-facing evaluation run the same rules over what they would publish, and block on them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from . import contract, privacy
from .contract import SheetSpec
from .findings import ERROR, WARNING, Finding
from .plan import Plan
from .privacy import TextItem, is_placeholder
from .privacy_detectors import is_role_mailbox
from .rulebook import Hit, Rule, RuleFamily, Run

RULES = RuleFamily()
_rule = RULES.rule

_SETTINGS_SCREENED = ("title", "board_name", "board_short", "newsletter_title", "contact_mailbox", "referral_route")


def board_numbers(plan: Plan) -> list[str]:
    """The phone numbers the board publishes: switchboards (03, 0800, 0808) in its Control settings."""
    return privacy.board_numbers(getattr(plan.settings, key) for key in _SETTINGS_SCREENED)


def screen_published(plan: Plan, value: Any, where: str, allow: Iterable[str] = (),
                     as_of: dt.date | None = None) -> tuple[Any, list[Finding]]:
    """Screen a finished partner-facing output as a whole (privacy.screen_output), naming each hit's cell from
    the plan's text cells and settings; (the Screened output or None when blocked, the findings)."""
    return privacy.screen_output(value, list(_text_items(plan)), where=where, numbers=board_numbers(plan),
                                 allow=allow, as_of=plan.as_of(as_of))


def _text_items(plan: Plan) -> Iterator[TextItem]:
    """Every text cell the officer typed, as a privacy.TextItem: table sheets, then the Control settings."""
    for spec, row, key, text in _typed_texts(plan):
        if spec is contract.CONTROL:
            yield TextItem(text, plan.control_sheet or "Control", row, "B", "value")
        else:
            table = plan.table(spec)
            yield TextItem(text, table.sheet if table else spec.name, row, table.letter(key) if table else None, key)


def _typed_texts(plan: Plan) -> Iterator[tuple[SheetSpec, int, str, str]]:
    """(sheet, Excel row, field, text) of every text cell typed: table sheets, then the screened Control settings.
    Made afresh on each call, like Plan.text_cells, so that no list of every cell is held."""
    yield from plan.text_cells()
    for key in _SETTINGS_SCREENED:
        cell = plan.setting_cells.get(key)
        if cell is not None and isinstance(cell.value, str) and cell.value.strip():
            yield contract.CONTROL, cell.row, key, cell.value


# The 13 privacy rules share one screen of the plan. Each used to gather every text cell and screen the distinct
# texts for its own code, so a validate walked the plan's ~80,000 text cells 13 times over (10,000-row bench plan:
# 1.4 s of rule time, about 0.5 s of it the repeated walks). Now the first privacy rule to run in a check_plan call
# screens each distinct text once with all 13 rules (privacy.text_hits) and keeps the hits by code on that call's
# Run (Run.shared); the others read the same result. Nothing outlives the call.
def _privacy_hits(plan: Plan, as_of: dt.date) -> dict[str, list[Hit]]:
    """Every privacy hit in the plan's text cells and screened settings, by rule code (cells in plan order)."""
    hits = privacy.text_hits({cell[3] for cell in _typed_texts(plan)}, numbers=board_numbers(plan), as_of=as_of)
    out: dict[str, list[Hit]] = {}
    if not hits:  # a clean plan: no cell to name, so no second walk (about 35 ms of 10,000 rows' 0.2 s of rules)
        return out
    for spec, row, key, text in _typed_texts(plan):  # again, to name each hit's cells
        if text not in hits:
            continue
        for code, what, found in hits[text]:
            message = f"{what}: {found!r}"
            if code == "privacy-phone" and spec is contract.CONTROL:
                message += ("; a setting may give only a helpline or a switchboard (03, 0800 or 0808), never a "
                            "personal or direct number")
            out.setdefault(code, []).append(
                Hit(row, "value" if spec is contract.CONTROL else key, message, found, sheet=spec))
    return out


def _privacy_rule(code: str, title: str) -> None:
    def check(run: Run) -> list[Hit]:
        return run.shared(_privacy_hits).get(code, [])

    RULES.add(Rule(code, ERROR, title, contract.PLAN, ("privacy",), (), None, check_run=check))


def _register_privacy_rules() -> None:
    for code, (title, _check) in privacy.RULES.items():
        _privacy_rule(code, title)


_register_privacy_rules()


@_rule("setting-contact-not-role-mailbox", ERROR, "The Control contact is not a role mailbox",
       sheet=contract.CONTROL, tags=("settings", "privacy"), needs=(contract.CONTROL,))
def _contact_mailbox(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    value = plan.settings.contact_mailbox
    if value is None or is_placeholder(value):
        return
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()) or not is_role_mailbox(value):
        yield Hit(plan.setting_cells["contact_mailbox"].row, "value", f"Contact mailbox {value!r} is not a role "
                  "mailbox (a team's address such as cse.communications@..., never a person's or a free web-mail "
                  "address)", value)


@_rule("setting-placeholder", WARNING, "A published contact on Control is a placeholder (TBC, example.org)",
       sheet=contract.CONTROL, tags=("settings",), needs=(contract.CONTROL,))
def _placeholders(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for key, shown in placeholder_settings(plan).items():
        cell = plan.setting_cells.get(key)
        row = cell.row if cell is not None else None
        if row is not None:  # a workbook without the row gets the newsletter's own one-line note
            yield Hit(row, "value", f"{contract.CONTROL.column(key).header} is a placeholder: put the real one in "
                      f"Control!B{row}; until then the newsletter says {shown}", getattr(plan.settings, key))


PLACEHOLDER_TEXT = {"contact_mailbox": "[contact to be added]", "referral_route": "[referral route to be added]"}


def placeholder_settings(plan: Plan) -> dict[str, str]:
    """The published contact settings that are placeholders, with the words the newsletter shows instead."""
    return {key: shown for key, shown in PLACEHOLDER_TEXT.items() if is_placeholder(getattr(plan.settings, key))}
