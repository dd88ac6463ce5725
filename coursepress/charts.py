"""Data figures computed from the model data, shared by the handout and the poster.

This module does the arithmetic only (scales, positions, labels) and returns a
:class:`ChartSpec` of plain shapes in SVG user units (1 unit = 1 CSS px at
width 100 %). The look (colours, fonts, strokes) lives in
``templates/charts/chart.svg.j2``. The deck draws native PowerPoint charts from
the same :func:`series` values instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .numbers import ESTIMATE_MARK, format_context, format_params
from .schema import Model

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
    label_y: float


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
    legend: tuple[tuple[str, str], ...] = field(default=(("open", "开放权重"), ("closed", "闭源")))


def series(models: tuple[Model, ...], kind: str) -> list[tuple[Model, float]]:
    """The (model, value) pairs a chart of ``kind`` plots, in plotting order.

    parameters: largest released size in billions; context: largest context in
    thousands of tokens; timeline/family: release date as a decimal year.
    Models without the value are left out (the tables show them with —).
    """
    if kind == "parameters":
        pairs = [(m, max(m.sizes_b)) for m in models if m.sizes_b]
    elif kind == "context":
        pairs = [(m, max(m.contexts_k)) for m in models if m.contexts_k]
    else:
        pairs = [(m, m.release.fraction) for m in models if m.release]
        return sorted(pairs, key=lambda p: p[0].release.sort_key)
    return sorted(pairs, key=lambda p: -p[1])


def _log_ticks(lo: float, hi: float) -> list[float]:
    start, stop = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return [10.0 ** e for e in range(start, stop + 1)]


def bar_chart(models: tuple[Model, ...], kind: str, width: float = WIDTH) -> ChartSpec:
    """Horizontal bars on a log axis (parameters in billions, context in K tokens)."""
    pairs = series(models, kind)
    fmt = format_params if kind == "parameters" else format_context
    field_name = "parameters_b" if kind == "parameters" else "context_k"
    values = [v for _, v in pairs] or [1.0]
    ticks = _log_ticks(min(values), max(values))
    lo, hi = math.log10(ticks[0]), math.log10(ticks[-1]) if ticks[-1] > ticks[0] else math.log10(ticks[0]) + 1
    plot_x, plot_y = LABEL_W, 8.0
    plot_w = width - LABEL_W - VALUE_W
    plot_h = ROW * len(pairs)

    def x_of(v: float) -> float:
        return plot_x + (math.log10(v) - lo) / (hi - lo) * plot_w

    bars = []
    for i, (model, value) in enumerate(pairs):
        estimated = field_name in model.estimated
        text = (ESTIMATE_MARK if estimated else "") + fmt(value)
        bars.append(Bar(model.name, text, plot_x, plot_y + i * ROW + 4, max(x_of(value) - plot_x, 2.0), ROW - 8,
                        model.open, estimated))
    tick_marks = tuple(Tick(x_of(t), fmt(t)) for t in ticks)
    title = "参数量（对数坐标）" if kind == "parameters" else "上下文长度（tokens，对数坐标）"
    return ChartSpec(kind, width, plot_y + plot_h + 44, plot_x, plot_y, plot_w, plot_h, title,
                     bars=tuple(bars), ticks=tick_marks)


def timeline_chart(models: tuple[Model, ...], kind: str = "timeline", width: float = WIDTH) -> ChartSpec:
    """Release timeline: one dot per model on a time axis, labels stacked to avoid overlap.

    ``kind`` "family" connects the dots (the evolution of one family).
    """
    pairs = series(models, "timeline")
    years = [v for _, v in pairs] or [2023.0]
    start, stop = math.floor(min(years)), math.floor(max(years)) + 1
    plot_x, plot_w = 24.0, width - 48.0
    lanes: list[float] = []           # right edge of the last label in each lane
    points = []
    lane_h = 30.0

    def x_of(v: float) -> float:
        return plot_x + (v - start) / (stop - start) * plot_w

    placed = []
    for model, value in pairs:
        x = x_of(value)
        label_w = 7.0 * len(model.name) + 10
        lane = next((i for i, right in enumerate(lanes) if right < x - 2), None)
        if lane is None:
            lanes.append(0.0)
            lane = len(lanes) - 1
        lanes[lane] = x + label_w
        placed.append((model, x, lane))
    plot_y = 10.0 + lane_h * max(len(lanes), 1)
    for model, x, lane in placed:
        sub = model.release.iso if model.release else ""
        if kind == "family" and model.sizes_b:
            sub = (ESTIMATE_MARK if "parameters_b" in model.estimated else "") + format_params(max(model.sizes_b))
        points.append(Point(model.name, sub, x, plot_y, model.open, bool(model.estimated),
                            plot_y - 12 - lane * lane_h))
    ticks = tuple(Tick(x_of(y), f"{y}") for y in range(start, stop + 1))
    return ChartSpec(kind, width, plot_y + 40, plot_x, plot_y, plot_w, 0.0, "发布时间",
                     ticks=ticks, points=tuple(points), connect=(kind == "family"))


def make_chart(models: tuple[Model, ...], kind: str, width: float = WIDTH) -> ChartSpec:
    """Dispatch on ``kind``: parameters | context | timeline | family."""
    if kind in ("parameters", "context"):
        return bar_chart(models, kind, width)
    return timeline_chart(models, kind, width)
