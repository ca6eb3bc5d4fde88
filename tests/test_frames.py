"""Tidy DataFrames for analysts: the same results as every other face, one row per observation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cseplan_xl.evaluation import evaluate
from cseplan_xl.plan import load_plan
from cseplan_xl.rollups import rollup

pd = pytest.importorskip("pandas")
from cseplan_xl import frames  # noqa: E402  (after the skip: frames needs pandas)

DEMO = Path(__file__).resolve().parents[1] / "workbook" / "examples" / "cseplan_demo.xlsm"


@pytest.fixture(scope="module")
def demo():
    plan = load_plan(DEMO)
    roll = rollup(plan)
    return plan, roll, evaluate(plan, period=roll.period, as_of=roll.as_of)


def test_plan_frame_has_a_row_per_activity_with_dates(demo):
    plan, _, _ = demo
    df = frames.plan_frame(plan)
    assert len(df) == len(plan.activities) == 24
    assert str(df["start"].dtype).startswith("datetime64")
    row = df.set_index("id").loc["6.1-02"]
    assert (row["when"], row["schedule_kind"], row["delivered_on"]) == ("Quarterly", "recurring",
                                                                       "2017-10-20; 2018-01-19")


def test_status_frame_matches_the_rollup(demo):
    _, roll, _ = demo
    df = frames.status_frame(roll)
    assert df["derived_rag"].value_counts().to_dict() == {k: v for k, v in roll.overall.counts.items() if v}
    assert df["delivered_in_period"].sum() == len(roll.delivered)
    moved = df.set_index("id").loc["6.2-09"]
    assert (moved["moved_from"], moved["start"]) == ("Autumn 2017/ Early 2018", pd.Timestamp(dt.date(2018, 6, 1)))


def test_group_frame_is_long_and_sums_to_the_totals(demo):
    _, roll, _ = demo
    df = frames.group_frame(roll)
    theme = df[df["group"] == "theme"].groupby("key")["count"].sum().to_dict()
    assert theme == {g.key: g.total for g in roll.groups["theme"]}
    overall = df[df["group"] == "overall"]
    assert overall.set_index("rag")["count"].to_dict() == roll.overall.counts


def test_evaluation_frame_is_the_csv_view(demo):
    _, _, ev = demo
    df = frames.evaluation_frame(ev)
    assert list(df.columns) == ["section", "group", "key", "field", "value"]
    assert len(df) == len(ev.csv_rows())
    value = df[(df["section"] == "referrals") & (df["key"] == "all") & (df["field"] == "period_count")]["value"]
    assert value.tolist() == [ev.to_dict()["referrals"]["all"]["period_count"]]
    assert set(frames.frames(*demo)) == {"plan", "status", "groups", "evaluation"}


def test_the_readme_example_runs():
    readme = (DEMO.parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\nfrom cseplan_xl.plan import load_plan")
    code = readme[start + len("```python\n"): readme.index("```", start + 10)]
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102  (the README's own example, run as written)
