"""Disclosure control: small counts shown as "fewer than 5" and never recoverable by subtraction."""

from __future__ import annotations

import itertools

import pytest

from cseplan_xl.disclosure import FEWER_THAN, WITHHELD, Relation, is_small, protect, publishable_count


@pytest.mark.parametrize(("n", "shown"), [(0, "fewer than 5"), (1, "fewer than 5"), (4, "fewer than 5"),
                                          (5, "5"), (12, "12"), (None, "not recorded")])
def test_publishable_count(n, shown):
    assert publishable_count(n) == shown


def test_is_small():
    assert [n for n in range(7) if is_small(n)] == [1, 2, 3, 4]
    assert not is_small(None)


def test_nothing_small_publishes_everything():
    result = protect({"all": 20, "boys": 8, "girls": 12}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 20, "boys": 8, "girls": 12}
    assert result.primary == result.complementary == frozenset()


def test_small_part_and_its_complement_suppressed():
    # boys = 3 of 12: showing 12 and 9 would give away 3, so the smaller of the two is withheld too.
    result = protect({"all": 12, "boys": 3, "girls": 9}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 12, "boys": FEWER_THAN, "girls": WITHHELD}
    assert result.primary == {"boys"} and result.complementary == {"girls"}


def test_hidden_remainder_small_forces_suppression():
    # all = 12, boys = 9: girls-and-others (never published) = 3 would follow from 12 - 9.
    result = protect({"all": 12, "boys": 9, "others": 3}, [("all", ["boys", "others"])], hidden=["others"])
    assert result.shown == {"all": 12, "boys": WITHHELD}
    assert result.complementary == {"boys"}


def test_hidden_remainder_large_is_fine():
    result = protect({"all": 12, "boys": 3, "others": 9}, [("all", ["boys", "others"])], hidden=["others"])
    assert result.shown == {"all": 12, "boys": FEWER_THAN}


def test_chain_of_relations_is_caught():
    # all = boys + others; boys = teen + younger. teen = 6, younger = 2 (hidden), all = 20, others = 12.
    figures = {"all": 20, "boys": 8, "teen": 6, "others": 12, "younger": 2}
    rels = [Relation("all", ("boys", "others")), Relation("boys", ("teen", "younger"))]
    result = protect(figures, rels, hidden=["younger"])
    # younger = boys - teen: the smaller published figure of that sum (teen) is withheld; withholding boys
    # instead would not do, as boys = all - others.
    assert result.shown == {"all": 20, "boys": 8, "teen": WITHHELD, "others": 12}


def test_keep_prefers_to_withhold_other_figures():
    figures = {"all": 20, "boys": 8, "teen": 6, "others": 12, "younger": 2}
    rels = [Relation("all", ("boys", "others")), Relation("boys", ("teen", "younger"))]
    result = protect(figures, rels, hidden=["younger", "others"], keep=["teen", "all"])
    assert result.shown == {"all": 20, "boys": WITHHELD, "teen": 6}


def test_chain_through_a_suppressed_total():
    # boys = teen + younger with teen = 3 (primary). Withholding boys alone would not do: all - others gives it.
    figures = {"all": 20, "boys": 8, "teen": 3, "others": 12, "younger": 5}
    rels = [Relation("all", ("boys", "others")), Relation("boys", ("teen", "younger"))]
    result = protect(figures, rels, hidden=["others"])
    assert result.shown == {"all": 20, "boys": 8, "teen": FEWER_THAN, "younger": WITHHELD}


def test_bounds_attack_two_fours():
    # 13 = 5 + b + c with b and c both "fewer than 5" pins both at 4.
    result = protect({"all": 13, "a": 5, "b": 4, "c": 4}, [("all", ["a", "b", "c"])])
    assert result.shown == {"all": 13, "a": WITHHELD, "b": FEWER_THAN, "c": FEWER_THAN}


def test_overlapping_periods():
    # Jan-Jun = 14 and Feb-Jun = 11 differ by January = 3, a small count never published itself.
    figures = {"jan_jun": 14, "feb_jun": 11, "jan": 3}
    result = protect(figures, [("jan_jun", ["jan", "feb_jun"])], hidden=["jan"])
    assert result.shown == {"jan_jun": 14, "feb_jun": WITHHELD}


def test_zero_is_shown_as_fewer_than_five_but_not_protected_further():
    result = protect({"all": 12, "boys": 0, "girls": 12}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 12, "boys": FEWER_THAN, "girls": 12}


def test_missing_values_ignore_their_relations():
    result = protect({"all": 12, "boys": None, "girls": 9}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 12, "boys": "not recorded", "girls": 9}


def _possible_values(figures, result, rels_parts, hidden):
    """An attacker's view, by brute force: every non-negative assignment of the parts consistent with what is
    shown ("fewer than 5" means 0-4); returns the set of values each cell can take."""
    parts = ["a", "b", "c"]
    options = []
    for p in parts:
        if result.published(p) and p not in hidden:
            options.append([figures[p]])
        elif p in result.primary:
            options.append(range(5))
        else:
            options.append(range(0, 40))
    seen = {name: set() for name in figures}
    for combo in itertools.product(*options):
        cells = dict(zip(parts, combo))
        for total, members in rels_parts:
            cells[total] = sum(cells[m] for m in members)
        ok = True
        for name, value in cells.items():
            if name in hidden:
                continue
            if result.published(name) and value != figures[name]:
                ok = False
            if name in result.primary and value >= 5:
                ok = False
        if ok:
            for name, value in cells.items():
                seen[name].add(value)
    return seen


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 3, 4, 5, 9], repeat=3)))
def test_no_small_count_can_be_recovered_by_an_attacker(values):
    a, b, c = values  # all = a + b + c; rest = b + c is never published
    figures = {"all": a + b + c, "a": a, "b": b, "c": c, "rest": b + c}
    rels = [("all", ["a", "b", "c"]), ("rest", ["b", "c"])]
    result = protect(figures, rels, hidden=["rest"])
    assert not any(isinstance(v, int) and 0 < v < 5 for v in result.shown.values())
    seen = _possible_values(figures, result, rels, {"rest"})
    for name, value in figures.items():
        if 0 < value < 5 and not result.published(name):
            assert len(seen[name]) > 1, (name, value, result.shown, seen[name])
