"""Native, editable PowerPoint charts from a :class:`~coursepress.writers.deck.nodes.ChartPlan` (python-pptx + DrawingML).

Nothing a chart shows is typed text: value labels are the cell values through
a number format (``c:numFmt``, ``"≈"`` in the format of an estimated point),
timeline labels are the series names (``c:showSerName``), so after "Edit Data"
in PowerPoint or LibreOffice every label follows its value. Elements are
written in the order of the DrawingML chart schema (ECMA-376 Part 1 §21.2.2:
``CT_DLbls``, ``CT_DLbl``, ``CT_ErrBars``, ``CT_ScatterSer``). Colours are the
reference deck's theme colours: accent1 closed models, accent3 open weights,
as in the handout's charts.
"""

from __future__ import annotations

from lxml import etree
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_PATTERN, MSO_THEME_COLOR
from pptx.oxml.ns import qn
from pptx.util import Pt

from .chartplan import marked_format
from .nodes import ChartPlan
from .workbook import ValueChartData, ValueXyChartData

SERIES_COLOURS = {True: MSO_THEME_COLOR.ACCENT_3, False: MSO_THEME_COLOR.ACCENT_1, None: MSO_THEME_COLOR.TEXT_2}
LEGEND_ORDER = (False, True, None)     # the handout's legend: chart.closed, then chart.open
DAYS_PER_YEAR = 365.25
# a label inside a column's top: the background colour on a solid column, the text colour on the pale
# hatching of an estimate
INSIDE_TEXT = {False: "bg1", True: "tx1"}
ROTATE_UPRIGHT = "-5400000"             # 60000ths of a degree: −90°, text reads bottom to top
# −45°: model names on the category axis. LibreOffice shows every one when the slanted line box fits
# the column pitch (chartplan sizes them so); given "vert270" it picks its own angle and drops names.
ROTATE_SLANT = "-2700000"


def _text_props(size_pt: float, fonts, rotation: str = "", colour: str = "", wrap: bool = True) -> etree._Element:
    """A ``c:txPr`` with one size, the deck's fonts, an optional rotation (an angle in 60000ths of a
    degree, or "vert270": upright text), an optional theme ``colour`` (a ``schemeClr`` value) and, unless
    ``wrap``, ``wrap="none"`` (LibreOffice otherwise breaks a long data label, "Baichuan2-|192K", where the
    layout gave it room on one line)."""
    tx = etree.Element(qn("c:txPr"))
    body = etree.SubElement(tx, qn("a:bodyPr"))
    if not wrap:
        body.set("wrap", "none")
    if rotation == "vert270":
        body.set("vert", "vert270")
    elif rotation:
        body.set("rot", rotation)
        body.set("vert", "horz")
    etree.SubElement(tx, qn("a:lstStyle"))
    para = etree.SubElement(tx, qn("a:p"))
    rpr = etree.SubElement(etree.SubElement(para, qn("a:pPr")), qn("a:defRPr"), sz=str(int(size_pt * 100)), b="0")
    if colour:     # CT_TextCharacterProperties: the fill before the fonts
        etree.SubElement(etree.SubElement(rpr, qn("a:solidFill")), qn("a:schemeClr"), val=colour)
    fonts.apply(rpr)
    etree.SubElement(para, qn("a:endParaRPr"), lang="zh-CN")
    return tx


def _flags(parent, value: bool = False, series_name: bool = False, category: bool = False) -> None:
    for tag, on in (("showLegendKey", False), ("showVal", value), ("showCatName", category),
                    ("showSerName", series_name), ("showPercent", False), ("showBubbleSize", False)):
        etree.SubElement(parent, qn(f"c:{tag}"), val="1" if on else "0")


def _data_labels(series, plan: ChartPlan, fonts, position: str, rotation: str = "", value: bool = False,
                 series_name: bool = False, formats: dict[int, str] | None = None,
                 placed: dict[int, tuple[str, str]] | None = None) -> None:
    """Replace the series' ``c:dLbls``: per-point ``c:dLbl`` for points with their own number format
    (``formats``: point index → format) or their own place (``placed``: point index → (``dLblPos``
    value, theme colour of the text)), then the series-wide format, text, position and content."""
    formats, placed = formats or {}, placed or {}
    dlbls = series._element.get_or_add_dLbls()
    for child in list(dlbls):
        dlbls.remove(child)
    for idx in sorted(set(formats) | set(placed)):
        where, colour = placed.get(idx, (position, ""))
        dlbl = etree.SubElement(dlbls, qn("c:dLbl"))
        etree.SubElement(dlbl, qn("c:idx"), val=str(idx))
        etree.SubElement(dlbl, qn("c:numFmt"), formatCode=formats.get(idx, plan.number_format), sourceLinked="0")
        dlbl.append(_text_props(plan.size_pt, fonts, rotation, colour, wrap=False))
        etree.SubElement(dlbl, qn("c:dLblPos"), val=where)
        _flags(dlbl, value, series_name)
    etree.SubElement(dlbls, qn("c:numFmt"), formatCode=plan.number_format, sourceLinked="0")
    dlbls.append(_text_props(plan.size_pt, fonts, rotation, wrap=False))
    etree.SubElement(dlbls, qn("c:dLblPos"), val=position)
    _flags(dlbls, value, series_name)


def _axis_text(axis, plan: ChartPlan, fonts, rotation: str = "") -> None:
    """Tick labels of ``axis`` at the chart size, in the deck's fonts, optionally rotated, every one shown."""
    old = axis._element.find(qn("c:txPr"))
    if old is not None:
        axis._element.remove(old)
    tx = _text_props(plan.size_pt, fonts, rotation)
    anchor = next((axis._element.find(qn(t)) for t in ("c:crossAx",) if axis._element.find(qn(t)) is not None), None)
    assert anchor is not None, "a python-pptx value axis always has c:crossAx"
    anchor.addprevious(tx)


def _axis_title(axis, text: str, plan: ChartPlan, fonts) -> None:
    axis.has_title = True
    axis.axis_title.text_frame.text = text
    for run in axis.axis_title.text_frame.paragraphs[0].runs:
        run.font.size = Pt(plan.size_pt)
        fonts.apply(run._r.get_or_add_rPr(), run.text)


def _estimate_fill(fill, theme_colour) -> None:
    """Estimated values: a diagonal hatch of a light tint of the series colour on a pale tint of it (the
    handout and poster draw a pale bar with a dashed outline), light enough for a label in the text
    colour inside the column."""
    fill.patterned()
    fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
    fill.fore_color.theme_color = theme_colour
    fill.fore_color.brightness = 0.4
    fill.back_color.theme_color = theme_colour
    fill.back_color.brightness = 0.8


def _legend(chart, plan: ChartPlan, fonts, show: bool) -> None:
    chart.has_legend = show
    if show:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM if plan.legend_at is None else XL_LEGEND_POSITION.CORNER
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(plan.size_pt)


def add_column_chart(slide, box, plan: ChartPlan, fonts):
    """Columns on a log axis, one series per openness (legend ``chart.closed``, ``chart.open`` as in the
    handout), one category per model in the plan's order. A model without a value has its category, no
    column, and a point of the series ``plan.unknown`` at the axis floor, labelled with that series' name
    (no fill, no legend entry)."""
    left, top, width, height = box
    groups = [flag for flag in LEGEND_ORDER if flag in plan.open]
    data = ValueChartData(number_format=plan.number_format)
    data.categories = list(plan.categories)
    for flag in groups:
        data.add_series(plan.series_name(flag), [v if o is flag else None for v, o in zip(plan.values, plan.open)])
    unknown = plan.unknown and any(v is None for v in plan.values)
    if unknown:
        data.add_series(plan.unknown, [plan.axis_min if v is None else None for v in plan.values])
    shape = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, left, top, width, height, data)
    chart = shape.chart
    chart.has_title = False
    chart.font.size = Pt(plan.size_pt)
    fonts.apply(chart.font._rPr)
    plot = chart.plots[0]
    plot.overlap, plot.gap_width = 100, 40
    axis = chart.value_axis
    axis._element.find(qn("c:scaling")).insert(0, etree.Element(qn("c:logBase"), val="10"))
    axis.minimum_scale, axis.maximum_scale = plan.axis_min, plan.axis_max
    axis.tick_labels.number_format = plan.axis_format or plan.number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    _axis_text(axis, plan, fonts)
    _axis_title(axis, plan.axis_title, plan, fonts)
    categories = chart.category_axis
    skip = etree.Element(qn("c:tickLblSkip"), val="1")   # schema order: before tickMarkSkip/noMultiLvlLbl
    later = [categories._element.find(qn(t)) for t in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
    anchor = next((el for el in later if el is not None), None)
    anchor.addprevious(skip) if anchor is not None else categories._element.append(skip)
    _axis_text(categories, plan, fonts, ROTATE_SLANT if plan.names_slanted else "")
    estimated = plan.estimated or (False,) * len(plan.categories)
    turn = ROTATE_UPRIGHT if plan.values_upright else ""
    for s_index, flag in enumerate(groups):
        series = chart.series[s_index]
        series.format.fill.solid()
        series.format.fill.fore_color.theme_color = SERIES_COLOURS[flag]
        own = {i: marked_format(plan.number_format, "≈") for i, o in enumerate(plan.open)
               if o is flag and estimated[i] and plan.values[i] is not None}
        inside = plan.inside or (False,) * len(plan.categories)
        placed = {i: ("inEnd", INSIDE_TEXT[estimated[i]]) for i, o in enumerate(plan.open)
                  if o is flag and inside[i] and plan.values[i] is not None}
        _data_labels(series, plan, fonts, "outEnd", turn, value=True, formats=own, placed=placed)
        for i in own:
            point = series.points[i]
            _estimate_fill(point.format.fill, SERIES_COLOURS[flag])
            point.format.line.color.theme_color = SERIES_COLOURS[flag]
    if unknown:
        series = chart.series[len(groups)]
        series.format.fill.background()
        series.format.line.fill.background()
        _data_labels(series, plan, fonts, "outEnd", turn, series_name=True)
    _legend(chart, plan, fonts, len(groups) > 1)
    if unknown and len(groups) > 1:
        _hide_legend_entry(chart, len(groups))
    _plot_layout(chart, plan)
    return shape


def _manual_layout(parent, box: tuple[float, ...], target: bool) -> etree._Element:
    """A ``c:layout`` with a ``c:manualLayout`` of ``box`` (x, y[, w, h]: fractions of the chart space,
    edge mode) as the first child of ``parent`` that may hold one; ``target``: the box is the inner plot
    area (ECMA-376 Part 1 §21.2.2.88, CT_ManualLayout: layoutTarget, xMode, yMode, x, y, w, h)."""
    old = parent.find(qn("c:layout"))
    if old is not None:
        parent.remove(old)
    layout = etree.Element(qn("c:layout"))
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    if target:
        etree.SubElement(manual, qn("c:layoutTarget"), val="inner")
    etree.SubElement(manual, qn("c:xMode"), val="edge")
    etree.SubElement(manual, qn("c:yMode"), val="edge")
    for tag, value in zip(("x", "y", "w", "h"), box):
        etree.SubElement(manual, qn(f"c:{tag}"), val=f"{value:.4f}")
    return layout


def _plot_layout(chart, plan: ChartPlan) -> None:
    """The plot area where :mod:`.chartfit` put it, and the legend at ``plan.legend_at``."""
    if plan.plot:
        area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
        area.insert(0, _manual_layout(area, plan.plot, True))
    legend = chart._chartSpace.find(qn("c:chart")).find(qn("c:legend"))
    if legend is not None and plan.legend_at is not None:
        # CT_Legend: legendPos, legendEntry*, layout, overlay, ...
        entries = legend.findall(qn("c:legendEntry"))
        anchor = entries[-1] if entries else legend.find(qn("c:legendPos"))
        anchor.addnext(_manual_layout(legend, plan.legend_at, False))


def _hide_legend_entry(chart, index: int) -> None:
    """No legend entry for series ``index`` (the unknown marker: its label says what it is)."""
    legend = chart._chartSpace.find(qn("c:chart")).find(qn("c:legend"))
    entry = etree.Element(qn("c:legendEntry"))
    etree.SubElement(entry, qn("c:idx"), val=str(index))
    etree.SubElement(entry, qn("c:delete"), val="1")
    legend.find(qn("c:legendPos")).addnext(entry)


def _drop_line(series) -> None:
    """A thin vertical line from the point down to the date axis: a y error bar of −100 %."""
    bars = etree.Element(qn("c:errBars"))
    for tag, val in (("errDir", "y"), ("errBarType", "minus"), ("errValType", "percentage"), ("noEndCap", "1"),
                     ("val", "100")):
        etree.SubElement(bars, qn(f"c:{tag}"), val=val)
    sppr = etree.SubElement(bars, qn("c:spPr"))
    line = etree.SubElement(sppr, qn("a:ln"), w="6350")
    colour = etree.SubElement(etree.SubElement(line, qn("a:solidFill")), qn("a:schemeClr"), val="tx1")
    etree.SubElement(colour, qn("a:lumMod"), val="50000")
    etree.SubElement(colour, qn("a:lumOff"), val="50000")
    series._element.find(qn("c:xVal")).addprevious(bars)


def _colour_key(axis, title: str, groups: list, plan: ChartPlan, fonts) -> None:
    """Axis title "title", then ``deck.key_open``, "● " ``chart.closed``, ``deck.key_gap``, "● "
    ``chart.open``, ``deck.key_close`` (zh-CN: full-width parentheses, an ideographic space between), with
    each ● in its series' theme colour: the legend of a chart whose series are single models."""
    axis.has_title = True
    paragraph = axis.axis_title.text_frame.paragraphs[0]
    before, between, after = plan.key_marks
    pieces = [(title + before, None)]
    for n, flag in enumerate(groups):
        pieces += [("●", flag), (" " + plan.series_name(flag) + (between if n < len(groups) - 1 else after), None)]
    for text, flag in pieces:
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(plan.size_pt)
        if flag is not None or text == "●":
            run.font.color.theme_color = SERIES_COLOURS[flag]
        fonts.apply(run._r.get_or_add_rPr(), text)


def add_timeline(slide, box, plan: ChartPlan, fonts):
    """An XY scatter: X the release date (date serials on an axis of years), Y the point's lane (axis
    hidden), each model a series of one point named after it (its label is the series name) with a
    drop line to the date axis; the axis title carries the colour key."""
    left, top, width, height = box
    groups = [flag for flag in LEGEND_ORDER if flag in plan.open]
    data = ValueXyChartData()
    for name, x, lane in zip(plan.categories, plan.values, plan.lanes):
        data.add_series(name).add_data_point(x, lane)
    shape = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, left, top, width, height, data)
    chart = shape.chart
    chart.has_title = False
    chart.font.size = Pt(plan.size_pt)
    fonts.apply(chart.font._rPr)
    for i, series in enumerate(chart.series):
        flag = plan.open[i]
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 9
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.theme_color = SERIES_COLOURS[flag]
        series.marker.format.line.color.theme_color = SERIES_COLOURS[flag]
        series.format.line.fill.background()
        _data_labels(series, plan, fonts, "r" if plan.label_right[i] else "l", series_name=True)
        _drop_line(series)
    dates, lanes = chart.category_axis, chart.value_axis
    # One day past 1 January, so that year ticks 365.25 days apart stay in January of their year.
    dates.minimum_scale, dates.maximum_scale = plan.axis_min + 1, plan.axis_max
    dates.major_unit = DAYS_PER_YEAR * plan.step_years
    dates.tick_labels.number_format = plan.date_format
    dates.tick_labels.number_format_is_linked = False
    dates.has_major_gridlines = False
    _axis_text(dates, plan, fonts)
    _colour_key(dates, plan.axis_title, groups, plan, fonts)
    lanes.minimum_scale, lanes.maximum_scale = 0, max(plan.lanes) + 0.7
    lanes.has_major_gridlines = False
    lanes.visible = False
    chart.has_legend = False
    _plot_layout(chart, plan)
    return shape


def add_chart(slide, box, plan: ChartPlan, fonts):
    """The chart of ``plan`` in ``box`` (left, top, width, height in EMU); returns the graphic frame."""
    if plan.kind == "timeline":
        return add_timeline(slide, box, plan, fonts)
    return add_column_chart(slide, box, plan, fonts)
