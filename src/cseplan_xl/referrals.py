"""The referrals measure: CSE referrals per month against a baseline, as rate-ratio comparisons (all, teenage
boys), shares (boys, teenage boys) and the chart's months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .period import Period
from .stats import RateRatio, partner_words, plain_words, rate_ratio, wilson_interval

DEFINITION = ("CSE referrals recorded per month on the Referrals sheet (all, boys, teenage boys 13-17). "
              "Rates are per month of recorded figures; a month with no figure is left out, never counted as zero.")


@dataclass(frozen=True, slots=True)
class Share:
    """k of n (boys among referrals) over the months with both figures, with its Wilson interval."""

    count: int
    of: int
    share: float | None
    ci: tuple[float, float] | None
    months: int

    def to_dict(self) -> dict[str, Any]:
        """count, of, share, ci, months."""
        return {"count": self.count, "of": self.of, "share": self.share,
                "ci": None if self.ci is None else list(self.ci), "months": self.months}


@dataclass(frozen=True, slots=True)
class SharePair:
    """A share in the period and in the baseline."""

    period: Share
    baseline: Share

    def to_dict(self) -> dict[str, Any]:
        """period, baseline."""
        return {"period": self.period.to_dict(), "baseline": self.baseline.to_dict()}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Referrals in the period against the baseline: counts, months recorded, the rate ratio and its sentences."""

    label: str
    period_count: int
    period_months: int
    baseline_count: int
    baseline_months: int
    baseline_periods: int
    baseline_average: float | None  # the baseline per period of the same length
    baseline_scaled: float | None  # the baseline scaled to the months recorded in the period
    missing_period_months: tuple[str, ...]
    missing_baseline_months: tuple[str, ...]
    ratio: RateRatio
    sentence: str  # the officer's
    partner_sentence: str

    def to_dict(self) -> dict[str, Any]:
        """The comparison's JSON, the rate ratio's fields among its own."""
        return {"label": self.label, "period_count": self.period_count, "period_months": self.period_months,
                "baseline_count": self.baseline_count, "baseline_months": self.baseline_months,
                "baseline_periods": self.baseline_periods, "baseline_average": self.baseline_average,
                "baseline_scaled": self.baseline_scaled, "missing_period_months": list(self.missing_period_months),
                "missing_baseline_months": list(self.missing_baseline_months), **self.ratio.to_dict(),
                "sentence": self.sentence, "partner_sentence": self.partner_sentence}


@dataclass(frozen=True, slots=True)
class MonthCount:
    """Referrals recorded in one month (the chart's bars)."""

    month: dt.date
    referrals: int

    def to_dict(self) -> dict[str, Any]:
        """month (ISO), referrals."""
        return {"month": self.month.isoformat(), "referrals": self.referrals}


@dataclass(frozen=True, slots=True)
class ReferralFigures:
    """The referrals of a period against its baseline: comparisons, shares, the chart's months, notes."""

    all: Comparison
    teen_boys: Comparison
    boys_share: SharePair
    teen_boys_share: SharePair
    monthly: tuple[MonthCount, ...]  # from a year before the period to its end
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The referrals section's JSON body."""
        return {"all": self.all.to_dict(), "teen_boys": self.teen_boys.to_dict(),
                "boys_share": self.boys_share.to_dict(), "teen_boys_share": self.teen_boys_share.to_dict(),
                "monthly": [m.to_dict() for m in self.monthly], "notes": list(self.notes)}


def _share(k: int, n: int, months: int) -> Share:
    ci = wilson_interval(k, n)
    return Share(k, n, round(k / n, 6) if n else None,
                 None if ci is None else (round(ci[0], 6), round(ci[1], 6)), months)


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def referrals(records: list[dict[str, Any]], period: Period, baselines: tuple[Period, ...],
              words: dict[str, str]) -> tuple[ReferralFigures, dict[str, Any]]:
    """Referral comparisons (all, teenage boys), shares (boys, teenage boys), the chart's months, notes; and the raw
    windows the partner-facing view protects."""
    notes: list[str] = []
    monthly = _monthly(records, notes)
    if not (period.whole_months and all(b.whole_months for b in baselines)):
        notes.append("the period does not start and end on month boundaries; referrals are monthly, so every "
                     "month it touches is counted whole")
    period_months = period.month_starts()
    baseline_months = [m for b in baselines for m in b.month_starts()]

    def window(months: list[dt.date], f: str) -> tuple[int, int, list[str], list[dt.date]]:
        present = [m for m in months if m in monthly and monthly[m][f] is not None]
        missing = [_month(m) for m in months if m not in present]
        return sum(monthly[m][f] for m in present), len(present), missing, present

    comparisons = {
        f: _comparison("Referrals" if f == "referrals" else "Referrals from teenage boys", window(period_months, f),
                       window(baseline_months, f), len(baselines), len(period_months), words)
        for f in ("referrals", "teen_boys")}
    shares = {}
    for f in ("boys", "teen_boys"):
        pair = []
        for months in (period_months, baseline_months):
            present = [m for m in window(months, f)[3] if monthly[m]["referrals"] is not None]
            k = sum(monthly[m][f] for m in present)
            n = sum(monthly[m]["referrals"] for m in present)
            pair.append(_share(k, n, len(present)))
        shares[f] = SharePair(*pair)
    raw: dict[str, Any] = {"windows": {name: {f: window(months, f) for f in ("referrals", "boys", "teen_boys")}
                                       for name, months in (("period", period_months), ("baseline", baseline_months))},
                           "monthly": {m.isoformat(): v["referrals"] for m, v in monthly.items()}}
    everyone = comparisons["referrals"]
    missing_all = sorted(set(everyone.missing_period_months + everyone.missing_baseline_months))
    if missing_all:
        notes.append(f"no referral figures for {', '.join(missing_all)}: those months are left out of the rates, "
                     "not counted as zero")
    first = dt.date(period.start.year - 1, period.start.month, 1)
    chart = tuple(MonthCount(m, monthly[m]["referrals"]) for m in sorted(monthly)
                  if first <= m <= period.end and monthly[m]["referrals"] is not None)
    return ReferralFigures(everyone, comparisons["teen_boys"], shares["boys"], shares["teen_boys"], chart,
                           tuple(notes)), raw


def _monthly(records: list[dict[str, Any]], notes: list[str]) -> dict[dt.date, dict[str, Any]]:
    """The sheet's rows by month (rows of the same month added together, each such month noted)."""
    monthly: dict[dt.date, dict[str, Any]] = {}
    for r in records:
        month = r.get("month")
        if not isinstance(month, dt.date):
            notes.append(f"Referrals row {r['row']}: Month is blank or not a date; the row is left out")
            continue
        key = month.replace(day=1)
        if key in monthly:
            earlier = monthly[key]["rows"][0]
            notes.append(f"{_month(key)} appears more than once (Referrals rows {earlier} and {r['row']}); "
                         "the rows are added together")
            slot = monthly[key]
            for f in ("referrals", "boys", "teen_boys"):
                if r.get(f) is not None:
                    slot[f] = (slot[f] or 0) + int(r[f])
            slot["rows"].append(r["row"])
        else:
            monthly[key] = {f: None if r.get(f) is None else int(r[f]) for f in ("referrals", "boys", "teen_boys")}
            monthly[key]["rows"] = [r["row"]]
    return monthly


def _comparison(subject: str, now: tuple[int, int, list[str], list[dt.date]],
                before: tuple[int, int, list[str], list[dt.date]], baseline_periods: int, per_period: int,
                words: dict[str, str]) -> Comparison:
    """One rate-ratio comparison (period against baseline) with its officer's and partners' sentences."""
    (y1, t1, miss1, _), (y0, t0, miss0, _) = now, before
    if t1 == 0 or t0 == 0:
        where = "the period" if t1 == 0 else "the baseline"
        result = RateRatio(y1, t1 or 1, y0, t0 or 1, None, None, None, None, None, None, None)
        sentence = partner = f"{subject}: no figures recorded for {where}, so there is nothing to compare."
    else:
        result = rate_ratio(y1, t1, y0, t0)
        sentence = plain_words(subject, result) + _missing_words(miss1, miss0)
        partner = partner_words(subject, result, words["before"], words["average_of"] or None)
    return Comparison(
        label=subject, period_count=y1, period_months=t1, baseline_count=y0, baseline_months=t0,
        baseline_periods=baseline_periods, baseline_average=round(y0 / t0 * per_period, 6) if t0 else None,
        baseline_scaled=round(y0 / t0 * t1, 6) if t0 and t1 else None,
        missing_period_months=tuple(miss1), missing_baseline_months=tuple(miss0), ratio=result,
        sentence=sentence, partner_sentence=partner)


def _missing_words(miss1: list[str], miss0: list[str]) -> str:
    gone = miss1 + miss0
    if not gone:
        return ""
    return f" Months with no figures ({', '.join(gone)}) are left out, not counted as zero."
