"""The statistics behind the evaluation: rate ratios with exact and mid-p intervals, tails, words, shares."""

from __future__ import annotations

import math

import pytest

from cseplan_xl.stats import plain_words, rate_ratio, wilson_interval

# --- independent helpers: binomial tails summed by hand --------------------------------------


def _pmf(k: int, n: int, p: float) -> float:
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


def _upper(k: int, n: int, p: float) -> float:  # P(Y >= k)
    return sum(_pmf(j, n, p) for j in range(k, n + 1))


def _lower(k: int, n: int, p: float) -> float:  # P(Y <= k)
    return sum(_pmf(j, n, p) for j in range(0, k + 1))


def _p_of_rr(rr: float, t1: float, t0: float) -> float:
    return rr * t1 / (rr * t1 + t0)


# --- rate ratio ------------------------------------------------------------------------------


def test_domain_worked_example_6_to_11():
    r = rate_ratio(11, 6, 6, 6)
    assert r.rate_ratio == pytest.approx(11 / 6)
    assert round(r.rate_ratio, 2) == 1.83
    assert r.percent_change == pytest.approx(100 * 5 / 6)
    lo, hi = r.ci_exact
    assert (round(lo, 2), round(hi, 2)) == (0.62, 6.04)
    assert round(r.p_increase, 2) == 0.17
    assert round(r.p_increase_mid_p, 2) == 0.12
    # by hand: P(Y >= 11 | 17, 1/2) = sum C(17, j) / 2^17 for j = 11..17
    assert r.p_increase == pytest.approx(sum(math.comb(17, j) for j in range(11, 18)) / 2**17, abs=1e-12)
    assert r.p_increase_mid_p == pytest.approx(
        (sum(math.comb(17, j) for j in range(12, 18)) + math.comb(17, 11) / 2) / 2**17, abs=1e-12)
    # Clopper-Pearson bounds solve P(Y >= 11; pL) = 0.025 and P(Y <= 11; pU) = 0.025
    assert _upper(11, 17, _p_of_rr(lo, 6, 6)) == pytest.approx(0.025, abs=1e-9)
    assert _lower(11, 17, _p_of_rr(hi, 6, 6)) == pytest.approx(0.025, abs=1e-9)
    mlo, mhi = r.ci_mid_p
    assert _upper(12, 17, _p_of_rr(mlo, 6, 6)) + _pmf(11, 17, _p_of_rr(mlo, 6, 6)) / 2 == pytest.approx(0.025, abs=1e-9)
    assert _lower(10, 17, _p_of_rr(mhi, 6, 6)) + _pmf(11, 17, _p_of_rr(mhi, 6, 6)) / 2 == pytest.approx(0.025, abs=1e-9)
    assert lo < mlo < mhi < hi  # mid-p is narrower
    assert plain_words("Referrals from teenage boys", r) == (
        "Referrals from teenage boys rose from 6 to 11 (rate ratio 1.83, 95% CI 0.62 to 6.04): "
        "too few to be sure the change is real."
    )


def test_30_vs_20_equal_periods():
    r = rate_ratio(30, 3, 20, 3)
    assert r.rate_ratio == 1.5 and r.percent_change == pytest.approx(50.0)
    assert r.p_increase == pytest.approx(_upper(30, 50, 0.5), abs=1e-12)
    assert round(r.p_increase, 3) == 0.101
    lo, hi = r.ci_exact
    assert _upper(30, 50, _p_of_rr(lo, 3, 3)) == pytest.approx(0.025, abs=1e-9)
    assert _lower(30, 50, _p_of_rr(hi, 3, 3)) == pytest.approx(0.025, abs=1e-9)
    assert (round(lo, 2), round(hi, 2)) == (0.82, 2.79)
    assert plain_words("Referrals", r) == (
        "Referrals rose from 20 to 30 (rate ratio 1.50, 95% CI 0.82 to 2.79): the change could be chance "
        "(one-sided p = 0.10)."
    )


def test_unequal_exposure():
    # 30 in 3 months against 40 in 6 months: RR = 10 / (40/6) = 1.5, p0 = 3/9
    r = rate_ratio(30, 3, 40, 6)
    assert r.rate_ratio == pytest.approx(1.5)
    assert r.p_increase == pytest.approx(_upper(30, 70, 1 / 3), abs=1e-12)
    lo, _ = r.ci_exact
    assert _upper(30, 70, _p_of_rr(lo, 3, 6)) == pytest.approx(0.025, abs=1e-9)
    assert plain_words("Referrals", r).startswith("Referrals rose from an average of 20 to 30 (rate ratio 1.50")


def test_zero_counts():
    none = rate_ratio(0, 3, 0, 3)
    assert (none.rate_ratio, none.ci_exact, none.p_increase, none.direction) == (None, None, None, "none")
    assert none.to_dict()["rate_ratio"] is None
    assert plain_words("Referrals", none) == "Referrals: none in either period, so there is nothing to compare."

    fell = rate_ratio(0, 3, 5, 3)
    assert fell.rate_ratio == 0.0 and fell.percent_change == -100.0
    assert fell.p_increase == 1.0
    assert fell.p_decrease == pytest.approx(1 / 32)  # P(Y <= 0 | 5, 1/2)
    assert fell.ci_exact[0] == 0.0
    assert _lower(0, 5, _p_of_rr(fell.ci_exact[1], 3, 3)) == pytest.approx(0.025, abs=1e-9)  # (1-p)^5 = 0.025
    assert plain_words("Referrals", fell) == (
        "Referrals fell from 5 to 0 (rate ratio 0.00, 95% CI 0.00 to 1.09): too few to be sure the change is real.")

    rose = rate_ratio(5, 3, 0, 3)
    assert math.isinf(rose.rate_ratio) and rose.percent_change is None
    assert rose.p_increase == pytest.approx(1 / 32)
    assert rose.p_increase_mid_p == pytest.approx(1 / 64)
    assert math.isinf(rose.ci_exact[1])
    assert rose.to_dict()["ci_exact"] == [pytest.approx(rose.ci_exact[0], abs=1e-6), None]
    assert _upper(5, 5, _p_of_rr(rose.ci_exact[0], 3, 3)) == pytest.approx(0.025, abs=1e-9)  # p^5 = 0.025
    assert plain_words("Referrals", rose) == (
        "Referrals rose from 0 to 5 (none in the baseline, so no rate ratio; 95% CI 0.92 to no upper limit): "
        "too few to be sure the change is real.")


def test_clear_rise_and_fall_and_level():
    up = rate_ratio(40, 6, 10, 6)
    assert up.p_increase == pytest.approx(_upper(40, 50, 0.5), abs=1e-15)
    assert plain_words("Referrals", up).endswith("a rise unlikely to be chance (one-sided p < 0.001).")
    assert up.ci_exact[0] > 1
    # 16 vs 6: P(Y >= 16 | 22, 1/2) = 0.0262 (not clear); 17 vs 6: 0.0173 (clear)
    assert _upper(16, 22, 0.5) == pytest.approx(rate_ratio(16, 1, 6, 1).p_increase, abs=1e-12)
    assert plain_words("R", rate_ratio(16, 1, 6, 1)).endswith("too few to be sure the change is real.")
    assert rate_ratio(16, 1, 6, 1).ci_exact[0] < 1
    assert plain_words("R", rate_ratio(17, 1, 6, 1)).endswith("a rise unlikely to be chance (one-sided p = 0.02).")
    assert rate_ratio(17, 1, 6, 1).ci_exact[0] > 1
    down = rate_ratio(10, 6, 40, 6)
    assert plain_words("Referrals", down).startswith("Referrals fell from 40 to 10 (rate ratio 0.25")
    assert plain_words("Referrals", down).endswith("a fall unlikely to be chance (one-sided p < 0.001).")
    assert plain_words("Referrals", rate_ratio(7, 3, 7, 3)) == "Referrals stayed level (7 before, 7 now): no change."


def test_rate_ratio_rejects_bad_input():
    with pytest.raises(ValueError):
        rate_ratio(1, 0, 1, 3)
    with pytest.raises(ValueError):
        rate_ratio(-1, 3, 1, 3)


def _scipy_rate_ratio(y1: int, t1: float, y0: int, t0: float) -> list[float]:
    """The figures as scipy computes them: beta quantiles for Clopper-Pearson, root-finding for mid-p."""
    from scipy.optimize import brentq
    from scipy.special import bdtr, bdtrc, betaincinv, gammaln, xlog1py, xlogy

    n, p0 = y1 + y0, t1 / (t1 + t0)
    log_comb = gammaln(n + 1) - gammaln(y1 + 1) - gammaln(y0 + 1)
    pmf = lambda k, p: math.exp(log_comb + xlogy(k, p) + xlog1py(n - k, -p))  # noqa: E731
    lo = 0.0 if y1 == 0 else betaincinv(y1, n - y1 + 1, 0.025)
    hi = 1.0 if y1 == n else betaincinv(y1 + 1, n - y1, 0.975)
    mid_lo = 0.0 if y1 == 0 else brentq(lambda p: bdtrc(y1, n, p) + pmf(y1, p) / 2 - 0.025, 0, 1, xtol=1e-16)
    mid_hi = 1.0 if y1 == n else brentq(
        lambda p: (bdtr(y1 - 1, n, p) if y1 else 0) + pmf(y1, p) / 2 - 0.025, 0, 1, xtol=1e-16)
    rr = lambda p: math.inf if p >= 1 else p / (1 - p) * t0 / t1  # noqa: E731
    p_inc = 1.0 if y1 == 0 else bdtrc(y1 - 1, n, p0)
    return [rr(lo), rr(hi), rr(mid_lo), rr(mid_hi), p_inc, p_inc - pmf(y1, p0) / 2, bdtr(y1, n, p0)]


@pytest.mark.parametrize("t1, t0", [(3, 3), (3, 6)])
def test_rate_ratio_agrees_with_scipy_on_a_grid(t1, t0):
    pytest.importorskip("scipy")  # a test dependency only: the package computes the tails itself
    cases = [(y1, y0) for y1 in range(61) for y0 in range(61) if y1 + y0]
    if t1 == t0:
        cases += [(900, 1000), (1000, 900), (2500, 2400), (5, 3000), (20000, 19000)]
    for y1, y0 in cases:
        r = rate_ratio(y1, t1, y0, t0)
        ours = [*r.ci_exact, *r.ci_mid_p, r.p_increase, r.p_increase_mid_p, r.p_decrease]
        for name, a, b in zip(("lo", "hi", "mid_lo", "mid_hi", "p_inc", "p_inc_mid", "p_dec"), ours,
                              _scipy_rate_ratio(y1, t1, y0, t0)):
            # relative 1e-9 (6 decimals and more); infinities (no upper limit) must match exactly
            assert a == pytest.approx(float(b), rel=1e-9, abs=1e-12), (y1, y0, name)


def test_binomial_tails_do_not_overflow_for_large_counts():
    r = rate_ratio(200_000, 12, 190_000, 12)
    assert r.rate_ratio == pytest.approx(20 / 19)
    lo, hi = r.ci_exact
    assert lo < 20 / 19 < hi and (round(lo, 3), round(hi, 3)) == (1.046, 1.059)
    assert 0 < r.p_increase < 1e-50 and r.p_decrease == 1.0


def test_wilson_interval_by_hand():
    # 14 of 30: centre (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
    z, p = 1.959963984540054, 14 / 30
    centre = (p + z * z / 60) / (1 + z * z / 30)
    half = z * math.sqrt(p * (1 - p) / 30 + z * z / 3600) / (1 + z * z / 30)
    lo, hi = wilson_interval(14, 30)
    assert (lo, hi) == (pytest.approx(centre - half), pytest.approx(centre + half))
    assert (round(lo, 3), round(hi, 3)) == (0.302, 0.639)
    assert wilson_interval(0, 0) is None
    assert wilson_interval(0, 10)[0] == 0.0
