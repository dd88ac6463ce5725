"""Data figures computed from the model data, shared by the handout and the poster.

This module does the arithmetic only (scales, positions, labels) and returns a
:class:`ChartSpec` of plain shapes in SVG user units (1 unit = 1 CSS px at
width 100 %). The look (colours, fonts, strokes) lives in
``templates/charts/chart.svg.j2``. The deck draws native PowerPoint charts from
the same :func:`series` values instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, overload
from dataclasses import dataclass

from .messages import Messages
from .numbers import ESTIMATE_MARK, format_context, format_params
from .schema import Model
from .textmeasure import chart_face

WIDTH = 640.0
ROW = 22.0
LABEL_W = 150.0
VALUE_W = 96.0


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    open: bool | None
    estimated: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Point:
    label: str
    sub: str
    x: float
    y: float
    open: bool | None
    estimated: bool
    label_y: float                   # baseline of the label
    label_left: float = 0.0          # left edge of the label (its text starts there)
    label_w: float = 0.0             # width of label and sub-label, for the background and leader routing


@dataclass(frozen=True)
class ChartSpec:
    """Shapes of one chart; coordinates in SVG user units with origin top left."""

    kind: str
    width: float
    height: float
    plot_x: float
    plot_y: float
    plot_w: float
    plot_h: float
    axis_title: str
    bars: tuple[Bar, ...] = ()
    ticks: tuple[Tick, ...] = ()
    points: tuple[Point, ...] = ()
    connect: bool = False
    legend: tuple[tuple[str, str], ...] = ()


@overload
def series(models: tuple[Model, ...], kind: str, keep_missing: Literal[False] = False) -> list[tuple[Model, float]]: ...
@overload
def series(models: tuple[Model, ...], kind: str, keep_missing: bool) -> list[tuple[Model, float | None]]: ...


def series(models: tuple[Model, ...], kind: str, keep_missing: bool = False) -> Sequence[tuple[Model, float | None]]:
    """The (model, value) pairs a chart of ``kind`` plots, in plotting order.

    parameters: largest released size in billions; context: largest context in
    thousands of tokens (largest first); timeline/family: release date as a
    decimal year (earliest first). Models without the value are left out, or,
    with ``keep_missing``, follow in source order with value None (a chart
    that keeps every selected model's place, marked unknown: C20).
    """
    if kind in ("parameters", "context"):
        values = {id(m): (m.sizes_b if kind == "parameters" else m.contexts_k) for m in models}
        pairs = sorted(((m, max(values[id(m)])) for m in models if values[id(m)]), key=lambda p: -p[1])
        return pairs + ([(m, None) for m in models if not values[id(m)]] if keep_missing else [])
    dated = sorted((m for m in models if m.release), key=lambda m: m.dated.sort_key)
    return [(m, m.dated.fraction) for m in dated]


def _log_ticks(lo: float, hi: float) -> list[float]:
    start, stop = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return [10.0 ** e for e in range(start, stop + 1)]


BAR_LABEL = 11.0      # font size of bar labels (template: chart.svg.j2)


def _fit_label(name: str, room: float) -> str:
    """``name``, shortened with a visible "…" if wider than ``room`` units at the bar-label size."""
    if text_width(name, BAR_LABEL) <= room:
        return name
    while name and text_width(name + "…", BAR_LABEL) > room:
        name = name[:-1]
    return name + "…"


def bar_chart(models: tuple[Model, ...], kind: str, words: Messages, width: float = WIDTH,
              row_height: float = ROW) -> ChartSpec:
    """Horizontal bars on a log axis (parameters in billions, context in K tokens).

    The label column is as wide as the longest model name (at least ``LABEL_W``,
    at most 40 % of ``width``; longer names end in "…", the tables print them whole).

    ``row_height`` is the pitch of the bars in SVG units (labels are 11 units high;
    the poster uses about 16 to save height, the handout the default 22). A model
    without the value keeps a row with its name and ``chart.unknown`` ("not disclosed", C20).
    ``words``: the catalogue (units, axis title, legend).
    """
    pairs = series(models, kind, keep_missing=True)
    def fmt(value: float) -> str:
        return format_params(value, words) if kind == "parameters" else format_context(value)

    field_name = "parameters_b" if kind == "parameters" else "context_k"
    values = [v for _, v in pairs if v is not None] or [1.0]
    ticks = _log_ticks(min(values), max(values))
    lo, hi = math.log10(ticks[0]), math.log10(ticks[-1]) if ticks[-1] > ticks[0] else math.log10(ticks[0]) + 1
    names = [_fit_label(m.name, width * 0.4 - 10) for m, _ in pairs]
    label_w = max([LABEL_W] + [text_width(n, BAR_LABEL) + 10 for n in names])
    plot_x, plot_y = label_w, 8.0
    plot_w = width - label_w - VALUE_W
    plot_h = row_height * len(pairs)
    bar_h = max(row_height - 8, row_height * 0.55)

    def x_of(v: float) -> float:
        return plot_x + (math.log10(v) - lo) / (hi - lo) * plot_w

    bars = []
    for i, ((model, value), name) in enumerate(zip(pairs, names)):
        if value is None:   # the model keeps its row: its name, no bar, ``chart.unknown``
            bars.append(Bar(name, words("chart.unknown"), plot_x, plot_y + i * row_height + (row_height - bar_h) / 2, 0.0, bar_h,
                            model.open, False))
            continue
        estimated = field_name in model.estimated
        text = (ESTIMATE_MARK if estimated else "") + fmt(value)
        bars.append(Bar(name, text, plot_x, plot_y + i * row_height + (row_height - bar_h) / 2,
                        max(x_of(value) - plot_x, 2.0), bar_h,
                        model.open, estimated))
    tick_marks = tuple(Tick(x_of(t), fmt(t)) for t in ticks)
    return ChartSpec(kind, width, plot_y + plot_h + 44, plot_x, plot_y, plot_w, plot_h, words(f"chart.axis.{kind}"),
                     bars=tuple(bars), ticks=tick_marks, legend=_legend(words))


def _legend(words: Messages) -> tuple[tuple[str, str], ...]:
    """The handout chart's legend: (category, words) for closed models, then open weights."""
    return (("closed", words("chart.closed")), ("open", words("chart.open")))


LABEL_PT, SUB_PT = 10.0, 8.5      # font sizes of timeline labels (template: chart.svg.j2)
LANE_H = 16.0                      # one label line plus leading
LABEL_GAP = 6.0                    # least space between two labels of one lane
LEADER_PAD = 3.0                   # least space between a leader line and a label it passes
RIGHT_ROOM = 260.0                 # room right of the axis end for labels of the latest dots (≤ 40 % of the
                                   # width, 30 % on charts narrower than 600 units, where the axis needs the room)

def text_width(text: str, size: float) -> float:
    """Advance width of ``text`` at font ``size`` (SVG units) in the chart font, 2 % generous for kerning.

    The advances are the shipped chart face's own (:func:`coursepress.textmeasure.chart_face`); a
    character the face lacks counts 1 em.
    """
    face = chart_face()
    return 1.02 * size * sum(face.advance_em(c) for c in text)


def _label_text(names: list[str], sub: str) -> tuple[str, float]:
    label = " · ".join(names)
    return label, text_width(label, LABEL_PT) + (3 + text_width(sub, SUB_PT) if sub else 0)


@dataclass(frozen=True)
class _Label:
    """One timeline label before placement: its dot at ``x``, its width ``w`` (SVG units)."""

    key: str
    x: float
    w: float


def _place_labels(labels: list[_Label], width: float) -> dict[str, tuple[int, float]]:
    """Lane (0 = just above the axis) and left edge of every label; no leader line crosses a label.

    A leader rises from a dot to its own label, so it crosses every label of a
    lower lane that spans its x. Hence a label may only span dots whose labels
    lie in lower lanes. Lanes are filled from the bottom: a label goes into the
    current lane, right of its dot or else ending at it, if it overlaps no label
    of the lane and spans no dot still without a label (nor one labelled in
    this lane). Dense clusters thus become staircases: labels of the earliest
    dots end at them and rise to the right, labels of the latest dots start at
    them and rise to the left. Should a lane take no label (labels wider than
    the chart), the first waiting label goes there anyway, so placement ends.
    """
    waiting = list(labels)
    placed: dict[str, tuple[int, float]] = {}
    lane = 0
    while waiting:
        in_lane: list[tuple[float, float, float]] = []     # (left, right, dot x) of this lane's labels

        def fits(label: _Label, left: float) -> bool:
            right = left + label.w
            if any(right + LABEL_GAP > a and left < b + LABEL_GAP for a, b, _ in in_lane):
                return False
            dots = [o.x for o in waiting if o is not label] + [x for _, _, x in in_lane]
            # Leaders beyond the label's own leader (on the far side of its box) cannot cross it.
            return not any(left - LEADER_PAD <= x <= right + LEADER_PAD
                           and not (left >= label.x >= x or right <= label.x <= x) for x in dots)

        for label in list(waiting):
            for left in (label.x + 2, label.x - 2 - label.w):
                left = min(max(left, 0.0), width - label.w)
                if fits(label, left):
                    break
            else:
                continue
            in_lane.append((left, left + label.w, label.x))
            placed[label.key] = (lane, left)
            waiting.remove(label)
        if not in_lane:   # nothing fitted: place the first waiting label, crossings and all
            label = waiting.pop(0)
            placed[label.key] = (lane, min(max(label.x + 2, 0.0), width - label.w))
        lane += 1
    return placed


def timeline_chart(models: tuple[Model, ...], kind: str, words: Messages, width: float = WIDTH) -> ChartSpec:
    """Release timeline: one dot per model on a time axis, labels in lanes above it.

    Labels are sized with :func:`text_width`; models released on the same date
    share one label ("Claude · Claude Instant"). Lanes come from
    :func:`_place_labels`, so leader lines never cross a label; the axis ends
    :data:`RIGHT_ROOM` before the right edge so that labels of the latest dots
    can start at them (a pyramid of labels over a dense cluster instead of one tall staircase).
    ``kind`` "family" connects the dots (the evolution of one family).
    """
    pairs = series(models, "timeline")
    years = [v for _, v in pairs] or [2023.0]
    start, stop = math.floor(min(years)), math.floor(max(years)) + 1
    plot_x = 24.0
    plot_w = width - min(RIGHT_ROOM, (0.4 if width >= 600 else 0.3) * width) - plot_x

    def x_of(v: float) -> float:
        return plot_x + (v - start) / (stop - start) * plot_w

    def sub_of(model: Model) -> str:
        if kind == "family" and model.sizes_b:
            return (ESTIMATE_MARK if "parameters_b" in model.estimated else "") + format_params(max(model.sizes_b), words)
        return model.release.iso if model.release else ""

    same_date: dict[tuple, list[Model]] = {}
    for model, _ in pairs:
        same_date.setdefault(model.dated.sort_key, []).append(model)
    texts = {g[0].name: (" · ".join(x.name for x in g), sub_of(g[0]) if kind == "family" or len(g) == 1 else g[0].dated.iso) for g in same_date.values()}
    labels = [_Label(g[0].name, x_of(g[0].dated.fraction), _label_text([x.name for x in g], texts[g[0].name][1])[1])
              for g in same_date.values()]
    widths = {label.key: label.w for label in labels}
    placed = _place_labels(labels, width)
    lanes = 1 + max((lane for lane, _ in placed.values()), default=0)
    plot_y = 10.0 + LANE_H * lanes
    points = []
    for model, value in pairs:
        x = x_of(value)
        if model.name in placed:
            lane, left = placed[model.name]
            text, sub = texts[model.name]
            points.append(Point(text, sub, x, plot_y, model.open, bool(model.estimated),
                                plot_y - 12 - lane * LANE_H, left, widths[model.name]))
        else:   # shares the label of the first model of its date
            points.append(Point("", "", x, plot_y, model.open, bool(model.estimated), plot_y))
    ticks = tuple(Tick(x_of(y), f"{y}") for y in range(start, stop + 1))
    return ChartSpec(kind, width, plot_y + 40, plot_x, plot_y, plot_w, 0.0, words("chart.axis.release"),
                     ticks=ticks, points=tuple(points), connect=(kind == "family"), legend=_legend(words))


def make_chart(models: tuple[Model, ...], kind: str, width: float = WIDTH, row_height: float = ROW, *,
               words: Messages) -> ChartSpec:
    """Dispatch on ``kind``: parameters | context | timeline | family (``row_height``: bar charts only);
    ``words`` is the course's catalogue (:mod:`coursepress.messages`)."""
    if kind in ("parameters", "context"):
        return bar_chart(models, kind, words, width, row_height)
    return timeline_chart(models, kind, words, width)
