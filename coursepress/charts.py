"""Data figures computed from the model data, shared by the handout and the poster.

This module does the arithmetic only (scales, positions, labels) and returns a
:class:`ChartSpec` of plain shapes in SVG user units (1 unit = 1 CSS px at
width 100 %). The look (colours, fonts, strokes) lives in
``templates/charts/chart.svg.j2``. The deck draws native PowerPoint charts from
the same :func:`series` values instead.
"""

from __future__ import annotations

import math
import unicodedata
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
    label_x: float | None = None     # where the label text is anchored (None: just right of the dot)
    anchor: str = "start"            # SVG text-anchor of the label: start | end
    label_left: float = 0.0          # estimated extent of the label, for its background
    label_w: float = 0.0


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


BAR_LABEL = 11.0      # font size of bar labels (template: chart.svg.j2)


def _fit_label(name: str, room: float) -> str:
    """``name``, shortened with a visible "…" if wider than ``room`` units at the bar-label size."""
    if text_width(name, BAR_LABEL) <= room:
        return name
    while name and text_width(name + "…", BAR_LABEL) > room:
        name = name[:-1]
    return name + "…"


def bar_chart(models: tuple[Model, ...], kind: str, width: float = WIDTH, row_height: float = ROW) -> ChartSpec:
    """Horizontal bars on a log axis (parameters in billions, context in K tokens).

    The label column is as wide as the longest model name (at least ``LABEL_W``,
    at most 40 % of ``width``; longer names end in "…", the tables print them whole).

    ``row_height`` is the pitch of the bars in SVG units (labels are 11 units high;
    the poster uses about 16 to save height, the handout the default 22).
    """
    pairs = series(models, kind)
    fmt = format_params if kind == "parameters" else format_context
    field_name = "parameters_b" if kind == "parameters" else "context_k"
    values = [v for _, v in pairs] or [1.0]
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
        estimated = field_name in model.estimated
        text = (ESTIMATE_MARK if estimated else "") + fmt(value)
        bars.append(Bar(name, text, plot_x, plot_y + i * row_height + (row_height - bar_h) / 2,
                        max(x_of(value) - plot_x, 2.0), bar_h,
                        model.open, estimated))
    tick_marks = tuple(Tick(x_of(t), fmt(t)) for t in ticks)
    title = "参数量（对数坐标）" if kind == "parameters" else "上下文长度（tokens，对数坐标）"
    return ChartSpec(kind, width, plot_y + plot_h + 44, plot_x, plot_y, plot_w, plot_h, title,
                     bars=tuple(bars), ticks=tick_marks)


LABEL_PT, SUB_PT = 10.0, 8.5      # font sizes of timeline labels (template: chart.svg.j2)
LANE_H = 15.0                      # one label line plus leading
LABEL_GAP = 4.0


def text_width(text: str, size: float) -> float:
    """Generous advance width of ``text`` at font ``size`` (SVG units) in the shipped sans font.

    Han, kana and full-width forms are 1 em (CJK fonts are monospaced there);
    Latin letters, digits and punctuation of Noto Sans CJK average about 0.55 em,
    0.6 em is used so that estimates err on the side of more space.
    """
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def _label_text(names: list[str], sub: str) -> tuple[str, float]:
    label = " · ".join(names)
    return label, text_width(label, LABEL_PT) + (3 + text_width(sub, SUB_PT) if sub else 0)


@dataclass
class _Lanes:
    """Labels placed so far: intervals per lane and the leader line (x, lane) of each label."""

    spans: list[list[tuple[float, float]]] = field(default_factory=list)
    leaders: list[tuple[float, int]] = field(default_factory=list)

    def cost(self, lane: int, left: float, right: float, x: float) -> float:
        """Lane number, plus 100 per leader line that would cross a label; inf if labels overlap."""
        if lane < len(self.spans) and any(right + LABEL_GAP > a and left < b + LABEL_GAP for a, b in self.spans[lane]):
            return math.inf
        crossings = sum(1 for below in self.spans[:lane] for a, b in below if a - 1 <= x <= b + 1)
        crossings += sum(1 for lx, ll in self.leaders if ll > lane and left - 1 <= lx <= right + 1)
        return crossings * 100 + lane

    def add(self, lane: int, left: float, right: float, x: float) -> None:
        while len(self.spans) <= lane:
            self.spans.append([])
        self.spans[lane].append((left, right))
        self.leaders.append((x, lane))


def timeline_chart(models: tuple[Model, ...], kind: str = "timeline", width: float = WIDTH) -> ChartSpec:
    """Release timeline: one dot per model on a time axis, labels in lanes above it.

    Labels are sized with :func:`text_width`; models released on the same date
    share one label ("Claude · Claude Instant"). Each label goes to the lowest
    lane where it overlaps nothing, either right of its dot or (near the right
    edge, or when that is lower) ending at its dot, and always inside the chart.
    ``kind`` "family" connects the dots (the evolution of one family).
    """
    pairs = series(models, "timeline")
    years = [v for _, v in pairs] or [2023.0]
    start, stop = math.floor(min(years)), math.floor(max(years)) + 1
    plot_x, plot_w = 24.0, width - 48.0

    def x_of(v: float) -> float:
        return plot_x + (v - start) / (stop - start) * plot_w

    def sub_of(model: Model) -> str:
        if kind == "family" and model.sizes_b:
            return (ESTIMATE_MARK if "parameters_b" in model.estimated else "") + format_params(max(model.sizes_b))
        return model.release.iso if model.release else ""

    same_date: dict[tuple, list[Model]] = {}
    for model, _ in pairs:
        same_date.setdefault(model.release.sort_key, []).append(model)
    lanes = _Lanes()
    labels: dict[str, tuple[int, float, str]] = {}      # first model of a date → (lane, x, anchor)
    for group in same_date.values():
        first = group[0]
        x = x_of(first.release.fraction)
        sub = sub_of(first) if kind == "family" or len(group) == 1 else first.release.iso
        _, w = _label_text([g.name for g in group], sub)
        options = []
        for anchor, left in (("start", x + 2), ("end", x - 2 - w)):
            left = min(max(left, 0.0), width - w)
            for lane in range(len(lanes.spans) + 1):
                options.append((lanes.cost(lane, left, left + w, x), anchor != "start", lane, left, anchor))
        _, _, lane, left, anchor = min(options)
        lanes.add(lane, left, left + w, x)
        labels[first.name] = (lane, left if anchor == "start" else left + w, anchor)
    plot_y = 10.0 + LANE_H * max(len(lanes.spans), 1)
    points = []
    for model, value in pairs:
        group = same_date[model.release.sort_key]
        x = x_of(value)
        if model.name in labels:
            lane, label_x, anchor = labels[model.name]
            sub = sub_of(model) if kind == "family" or len(group) == 1 else model.release.iso
            text = " · ".join(g.name for g in group)
            _, w = _label_text(text.split(" · "), sub)
            points.append(Point(text, sub, x, plot_y, model.open, bool(model.estimated),
                                plot_y - 12 - lane * LANE_H, label_x, anchor, label_x - (w if anchor == "end" else 0), w))
        else:   # shares the label of the first model of its date
            points.append(Point("", "", x, plot_y, model.open, bool(model.estimated), plot_y, x, "start"))
    ticks = tuple(Tick(x_of(y), f"{y}") for y in range(start, stop + 1))
    return ChartSpec(kind, width, plot_y + 40, plot_x, plot_y, plot_w, 0.0, "发布时间",
                     ticks=ticks, points=tuple(points), connect=(kind == "family"))


def make_chart(models: tuple[Model, ...], kind: str, width: float = WIDTH, row_height: float = ROW) -> ChartSpec:
    """Dispatch on ``kind``: parameters | context | timeline | family (``row_height``: bar charts only)."""
    if kind in ("parameters", "context"):
        return bar_chart(models, kind, width, row_height)
    return timeline_chart(models, kind, width)
