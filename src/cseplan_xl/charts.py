"""The newsletter's charts as PNG bytes, drawn from the article's context (no figure of their own).

Built on matplotlib's object API (no pyplot: no global figure registry in a long-lived Excel process), drawn
once at the size they are inserted (no tight-bbox second pass), with few artists: text costs the most, so titles
and keys are Word captions under the images (context "captions"), not chart text. Each chart's alt text is in
the context too ("alt_text"), for readers who cannot see it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from .contract import RAG_COLOURS, RAG_VALUES
from .disclosure import FEWER_THAN, THRESHOLD

CHART_WIDTHS_MM = {"rag_by_theme": 130, "referrals": 135}
CHART_DPI = 150  # at the inserted width this prints at 150 pixels per inch
_NAVY, _MUTED = "#1F4E79", "#595959"
# Any: matplotlib types rc_context's keys as a Literal of every setting name, which a plain dict is not.
_RC: Any = {"font.size": 8, "font.family": "DejaVu Sans", "text.color": "#262626", "axes.edgecolor": _MUTED,
            "xtick.color": _MUTED, "ytick.color": _MUTED, "axes.spines.top": False, "axes.spines.right": False,
            "figure.dpi": 100}


def _figure(name: str, height_in: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(CHART_WIDTHS_MM[name] / 25.4, height_in))


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # compress_level 3 writes files a few per cent larger than the default 6 in half the time
    fig.savefig(buf, format="png", dpi=CHART_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def chart_rag_by_theme(context: Mapping[str, Any]) -> bytes:
    """Stacked bars of RAG counts per theme, in the RAG colours: the theme above its bar, the total at its end."""
    import matplotlib
    from matplotlib.collections import PolyCollection

    rows = context["rag_table"]
    row_in, pad_in, left_in, total_in = 0.34, 0.05, 0.03, 0.35  # inches: row, top and bottom, left, total label
    height = row_in * len(rows) + 2 * pad_in
    with matplotlib.rc_context(_RC):
        fig = _figure("rag_by_theme", height)
        inch = fig.dpi_scale_trans  # no axes: everything is placed in inches from the bottom left
        unit = (fig.get_figwidth() - left_in - total_in) / (max((r["total"] for r in rows), default=0) or 1)
        boxes, colours = [], []
        for i, r in enumerate(rows):
            top = height - pad_in - i * row_in
            bottom, bar_top, x = top - row_in + 0.04, top - 0.17, left_in
            for rag in RAG_VALUES:
                if r["counts"][rag]:
                    width = r["counts"][rag] * unit
                    boxes.append(((x, bottom), (x + width, bottom), (x + width, bar_top), (x, bar_top)))
                    colours.append(RAG_COLOURS[rag])
                    x += width
            fig.text(left_in, top - 0.015, r["key"], va="top", transform=inch)
            fig.text(x + 0.05, (bottom + bar_top) / 2, str(r["total"]), va="center", color=_MUTED, transform=inch)
        fig.add_artist(PolyCollection(boxes, facecolors=colours, edgecolors="white", linewidths=0.8, transform=inch))
        return _png(fig)


def chart_referrals(context: Mapping[str, Any]) -> bytes:
    """Bars of referrals per month (context "referral_months"), the reporting period shaded; months shown as
    "fewer than 5" drawn hatched at 5."""
    import matplotlib
    from matplotlib.collections import PolyCollection

    shown = context["referral_months"]
    period = context["period"]
    months = [dt.date.fromisoformat(r["month"]) for r in shown]
    start, end = dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"])
    inside = [i for i, m in enumerate(months) if start <= m <= end]
    # Only what the partner view publishes is drawn: an exact count to scale; "fewer than 5" hatched at 5; a month
    # withheld (so that a small one cannot be worked out from the total) grey at 5, its height telling nothing.
    bars: dict[str, list[Any]] = {"exact": [], FEWER_THAN: [], "withheld": []}
    for i, r in enumerate(shown):
        kind = "exact" if isinstance(r["referrals"], int) else (FEWER_THAN if r["referrals"] == FEWER_THAN
                                                                 else "withheld")
        top = r["referrals"] if kind == "exact" else THRESHOLD
        bars[kind].append(((i - 0.375, 0), (i + 0.375, 0), (i + 0.375, top), (i - 0.375, top)))
    exact = [r["referrals"] for r in shown if isinstance(r["referrals"], int)]
    with matplotlib.rc_context(_RC):
        fig = _figure("referrals", 1.75)
        ax = fig.add_axes((0.06, 0.15, 0.935, 0.8))
        if inside:
            ax.axvspan(inside[0] - 0.5, inside[-1] + 0.5, color="#FFC000", alpha=0.25, lw=0)
        ax.add_collection(PolyCollection(bars["exact"], facecolors=_NAVY, edgecolors="none"), autolim=False)
        if bars[FEWER_THAN]:
            ax.add_collection(PolyCollection(bars[FEWER_THAN], facecolors="white", edgecolors=_NAVY, hatch="///"),
                              autolim=False)
        if bars["withheld"]:
            ax.add_collection(PolyCollection(bars["withheld"], facecolors="#D9D9D9", edgecolors=_MUTED),
                              autolim=False)
        ticks = [i for i, m in enumerate(months) if m.month in (1, 4, 7, 10)] or [0]
        ax.set_xticks(ticks, [f"{months[i]:%b %Y}" for i in ticks])
        ax.set_xlim(-0.6, len(shown) - 0.4)
        ax.set_ylim(0, max([THRESHOLD] + exact) * 1.05)
        ax.yaxis.get_major_locator().set_params(integer=True, nbins=4)
        ax.tick_params(length=2.5, pad=2)
        return _png(fig)
