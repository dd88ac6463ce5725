"""Geometry of the deck's native charts: where the plot area, labels and legend go in the chart frame.

The viewer (PowerPoint, WPS, LibreOffice) lays a chart out itself unless the
chart says where its plot area is; left alone, LibreOffice gives rotated value
labels, slanted names and the legend two thirds of a column chart's height.
This module measures the labels with the deck's
:class:`~coursepress.textmeasure.Measurer` (each character as wide as in the
widest face a viewer may substitute for the theme's) and returns the inner plot area as fractions of the frame
(``c:plotArea/c:layout/c:manualLayout``, ``layoutTarget`` inner: the rectangle
the axes enclose, ECMA-376 Part 1 §21.2.2.95), turning labels only where they
do not fit upright, and lays the timeline's points out in lanes whose labels
neither overlap nor are crossed by another point's drop line.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Optional

from ...textmeasure import Measurer

SIN45 = math.sqrt(0.5)
PAD_PT = 6.0               # between the frame edge and the outermost label, and between a label and its axis
KEY_PT = 14.0              # a legend entry's colour key and the space after it
LABEL_GAP_PT = 8.0         # a timeline label's offset from its point: marker radius plus the viewer's gap
STEM_PAD_PT = 3.0          # least space between a drop line and a label beside it
LANE_LEADING = 1.05        # least timeline lane pitch in label line heights (the ink of a line is ~0.85 of it)
QUARTER_DAYS = 91.3       # the date axis grows by a quarter of a year at a time
DAYS_PER_YEAR = 365.25
TITLE_SHARE = 0.6          # the value axis title wraps where longer than about this share of the frame height
LEGEND_LEADING = 1.2       # pitch of the legend's entries in label line heights
NAME_LINES = 2             # a level category name wraps onto at most this many lines, else names are slanted


def text_width_pt(measure: Measurer, text: str, size_pt: float) -> float:
    """Width of ``text`` at ``size_pt`` as ``measure`` (the deck's: each character at the widest advance
    of the faces a viewer may set it in, :mod:`coursepress.fitwidths`) gives it."""
    return measure.width_pt(text, size_pt)


def _level_lines(measure: Measurer, name: str, size_pt: float, width_pt: float) -> int:
    """Lines a level category name takes in a column ``width_pt`` wide: the viewers wrap a name at its
    spaces; a word wider than the column counts as too many lines."""
    lines, used = 1, 0.0
    space = text_width_pt(measure, " ", size_pt)
    for word in name.split(" "):
        w = text_width_pt(measure, word, size_pt)
        if w > width_pt:
            return NAME_LINES + 1
        if used and used + space + w > width_pt:
            lines, used = lines + 1, w
        else:
            used += (space if used else 0.0) + w
    return lines


@dataclass(frozen=True)
class ColumnLayout:
    """Where a column chart's parts go: ``plot`` the inner plot area (x, y, w, h as fractions of the
    frame, origin top left); ``names_slanted`` category names at 45° (else level); ``values_upright``
    value labels turned a quarter (else level); ``inside`` for each column whether its value label
    stands inside the column's top (else above it); ``legend`` the legend's top-left corner
    (fractions), or None without a legend."""

    plot: tuple[float, float, float, float]
    names_slanted: bool
    values_upright: bool
    inside: tuple[bool, ...]
    legend: Optional[tuple[float, float]]


def column_layout(measure: Measurer, size_pt: float, frame_pt: tuple[float, float], names: list[str],
                  values: list[Optional[float]], labels: list[str], ticks: list[str], legend: list[str],
                  low: float, high: float, axis_title: str = "") -> ColumnLayout:
    """The layout of a column chart on a log axis from ``low`` to ``high`` in a frame of ``frame_pt``
    (width, height in pt): ``names`` the categories, ``values`` their values (None: unknown),
    ``labels`` the value labels' text (for an unknown value the word that marks it), ``ticks`` the
    axis numbers, ``legend`` the legend's entries (none: no legend), set at the top right one below the
    other (as LibreOffice sets a legend it is told where to put), ``axis_title`` the value axis title
    (turned; the viewers wrap it where it is longer than the plot is tall).

    Names and labels are level when they fit the column pitch, else turned. A turned label stands inside
    its column's top when the column is taller than the label, else above it. The plot area is as tall
    as the frame allows once the names below it and every label above a column fit.
    """
    width, height = frame_pt
    line = size_pt * measure.line_em
    tick_w = max(text_width_pt(measure, t, size_pt) for t in ticks)
    title_lines = max(1, math.ceil(text_width_pt(measure, axis_title, size_pt) / (TITLE_SHARE * height)))
    left = PAD_PT + line * title_lines + PAD_PT + tick_w + PAD_PT     # axis title, its gap, the numbers, their gap
    plot_w = width - left - PAD_PT
    pitch = plot_w / max(len(names), 1)
    name_w = max((text_width_pt(measure, n, size_pt) for n in names), default=0.0)
    rows = max((_level_lines(measure, n, size_pt, pitch - PAD_PT) for n in names), default=1)
    slanted = rows > NAME_LINES
    below = PAD_PT + ((name_w + line) * SIN45 if slanted else line * rows) + PAD_PT
    label_w = [text_width_pt(measure, t, size_pt) for t in labels]
    upright = max(label_w, default=0.0) > pitch - 2 * PAD_PT      # level labels keep a clear gap
    extents = [(w if upright else line) + PAD_PT for w in label_w]
    legend_w = max((text_width_pt(measure, t, size_pt) + KEY_PT for t in legend), default=0.0) + 2 * PAD_PT
    legend_h = line * LEGEND_LEADING * len(legend) + PAD_PT
    legend_left = width - PAD_PT - legend_w
    room = height - below - PAD_PT                            # plot area and the band above it
    span = math.log10(high) - math.log10(low)
    shares = [(math.log10(v) - math.log10(low)) / span if v is not None else 0.0 for v in values]
    limits = [room - (legend_h if legend and left + pitch * (i + 1) > legend_left else 0.0)
              for i in range(len(values))]
    plot_h = room
    for _ in range(len(values) + 1):      # a lower plot may move a label out of its column: repeat until stable
        inside = [upright and v is not None and share * plot_h >= extent + PAD_PT
                  for v, share, extent in zip(values, shares, extents)]
        need = min([(limit - extent) / share for share, extent, limit, within in zip(shares, extents, limits, inside)
                    if share > 0 and not within] + [room])
        if need >= plot_h - 0.01:
            break
        plot_h = need
    top = PAD_PT + room - plot_h
    return ColumnLayout((left / width, top / height, plot_w / width, plot_h / height), slanted, upright,
                        tuple(inside), (legend_left / width, PAD_PT / height) if legend else None)


@dataclass(frozen=True)
class TimelineLayout:
    """A timeline's layout: ``lanes`` the height (1, 2, …) of each point, ``label_right`` its label's
    side, ``axis_max`` the date axis end (Excel serial) with room for the rightmost labels,
    ``step_years`` the years between two year labels, ``plot`` the inner plot area (fractions of the
    frame, as :attr:`ColumnLayout.plot`), ``fits`` whether the lanes are at least a label line apart
    at this size."""

    lanes: tuple[int, ...]
    label_right: tuple[bool, ...]
    axis_max: float
    step_years: int
    plot: tuple[float, float, float, float]
    fits: bool


def lanes(xs_pt: list[float], widths_pt: list[float], plot_w_pt: float) -> tuple[list[int], list[bool]]:
    """Lane (1 = next to the date axis) and side (True: label right of the point) of each point.

    Lanes are filled from the axis up. A point's label goes into the current lane, right of the point,
    else left of it, when it stays inside the plot (``plot_w_pt``), overlaps no label or point of the
    lane, and spans no point still waiting for a lane: every point it spans then sits in a lower lane,
    so its drop line ends below the label and no drop line crosses any label. Dense clusters become
    staircases (the handout's timeline follows the same rule, :func:`coursepress.charts._place_labels`).
    When a lane takes no label (labels wider than the plot), the first waiting point goes there.
    """
    count = len(xs_pt)
    lane_of: list[int] = [0] * count
    side_of: list[bool] = [True] * count
    waiting = list(range(count))
    lane = 1

    def box(i: int, right: bool) -> tuple[float, float]:
        x, w = xs_pt[i], widths_pt[i]
        return (x + LABEL_GAP_PT - 2, x + LABEL_GAP_PT + w) if right else (x - LABEL_GAP_PT - w, x - LABEL_GAP_PT + 2)

    spots = sorted(xs_pt)                      # x of the points still waiting, ascending

    def spans_waiting(i: int, left: float, end: float) -> bool:
        first = bisect.bisect_left(spots, left - STEM_PAD_PT)
        last = bisect.bisect_right(spots, end + STEM_PAD_PT)
        return last - first > (1 if left - STEM_PAD_PT <= xs_pt[i] <= end + STEM_PAD_PT else 0)

    while waiting:
        taken: list[tuple[float, float]] = []       # label boxes and point marks of this lane
        for i in list(waiting):
            for right in (True, False):
                left, end = box(i, right)
                if left < 0 or end > plot_w_pt:
                    continue
                if any(left < b + STEM_PAD_PT and a - STEM_PAD_PT < end for a, b in taken):
                    continue
                if spans_waiting(i, left, end):
                    continue
                taken += [(left, end), (xs_pt[i] - LABEL_GAP_PT / 2, xs_pt[i] + LABEL_GAP_PT / 2)]
                lane_of[i], side_of[i] = lane, right
                waiting.remove(i)
                spots.remove(xs_pt[i])
                break
        if not taken:
            i = waiting.pop(0)
            spots.remove(xs_pt[i])
            lane_of[i] = -lane       # placed against the rules: the caller widens the axis and tries again
        lane += 1
    return lane_of, side_of


def timeline_layout(measure: Measurer, size_pt: float, frame_pt: tuple[float, float], names: list[str],
                    serials: list[float], low: float, high: float) -> TimelineLayout:
    """Lanes and plot area of a timeline of ``names`` at ``serials`` (Excel dates) on a date axis from
    ``low`` to at least ``high``, in a frame of ``frame_pt`` (pt). The axis is extended a quarter at a
    time (up to half its span) until every label fits by the rules of :func:`lanes` and the lanes are a
    label line apart; failing that, the end with the fewest lanes is taken (``fits`` False). Below the
    plot go the year labels (every ``step_years`` years, so they stand level) and the axis title."""
    width, height = frame_pt
    line = size_pt * measure.line_em
    year_w = text_width_pt(measure, "2000", size_pt) * 1.5
    left = PAD_PT + year_w / 2
    plot_w = width - left - PAD_PT - year_w / 2
    widths = [text_width_pt(measure, n, size_pt) + PAD_PT for n in names]     # the viewer pads a label
    below = 2 * (line + PAD_PT) + PAD_PT                      # year labels, axis title with the colour key
    plot_h = height - below - PAD_PT
    best: Optional[tuple[int, float, list[int], list[bool]]] = None
    stop = high
    while stop <= high + (high - low) / 2:
        rows, sides = lanes([(s - low) / (stop - low) * plot_w for s in serials], widths, plot_w)
        if min(rows, default=1) > 0:
            count = max(rows, default=1)
            if best is None or count < best[0]:
                best = (count, stop, rows, sides)
            if plot_h / (count + 0.7) >= line * LANE_LEADING:
                break
        stop += QUARTER_DAYS
    if best is None:      # no end lets every label follow the rules: the last try, rule breaks and all
        best = (max(abs(r) for r in rows), stop - QUARTER_DAYS, [abs(r) for r in rows], sides)
    count, stop, rows, sides = best
    year_pt = plot_w * DAYS_PER_YEAR / (stop - low)
    step = max(1, math.ceil((year_w + 2 * PAD_PT) / year_pt))
    return TimelineLayout(tuple(rows), tuple(sides), stop, step,
                          (left / width, PAD_PT / height, plot_w / width, plot_h / height),
                          plot_h / (count + 0.7) >= line * LANE_LEADING)
