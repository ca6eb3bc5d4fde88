"""Tidy pandas DataFrames of a plan, a rollup and an evaluation, for analysts (the optional `pandas` extra).

One row per observation, one column per variable: activities as read (`plan_frame`), each activity's status at
the as-of date (`status_frame`), the worst-of groups as counts per RAG value (`group_frame`), and the
evaluation's figures as long rows (`evaluation_frame`). Nothing here computes a figure: the frames are views of
the same results the CLI, the workbook and the newsletter show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .contract import RAG_VALUES
from .errors import CseplanError

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .plan import Plan
    from .rollups import Rollup

# pandas.DataFrame; spelled Any so that type checking needs no pandas stubs (pandas is an optional extra)
DataFrame = Any

__all__ = ["evaluation_frame", "frames", "group_frame", "plan_frame", "status_frame"]


def _pandas() -> Any:
    try:
        import pandas  # type: ignore[import-untyped]  # no stubs needed: frames return Any
    except ImportError:
        raise CseplanError("frames need pandas: pip install 'cseplan-xl[pandas]'") from None
    return pandas


def _frame(rows: list[dict[str, Any]], columns: list[str], dates: tuple[str, ...] = ()) -> DataFrame:
    pandas = _pandas()
    frame = pandas.DataFrame(rows, columns=columns)
    for column in dates:
        frame[column] = pandas.to_datetime(frame[column])
    return frame


def plan_frame(plan: Plan) -> DataFrame:
    """One row per activity as the Plan sheet holds it, with the window read from When (start, end)."""
    columns = ["row", "id", "section", "phase", "theme", "activity", "short_title", "when", "schedule_kind",
               "start", "end", "who", "owners", "cost", "rag", "progress", "last_updated", "original_when",
               "rebaseline_reason", "delivered_on"]
    rows = [{
        "row": a.row, "id": a.id, "section": a.section, "phase": a.phase, "theme": a.theme,
        "activity": a.activity, "short_title": a.short_title, "when": a.when, "schedule_kind": a.schedule.kind,
        "start": a.start, "end": a.end, "who": a.who, "owners": "; ".join(a.owners), "cost": a.cost, "rag": a.rag,
        "progress": a.progress, "last_updated": a.last_updated, "original_when": a.original_when,
        "rebaseline_reason": a.rebaseline_reason, "delivered_on": "; ".join(d.isoformat() for d in a.delivered_on),
    } for a in plan.activities]
    return _frame(rows, columns, dates=("start", "end", "last_updated"))


def status_frame(rollup: Rollup) -> DataFrame:
    """One row per activity: its derived RAG at the as-of date and the lists it is on (delivered, planned...)."""
    delivered = {d.row for d in rollup.delivered}
    planned = {p.row for p in rollup.planned}
    columns = ["row", "id", "activity", "reported_rag", "derived_rag", "start", "end", "overdue", "overdue_days",
               "unscheduled", "provisional", "moved_from", "moved_to", "slip_days", "delivered_in_period",
               "planned_next_period", "reason"]
    rows = [{
        "row": s.row, "id": s.id, "activity": s.activity, "reported_rag": s.reported_rag,
        "derived_rag": s.derived_rag, "start": s.start, "end": s.end, "overdue": s.overdue,
        "overdue_days": s.overdue_days, "unscheduled": s.unscheduled, "provisional": s.provisional,
        "moved_from": s.moved_from, "moved_to": s.moved_to, "slip_days": s.slip_days,
        "delivered_in_period": s.row in delivered, "planned_next_period": s.row in planned, "reason": s.reason,
    } for s in rollup.statuses]
    return _frame(rows, columns, dates=("start", "end"))


def group_frame(rollup: Rollup) -> DataFrame:
    """One row per group key and RAG value: group ("overall", "theme", ...), key, worst (the group's worst-of
    RAG), rag and count."""
    rows = [{"group": name, "key": g.key, "worst": g.rag, "rag": rag, "count": g.counts.get(rag, 0)}
            for name, groups in (("overall", [rollup.overall]), *rollup.groups.items())
            for g in groups for rag in RAG_VALUES]
    return _frame(rows, ["group", "key", "worst", "rag", "count"])


def evaluation_frame(evaluation: Evaluation, partner_facing: bool = False) -> DataFrame:
    """The evaluation's figures as long rows: section, group, key, field, value (as `cseplan evaluate --format
    csv` writes them)."""
    return _frame(evaluation.csv_rows(partner_facing), ["section", "group", "key", "field", "value"])


def frames(plan: Plan, rollup: Rollup, evaluation: Evaluation) -> dict[str, DataFrame]:
    """All four frames by name: plan, status, groups, evaluation."""
    return {"plan": plan_frame(plan), "status": status_frame(rollup), "groups": group_frame(rollup),
            "evaluation": evaluation_frame(evaluation)}
