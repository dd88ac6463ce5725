"""Data slides: model tables and Markdown tables (native tables), charts (native charts), figures (pictures).

Values come from the shared modules, so every output shows the same numbers:
:func:`coursepress.numbers.field_text` for table cells,
:func:`coursepress.charts.series` for chart values, and the estimate mark
``≈`` with its note (:func:`coursepress.numbers.estimate_note`) in the cell or
data label, the caption and the speaker notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ... import model as m
from ...charts import series
from ...errors import ContentError, SourcePos
from ...numbers import ESTIMATE_MARK, MISSING, column_title, estimate_note, field_text
from ...textmeasure import WIDTH_SAFETY
from ...messages import Messages
from ...units import EMU_PER_PT, PT_PER_PX
from . import chartplan
from .media import SlideImage
from .svgpicture import png_fallback
from .blocks import runs_of
from .nodes import Para, PicturePlan, Run, SlidePlan, TablePlan
from .colsplit import COLUMN_MIN_EM, column_parts, whole_word_size
from .tablefit import (CELL_MARGIN_X_PT, CELL_MARGIN_Y_PT, ROW_SLACK_PT, TABLE_LINE_EM, TABLE_MIN_PT, caption_box,
                       caption_height_pt, choose, table_room_pt)

if TYPE_CHECKING:
    from .plan import Planner

DATA_FILE = "content/data/models.yaml"


@dataclass(frozen=True)
class Place:
    """Where a data slide puts its table, chart or picture: the ``layout`` role, the ``data`` frame
    and the ``caption`` frame (names of :attr:`Geometry.frames <.reference.Geometry>`)."""

    layout: str
    data: str
    caption: str


TABLE_PLACE = Place("Table", "Table", "Caption")
CHART_PLACE = Place("Chart", "Chart", "Caption")
BESIDE_PLACE = Place("Two Content", "Right Data", "Right Caption")   # beside the bullets (:mod:`.beside`)


def _caption(words: Messages, label: str, number: int, caption) -> str:
    """The slide caption: ``deck.caption`` with the block's ``label`` (``numbering.table`` or
    ``numbering.figure``), in zh-CN "Table 2", U+3000 IDEOGRAPHIC SPACE and the caption; empty when the
    block has no caption text (a bare number says nothing on a slide)."""
    text = m.plain_text(caption)
    return words("deck.caption", label=words(label, n=number), text=text) if number and text else text


CAPTION_MIN_PT = 14.0     # a caption steps down to this size before it is shortened (the least table text size)


def _fit_caption(planner: "Planner", place: Place, caption: str, pos: SourcePos) -> tuple[tuple[Para, ...], bool]:
    """The caption paragraphs for the caption frame of ``place``, at its size or smaller down to
    :data:`CAPTION_MIN_PT`; a caption too long even at that size is cut at the longest prefix that fits,
    ending in "…" (returns shortened=True)."""
    layout = place.layout
    try:
        return planner.fit.single(layout, place.caption, [Para((Run(caption),))], pos), False
    except ContentError:
        pass
    frame = planner.fit.frame(layout, place.caption)
    size = frame.level(0).size_pt - 1
    while size >= CAPTION_MIN_PT:
        para = Para((Run(caption),), size_pt=size)
        if planner.fit.height_pt(frame, [para]) <= frame.text_height_pt:
            return (para,), False
        size -= 1
    low, high, best = 1, len(caption) - 1, None
    while low <= high:
        middle = (low + high) // 2
        try:
            best = planner.fit.single(layout, place.caption, [Para((Run(caption[:middle].rstrip() + "…"),))], pos)
            low = middle + 1
        except ContentError:
            high = middle - 1
    if best is None:
        raise ContentError(pos, f"the caption placeholder of the '{layout}' layout cannot hold any text",
                           "make the Caption placeholder of the reference deck taller")
    return best, True


TABLE_MAX_PT = 18.0   # a table or chart in a general content placeholder: not at its body text size
CHART_MAX_PT = 14.0


def data_size_pt(planner: "Planner", place: Place, kind: str) -> float:
    """Text size of a table or chart: its placeholder's level-1 size when the template made a table
    (``tbl``) or chart placeholder for it, else that size capped at 18 pt (tables) or 14 pt (charts)."""
    frame = planner.fit.frame(place.layout, place.data)
    size = frame.level(0).size_pt
    if frame.ph_type == ("tbl" if kind == "table" else "chart"):
        return size
    return min(size, TABLE_MAX_PT if kind == "table" else CHART_MAX_PT)


def _data_slide(planner: "Planner", place: Place, title: str, index: int, pos: SourcePos, caption: str,
                notes: tuple[Para, ...], own_caption: str = "", **data) -> SlidePlan:
    """One data slide; a ``caption`` too long for its placeholder is shortened, and the author's
    ``own_caption`` text then goes to the notes unless they hold it already."""
    shown = title + (planner.words("deck.continued") if index else "")
    caption_paras: tuple[Para, ...] = ()
    if caption:
        caption_paras, shortened = _fit_caption(planner, place, caption, pos)
        if shortened and own_caption and all(p.plain != own_caption for p in notes):
            notes = (Para((Run(own_caption),)),) + tuple(notes)     # the whole caption stays with the lecturer
    layout = place.layout
    return SlidePlan(data.pop("kind"), layout, (("Title", planner.fit.title(layout, shown, pos)),
                                                (place.caption, caption_paras)), notes, pos,
                     data_frame=place.data, **data)


# ---------------------------------------------------------------- tables
def _column_widths(planner: "Planner", cells: list[list[list[Run]]], size_pt: float, total_pt: float) -> list[float]:
    """Column widths (pt) summing to ``total_pt``, from the measured content: the natural widths (each
    column's longest cell on one line) spread out when they fit; else every column whose natural width
    is within an even share of what the wider ones leave keeps it (so short columns never wrap), and the
    others share the rest above their widest unbreakable word (dates, numbers and Latin words are never
    split) in proportion to what they lack. Measured with the widest face a viewer may use
    (:mod:`coursepress.fitwidths`)."""
    cols = len(cells[0])
    natural, minimum = _extents_pt(planner, cells, size_pt)
    if sum(natural) <= total_pt:
        return [w * total_pt / sum(natural) for w in natural]
    widths = [0.0] * cols
    open_cols, left = set(range(cols)), total_pt
    while open_cols:                      # short columns keep their natural width (max-min fair shares)
        share = left / len(open_cols)
        fixed = [c for c in sorted(open_cols) if natural[c] <= share]
        if not fixed:
            break
        for c in fixed:
            widths[c] = natural[c]
            left -= natural[c]
            open_cols.discard(c)
    rest = sorted(open_cols)
    slack = left - sum(minimum[c] for c in rest)
    want = sum(natural[c] - minimum[c] for c in rest)
    if slack >= 0 and want > 0:
        for c in rest:
            widths[c] = minimum[c] + slack * (natural[c] - minimum[c]) / want
        return widths
    slack = total_pt - sum(minimum)       # the long words alone need most of the width: shares of the rest
    want = sum(n - mi for n, mi in zip(natural, minimum))
    if slack <= 0 or want == 0:
        return [w * total_pt / sum(minimum) for w in minimum]
    return [mi + slack * (n - mi) / want for mi, n in zip(minimum, natural)]


def _extents_pt(planner: "Planner", cells: list[list[list[Run]]], size_pt: float) -> tuple[list[float], list[float]]:
    """Each column's natural width (its longest cell on one line) and least width (its widest unbreakable
    unit, and at least :data:`~.colsplit.COLUMN_MIN_EM` or its natural width if less, so a column of Chinese
    is never a strip of one character a line), in pt at ``size_pt`` with the cell margins; the natural
    width is at least the least."""
    measure = planner.fit.measurer
    pad = 2 * CELL_MARGIN_X_PT
    pad += 1.0          # EMU rounding: a cell exactly as wide as its text would wrap
    columns = range(len(cells[0]))
    natural = [max(measure.line_width_pt([(r.text, r.bold) for r in row[c]], size_pt) for row in cells) / WIDTH_SAFETY
               + pad for c in columns]
    minimum = [max(measure.longest_unit_pt([(r.text, r.bold) for r in row[c]], size_pt)
                   for row in cells) / WIDTH_SAFETY + pad for c in columns]
    minimum = [max(mi, min(n, COLUMN_MIN_EM * size_pt + pad)) for n, mi in zip(natural, minimum)]
    return [max(n, mi) for n, mi in zip(natural, minimum)], minimum


def _row_height_pt(planner: "Planner", row: list[list[Run]], widths: list[float], size_pt: float) -> float:
    measure = planner.fit.measurer
    lines = max(measure.lines([(r.text, r.bold) for r in cell], w - 2 * CELL_MARGIN_X_PT, size_pt)
                for cell, w in zip(row, widths))
    return lines * size_pt * TABLE_LINE_EM + 2 * CELL_MARGIN_Y_PT + ROW_SLACK_PT


LONG_COLUMNS = ("highlights", "notes", "url", "modalities")   # prose columns: the notes hold them first
SLIDE_COLUMNS_MAX = 5


# units: 10^8, 10^4, thousand, hundred, K, M, B, T, %; year, month, day; the general counter; or a Latin
# unit word of up to six letters, with its "per" part (GB, ms, token/s)
_NUMBER_UNIT = re.compile(r"(\d)\s+(?=[\u4ebf\u4e07\u5343\u767eKMBT%\u5e74\u6708\u65e5\u4e2a]"
                          r"|[A-Za-z]{1,6}(?:/[A-Za-z]{1,6})?(?![\w\-]))")


def keep_units(text: str) -> str:
    """``text`` with a no-break space between a number and its unit ("130" and U+4EBF, "140 GB",
    "12 token/s": the space between becomes U+00A0), so neither the measurer nor PowerPoint or LibreOffice
    (UAX #14 class GL) breaks a line between them."""
    return _NUMBER_UNIT.sub("\\1\u00a0", text)


def slide_columns(block: m.ModelTable) -> tuple[str, ...]:
    """The columns a model table shows on slides: ``:slide-columns:``, else its columns without the prose
    ones (:data:`LONG_COLUMNS`), at most :data:`SLIDE_COLUMNS_MAX`, in the directive's order."""
    if block.slide_columns:
        return block.slide_columns
    short = [c for c in block.columns if c not in LONG_COLUMNS]
    return tuple(short[:SLIDE_COLUMNS_MAX]) or block.columns[:SLIDE_COLUMNS_MAX]


def _table_slides(planner: "Planner", header: list[list[Run]], rows: list[list[list[Run]]],
                  row_pos: list[SourcePos], title: str, caption: str, notes: tuple[Para, ...],
                  pos: SourcePos, row_notes: list[tuple[tuple[int, Para], ...]] | None = None,
                  section_notes: tuple[Para, ...] = (), place: Place = TABLE_PLACE, key: int = 0,
                  continued: bool = False, cap_pt: float = 0.0) -> list[SlidePlan]:
    """Native table slides, sized and split by :func:`.tablefit.choose` (one slide whenever the rows fit
    at :data:`~.tablefit.TABLE_MIN_PT` or larger; else as few as needed, rows spread evenly, header
    repeated), the caption right below the table. A table too wide for its words to stay whole is
    first split by columns (:mod:`.colsplit`), the ``key`` column on each part, all parts at the size of
    the one that needs the smallest (``cap_pt``: the largest size a part may take); the slides of every
    part after the first (``continued``) carry the continuation mark.

    Notes: ``notes`` (caption, estimates) on every slide, ``row_notes`` (each row's notes, each with the
    index of the column it is about, −1 for a column not shown) of the slide's own rows, those about a
    column on the slides of the part that shows it, the others with the first part's;
    ``section_notes`` only on the first slide.
    """
    fit = planner.fit
    frame = fit.frame(place.layout, place.data)
    width_pt = frame.width_emu / EMU_PER_PT
    largest = data_size_pt(planner, place, "table")
    floor = min(TABLE_MIN_PT, largest)
    cells = [header] + rows
    natural, minimum = _extents_pt(planner, cells, floor)
    parts = column_parts(key, minimum, natural, width_pt)
    if len(parts) > 1:
        def of_parts(cap: float) -> list[SlidePlan]:
            return [slide for k, cols in enumerate(parts) for slide in _table_slides(
                planner, [header[c] for c in cols], [[row[c] for c in cols] for row in rows], row_pos, title,
                caption, notes, pos, _part_notes(row_notes, cols, k == 0), section_notes if k == 0 else (), place,
                0, k > 0, cap)]
        slides = of_parts(cap_pt)
        sizes = {slide.table.size_pt for slide in slides if slide.table is not None}
        return of_parts(min(sizes)) if len(sizes) > 1 else slides
    if cap_pt:
        largest = min(largest, cap_pt)
    largest = whole_word_size(lambda size: _extents_pt(planner, cells, size)[1], largest, floor, width_pt)
    caption_frame = fit.geometry.frames[place.layout].get(place.caption)
    caption_paras: tuple[Para, ...] = ()
    if caption and caption_frame is not None:
        caption_paras, _ = _fit_caption(planner, place, caption, pos)
    caption_pt = caption_height_pt(caption_frame, caption_paras, fit.height_pt(caption_frame, caption_paras)) \
        if caption_frame is not None else 0.0
    limit = table_room_pt(frame, caption_frame, caption_pt)

    def layout_at(size: float):
        widths = _column_widths(planner, [header] + rows, size, width_pt)
        return widths, _row_height_pt(planner, header, widths, size), [_row_height_pt(planner, row, widths, size)
                                                                         for row in rows]

    size, (widths, header_h, heights), chunks = choose(layout_at, largest, limit)
    for i, height in enumerate(heights):
        if header_h + height > limit:
            # Markdown rows carry no line of their own (row_pos is the table's): name the row's number
            raise ContentError(row_pos[i], f"a table row (row {i + 1}) is taller than the slide's table area even alone "
                               f"({header_h + height:.0f} pt > {limit:.0f} pt)", "shorten the row's cells")
    width_emu = [int(w * EMU_PER_PT) for w in widths]
    width_emu[-1] = frame.width_emu - sum(width_emu[:-1])
    assert chunks is not None          # None only when a row is too tall alone, raised above
    slides = []
    for index, chunk in enumerate(chunks):
        row_heights = [header_h] + [heights[i] for i in chunk]
        table = TablePlan(tuple(tuple(c) for c in header), tuple(tuple(tuple(c) for c in rows[i]) for i in chunk),
                          tuple(width_emu), tuple(int(h * EMU_PER_PT) for h in row_heights), size,
                          tuple(row_pos[i] for i in chunk), size * TABLE_LINE_EM)
        own = tuple(p for i in chunk for _, p in (row_notes[i] if row_notes else ()))
        slide_notes = notes + own + (section_notes if index == 0 else ())
        moved = ((place.caption, caption_box(frame, caption_frame, sum(row_heights), caption_pt)),) \
            if caption_paras and caption_frame is not None else ()
        slides.append(_data_slide(planner, place, title, index + continued, pos, caption, slide_notes,
                                  kind="table", table=table, moved=moved))
    return slides


def _part_notes(row_notes: list[tuple[tuple[int, Para], ...]] | None, cols: list[int], first: bool
                ) -> list[tuple[tuple[int, Para], ...]] | None:
    """The row notes of the column part ``cols`` (key column first): those about its other columns, and
    on the ``first`` part those about the key column or a column not shown."""
    if row_notes is None:
        return None
    own = set(cols[1:])
    return [tuple((-1, p) for c, p in notes if c in own or first and (c < 0 or c == cols[0])) for notes in row_notes]


def model_table_slides(planner: "Planner", block: m.ModelTable, title: str,
                       section_notes: tuple[Para, ...], place: Place = TABLE_PLACE) -> list[SlidePlan]:
    """The model comparison as native table slides (:func:`slide_columns`); estimated cells carry ≈; the
    estimate notes and the cells of columns not shown go to the notes of the slide holding the row (an
    estimate's note, of a table split by columns, to the slide showing its cell)."""
    shown = slide_columns(block)
    hidden = [c for c in block.columns if c not in shown]
    words = planner.words
    header = [[Run(column_title(c, words), bold=True)] for c in shown]
    rows, positions, row_notes = [], [], []
    estimated = False
    for model in block.models:
        row, extra = [], []
        for column in shown:
            note = estimate_note(model, column)
            text = keep_units(field_text(model, column, words))
            row.append([Run((ESTIMATE_MARK if note else "") + text, bold=column == "name")])
            if note:
                estimated = True
                field = words(f"chart.field.{column}") if words.has(f"chart.field.{column}") else column
                extra.append((len(row) - 1, Para((Run(words("deck.data_note", model=model.name, field=field, text=note)),),
                                             0, "bullet")))
        for column in hidden:
            text = field_text(model, column, words)
            if text and text != MISSING:
                extra.append((-1, Para((Run(words("deck.data_note", model=model.name, field=column_title(column, words),
                                                  text=text)),), 0, "bullet", pos=SourcePos(DATA_FILE, model.line))))
        rows.append(row)
        positions.append(SourcePos(DATA_FILE, model.line))
        row_notes.append(tuple(extra))
    caption = _caption(words, "numbering.table", block.number, block.caption)
    if estimated:
        caption += words("deck.estimate")
    if not rows:
        raise ContentError(block.pos, "the model table selects no models", "check its :filter:")
    own = m.plain_text(block.caption)
    return _table_slides(planner, header, rows, positions, title, caption, (Para((Run(own),)),) if own else (),
                         block.pos, row_notes, section_notes, place, shown.index("name") if "name" in shown else 0)


def table_slides(planner: "Planner", block: m.Table, title: str, section_notes: tuple[Para, ...],
                 place: Place = TABLE_PLACE) -> list[SlidePlan]:
    """A Markdown table as native table slides (header repeated on a continuation slide)."""
    below = planner.below
    header = [runs_of(c.children, bold=True, below=below) for c in block.header]
    rows = [[[replace(r, text=keep_units(r.text)) for r in runs_of(c.children, below=below)] for c in row]
            for row in block.rows]
    caption = _caption(planner.words, "numbering.table", block.number, block.caption)
    own = m.plain_text(block.caption)
    notes = (Para((Run(own),)),) if own else ()
    return _table_slides(planner, header, rows, [block.pos] * len(rows), title, caption, notes, block.pos,
                         None, section_notes, place)


# ---------------------------------------------------------------- charts
def chart_slides(planner: "Planner", block: m.Chart, title: str, section_notes: tuple[Para, ...],
                 place: Place = CHART_PLACE) -> list[SlidePlan]:
    """The one slide of a chart (:mod:`.chartplan`); ``title`` (the section's) is replaced by what it shows.

    A chart none of whose models has the value gets no slide (an empty chart says nothing): a warning
    in ``planner.warnings``, and its caption and description go to the section's notes
    (``planner.unplaced``)."""
    caption = _caption(planner.words, "numbering.figure", block.number, block.caption)
    pairs = series(block.models, block.chart if block.chart in ("parameters", "context") else "timeline")
    if not pairs:
        planner.warnings.append(ContentError(
            block.pos, f"no model this {block.chart} chart selects has the value, so the deck shows no chart",
            "check its :filter:, or give the models the value in the data file"))
        own = m.plain_text(block.caption)     # the author's words only: the caption's text and the description
        planner.unplaced.extend(p for p in (Para((Run(own),)), Para((Run(block.alt),))) if p.plain)
        return []
    fields: dict[str, Literal["parameters_b", "context_k", "release"]] = {"parameters": "parameters_b",
                                                                          "context": "context_k"}
    field = fields.get(block.chart, "release")
    if any(model.estimated.get(field) for model, _ in pairs):
        caption += planner.words("deck.estimate")
    return chartplan.chart_slides(planner, block, section_notes, caption, data_size_pt(planner, place, "chart"),
                                  _data_slide, place)


# ---------------------------------------------------------------- figures
def figure_slides(planner: "Planner", block: m.Figure, title: str, section_notes: tuple[Para, ...],
                  place: Place = CHART_PLACE) -> list[SlidePlan]:
    """A figure as a picture scaled into the frame of ``place`` (the Chart layout's chart frame, or a
    column), aspect kept, alt text set; a raster image at print resolution for that frame (a
    :class:`~.media.SlideImage`, prepared once the plan is final: :mod:`.media`), an SVG placed as SVG
    with a PNG rendering for viewers without SVG support (:mod:`.svgpicture`).

    Raises:
        ContentError: an SVG image resvg cannot render.
    """
    image = block.image
    fallback = b""
    if image.ext == "svg":
        try:
            fallback = png_fallback(image.data, list(planner.project.font_dirs), planner.course.theme)
        except ValueError as exc:
            raise ContentError(block.pos, f"SVG image '{image.origin[:60]}' cannot be rendered for the slide ({exc})",
                               "check the SVG opens in a browser, or export it as PNG") from None
    frame = planner.fit.frame(place.layout, place.data)
    width_px, height_px = max(image.width_px, 1), max(image.height_px, 1)
    scale = min(frame.width_emu / width_px, frame.height_emu / height_px)
    if block.size:        # the size its author asked for (<img width=…>, zoom), at most the frame
        asked_pt = block.size.width_pt(width_px * PT_PER_PX, height_px * PT_PER_PX, frame.width_emu / EMU_PER_PT)
        scale = min(scale, asked_pt * EMU_PER_PT / width_px)
    width, height = int(width_px * scale), int(height_px * scale)
    left = frame.left_emu + (frame.width_emu - width) // 2
    top = frame.top_emu + (frame.height_emu - height) // 2
    words = planner.words
    name = words("numbering.figure", n=block.number) if block.number else words("numbering.picture")
    shown = SlideImage(image, width / EMU_PER_PT, height / EMU_PER_PT, planner.course.meta.image_settings())
    picture = PicturePlan(shown, block.alt, name, left, top, width, height, fallback)
    # as the handout: ``numbering.figure`` and the caption, or the alt text where the figure has no caption
    caption = _caption(words, "numbering.figure", block.number, block.caption) or \
        _caption(words, "numbering.figure", block.number, (m.Text(block.alt),))
    notes = (Para((Run(block.alt),)),) + section_notes      # the author's description of the picture
    return [_data_slide(planner, place, title, 0, block.pos, caption, notes, m.plain_text(block.caption),
                        kind="picture", picture=picture)]
