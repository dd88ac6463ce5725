"""Chart slides: a ``{chart}`` directive → one slide with a native chart of every model it selects.

Rules (issue 13, item 2):

- One slide per chart, never continued: every model the directive selects is a
  category named by the model alone, in the handout's order
  (:func:`coursepress.charts.series`); a model without the value keeps its
  place and, instead of a column, a point of the series ``chart.unknown``
  ("not disclosed") at the axis floor whose label is that series' name (C20).
- parameters/context: a column chart on a log axis whose plot area, names and
  labels :func:`~.chartfit.column_layout` places: names and value labels level
  where they fit the column pitch, turned where not, so 28 models fit at
  ≥ 12 pt (:data:`MIN_SIZE_PT`). Value labels are the cell values through a
  number format (General and the unit: ``chart.parameters_format``), so they
  follow "Edit Data"; the axis numbers have their own format
  (``chart.parameters_axis_format``: a whole number before the unit, never one decimal). The axis starts at
  the power of ten at or below the smallest value (:func:`log_bounds`).
- timeline/family: an XY scatter, X the release date (an Excel date serial on
  an axis of years), each model its own series so the label is the series
  name (``showSerName``); points stand in lanes (Y, hidden) chosen so labels
  neither overlap nor are crossed by another point's drop line, on a date axis
  extended so the last labels fit (:func:`~.chartfit.timeline_layout`).
- The slide title says what the chart shows (:data:`TITLES`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Literal

from ... import model as m
from ...charts import series
from ...errors import ContentError, SourcePos
from ...messages import Messages
from ...numbers import ESTIMATE_MARK, format_context, format_params
from ...units import EMU_PER_PT
from .chartfit import column_layout, timeline_layout
from .nodes import ChartPlan, Para, Run, SlidePlan

if TYPE_CHECKING:
    from .plan import Planner

DATA_FILE = "content/data/models.yaml"
MIN_SIZE_PT = 12.0
# The words (axis titles, slide titles, units) are the catalogue's ``chart.*`` messages; the value
# labels' number formats (ECMA-376 Part 1 §18.8.31; Excel syntax) are ``chart.parameters_format``
# (values in 10^chart.parameters_exponent: 10^8 for zh-CN, read as 10^12 from 10000 x 10^8 on; B for en, T from
# 1000 B on) and ``chart.context_format`` (K tokens).
AXES = {"parameters": "parameters", "context": "context", "timeline": "release", "family": "release"}
TITLES = ("parameters", "context", "timeline", "family")
FIELDS: dict[str, Literal["parameters_b", "context_k", "release"]] = {
    "parameters": "parameters_b", "context": "context_k", "timeline": "release", "family": "release"}
EXCEL_EPOCH = dt.date(1899, 12, 30)   # serial 0 of the 1900 date system (ECMA-376 Part 1 §18.17.4.1)
PLOT_SLACK = 0.05                      # share of the frame height larger or level chart text may cost the plot
PLOT_GOOD = 0.65                       # a plot area this share of the frame is tall enough for level labels
HEADROOM_DECADES = 0.25                # the value axis goes this far above the largest value


def marked_format(code: str, mark: str) -> str:
    """The number format ``code`` with the literal ``mark`` (e.g. "≈") before the number in each of its
    sections (after a section's ``[condition]``)."""
    out = []
    for section in code.split(";"):
        head = section[:section.index("]") + 1] if section.startswith("[") else ""
        out.append(f'{head}"{mark}"{section[len(head):]}')
    return ";".join(out)


def serial(date) -> float:
    """Excel date serial of a :class:`~coursepress.schema.ReleaseDate` (month/day 1 when not given)."""
    return float((dt.date(date.year, date.month or 1, date.day or 1) - EXCEL_EPOCH).days)


def log_bounds(values: list[float]) -> tuple[float, float]:
    """(min, max) of a log value axis: the power of ten at or below the smallest value, and a quarter of a
    decade above the largest (the tallest column's label may stand above the plot area, which
    :func:`~.chartfit.column_layout` leaves room for). The maximum is no power of ten, so the axis shows
    no number beyond the data's decade."""
    low = 10.0 ** math.floor(math.log10(min(values)) + 1e-9)
    return low, max(max(values) * 10 ** HEADROOM_DECADES, low * 10)


def axis_text(value: float, kind: str, words: Messages) -> str:
    """An axis number as the chart's axis format shows it (the text :func:`~.chartfit.column_layout`
    measures): parameters in the catalogue's unit read the Chinese way, context as "128K"."""
    if kind == "parameters":
        return format_params(value / 10 ** (9 - words.number("chart.parameters_exponent")), words)
    return format_context(value)


def _sizes(size_pt: float, count: int, width_pt: float, measure) -> list[float]:
    """Label sizes to try for ``count`` columns, largest first: ``size_pt`` down to :data:`MIN_SIZE_PT`,
    then the largest size at which slanted names are all drawn (the last). LibreOffice drops every other
    slanted name whose line box (line height / sin 45°) is wider than the column pitch: that size clears
    it by 10 %."""
    pitch = width_pt / max(count, 1)
    slanted = max(MIN_SIZE_PT, min(size_pt, pitch * 0.8 / (measure.line_em * math.sqrt(2) * 1.1)))
    level = [float(s) for s in range(int(size_pt), int(MIN_SIZE_PT) - 1, -1)]
    return level + [slanted]


def _title(block: m.Chart, models: list, words: Messages) -> str:
    dates = [mo.release for mo in models if mo.release]
    first = min(d.year for d in dates) if dates else ""
    last = max(d.year for d in dates) if dates else ""
    families = {getattr(mo, "family", None) for mo in models}
    family = next(iter(families)) if len(families) == 1 and None not in families else ""
    kind = block.chart if block.chart in TITLES else "timeline"
    if kind == "family" and not family:
        kind = "timeline"
    return words(f"chart.title.{kind}", n=len(models), first=first, last=last, family=f"{family} " if family else "")


def chart_slides(planner: "Planner", block: m.Chart, section_notes: tuple[Para, ...], caption: str,
                 size_pt: float, data_slide, place) -> list[SlidePlan]:
    """The one slide of ``block``: a :class:`ChartPlan` fitted to the data frame of ``place``
    (a :class:`~.data.Place`: the Chart layout's chart frame, or the column beside the bullets).

    Raises:
        ContentError: the chart's models have no value to plot at all.
    """
    bars = block.chart in ("parameters", "context")
    kind = block.chart if bars else "timeline"
    pairs = series(block.models, kind, keep_missing=bars)
    known = [(mo, v) for mo, v in pairs if v is not None]
    if not known:
        raise ContentError(block.pos, f"the {block.chart} chart has no values to plot", "check its :filter:")
    field = FIELDS[block.chart]
    words = planner.words
    axis = AXES[block.chart]
    models = [mo for mo, _ in pairs]
    estimates, estimated, labels = [], [], []
    for model, value in pairs:
        note = model.estimated.get(field, "") if value is not None else ""
        estimated.append(bool(note))
        if note:
            estimates.append(Para((Run(words("deck.data_note", model=model.name, field=words(f"chart.field.{axis}"),
                                             text=note)),), 0, "bullet",
                                  pos=SourcePos(DATA_FILE, model.line)))
        mark = ESTIMATE_MARK if note else ""
        if value is None:
            labels.append(words("chart.unknown"))
        elif bars:
            labels.append(mark + (format_params(value, words) if block.chart == "parameters" else format_context(value)))
        else:
            labels.append(mark + (model.release.iso if model.release else ""))
    # the notes: the author's caption and alt text, the sources of estimated values, the section's notes
    own_caption = m.plain_text(block.caption)
    notes = tuple(Para((Run(text),)) for text in (own_caption, block.alt) if text) + tuple(estimates) + section_notes
    frame = planner.fit.frame(place.layout, place.data)
    measure = planner.fit.measurer
    width_pt, height_pt = frame.width_emu / EMU_PER_PT, frame.height_emu / EMU_PER_PT
    series_names = (words("chart.open"), words("chart.closed"), words("chart.unstated"))
    key_marks = (words("deck.key_open"), words("deck.key_gap"), words("deck.key_close"))
    if bars:
        # parameters_b are billions (10^9); the chart's values are in the catalogue's unit (zh-CN: 10^8)
        scale = 10 ** (9 - words.number("chart.parameters_exponent")) if block.chart == "parameters" else 1
        values = tuple(v * scale if v is not None else None for _, v in pairs)
        known_values = [v for v in values if v is not None]
        low, high = log_bounds(known_values)
        axis_format = words(f"chart.{block.chart}_axis_format")
        ticks = [axis_text(10.0 ** e, block.chart, words) for e in range(round(math.log10(low)),
                                                                      math.floor(math.log10(high) + 1e-9) + 1)]
        from .chartxml import LEGEND_ORDER    # chartxml imports this module
        opens = {mo.open for mo in models}
        legend = [series_names[0 if flag is True else 1 if flag is False else 2] for flag in LEGEND_ORDER
                  if flag in opens]
        legend = legend if len(legend) > 1 else []
        layouts = [(column_layout(measure, size, (width_pt, height_pt), [mo.name for mo in models], list(values),
                                  labels, ticks, legend, low, high, words(f"chart.axis.{axis}")), size)
                   for size in _sizes(size_pt, len(pairs), width_pt, measure)]
        # among the sizes whose slanted names LibreOffice draws every one of and whose plot area is within
        # PLOT_SLACK of the tallest (or fills PLOT_GOOD of the frame): level labels first, then level
        # names, then the largest text
        usable = [(lay, sz) for lay, sz in layouts if not lay.names_slanted or sz <= layouts[-1][1]]
        enough = min(max(lay.plot[3] for lay, _ in usable) - PLOT_SLACK, PLOT_GOOD)
        layout, size = max(((lay, sz) for lay, sz in usable if lay.plot[3] >= enough),
                           key=lambda pair: (not pair[0].values_upright, not pair[0].names_slanted, pair[1],
                                             pair[0].plot[3]))
        chart = ChartPlan("column", tuple(mo.name for mo in models), values, tuple(labels),
                          tuple(mo.open for mo in models), words(f"chart.axis.{axis}"), True, block.alt, size,
                          tuple(estimated), low, high, tuple(SourcePos(DATA_FILE, mo.line) for mo in models),
                          number_format=words(f"chart.{block.chart}_format"), series_names=series_names,
                          key_marks=key_marks, date_format=words("chart.year_format"), unknown=words("chart.unknown"),
                          axis_format=axis_format, plot=layout.plot, legend_at=layout.legend,
                          names_slanted=layout.names_slanted, values_upright=layout.values_upright,
                          inside=layout.inside)
    else:
        xs = [serial(mo.release) for mo in models]
        years = [mo.release.year for mo in models if mo.release]     # series("timeline") keeps dated models only
        low = float((dt.date(min(years), 1, 1) - EXCEL_EPOCH).days)
        high = float((dt.date(max(years) + 1, 1, 1) - EXCEL_EPOCH).days)
        names = [mo.name for mo in models]
        size = max(MIN_SIZE_PT, size_pt)
        while True:
            timeline = timeline_layout(measure, size, (width_pt, height_pt), names, xs, low, high)
            if timeline.fits or size <= MIN_SIZE_PT:
                break
            size = max(MIN_SIZE_PT, size - 1)
        chart = ChartPlan("timeline", tuple(names), tuple(xs), tuple(labels),
                          tuple(mo.open for mo in models), words(f"chart.axis.{axis}"), False, block.alt, size,
                          tuple(estimated), low, timeline.axis_max,
                          tuple(SourcePos(DATA_FILE, mo.line) for mo in models),
                          number_format="yyyy-mm", lanes=timeline.lanes, label_right=timeline.label_right,
                          series_names=series_names, key_marks=key_marks, date_format=words("chart.year_format"),
                          plot=timeline.plot, step_years=timeline.step_years)
    title = _title(block, models, words)
    return [data_slide(planner, place, title, 0, block.pos, caption, notes, kind="chart", chart=chart)]

