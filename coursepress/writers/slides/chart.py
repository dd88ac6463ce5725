"""A slide's chart as SVG shapes, from the same :class:`~coursepress.writers.deck.nodes.ChartPlan` the deck
writes as a native chart: columns on a log axis, or a timeline of points in lanes.

This module does the geometry only (pt from the chart frame's top left); the
look (strokes, fonts) is in ``templates/slides/chart.svg.j2`` and the series
colours are the reference deck's theme colours, as on the deck
(:data:`coursepress.writers.deck.chartxml.SERIES_COLOURS`: closed models
accent1, open weights accent3, unknown tx2). Category names are slanted 45°
and value labels turned upright, as the deck asks its viewer to draw them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable

from ...messages import Messages
from ...numbers import format_context, format_params
from ..deck.chartplan import EXCEL_EPOCH
from ..deck.chartxml import LEGEND_ORDER
from ..deck.nodes import ChartPlan
from .look import DeckLook

SERIES_SCHEME = {True: "accent3", False: "accent1", None: "tx2"}
SIN45 = math.sqrt(0.5)

Width = Callable[[str, float], float]     # (text, size pt) → width pt


@dataclass(frozen=True)
class Mark:
    """One shape: ``kind`` rect | line | circle | text; box or end points in pt; ``fill`` ``#rrggbb``;
    ``hatched`` an estimate (diagonal hatching); text ``anchor`` start | middle | end, ``rotate`` degrees,
    ``size`` its font size in pt (0: the chart's)."""

    kind: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    fill: str = ""
    text: str = ""
    anchor: str = "start"
    rotate: float = 0.0
    hatched: bool = False
    size: float = 0.0


@dataclass(frozen=True)
class ChartDrawing:
    """Everything the template draws: frame size (pt), font size (pt), the marks, the alt text and the
    plot box (``plot_*``, pt) whose grid lines and axis the template draws from ``grid``/``axis_y``."""

    width_pt: float
    height_pt: float
    size_pt: float
    alt: str
    marks: tuple[Mark, ...]
    legend: tuple[tuple[str, str], ...]
    axis_title: str


def value_text(value: float, number_format: str, estimated: bool, words: Messages) -> str:
    """A value as the deck's number format shows it (the catalogue's ``chart.parameters_format`` and
    ``chart.context_format``): zh-CN parameters in 10^8 read the Chinese way (1750 x 10^8, 1.8 x 10^12),
    context as "128K"; ≈ before an estimate."""
    if number_format in (words("chart.parameters_format"), words("chart.parameters_axis_format")):
        text = format_params(value / 10 ** (9 - words.number("chart.parameters_exponent")), words)
    elif number_format in (words("chart.context_format"), words("chart.context_axis_format")):
        text = format_context(value)
    else:
        text = f"{value:g}"
    return ("≈" if estimated else "") + text


def _legend(plan: ChartPlan, look: DeckLook) -> tuple[tuple[str, str], ...]:
    return tuple((plan.series_name(flag), look.colour(SERIES_SCHEME[flag])) for flag in LEGEND_ORDER
                 if flag in plan.open)


def draw_chart(plan: ChartPlan, width_pt: float, height_pt: float, look: DeckLook, width: Width,
               words: Messages) -> ChartDrawing:
    """The chart of ``plan`` in a frame of ``width_pt`` × ``height_pt``; ``width`` measures text (pt);
    ``words`` is the course's catalogue (value labels, years)."""
    marks = _columns(plan, width_pt, height_pt, look, width, words) if plan.kind != "timeline" else \
        _timeline(plan, width_pt, height_pt, look, width, words)
    return ChartDrawing(width_pt, height_pt, plan.size_pt, plan.alt, tuple(marks), _legend(plan, look), plan.axis_title)


def _columns(plan: ChartPlan, w: float, h: float, look: DeckLook, width: Width, words: Messages) -> list[Mark]:
    size = plan.size_pt
    text = look.colour("tx1")
    estimated = plan.estimated or (False,) * len(plan.values)
    names = [width(name, size) for name in plan.categories]
    legend_h = size * 1.8 if len(_legend(plan, look)) > 1 else 0.0
    bottom = min(max(names, default=0.0) * SIN45 + size * 1.2, h * 0.45) if plan.names_slanted else size * 2
    ticks = [10.0 ** e for e in range(round(math.log10(plan.axis_min)),
                                      math.floor(math.log10(plan.axis_max) + 1e-9) + 1)]
    labels = [value_text(t, plan.number_format, False, words) for t in ticks]
    left = max(width(label, size) for label in labels) + size * 2.2      # tick labels and the axis title
    plot_x, plot_y = left, size * 0.5
    plot_w, plot_h = w - left - size, h - plot_y - bottom - legend_h
    lo, hi = math.log10(plan.axis_min), math.log10(plan.axis_max)

    def y_of(v: float) -> float:
        return plot_y + plot_h * (1 - (math.log10(max(v, plan.axis_min)) - lo) / (hi - lo))

    inside = plan.inside or (False,) * len(plan.values)
    if plan.plot:     # where the deck's chart has it (its legend is at the top right, this one below)
        plot_x, plot_y, plot_w = plan.plot[0] * w, plan.plot[1] * h, plan.plot[2] * w
        plot_h = min(plan.plot[3] * h, h - plot_y - bottom - legend_h)
    else:
        base = plot_y + plot_h
        for value, guess in zip(plan.values, estimated):      # room above each column for its upright value label
            if value is None:
                continue
            share = (math.log10(max(value, plan.axis_min)) - lo) / (hi - lo)
            if share > 0:
                room = (width(value_text(value, plan.number_format, guess, words), size) if plan.values_upright
                        else size) + size * 0.5
                plot_y = max(plot_y, base - (base - room) / share)      # column top (base − height × share) ≥ room
        plot_h = base - plot_y

    centre = (plot_y + plot_h / 2) if width(plan.axis_title, size) < plot_h else h / 2
    title_size = min(size, size * (h - size) / max(width(plan.axis_title, size), 1.0))     # never longer than the frame
    marks = [Mark("text", size * 0.9, centre, fill=text, text=plan.axis_title, anchor="middle", rotate=-90,
                  size=title_size)]
    for tick, label in zip(ticks, labels):
        y = y_of(tick)
        marks.append(Mark("line", plot_x, y, plot_x + plot_w, y, fill=look.colour("tx1", 0.2)))
        marks.append(Mark("text", plot_x - size * 0.4, y + size * 0.35, fill=text, text=label, anchor="end"))
    pitch = plot_w / max(len(plan.values), 1)
    for i, (name, value, flag) in enumerate(zip(plan.categories, plan.values, plan.open)):
        x = plot_x + pitch * i
        centre = x + pitch / 2
        if value is not None:
            top = y_of(value)
            colour = look.colour(SERIES_SCHEME[flag])
            marks.append(Mark("rect", x + pitch * 0.15, top, pitch * 0.7, plot_y + plot_h - top, fill=colour,
                              hatched=estimated[i]))
            label = value_text(value, plan.number_format, estimated[i], words)
            if inside[i]:     # inside the column's top, in the background colour on a solid column
                marks.append(Mark("text", centre + size * 0.35, top + size * 0.4, fill=text if estimated[i] else
                                  look.colour("bg1"), rotate=-90, text=label, anchor="end"))
            else:
                marks.append(_value_mark(centre, top, label, plan, text))
        elif plan.unknown:       # the deck's marker: the series name at the axis floor
            marks.append(_value_mark(centre, plot_y + plot_h, plan.unknown, plan, text))
        if plan.names_slanted:
            marks.append(Mark("text", centre + size * 0.3, plot_y + plot_h + size * 0.6, fill=text, text=name,
                              anchor="end", rotate=-45))
        else:
            marks.append(Mark("text", centre, plot_y + plot_h + size * 1.3, fill=text, text=name, anchor="middle"))
    marks.append(Mark("line", plot_x, plot_y + plot_h, plot_x + plot_w, plot_y + plot_h, fill=look.colour("tx1", 0.6)))
    return marks


def _value_mark(centre: float, top: float, label: str, plan: ChartPlan, colour: str) -> Mark:
    """A value label above a column top (pt): turned a quarter, or level, as the deck's chart has it."""
    size = plan.size_pt
    if plan.values_upright:
        return Mark("text", centre + size * 0.35, top - size * 0.3, fill=colour, rotate=-90, text=label)
    return Mark("text", centre, top - size * 0.4, fill=colour, text=label, anchor="middle")


def _timeline(plan: ChartPlan, w: float, h: float, look: DeckLook, width: Width, words: Messages) -> list[Mark]:
    size = plan.size_pt
    text = look.colour("tx1")
    plot_x, plot_w = size * 2, w - 4 * size        # room for the first and last year label
    axis_y = h - size * 3.4
    lanes = max(plan.lanes, default=1)
    lane_h = (axis_y - size) / (lanes + 0.7)

    def x_of(serial: float) -> float:
        return plot_x + plot_w * (serial - plan.axis_min) / (plan.axis_max - plan.axis_min)

    marks = [Mark("line", plot_x, axis_y, plot_x + plot_w, axis_y, fill=look.colour("tx1", 0.6))]
    first = (EXCEL_EPOCH + dt.timedelta(days=plan.axis_min)).year
    last = (EXCEL_EPOCH + dt.timedelta(days=plan.axis_max)).year
    for year in range(first, last + 1, max(plan.step_years, 1)):
        x = x_of(float((dt.date(year, 1, 1) - EXCEL_EPOCH).days))
        if plot_x - 0.5 <= x <= plot_x + plot_w + 0.5:
            marks.append(Mark("line", x, axis_y, x, axis_y + size * 0.3, fill=look.colour("tx1", 0.6)))
            marks.append(Mark("text", x, axis_y + size * 1.4, fill=text, text=words("chart.year", year=year),
                              anchor="middle"))
    right = plan.label_right or (True,) * len(plan.values)
    for name, serial, lane, flag, to_right in zip(plan.categories, plan.values, plan.lanes, plan.open, right):
        if serial is None:
            continue
        x, y = x_of(serial), axis_y - lane * lane_h
        colour = look.colour(SERIES_SCHEME[flag])
        marks.append(Mark("line", x, y, x, axis_y, fill=look.colour("tx1", 0.5)))
        marks.append(Mark("circle", x, y, 4.5, fill=colour))
        gap = 8.0
        marks.append(Mark("text", x + gap if to_right else x - gap, y + size * 0.35, fill=text, text=name,
                          anchor="start" if to_right else "end"))
    return marks


def chart_svg(drawing: ChartDrawing, env, font_family: str, timeline: bool) -> str:
    """The SVG document of ``drawing`` (template ``slides/chart.svg.j2`` of the Jinja ``env``); a ``timeline``
    carries its axis title with the colour key below the date axis, as on the deck."""
    return env.get_template("slides/chart.svg.j2").render(chart=drawing, font_family=font_family, timeline=timeline)
