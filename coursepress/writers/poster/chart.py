"""Poster charts: the model data drawn to be read from two metres (issue 17).

The shared chart arithmetic (:mod:`coursepress.charts`: the plotted series,
text widths in the chart font, timeline label lanes) is drawn here at one text
size, :data:`FONT` SVG units, for every label, value, tick and date. The poster
writer picks each chart's width in units so that :data:`FONT` units print at
the body size of the sheet (≥ 14 pt on A2), so no chart text is smaller than
the table text. The look lives in ``templates/poster/chart.svg.j2``.

- parameters: one bar per model with a published size (log axis), its name at
  the left (shortened with "…" past 40 % of the width) and its value at the bar's end (≈ for estimates); a model
  without a size keeps its row, marked ``chart.unknown`` where the bar would start (case C20), never drawn as 0.
- timeline: one dot per model; names in lanes above the axis so that no leader
  line crosses a label (:func:`coursepress.charts._place_labels`); models of
  one date share one label. Dates are the axis's years (the table has the days).
"""

from __future__ import annotations

import math

from ...charts import Bar, ChartSpec, Point, Tick, _fit_label, _Label, _log_ticks, _place_labels, series, text_width
from ...messages import Messages
from ...numbers import ESTIMATE_MARK, format_params
from ...schema import Model

FONT = 11.0            # SVG units: every text of a poster chart
ROW = 1.25 * FONT      # bar pitch (every model has a row: those without a size too)
LANE = 1.45 * FONT     # timeline lane pitch
PAD = 0.6 * FONT       # space between a label and what it labels


MAX_ROW = 2.0 * FONT   # bar pitch when the chart stretches to the height of its column


def parameter_bars(models: tuple[Model, ...], width: float, room: float = 0.0, *, words: Messages) -> ChartSpec:
    """Horizontal bars of each model's largest size (billions, log axis), largest first; a model without a
    published size keeps a row after them, with its name and ``chart.unknown`` where the bar would start
    (as in the handout and the deck, C20).

    Args:
        models: the course's models.
        width: chart width in SVG units (the height follows from the number of rows).
        room: SVG units the chart may grow in height, spread over the rows (pitch at most :data:`MAX_ROW`).
        words: the course's catalogue (the units of the value labels, the unknown word).
    """
    pairs = series(models, "parameters", keep_missing=True)
    values = [v for _, v in pairs if v is not None] or [1.0]
    ticks = _log_ticks(min(values), max(values))
    lo, hi = math.log10(ticks[0]), math.log10(max(values)) + 0.08     # the axis ends just past the longest bar
    if hi <= lo + 0.5:
        hi = lo + 1
    ticks = [t for t in ticks if math.log10(t) <= hi]
    texts = [words("chart.unknown") if v is None else
             (ESTIMATE_MARK if "parameters_b" in m.estimated else "") + format_params(v, words) for m, v in pairs]
    names = [_fit_label(m.name, 0.4 * width) for m, _ in pairs]     # longer names end in "…" (the table has them whole)
    label_w = max([text_width(n, FONT) for n in names] or [0.0]) + PAD
    value_w = max([text_width(t, FONT) for t in texts] or [0.0]) + PAD
    plot_x, plot_y = label_w, 2.0
    plot_w = max(width - label_w - value_w, 4 * FONT)
    row = min(ROW + room / max(len(pairs), 1), MAX_ROW)
    plot_h = row * len(pairs)
    bar_h = min(0.76 * row, 1.1 * FONT)

    def x_of(v: float) -> float:
        return plot_x + (math.log10(v) - lo) / (hi - lo) * plot_w

    bars = tuple(Bar(name, text, plot_x, plot_y + i * row + (row - bar_h) / 2,
                     0.0 if v is None else max(x_of(v) - plot_x, 2.0), bar_h,
                     m.open, v is not None and "parameters_b" in m.estimated)
                 for i, ((m, v), text, name) in enumerate(zip(pairs, texts, names)))
    tick_marks: list[Tick] = []
    for t in ticks:                 # a tick whose label would touch the previous one is left out
        label = format_params(t, words)
        if not tick_marks or x_of(t) - text_width(label, FONT) / 2 > tick_marks[-1].x + text_width(
                tick_marks[-1].label, FONT) / 2 + PAD:
            tick_marks.append(Tick(x_of(t), label))
    return ChartSpec("parameters", width, plot_y + plot_h + 1.9 * FONT, plot_x, plot_y, plot_w, plot_h, "",
                     bars=bars, ticks=tuple(tick_marks), legend=())


def timeline(models: tuple[Model, ...], width: float) -> ChartSpec:
    """Release timeline: a dot per model on a year axis, names in lanes above it, no crossing leaders.

    Args:
        models: the course's models (those without a release date are left out; the table shows them).
        width: chart width in SVG units.
    """
    pairs = series(models, "timeline")
    years = [v for _, v in pairs] or [2023.0]
    start, stop = math.floor(min(years)), math.floor(max(years)) + 1
    groups: dict[tuple, list[Model]] = {}
    for model, _ in pairs:
        groups.setdefault(model.dated.sort_key, []).append(model)
    texts = {g[0].name: " · ".join(x.name for x in g) for g in groups.values()}
    widths = {key: text_width(text, FONT) for key, text in texts.items()}
    plot_x = 0.6 * FONT
    # Room right of the axis end for the latest labels to start at their dots (a pyramid, not a staircase).
    right_room = min(0.25 * width, max(widths.values(), default=0.0))
    plot_w = width - right_room - plot_x

    def x_of(v: float) -> float:
        return plot_x + (v - start) / (stop - start) * plot_w

    labels = [_Label(g[0].name, x_of(g[0].dated.fraction), widths[g[0].name]) for g in groups.values()]
    placed = _place_labels(labels, width)
    lanes = 1 + max((lane for lane, _ in placed.values()), default=0)
    plot_y = 0.3 * FONT + LANE * lanes + PAD
    points = []
    for model, value in pairs:
        if model.name in placed:
            lane, left = placed[model.name]
            points.append(Point(texts[model.name], "", x_of(value), plot_y, model.open, bool(model.estimated),
                                plot_y - PAD - lane * LANE, left, widths[model.name]))
        else:                      # shares the label of the first model of its date
            points.append(Point("", "", x_of(value), plot_y, model.open, bool(model.estimated), plot_y))
    ticks = tuple(Tick(x_of(y), str(y)) for y in range(start, stop + 1))
    return ChartSpec("timeline", width, plot_y + 2.0 * FONT, plot_x, plot_y, plot_w, 0.0, "",
                     ticks=ticks, points=tuple(points), legend=())
