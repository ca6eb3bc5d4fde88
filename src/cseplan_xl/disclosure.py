"""Disclosure control of small counts: "fewer than 5", and no small count recoverable by subtraction.

Rules (DOMAIN.md, "The newsletter article"):
- Primary suppression: a published count below 5 (0 included) is shown as "fewer than 5".
- Complementary suppression: figures published together are tied by sums (a total and its parts; the same
  count over two overlapping periods). A count of 1 to 4, whether suppressed or never published (such as
  "girls and others" = all minus boys), must not be recoverable from the published figures by any
  combination of those sums. When one is, the smallest published figure in a sum that exposes it is withheld
  too, and the check repeats. Recoverability is exact linear algebra (rank over the rationals), so chains
  of subtractions are caught, not only single differences; bounds are propagated too, so a reader who knows
  each "fewer than 5" is 0-4 cannot pin one (13 = 5 + b + c with b, c < 5 forces b = c = 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

THRESHOLD = 5
FEWER_THAN = f"fewer than {THRESHOLD}"
WITHHELD = "withheld"  # shown for a complementary suppression (the figure itself may be large)
# The rule, stated once: the evaluation's header, its JSON ("disclosure_rule") and the README print this sentence.
RULE = (
    "Protected counts are counts of people: referrals (all, boys, teenage boys, per month and per period) and "
    "anecdotes (all, publishable, and by source type). A protected count below 5 is shown as \"fewer than 5\", "
    "and any other figure that would let one be worked out (a total, a sum of categories, a share, a rate ratio "
    "and its interval, a bar of a chart) is withheld. Counts of things (social media posts and engagements, media "
    "items) are not protected and are shown as they are."
)


def publishable_count(n: int | None) -> str:
    """A count as it may be published to partners: "fewer than 5" below 5, else the number."""
    if n is None:
        return "not recorded"
    return FEWER_THAN if n < THRESHOLD else str(n)


def is_small(n: int | None) -> bool:
    """True for a count that must never be recoverable: 1 to 4 (a zero reveals no one)."""
    return n is not None and 0 < n < THRESHOLD


@dataclass(frozen=True)
class Relation:
    """An arithmetic tie between figures: total = sum of parts."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Protected:
    """What to show for each published figure, and why anything is held back."""

    shown: dict[str, int | str]
    primary: frozenset[str]
    complementary: frozenset[str]
    unresolved: frozenset[str] = frozenset()  # small counts still recoverable: no published figure left to withhold

    def published(self, name: str) -> bool:
        """True when the figure is shown as its number."""
        return name not in self.primary and name not in self.complementary


def protect(
    figures: Mapping[str, int | None],
    relations: Iterable[Relation | tuple[str, Sequence[str]]] = (),
    hidden: Iterable[str] = (),
    keep: Iterable[str] = (),
    present: Iterable[str] = (),
) -> Protected:
    """Decide what to show for figures published together, given their sums and never-published cells.

    figures holds every cell, published or not; hidden names the cells that are never published but are
    tied to the others by a relation (the remainder of a total). None values are not recorded: they are
    never shown as numbers and relations that involve them are ignored. keep names the headline figures
    to withhold last when a complementary suppression has a choice; present names cells a reader knows are at
    least 1 (a category listed only because it has members), so "fewer than 5" there means 1-4.
    """
    keep_set = set(keep)
    hidden_set = set(hidden)
    at_least_one = set(present)
    rels = [r if isinstance(r, Relation) else Relation(r[0], tuple(r[1])) for r in relations]
    rels = [r for r in rels if all(figures.get(n) is not None for n in (r.total, *r.parts))]
    primary = {n for n, v in figures.items() if n not in hidden_set and (v is None or v < THRESHOLD)}
    complementary: set[str] = set()
    sensitive = [n for n, v in figures.items() if is_small(v)]
    unresolved: frozenset[str] = frozenset()
    while True:
        unknown = hidden_set | primary | complementary
        bounds = _bounds(figures, rels, unknown, primary, at_least_one)
        exposed = [n for n in sensitive if _recoverable(n, rels, unknown) or bounds[n][0] == bounds[n][1]]
        if not exposed:
            break
        target = exposed[0]
        candidates = sorted(
            {c for r in rels if target in (r.total, *r.parts) for c in (r.total, *r.parts) if c not in unknown},
            key=lambda c: (c in keep_set, figures[c], c),
        )
        if not candidates:  # every figure around it is already hidden: only dropping a sum can help (the caller's)
            unresolved = frozenset(exposed)
            break
        choice = next((c for c in candidates
                       if not _exposed(target, figures, rels, unknown | {c}, primary, at_least_one)), candidates[0])
        complementary.add(choice)
    shown: dict[str, int | str] = {}
    for name, value in figures.items():
        if name in hidden_set:
            continue
        if name in primary:
            shown[name] = publishable_count(value)
        elif name in complementary:
            shown[name] = WITHHELD
        else:
            shown[name] = value  # type: ignore[assignment]
    return Protected(shown, frozenset(primary), frozenset(complementary), unresolved)


def _exposed(name: str, figures: Mapping[str, int | None], relations: list[Relation], unknown: set[str],
             primary: set[str], present: set[str] | frozenset[str]) -> bool:
    low, high = _bounds(figures, relations, unknown, primary, present)[name]
    return low == high or _recoverable(name, relations, unknown)


def _bounds(
    figures: Mapping[str, int | None], relations: list[Relation], unknown: set[str], primary: set[str],
    present: set[str] | frozenset[str] = frozenset(),
) -> dict[str, tuple[float, float]]:
    """What a reader can bound each cell to: published cells exactly, "fewer than 5" to 0-4, others to >= 0,
    narrowed through the sums until nothing changes (catches 4 + 4 = 8 with both shown as "fewer than 5")."""
    inf = float("inf")
    bounds: dict[str, tuple[float, float]] = {}
    for name, value in figures.items():
        if name not in unknown:
            bounds[name] = (value, value)  # type: ignore[assignment]
        elif name in primary:
            bounds[name] = (1 if name in present else 0, THRESHOLD - 1)
        else:
            bounds[name] = (1 if name in present else 0, inf)
    for _ in range(4 * len(figures) + 4):
        changed = False
        for r in relations:
            lo_parts = sum(bounds[p][0] for p in r.parts)
            hi_parts = sum(bounds[p][1] for p in r.parts)
            changed |= _narrow(bounds, r.total, lo_parts, hi_parts)
            t_lo, t_hi = bounds[r.total]
            for p in r.parts:
                others_lo = lo_parts - bounds[p][0]
                others_hi = hi_parts - bounds[p][1] if bounds[p][1] != inf else sum(
                    bounds[q][1] for q in r.parts if q != p)
                changed |= _narrow(bounds, p, t_lo - others_hi, t_hi - others_lo)
        if not changed:
            break
    return bounds


def _narrow(bounds: dict[str, tuple[float, float]], name: str, low: float, high: float) -> bool:
    old_low, old_high = bounds[name]
    new = (max(old_low, low), min(old_high, high))
    if new != (old_low, old_high):
        bounds[name] = new
        return True
    return False


def _recoverable(name: str, relations: list[Relation], unknown: set[str]) -> bool:
    """True when the unknown cell's value follows from the relations and the published (known) cells."""
    if name not in unknown:
        return True
    cells = sorted({c for r in relations for c in (r.total, *r.parts) if c in unknown})
    if name not in cells:
        return False
    index = {c: i for i, c in enumerate(cells)}
    rows = []
    for r in relations:
        row = [Fraction(0)] * len(cells)
        for c in r.parts:
            if c in index:
                row[index[c]] += 1
        if r.total in index:
            row[index[r.total]] -= 1
        if any(row):
            rows.append(row)
    basis = _echelon(rows)
    target = [Fraction(0)] * len(cells)
    target[index[name]] = Fraction(1)
    return not any(_reduce(target, basis))


def _echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Rows reduced to echelon form, each with its pivot column."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        row = _reduce(row, basis)
        pivot = next((i for i, v in enumerate(row) if v), None)
        if pivot is not None:
            basis.append((pivot, [v / row[pivot] for v in row]))
    return basis


def _reduce(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    row = list(row)
    for pivot, b in basis:
        if row[pivot]:
            factor = row[pivot]
            row = [x - factor * y for x, y in zip(row, b)]
    return row
