"""Statistics for the evaluation: the rate ratio of two Poisson counts, exact binomial tails, a proportion's interval.

Rate ratio: y1 events over t1 months against y0 over t0 months. Conditional on n = y1 + y0, y1 is
Binomial(n, p) with p = RR*t1 / (RR*t1 + t0), so the exact (Clopper-Pearson) and mid-p intervals for p map
one-to-one onto RR = p/(1-p) * t0/t1, and the one-sided p for an increase is P(Y1 >= y1 | n) at RR = 1.

Words (plain_words): a change is called "unlikely to be chance" only when the one-sided exact p is below
0.025, which is exactly when the exact 95% interval excludes 1, so the words never contradict the interval.
Otherwise, with fewer than 50 events in the two periods together, the words say "too few to be sure the
change is real"; with 50 or more, "the change could be chance". Equal rates say "no change".

The distributions are exact binomial sums in pure Python (no scipy: it would double the import time of the
newsletter and evaluate commands); tests cross-check them against scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ALPHA = 0.05
Z95 = 1.959963984540054
CLEAR_P = ALPHA / 2  # one-sided exact p below this <=> the exact 95% interval excludes 1
SMALL_TOTAL = 50  # below this many events in both periods together, an unclear change is "too few"


# --- rate ratio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRatio:
    """Two Poisson counts compared: y1 over t1 months (period) against y0 over t0 months (baseline).

    rate_ratio is inf when y0 = 0 < y1 and None when both are 0; an interval's upper end may be inf.
    """

    y1: int
    t1: float
    y0: int
    t0: float
    rate_ratio: float | None
    percent_change: float | None
    ci_exact: tuple[float, float] | None
    ci_mid_p: tuple[float, float] | None
    p_increase: float | None  # exact one-sided P(Y1 >= y1 | n) at RR = 1
    p_increase_mid_p: float | None  # P(Y1 > y1 | n) + P(Y1 = y1 | n) / 2
    p_decrease: float | None  # exact one-sided P(Y1 <= y1 | n) at RR = 1

    @property
    def direction(self) -> str:
        """"rise", "fall", "level" or "none" (no events in either period)."""
        if self.y1 + self.y0 == 0:
            return "none"
        r1, r0 = self.y1 * self.t0, self.y0 * self.t1
        return "rise" if r1 > r0 else "fall" if r1 < r0 else "level"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able; infinite values become None (undefined or unbounded)."""
        return {
            "rate_ratio": _finite(self.rate_ratio),
            "percent_change": _finite(self.percent_change),
            "ci_exact": _interval(self.ci_exact),
            "ci_mid_p": _interval(self.ci_mid_p),
            "p_increase": self.p_increase,
            "p_increase_mid_p": self.p_increase_mid_p,
            "p_decrease": self.p_decrease,
        }


def rate_ratio(y1: int, t1: float, y0: int, t0: float) -> RateRatio:
    """Compare counts y1 (period, t1 months) and y0 (baseline, t0 months): rate ratio, exact and mid-p 95% CIs."""
    if y1 < 0 or y0 < 0 or t1 <= 0 or t0 <= 0:
        raise ValueError("counts must be >= 0 and exposures > 0")
    y1, y0 = int(y1), int(y0)
    n = y1 + y0
    if n == 0:
        return RateRatio(y1, t1, y0, t0, None, None, None, None, None, None, None)
    p0 = t1 / (t1 + t0)
    rr = math.inf if y0 == 0 else (y1 / t1) / (y0 / t0)
    pct = None if math.isinf(rr) else (rr - 1) * 100
    half = ALPHA / 2
    guess = wilson_interval(y1, n) or (0.0, 1.0)
    # Clopper-Pearson: P(Y >= y1; lo) = alpha/2 and P(Y <= y1; hi) = alpha/2 (the beta quantiles of the module doc).
    # Derivatives in p: d/dp P(Y >= k) = n P(Y' = k-1) with Y' ~ Bin(n-1, p); the mid-p tails take the average.
    lo = 0.0 if y1 == 0 else _solve(lambda p: _upper_tail(y1, n, p), lambda p: n * _pmf(y1 - 1, n - 1, p), half,
                                    guess[0], rising=True)
    hi = 1.0 if y1 == n else _solve(lambda p: _lower_tail(y1, n, p), lambda p: -n * _pmf(y1, n - 1, p), half,
                                    guess[1], rising=False)

    def mid_slope(p: float) -> float:
        return n / 2 * (_pmf(y1 - 1, n - 1, p) + _pmf(y1, n - 1, p))

    mid_lo = 0.0 if y1 == 0 else _solve(lambda p: _upper_mid(y1, n, p), mid_slope, half, guess[0], rising=True)
    mid_hi = 1.0 if y1 == n else _solve(lambda p: _lower_mid(y1, n, p), lambda p: -mid_slope(p), half, guess[1],
                                        rising=False)

    def to_rr(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * t0 / t1

    p_inc = _upper_tail(y1, n, p0)
    return RateRatio(
        y1, t1, y0, t0, rr, pct,
        (to_rr(lo), to_rr(hi)), (to_rr(mid_lo), to_rr(mid_hi)),
        min(1.0, p_inc), min(1.0, p_inc - _pmf(y1, n, p0) / 2), min(1.0, _lower_tail(y1, n, p0)),
    )


# --- binomial tails (pure Python: exact sums, no scipy) --------------------------------------
# With integer a, b the regularised incomplete beta is a binomial tail, I_p(k, n-k+1) = P(Y >= k), Y ~ Bin(n, p),
# so the beta quantiles behind the Clopper-Pearson interval are roots of tail sums, found by _solve.

_LOG_COMB_EXACT = 5000  # up to this n, log C(n, k) from math.comb (exact); beyond, from math.lgamma


def _log_pmf(k: int, n: int, p: float) -> float:
    if n <= _LOG_COMB_EXACT:
        log_comb = math.log(math.comb(n, k))
    else:
        log_comb = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return log_comb + k * math.log(p) + (n - k) * math.log1p(-p)


def _pmf(k: int, n: int, p: float) -> float:
    """P(Y = k) for Y ~ Binomial(n, p), computed in log space so nothing overflows."""
    if k < 0 or k > n:
        return 0.0
    if p <= 0:
        return 1.0 if k == 0 else 0.0
    if p >= 1:
        return 1.0 if k == n else 0.0
    return math.exp(_log_pmf(k, n, p))


def _sum_away(k: int, n: int, p: float, step: int) -> float:
    """P(Y = k) + P(Y = k + step) + ... to the end (step +1 or -1), from k on the far side of the mode.

    Terms shrink away from the mode, so the sum stops once they no longer change it.
    """
    term = _pmf(k, n, p)
    total = 0.0
    odds = p / (1 - p)
    j = k
    while term > 0.0:
        total += term
        if term <= total * 1e-17:
            break
        if step > 0:
            if j >= n:
                break
            term *= (n - j) / (j + 1) * odds
        else:
            if j <= 0:
                break
            term *= j / (n - j + 1) / odds
        j += step
    return total


def _upper_tail(k: int, n: int, p: float) -> float:
    """P(Y >= k) for Y ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    if k > math.floor((n + 1) * p):  # beyond the mode: sum the small side directly, so tiny tails stay exact
        return _sum_away(k, n, p, +1)
    return max(0.0, 1.0 - _sum_away(k - 1, n, p, -1))


def _lower_tail(k: int, n: int, p: float) -> float:
    """P(Y <= k) for Y ~ Binomial(n, p)."""
    if k >= n or p <= 0:
        return 1.0
    if k < 0 or p >= 1:
        return 0.0
    if k < math.floor((n + 1) * p):
        return _sum_away(k, n, p, -1)
    return max(0.0, 1.0 - _sum_away(k + 1, n, p, +1))


def _upper_mid(k: int, n: int, p: float) -> float:
    """P(Y > k) + P(Y = k)/2: rises with p."""
    return _upper_tail(k + 1, n, p) + _pmf(k, n, p) / 2


def _lower_mid(k: int, n: int, p: float) -> float:
    """P(Y < k) + P(Y = k)/2: falls as p rises."""
    return _lower_tail(k - 1, n, p) + _pmf(k, n, p) / 2


def _solve(f: Callable[[float], float], slope: Callable[[float], float], target: float, guess: float,
           rising: bool) -> float:
    """The p in (0, 1) where f(p) = target, f monotone (rising or not) with derivative slope: Newton steps from
    guess, kept inside a shrinking bracket (bisection when a step would leave it), to about 1e-13 of min(p, 1 - p).
    """
    lo, hi = 0.0, 1.0
    x = min(max(guess, 1e-300), 1 - 1e-16)
    for _ in range(200):
        fx = f(x) - target
        if fx == 0:
            return x
        if (fx < 0) == rising:
            lo = x
        else:
            hi = x
        d = slope(x)
        step = fx / d if d else math.inf
        if abs(step) <= 1e-13 * min(x, 1 - x):
            return min(max(x - step, lo), hi)
        x = x - step if lo < x - step < hi else (lo + hi) / 2
        if hi - lo <= 1e-15 * min(x, 1 - x):
            return x
    return x


def plain_words(subject: str, result: RateRatio) -> str:
    """One sentence that says what the counts show and how sure we can be (thresholds in the module doc)."""
    y1, y0, t1, t0 = result.y1, result.y0, result.t1, result.t0
    before = str(y0) if math.isclose(t0, t1) else f"an average of {_num(y0 * t1 / t0)}"
    direction = result.direction
    if direction == "none":
        return f"{subject}: none in either period, so there is nothing to compare."
    if direction == "level":
        return f"{subject} stayed level ({before} before, {y1} now): no change."
    figures = _figures_words(result)
    verb = "rose" if direction == "rise" else "fell"
    kind, p = _verdict(result)
    verdict = {"clear": f"a {direction} unlikely to be chance (one-sided {_p(p)})",
               "small": "too few to be sure the change is real",
               "chance": f"the change could be chance (one-sided {_p(p)})"}[kind]
    return f"{subject} {verb} from {before} to {y1} ({figures}): {verdict}."


def _verdict(result: RateRatio) -> tuple[str, float | None]:
    """The one decision behind both wordings of a change: "clear" (one-sided p below CLEAR_P), "small" (too few
    to say), or "chance"; with the one-sided p in the change's direction."""
    p = result.p_increase if result.direction == "rise" else result.p_decrease
    if p is not None and p < CLEAR_P:
        return "clear", p
    return ("small" if result.y1 + result.y0 < SMALL_TOTAL else "chance"), p


def partner_words(subject: str, result: RateRatio, before: str, average_of: str | None = None) -> str:
    """The same verdict for partners, in plain words with no statistical notation.

    `before` follows the baseline's count ("a year earlier", "in the quarter before"); `average_of` words a scaled
    baseline ("a quarter on average over the four quarters before"), which then replaces `before`.
    """
    y1, y0, t1, t0 = result.y1, result.y0, result.t1, result.t0
    scaled = not math.isclose(t0, t1)
    months = f"{t1:g} months" if t1 != 1 else "1 month"
    then = f"{_num(y0 * t1 / t0)} {average_of}" if scaled and average_of else (
        f"{_num(y0 * t1 / t0)} {before} (scaled to the {months} with figures now)" if scaled else f"{y0} {before}")
    direction = result.direction
    if direction == "none":
        return f"{subject}: none recorded, now or {before}."
    if direction == "level":
        return f"{subject} stayed level: {y1}, the same as {then}."
    verb = "rose" if direction == "rise" else "fell"
    verdict = {"clear": f"a {direction} this large is unlikely to be chance alone",
               "small": "with numbers this small, a change like this can happen by chance",
               "chance": "a change this size could still be chance"}[_verdict(result)[0]]
    return f"{subject} {verb} to {y1}, from {then}; {verdict}."


def _figures_words(result: RateRatio) -> str:
    lo, hi = result.ci_exact or (0.0, math.inf)
    ci = f"95% CI {lo:.2f} to {'no upper limit' if math.isinf(hi) else f'{hi:.2f}'}"
    if result.rate_ratio is None or math.isinf(result.rate_ratio):
        return f"none in the baseline, so no rate ratio; {ci}"
    return f"rate ratio {result.rate_ratio:.2f}, {ci}"


def _p(p: float | None) -> str:
    if p is None:
        return "p not defined"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.2f}" if p >= 0.01 else f"p = {p:.3f}"


def _num(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _finite(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) else round(x, 6)


def _interval(ci: tuple[float, float] | None) -> list[float | None] | None:
    return None if ci is None else [_finite(ci[0]), _finite(ci[1])]


# --- proportions -----------------------------------------------------------------------------


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score 95% interval for a proportion k/n; None when n = 0."""
    if n <= 0:
        return None
    phat = k / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


__all__ = ["ALPHA", "CLEAR_P", "SMALL_TOTAL", "Z95", "RateRatio", "plain_words", "rate_ratio", "wilson_interval"]
