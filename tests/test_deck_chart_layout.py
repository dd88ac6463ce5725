"""Chart slides that show the data (issue 13, item 2): the plot area fills the chart frame, no two chart
labels collide, no timeline drop line crosses a label, and a missing value is marked by the chart's own
series name. Read back from the course deck's chart XML and from LibreOffice's rendering of it, with the
shipped fonts and with the machine's fonts only (the configuration of :mod:`test_deck_render`)."""

from __future__ import annotations

import math
import os
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pptx import Presentation

from conftest import REPO, course_output, require_soffice
from coursepress.charts import series
from coursepress.messages import default_messages
from coursepress.numbers import format_context, format_params
from readback import NS
from test_deck_charts import directives
from test_deck_render import _font_config

C = f"{{{NS['c']}}}"
EMU_PER_PT = 12700
LEAST_PLOT_SHARE = 0.55       # the plot area's share of the chart frame's height (the lead's measure)


@pytest.fixture(scope="module")
def deck(course_build):
    """The real course's deck from the session's shared build."""
    return course_output(course_build, "llm-intro.pptx")[0]


def _charts(prs):
    """(slide index, graphic frame, its chart) of every chart in the deck, in order."""
    return [(i, shape, shape.chart) for i, slide in enumerate(prs.slides) for shape in slide.shapes
            if shape.has_chart]


def _manual_plot(chart) -> dict[str, float]:
    """The inner plot area the deck wrote: x, y, w, h as fractions of the chart frame."""
    layout = chart._chartSpace.find(f".//{C}plotArea/{C}layout/{C}manualLayout")
    assert layout is not None and layout.find(f"{C}layoutTarget").get("val") == "inner"
    return {k: float(layout.find(f"{C}{k}").get("val")) for k in ("x", "y", "w", "h")}


def _is_timeline(chart) -> bool:
    return "XY" in str(chart.chart_type)


def test_every_chart_plot_area_fills_its_frame(deck):
    prs = Presentation(str(deck))
    charts = _charts(prs)
    assert len(charts) == len(directives(REPO)) >= 4
    for index, shape, chart in charts:
        plot = _manual_plot(chart)
        assert plot["h"] >= LEAST_PLOT_SHARE, (index + 1, plot)
        assert 0 <= plot["x"] and plot["x"] + plot["w"] <= 1 and 0 <= plot["y"] and plot["y"] + plot["h"] <= 1


def test_unknown_values_keep_their_place_marked_by_a_series_name(deck):
    """A model without the charted value is a category like any other (its own name); in its place stands
    a point of the series 未公开 (the catalogue's chart.unknown) labelled with that series' name."""
    words = default_messages()
    prs = Presentation(str(deck))
    checked = 0
    for (index, _shape, chart), block in zip(_charts(prs), directives(REPO)):
        if _is_timeline(chart):
            continue
        expected = [(model.name, value) for model, value in series(block.models, block.chart, keep_missing=True)]
        names = list(chart.plots[0].categories)
        assert names == [name for name, _ in expected], index + 1
        unknown = {name for name, value in expected if value is None}
        markers = [s for s in chart.series if s.name == words("chart.unknown")]
        if not unknown:
            assert not markers
            continue
        marker, = markers
        assert {names[i] for i, v in enumerate(marker.values) if v is not None} == unknown
        labels = marker._element.find(f"{C}dLbls")
        assert labels.find(f"{C}showSerName").get("val") == "1" and labels.find(f"{C}showVal").get("val") == "0"
        for other in chart.series:
            if other.name != marker.name:
                assert all(v is None for i, v in enumerate(other.values) if names[i] in unknown)
        checked += len(unknown)
    assert checked


def test_timeline_lanes_keep_labels_apart_and_off_drop_lines():
    """The lane rule on a dense cluster (20 points 6 pt apart with 60-90 pt labels, as the course's 2023):
    within a lane no two labels or a label and a point overlap, no label spans a point of a higher lane
    (whose drop line would cross it), every label lies inside the plot, and the cluster needs far fewer
    lanes than points (labels go left of the early points and right of the late ones)."""
    from coursepress.writers.deck.chartfit import LABEL_GAP_PT, lanes

    xs = [100.0] + [400.0 + 6 * i for i in range(20)] + [700.0]
    widths = [60.0 + (i * 7) % 31 for i in range(len(xs))]
    rows, sides = lanes(xs, widths, 800.0)
    assert min(rows) >= 1

    def box(i):
        return (xs[i] + LABEL_GAP_PT - 2, xs[i] + LABEL_GAP_PT + widths[i]) if sides[i] else \
            (xs[i] - LABEL_GAP_PT - widths[i], xs[i] - LABEL_GAP_PT + 2)

    for i in range(len(xs)):
        left, right = box(i)
        assert 0 <= left and right <= 800.0
        for j in range(len(xs)):
            if j == i:
                continue
            if rows[j] >= rows[i]:       # same lane: its point; higher lane: its drop line passes this lane
                assert not left <= xs[j] <= right, (i, j)
            if rows[j] == rows[i]:
                other = box(j)
                assert other[1] <= left or right <= other[0], (i, j)
    assert max(rows) <= 12


# ---------------------------------------------------------------- as LibreOffice draws it
@pytest.fixture(scope="module", params=[True, False], ids=["shipped-fonts", "system-fonts-only"])
def rendered(request, deck, tmp_path_factory):
    """The deck converted to PDF by LibreOffice: (pdf path, Presentation)."""
    soffice = require_soffice()
    tmp = tmp_path_factory.mktemp("chart-render")
    env = dict(os.environ, FONTCONFIG_FILE=str(_font_config(tmp, request.param)))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(deck)], check=True, capture_output=True, timeout=300, env=env)
    return tmp / "llm-intro.pdf", Presentation(str(deck))


def _page_chars(pdf: Path, page_index: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(char, (left, bottom, right, top) pt) of each visible character of a page, in text order."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = doc[page_index].get_textpage()
        return [(text.get_text_range(k, 1), text.get_charbox(k)) for k in range(text.count_chars())
                if text.get_text_range(k, 1).strip()]
    finally:
        doc.close()


def _frame_box(shape, page_height: float) -> tuple[float, float, float, float]:
    """The graphic frame in PDF coordinates (left, bottom, right, top; pt)."""
    left, top = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
    right, bottom = left + shape.width / EMU_PER_PT, top + shape.height / EMU_PER_PT
    return left, page_height - bottom, right, page_height - top


def _inside(box, frame) -> bool:
    left, bottom, right, top = box
    return frame[0] - 1 <= left and right <= frame[2] + 1 and frame[1] - 1 <= bottom and top <= frame[3] + 1


def _adjacent(a, b) -> bool:
    """Whether box ``b`` continues the text of box ``a`` on its line (level text only)."""
    return abs(a[1] - b[1]) < 1.5 and -1 < b[0] - a[2] < 0.6 * (a[3] - a[1]) + 1     # a space at most


def _find(chars, text: str, frame, accept=lambda box: True) -> list[tuple[float, float, float, float]]:
    """Union boxes of each run of consecutive characters spelling ``text`` (spaces ignored) inside
    ``frame`` and passing ``accept``."""
    wanted = text.replace(" ", "")
    found = []
    for start in range(len(chars) - len(wanted) + 1):
        run = chars[start:start + len(wanted)]
        if "".join(c for c, _ in run) != wanted:
            continue
        before = chars[start - 1][1] if start else None
        after = chars[start + len(wanted)][1] if start + len(wanted) < len(chars) else None
        if (after and _adjacent(run[-1][1], after)) or (before and _adjacent(before, run[0][1])):
            continue        # part of a longer label ("GPT-3" in "GPT-3.5")
        box = (min(b[0] for _, b in run), min(b[1] for _, b in run), max(b[2] for _, b in run),
               max(b[3] for _, b in run))
        if _inside(box, frame) and accept(box):
            found.append(box)
    return found


@pytest.mark.slow
def test_libreoffice_draws_the_plot_area_over_most_of_the_frame(rendered):
    """Measured in the rendering: on a column chart the distance between the first and last value axis
    numbers gives the plot height (the axis is logarithmic, so their share of it is known); on a timeline
    the points' labels and the date axis span the plot. Either is at least 55 % of the frame's height,
    and the column charts' agrees with the layout the deck wrote."""
    pdf, prs = rendered
    page_h = prs.slide_height / EMU_PER_PT
    measured = 0
    for index, shape, chart in _charts(prs):
        chars = _page_chars(pdf, index)
        frame = _frame_box(shape, page_h)
        frame_h = frame[3] - frame[1]
        plot = _manual_plot(chart)
        plot_left = frame[0] + plot["x"] * (frame[2] - frame[0])
        if _is_timeline(chart):
            years = [b for year in range(1990, 2100) for b in _find(chars, f"{year}年", frame)]
            points = [b for s in chart.series for b in _find(chars, s.name, frame)]
            assert years and len(points) >= len(list(chart.series)), index + 1
            span = max(b[3] for b in points) - max(b[3] for b in years)
        else:
            axis = chart._chartSpace.find(f".//{C}valAx/{C}scaling")
            low, high = (float(axis.find(f"{C}{k}").get("val")) for k in ("min", "max"))
            params = "亿" in chart._chartSpace.find(f".//{C}valAx/{C}numFmt").get("formatCode")
            powers = range(round(math.log10(low)), math.floor(math.log10(high) + 1e-9) + 1)

            def tick(power: int) -> list:
                text = format_params(10.0 ** power / 10, default_messages()) if params else format_context(10.0 ** power)
                return _find(chars, text, frame, lambda box: box[2] <= plot_left + 1)

            bottom, top = tick(powers[0]), tick(powers[-1])
            assert len(bottom) == 1 and len(top) == 1, (index + 1, bottom, top)
            between = (bottom[0][1] + bottom[0][3]) / 2 - (top[0][1] + top[0][3]) / 2
            share = (powers[-1] - powers[0]) / (math.log10(high) - math.log10(low))
            span = -between / share
            assert abs(span / frame_h - plot["h"]) < 0.05, (index + 1, span / frame_h, plot["h"])
        assert span >= LEAST_PLOT_SHARE * frame_h, (index + 1, span / frame_h)
        measured += 1
    assert measured >= 4


def _overlap(a, b, inset: float) -> bool:
    return a[0] + inset < b[2] - inset and b[0] + inset < a[2] - inset and \
        a[1] + inset < b[3] - inset and b[1] + inset < a[3] - inset


@pytest.mark.slow
def test_no_two_chart_labels_overlap_and_every_name_is_drawn_whole(rendered):
    """Characters of different labels never share ink: within a chart frame, no two characters that are
    not neighbours in the text overlap (each box inset by 15 % of its smaller side, so touching glyph
    boxes of one word and slanted neighbours' corners do not count). Every model name of a column chart
    is drawn whole (a viewer short of room cuts names to "Baichuan…")."""
    pdf, prs = rendered
    page_h = prs.slide_height / EMU_PER_PT
    for index, shape, chart in _charts(prs):
        frame = _frame_box(shape, page_h)
        if not _is_timeline(chart):
            page = _page_chars(pdf, index)
            cut = [name for name in chart.plots[0].categories if not _find(page, name, frame)]
            assert not cut, (index + 1, cut)
        chars = [(k, c, b) for k, (c, b) in enumerate(_page_chars(pdf, index)) if _inside(b, frame)]
        clashes = []
        for n, (k, c, a) in enumerate(chars):
            for m, d, b in chars[n + 1:]:
                inset = 0.15 * min(a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1])
                if m > k + 1 and _overlap(a, b, inset):
                    clashes.append((c, d))
        assert not clashes, (index + 1, clashes[:5])


@pytest.mark.slow
def test_no_timeline_drop_line_crosses_a_label(rendered):
    """Each timeline point stands at its date on the axis the deck wrote, in its lane (the hidden Y axis);
    its drop line runs from the point down to the date axis and never passes through another point's
    label as LibreOffice draws it."""
    pdf, prs = rendered
    page_h = prs.slide_height / EMU_PER_PT
    timelines = 0
    for index, shape, chart in _charts(prs):
        if not _is_timeline(chart):
            continue
        chars = _page_chars(pdf, index)
        frame = _frame_box(shape, page_h)
        plot = _manual_plot(chart)
        space = chart._chartSpace
        dates, lanes = space.findall(f".//{C}valAx")
        x_min, x_max = (float(dates.find(f"{C}scaling/{C}{k}").get("val")) for k in ("min", "max"))
        y_max = float(lanes.find(f"{C}scaling/{C}max").get("val"))
        left = frame[0] + plot["x"] * (frame[2] - frame[0])
        width = plot["w"] * (frame[2] - frame[0])
        axis_y = frame[3] - (plot["y"] + plot["h"]) * (frame[3] - frame[1])
        height = plot["h"] * (frame[3] - frame[1])
        points = []
        for s in chart.series:
            x = float(s._element.find(f"{C}xVal//{C}v").text)
            lane = float(s._element.find(f"{C}yVal//{C}v").text)
            boxes = _find(chars, s.name, frame)
            assert len(boxes) == 1, (index + 1, s.name, boxes)
            line = max(b[3] - b[1] for c, b in chars if c.isalnum() and _inside(b, frame))
            assert boxes[0][3] - boxes[0][1] <= 1.5 * line, (index + 1, s.name)     # one line: not wrapped
            points.append((s.name, left + (x - x_min) / (x_max - x_min) * width, axis_y + lane / y_max * height,
                           boxes[0]))
        crossed = [(name, other) for name, x, y, _ in points for other, _, _, box in points
                   if other != name and box[0] - 1 < x < box[2] + 1 and y > box[1] + 1]
        assert not crossed, (index + 1, crossed)
        outside = [name for name, _, _, box in points if box[2] > frame[2] or box[0] < frame[0]]
        assert not outside, (index + 1, outside)       # the date axis was extended for the last labels
        timelines += 1
    assert timelines >= 2
