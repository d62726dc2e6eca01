"""Stacked bars of events per day, week, month or year, laid out as SVG geometry.

Drawn on the server as plain SVG, each bar a link to the same view narrowed to its dates: the
chart works without JavaScript, a click is an ordinary link with a shareable URL, and a browser
test can click a bar. A chart library would draw the same bars on a canvas, where neither holds.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from . import palette

UNITS = ("day", "week", "month", "year")
MAX_BINS = 400


def bin_start(d: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return d
    if unit == "week":  # ISO weeks start on Monday
        return d - dt.timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    return d.replace(month=1, day=1)


def bin_end(start: dt.date, unit: str) -> dt.date:
    """The last day of the bin that starts on `start`."""
    return next_bin(start, unit) - dt.timedelta(days=1)


def next_bin(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def bin_label(start: dt.date, unit: str) -> str:
    if unit == "day":
        return start.isoformat()
    if unit == "week":
        y, w, _ = start.isocalendar()
        return f"{y}-W{w:02d}"
    if unit == "month":
        return start.strftime("%Y-%m")
    return str(start.year)


def auto_unit(first: dt.date, last: dt.date) -> str:
    """The finest unit that draws the span in at most MAX_BINS bars (days up to about a quarter)."""
    days = (last - first).days + 1
    if days <= 120:
        return "day"
    if days <= 7 * MAX_BINS // 2:
        return "week"
    if days <= 31 * MAX_BINS:
        return "month"
    return "year"


def coarsest_fitting(first: dt.date, last: dt.date, unit: str) -> str:
    """`unit`, or a coarser one when `unit` would need more than MAX_BINS bars."""
    per_bin = {"day": 1, "week": 7, "month": 30.4, "year": 365.25}
    days = (last - first).days + 1
    i = UNITS.index(unit)
    while i < len(UNITS) - 1 and days / per_bin[UNITS[i]] > MAX_BINS:
        i += 1
    return UNITS[i]


@dataclass
class Segment:
    key: object
    n: int
    y: float
    h: float
    colour: str


@dataclass
class Bar:
    start: dt.date
    end: dt.date
    label: str
    total: int
    x: float
    w: float
    selected: bool
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    unit: str
    group_by: str
    width: int
    height: int
    bars: list[Bar]
    legend: list[tuple[str, str, int]]  # (label, colour, count)
    ticks: list[tuple[float, str]]  # (x, label)
    max_total: int
    total: int


def layout(rows, unit: str, group_by: str, *, selected: tuple[dt.date | None, dt.date | None] = (None, None),
           width: int = 1000, height: int = 180) -> Chart:
    """rows: (bin start, key, count). Bars for every bin between the first and last, empty ones too."""
    counts: dict[dt.date, dict] = defaultdict(dict)
    per_key: dict = defaultdict(int)
    for start, key, n in rows:
        counts[start][key] = counts[start].get(key, 0) + n
        per_key[key] += n
    keys = palette.order(group_by, per_key)
    if not counts:
        return Chart(unit, group_by, width, height, [], [], [], 0, 0)
    starts, b = [], min(counts)
    last = max(counts)
    while b <= last:
        starts.append(b)
        b = next_bin(b, unit)
    max_total = max(sum(c.values()) for c in counts.values())
    w = width / len(starts)
    lo, hi = selected
    bars = []
    for i, s in enumerate(starts):
        e = bin_end(s, unit)
        c = counts.get(s, {})
        total = sum(c.values())
        bar = Bar(s, e, bin_label(s, unit), total, i * w, w,
                  selected=(lo is not None or hi is not None) and (lo is None or e >= lo) and (hi is None or s <= hi))
        y = height
        for k in keys:
            if c.get(k):
                h = height * c[k] / max_total
                y -= h
                bar.segments.append(Segment(k, c[k], y, h, palette.colour(group_by, k)))
        bars.append(bar)
    step = max(1, len(bars) // 8)
    ticks = [(bar.x + bar.w / 2, bar.label) for bar in bars[::step]]
    legend = [(palette.label(group_by, k), palette.colour(group_by, k), per_key[k]) for k in keys]
    return Chart(unit, group_by, width, height, bars, legend, ticks, max_total, sum(per_key.values()))
