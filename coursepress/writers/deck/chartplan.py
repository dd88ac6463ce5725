"""Chart slides: a ``{chart}`` directive → one slide with a native chart of every model it selects.

Rules (issue 13, item 2):

- One slide per chart, never continued: every model the directive selects is a
  category, in the handout's order (:func:`coursepress.charts.series`); a
  model without the value keeps its place, its name marked
  ``chart.unknown`` ("not disclosed") and no column (C20).
- parameters/context: a column chart on a log axis; names and value labels
  turned a quarter so 28 models fit at ≥ 12 pt (:data:`MIN_SIZE_PT`). Value
  labels are the cell values through a number format (General and the unit:
  ``chart.parameters_format``), so they follow "Edit Data". The axis starts at the power of ten at or below
  the smallest value and ends where the tallest column's label still fits.
- timeline/family: an XY scatter, X the release date (an Excel date serial on
  an axis of years), each model its own series so the label is the series
  name (``showSerName``); points stand in lanes (Y, hidden) chosen so labels
  neither overlap nor cross another point's drop line (:func:`lanes`).
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
LABEL_GAP_PT = 8.0                     # marker radius plus the label's offset from it
PLOT_INSET_PT = 60.0                   # chart frame width the plot area does not use (axis labels, padding)
COLUMN_INSET_PT = 130.0                # the same for a column chart: value labels with units and the axis title


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
    """(min, max) of a log value axis: the power of ten at or below the smallest value, and the power of
    ten at least half a decade above the largest (room for the tallest column's label)."""
    low = math.floor(math.log10(min(values)) + 1e-9)
    high = math.ceil(math.log10(max(values)) + 0.5)
    return 10.0 ** low, 10.0 ** max(high, low + 1)


def lanes(xs_pt: list[float], widths_pt: list[float], plot_w_pt: float) -> tuple[list[int], list[bool]]:
    """Lane (1, 2, …) and side (True = label right of the point) for each point, in the given order.

    Each point takes the lowest lane, and there the side (right first), where its label overlaps no
    label or point of the lane, stays inside the plot (``plot_w_pt``), covers no drop line of a point
    in a higher lane, and where its own drop line crosses no label of a lower lane. Where no lane
    allows that, the lowest lane free of overlaps is taken (a drop line may then cross a label).
    """
    placed: list[tuple[int, float, float, float]] = []     # (lane, left, right, x)

    def box(x: float, w: float, right: bool) -> tuple[float, float]:
        left, end = (x - 4, x + LABEL_GAP_PT + w) if right else (x - LABEL_GAP_PT - w, x + 4)
        return left, end

    def clashes(lane: int, left: float, right: float, x: float, strict: bool) -> bool:
        for ln, l, r, px in placed:
            if ln == lane and l < right and left < r:
                return True
            if strict and ((ln < lane and l <= x <= r) or (ln > lane and left <= px <= right)):
                return True
        return False

    out_lanes, out_sides = [], []
    top = len(xs_pt) + 1
    for x, w in zip(xs_pt, widths_pt):
        sides = [side for side in (True, False) if (box(x, w, side)[1] <= plot_w_pt if side else
                                                    box(x, w, side)[0] >= 0)] or [True]
        choice = None
        for strict in (True, False):
            for lane in range(1, top + 1):
                side = next((sd for sd in sides if not clashes(lane, *box(x, w, sd), x, strict)), None)
                if side is not None:
                    choice = (lane, side)
                    break
            if choice:
                break
        lane, side = choice or (top, sides[0])
        placed.append((lane, *box(x, w, side), x))
        out_lanes.append(lane)
        out_sides.append(side)
    return out_lanes, out_sides


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
            labels.append("")
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
    unknown = words("deck.key_open") + words("chart.unknown") + words("deck.key_close")
    names = [mo.name + (unknown if v is None else "") for mo, v in pairs]
    series_names = (words("chart.open"), words("chart.closed"), words("chart.unstated"))
    key_marks = (words("deck.key_open"), words("deck.key_gap"), words("deck.key_close"))
    if bars:
        # parameters_b are billions (10^9); the chart's values are in the catalogue's unit (zh-CN: 10^8)
        scale = 10 ** (9 - words.number("chart.parameters_exponent")) if block.chart == "parameters" else 1
        values = tuple(v * scale if v is not None else None for _, v in pairs)
        pitch = (width_pt - COLUMN_INSET_PT) / len(pairs)
        # LibreOffice turns the names to 45° and drops every other one whose slanted line box
        # (line height / sin 45°) is wider than the column pitch: size them to clear it by 10 %
        size = max(MIN_SIZE_PT, min(size_pt, pitch / (measure.line_em * math.sqrt(2) * 1.1)))
        low, high = log_bounds([v for v in values if v is not None])
        chart = ChartPlan("column", tuple(names), values, tuple(labels), tuple(mo.open for mo in models),
                          words(f"chart.axis.{axis}"), True, block.alt, size, tuple(estimated), low, high,
                          tuple(SourcePos(DATA_FILE, mo.line) for mo in models),
                          number_format=words(f"chart.{block.chart}_format"), series_names=series_names,
                          key_marks=key_marks, date_format=words("chart.year_format"))
    else:
        xs = [serial(mo.release) for mo in models]
        years = [mo.release.year for mo in models if mo.release]     # series("timeline") keeps dated models only
        start = dt.date(min(years), 1, 1)
        stop = dt.date(max(years) + 1, 1, 1)
        low, high = float((start - EXCEL_EPOCH).days), float((stop - EXCEL_EPOCH).days)
        plot_w = width_pt - PLOT_INSET_PT
        size = max(MIN_SIZE_PT, size_pt)
        while True:
            widths = [measure.width_pt(mo.name, size) + 4 for mo in models]
            rows, sides = lanes([(x - low) / (high - low) * plot_w for x in xs], widths, plot_w)
            lane_pt = size * measure.line_em * 1.25
            if max(rows) * lane_pt <= height_pt - 4 * size or size <= MIN_SIZE_PT:
                break
            size -= 1
        chart = ChartPlan("timeline", tuple(mo.name for mo in models), tuple(xs), tuple(labels),
                          tuple(mo.open for mo in models), words(f"chart.axis.{axis}"), False, block.alt, size,
                          tuple(estimated), low, high, tuple(SourcePos(DATA_FILE, mo.line) for mo in models),
                          number_format="yyyy-mm", lanes=tuple(rows), label_right=tuple(sides),
                          series_names=series_names, key_marks=key_marks, date_format=words("chart.year_format"))
    title = _title(block, models, words)
    return [data_slide(planner, place, title, 0, block.pos, caption, notes, kind="chart", chart=chart)]

