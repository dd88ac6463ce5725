"""Poster writer: model data → HTML (Jinja) → exactly one PDF page (WeasyPrint).

``<out>/poster.pdf`` compares every model of ``content/data/models.yaml`` in one
table (grouped closed / open weights / unstated; the standard columns plus any
extra text column the data file uses, such as ``license``), three charts from
:mod:`coursepress.charts` (parameters on a log axis, context length, release
timeline), the estimate notes, the course references and the course name.

Fitting (issue 4): the page is ISO A0–A4. Type is sized relative to A3 by the
linear scale of the sheet (A2 = √2 × A3 …) and table text stays within
``[MIN_TABLE_PT, MAX_TABLE_PT] × scale`` (never below :data:`FLOOR_PT`). The
poster is laid out on a very tall page to measure its natural height; the
largest type size whose content fits the page is chosen, the spare height is
spread between the sections, and the final page is checked again. If even the
smallest type does not fit, :class:`~coursepress.errors.BuildError` says by how
much and what to do — there is never a second page and nothing is clipped.

Cell rules: a value a model does not give (the key is absent) prints "—" with a
warning naming model and field (an error under ``--strict``); a value written
as ``null`` means "not published" and prints "—" silently (explained in the
legend). ``notes`` never appear on the poster (they are handout text); more
than :data:`MAX_HIGHLIGHTS` highlights are cut visibly with "…" and a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from .. import model as m
from ..charts import make_chart
from ..errors import BuildError, Problems, SourcePos
from ..fonts import check_coverage, shipped_faces
from ..numbers import ESTIMATE_MARK, MISSING, column_title, estimate_note, field_text
from ..output import atomic_write
from ..schema import Model
from ..templating import autospace_html, environment
from . import BuildSettings, Output
from .pdfengine import PdfEngine, build_date, font_stacks, preload  # noqa: F401 (preload: writer API)

ISO_A_MM = {"A0": (841.0, 1189.0), "A1": (594.0, 841.0), "A2": (420.0, 594.0), "A3": (297.0, 420.0),
            "A4": (210.0, 297.0)}
MAX_MODELS = 80            # documented limit (C18): beyond it the build fails before any layout
MAX_HIGHLIGHTS = 3
MIN_TABLE_PT, MAX_TABLE_PT, FLOOR_PT = 9.0, 13.0, 8.0   # table text at A3; FLOOR_PT for any size
MARGIN_MM_A3 = 12.0
BLEED_MM = 3.0
MARK_ROOM_MM = 7.0         # --print: room outside the bleed for the crop marks (see print_finisher)
COLUMNS = ("name", "organisation", "open", "release", "parameters", "context", "highlights")
# Absent key → warning; the model field each shown column reads.
SOURCE_FIELD = {"organisation": "organisation", "open": "open", "release": "release",
                "parameters": "parameters_b", "context": "context_k", "highlights": "highlights"}
PX_PER_MM = 96 / 25.4
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Sheet:
    """The paper: ISO ``size``, orientation, trimmed size and margins in mm, type ``scale`` relative to A3."""

    size: str
    landscape: bool
    width_mm: float
    height_mm: float
    margin_mm: float
    scale: float
    bleed_mm: float

    @property
    def css_bleed_mm(self) -> float:
        """The CSS ``bleed`` of the page: the 3 mm bleed plus room for the crop marks (0 unless ``--print``)."""
        return self.bleed_mm + MARK_ROOM_MM if self.bleed_mm else 0.0

    @property
    def content_height_mm(self) -> float:
        return self.height_mm - 2 * self.margin_mm

    @property
    def content_width_mm(self) -> float:
        return self.width_mm - 2 * self.margin_mm

    @property
    def min_pt(self) -> float:
        return max(MIN_TABLE_PT * self.scale, FLOOR_PT)

    @property
    def max_pt(self) -> float:
        return max(MAX_TABLE_PT * self.scale, FLOOR_PT * MAX_TABLE_PT / MIN_TABLE_PT)

    @property
    def summary(self) -> str:
        return (f"{self.size} {'landscape' if self.landscape else 'portrait'} "
                f"({self.width_mm:g} × {self.height_mm:g} mm), 1 page")


def sheet_for(course: m.Course, settings: BuildSettings) -> Sheet:
    """The sheet from ``--size``/``--landscape``/``--print``, falling back to ``course.meta.poster``.

    Raises:
        BuildError: an unknown size (the CLI refuses it earlier; this guards other callers).
    """
    size = settings.poster_size or course.meta.poster.size
    if size not in ISO_A_MM:
        raise BuildError(f"unknown poster size '{size}'; use one of {', '.join(ISO_A_MM)}")
    landscape = course.meta.poster.landscape if settings.poster_landscape is None else settings.poster_landscape
    short, long = ISO_A_MM[size]
    scale = math.sqrt(short / ISO_A_MM["A3"][0] * long / ISO_A_MM["A3"][1])
    width, height = (long, short) if landscape else (short, long)
    return Sheet(size, landscape, width, height, round(MARGIN_MM_A3 * scale, 1), scale,
                 BLEED_MM if settings.print_ready else 0.0)


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text`` as printed, estimate ``mark`` (footnote key or "")."""

    column: str
    text: str
    mark: str = ""


@dataclass(frozen=True)
class Row:
    model: Model
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Group:
    """Rows of one kind of model; ``continued`` when the group started in the previous table column."""

    key: str
    title: str
    rows: tuple[Row, ...]
    continued: bool = False


@dataclass(frozen=True)
class Plan:
    """What the poster shows, independent of the type size: columns, groups, estimate notes."""

    columns: tuple[str, ...]
    groups: tuple[Group, ...]
    notes: tuple[tuple[str, str], ...]
    models: tuple[Model, ...]


GROUPS = (("closed", "闭源模型", False), ("open", "开放权重模型", True), ("unknown", "未注明是否开放", None))


def _cell_text(model: Model, column: str, problems: Problems) -> str:
    if column == "open":
        return MISSING if model.open is None else ("✅" if model.open else "❌")
    if column == "highlights" and len(model.highlights) > MAX_HIGHLIGHTS:
        problems.warn(SourcePos("content/data/models.yaml", model.line),
                      f"model '{model.name}' has {len(model.highlights)} highlights; the poster shows the first "
                      f"{MAX_HIGHLIGHTS} and '…'", "keep at most three short highlights for the poster")
        return "、".join(model.highlights[:MAX_HIGHLIGHTS]) + "…"
    return field_text(model, column)


def _check_present(model: Model, column: str, problems: Problems) -> None:
    """Warn when ``model`` does not give ``column`` at all (an explicit null means "not published")."""
    source = SOURCE_FIELD.get(column)
    absent = (source not in model.model_fields_set) if source else (column not in model.extra and column != "name")
    if source == "highlights" and not model.highlights:
        absent = True
    if absent:
        problems.warn(SourcePos("content/data/models.yaml", model.line),
                      f"model '{model.name}' has no '{source or column}'; the poster shows {MISSING}",
                      f"add '{source or column}:' to the model (null if it is not published)")


def plan(course: m.Course, problems: Problems) -> Plan:
    """Group the models and compute every cell text and estimate mark.

    Raises:
        BuildError: more than :data:`MAX_MODELS` models.
    """
    models = course.data.models
    if len(models) > MAX_MODELS:
        raise BuildError(f"the poster holds at most {MAX_MODELS} models, but the data has {len(models)}; "
                         "show fewer models on the poster (keep the full list in the handout tables)")
    # Extra text columns (licence, country …): declared in ``columns`` or used by a model; never schema fields.
    extras = [c for c in course.data.columns if c not in Model.model_fields] + [k for x in models for k in x.extra]
    columns = COLUMNS + tuple(dict.fromkeys(extras))
    notes: list[tuple[str, str]] = []
    groups = []
    for key, title, is_open in GROUPS:
        chosen = sorted((x for x in models if x.open is is_open),
                        key=lambda x: (x.release.sort_key if x.release else (9999, 0, 0), x.name))
        rows = []
        for model in chosen:
            cells = []
            for column in columns:
                _check_present(model, column, problems)
                note, mark = estimate_note(model, column), ""
                if note:
                    mark = chr(ord("a") + len(notes)) if len(notes) < 26 else str(len(notes) + 1)
                    notes.append((mark, f"{model.name}：{note}"))
                cells.append(Cell(column, _cell_text(model, column, problems), mark))
            rows.append(Row(model, tuple(cells)))
        if rows:
            groups.append(Group(key, title, tuple(rows)))
    return Plan(columns, tuple(groups), tuple(notes), models)


def split_columns(groups: tuple[Group, ...], count: int) -> list[list[Group]]:
    """Deal the groups into ``count`` table columns of about equal row count (+1 per group heading).

    A group cut between two columns continues in the next one with ``continued`` set.
    """
    total = sum(len(g.rows) + 1 for g in groups)
    target = math.ceil(total / count)
    columns: list[list[Group]] = [[]]
    used = 0
    for group in groups:
        rows, continued = list(group.rows), False
        while rows:
            room = target - used - 1
            # Start a new column rather than leave a heading with one orphan row.
            if (room < 2 and used and len(columns) < count) or (room < 1 and len(columns) < count):
                columns.append([])
                used, room = 0, target - 1
            take = rows if len(columns) == count else rows[:max(room, 1)]
            if len(rows) - len(take) == 1 and len(columns) < count:
                take = rows[:len(take) - 1] or take
            columns[-1].append(Group(group.key, group.title, tuple(take), continued))
            used += len(take) + 1
            rows, continued = rows[len(take):], True
    return [c for c in columns if c]


@dataclass(frozen=True)
class Layout:
    """Type and spacing of one attempt: table text size in pt, table columns, extra gap per section in mm."""

    table_pt: float
    table_columns: int
    gap_mm: float = 0.0


def chart_width_units(sheet: Sheet, layout: Layout, fraction: float) -> float:
    """SVG user units across a chart ``fraction`` of the content width.

    Chosen so the chart's 11-unit labels print at about 0.8 × the table text size,
    within the range the chart code is drawn for (420–900 units).
    """
    width_mm = sheet.content_width_mm * fraction
    label_mm = 0.8 * layout.table_pt / PT_PER_MM
    return max(420.0, min(900.0, 11.0 * width_mm / label_mm))


# Share of the content width per chart. Landscape: the three charts side by side; portrait: the bar
# charts side by side and the timeline across the page under them (side by side they do not fit).
CHART_FRACTIONS = {True: {"parameters": 0.30, "context": 0.28, "timeline": 0.42},
                   False: {"parameters": 0.5, "context": 0.5, "timeline": 1.0}}


def render_html(course: m.Course, sheet: Sheet, layout: Layout, content: Plan, problems: Problems,
                measure: bool = False) -> str:
    """The poster HTML; ``measure`` lays it out on a very tall page to find its natural height."""
    faces = shipped_faces(course.root)
    stacks = font_stacks(course, faces, problems)
    env = environment(course.root)
    fractions = CHART_FRACTIONS[sheet.landscape]
    charts = [(kind, make_chart(content.models, kind, chart_width_units(sheet, layout, frac), row_height=14.5))
              for kind, frac in fractions.items()]
    page_height = sheet.height_mm * 8 if measure else sheet.height_mm
    css = env.get_template("poster/poster.css.j2").render(
        sheet=sheet, layout=layout, page_height_mm=page_height, fractions=fractions, **stacks)
    return autospace_html(env.get_template("poster/poster.html.j2").render(
        course=course, plan=content, tables=split_columns(content.groups, layout.table_columns),
        charts=charts, css=css, build_date=build_date(course), column_title=column_title,
        ESTIMATE_MARK=ESTIMATE_MARK))


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


@dataclass(frozen=True)
class Measure:
    """Natural height of the poster content and its widest overrun, in mm."""

    height_mm: float
    overrun_mm: float
    row_mm: float


def measure(document, sheet: Sheet) -> Measure:
    """Read the laid-out box tree: bottom of ``.poster``, text past the right margin, mean row height."""
    page = document.pages[0]._page_box
    top = page.content_box_y()
    right = page.content_box_x() + page.width
    bottom, overrun, rows = 0.0, 0.0, []
    for box in _boxes(page):
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        if "poster" in classes and box.element_tag == "main":
            bottom = max(bottom, box.position_y + box.margin_height())
        if box.element_tag == "tr" and "model" in classes:
            rows.append(box.margin_height())
        if type(box).__name__ == "TextBox":
            overrun = max(overrun, box.position_x + box.width - right)
    row = (sum(rows) / len(rows)) if rows else 0.0
    return Measure((bottom - top) / PX_PER_MM, overrun / PX_PER_MM, row / PX_PER_MM)


def write(course: m.Course, settings: BuildSettings) -> Output:
    """Build ``<out_dir>/poster.pdf``: one page, sized by ``settings`` or ``course.meta.poster``.

    Raises:
        ContentErrors: missing values or uncovered characters under ``--strict``.
        BuildError: no models or too many, content that cannot fit the sheet (with the
            overflow in mm and what to do), or a resource outside the project.
    """
    if not course.data.models:
        raise BuildError("content/data/models.yaml lists no models, so there is nothing to compare; "
                         "add models to the data file or build only the handout and deck (pdf, pptx)")
    problems = Problems(settings.strict)
    sheet = sheet_for(course, settings)
    content = plan(course, problems)
    texts = [(c.text, SourcePos("content/data/models.yaml", r.model.line))
             for g in content.groups for r in g.rows for c in r.cells]
    check_coverage(texts + [(t, SourcePos("content/data/models.yaml")) for _, t in content.notes],
                   shipped_faces(course.root), problems)
    problems.raise_if_any()
    engine = PdfEngine(course, "poster")

    def layout_of(layout: Layout, tall: bool):
        html = render_html(course, sheet, layout, content, Problems(), measure=tall)
        return html, engine.render(html)

    rows = sum(len(g.rows) for g in content.groups)
    preferred = 2 if sheet.landscape and rows > 12 else 1
    tried: list[tuple[Layout, Measure]] = []
    fitted = None
    for columns in (preferred, 3 - preferred):
        fitted = _fit(sheet, columns, lambda lay: measure(layout_of(lay, True)[1], sheet), tried,
                      lambda lay: _final(layout_of(lay, False), sheet))
        if fitted:
            break
    if fitted is None and all(got.height_mm <= sheet.content_height_mm and got.overrun_mm <= 0.5 for _, got in tried):
        raise BuildError(f"the poster fits {sheet.size} when measured but not after layout on the page; try "
                         + "".join(r + ", or " for r in _remedies(sheet, False, content.columns)) + "fewer models")
    if fitted is None:
        raise BuildError(_overflow_message(sheet, tried, rows, content.columns))
    layout, html, document = fitted
    finisher = print_finisher(sheet) if sheet.bleed_mm else None
    path = atomic_write(settings.out_dir / "poster.pdf", engine.pdf_bytes(document, html, finisher))
    engine.close()
    summary = f"{sheet.summary}, table text {layout.table_pt:.1f} pt" + (", 3 mm bleed and crop marks"
                                                                        if sheet.bleed_mm else "")
    render_html(course, sheet, layout, content, problems)   # collect font-stack warnings once
    return Output(path, summary, [str(w) for w in problems.warnings])


def print_finisher(sheet: Sheet):
    """A WeasyPrint ``finisher`` that sets each page's BleedBox to the TrimBox plus ``sheet.bleed_mm``.

    WeasyPrint 70 (``pdf/__init__.py``) makes the MediaBox the CSS bleed area, the
    TrimBox the page box and the BleedBox the TrimBox plus min(10 pt, CSS bleed),
    and draws ``marks: crop`` in the CSS bleed area, from the media edge halfway
    to the trim line (``draw/__init__.py``). With ``bleed: 3mm`` the marks thus
    lie inside the 3 mm bleed that the printer keeps. So the poster asks for a
    CSS bleed of 3 mm + :data:`MARK_ROOM_MM` (the marks then run from 10 to 5 mm
    outside the trim, as in print-ready PDFs: MediaBox = trim + bleed + marks),
    and this finisher puts the BleedBox back at 3 mm.
    """
    bleed_pt = sheet.bleed_mm * PT_PER_MM

    def finish(document, pdf) -> None:
        for number in pdf.pages["Kids"][::3]:
            page = pdf.objects[number]
            left, top, right, bottom = page["TrimBox"]
            page["BleedBox"] = type(page["TrimBox"])([left - bleed_pt, top - bleed_pt,
                                                     right + bleed_pt, bottom + bleed_pt])
    return finish


def _final(laid_out, sheet: Sheet):
    """``(html, document, measure)`` of a layout on the real page, or None when it does not fit one page."""
    html, document = laid_out
    got = measure(document, sheet)
    if len(document.pages) != 1 or got.height_mm > sheet.content_height_mm + 0.5 or got.overrun_mm > 0.5:
        return None
    return html, document, got


FIT_EXPONENT = 1.5     # content height ∝ size^k; fixed-width cells wrap more as type grows (measured k ≈ 1.5)
FILL_SLACK = 0.015     # spare height (share of the page) left unfilled before the gaps are widened once more


def _fit(sheet: Sheet, columns: int, natural, tried: list, final) -> Optional[tuple[Layout, str, object]]:
    """Lay out the poster at the largest table size in ``[sheet.min_pt, sheet.max_pt]`` that fits ``sheet``.

    ``natural(layout) -> Measure`` lays out on a very tall page (the natural
    height); ``final(layout) -> (html, document, Measure) | None`` lays out on
    the real page. One natural layout at the smallest size tells whether
    anything fits; the size is then predicted from height ∝ size^k
    (:data:`FIT_EXPONENT`) and laid out on the real page with the predicted
    spare height as gaps between the sections, stepping down by 3 % while it
    does not fit. Typically two layouts in all (there were four or five when
    every attempt was measured on a tall page first).

    Returns:
        ``(layout, html, document)``, or None when even the smallest size
        overflows (``tried`` then holds what was measured, for the message).
    """
    avail = sheet.content_height_mm
    lo = Layout(round(sheet.min_pt, 2), columns)
    at_lo = natural(lo)
    tried.append((lo, at_lo))
    if at_lo.height_mm > avail or at_lo.overrun_mm > 0.5:
        return None
    size = min(sheet.max_pt, lo.table_pt * (avail / at_lo.height_mm) ** (1 / FIT_EXPONENT))
    for _ in range(6):
        at_floor = size <= lo.table_pt
        size = max(size, lo.table_pt)
        predicted = at_lo.height_mm * (size / lo.table_pt) ** FIT_EXPONENT
        layout = Layout(round(size, 2), columns, max(avail - predicted, 0.0) / 4)
        done = final(layout)
        if done:
            spare = avail - done[2].height_mm
            if spare > FILL_SLACK * avail:      # the prediction overestimated: widen the gaps once more
                wider = Layout(layout.table_pt, columns, layout.gap_mm + spare / 4)
                again = final(wider)
                if again:
                    return wider, again[0], again[1]
            return layout, done[0], done[1]
        if at_floor:
            break
        size *= 0.97
    return None


def _remedies(sheet: Sheet, too_wide: bool, plan_columns: tuple[str, ...] = ()) -> list[str]:
    """What could make the content fit: a larger size (none past A0); the orientation with more room
    in the short direction (landscape when too wide, portrait when too tall); fewer extra columns
    (those the data file adds, e.g. ``license``) when too wide."""
    bigger = [s for s in ISO_A_MM if ISO_A_MM[s][0] > ISO_A_MM[sheet.size][0]]
    out = [f"a larger size (--size {bigger[-1]} or bigger)"] if bigger else []
    if too_wide != sheet.landscape:
        out.append("--landscape" if too_wide else "--portrait")
    extras = [c for c in plan_columns if c not in COLUMNS]
    if too_wide and extras:
        out.append(f"fewer extra columns ({', '.join(extras)}) in the data file's 'columns'")
    return out


def _overflow_message(sheet: Sheet, tried: list[tuple[Layout, Measure]], rows: int,
                      plan_columns: tuple[str, ...] = ()) -> str:
    """Why the content does not fit ``sheet`` (too wide or too tall, by how much) and what would help."""
    layout, got = min(tried, key=lambda t: t[1].height_mm)
    orientation = "landscape" if sheet.landscape else "portrait"
    if got.overrun_mm > 0.5 and got.height_mm <= sheet.content_height_mm:
        remedies = _remedies(sheet, True, plan_columns) + ["shorten the longest values"]
        return (f"the poster content is {got.overrun_mm:.0f} mm wider than {sheet.size} {orientation} allows even at "
                f"{layout.table_pt:.1f} pt; try {', or '.join(remedies)}")
    over = got.height_mm - sheet.content_height_mm
    fewer = math.ceil(over / got.row_mm * layout.table_columns) if got.row_mm else 0
    remedies = _remedies(sheet, False, plan_columns) + [f"show about {fewer} fewer models" if fewer
                                                        else "show fewer models"]
    return (f"the poster overflows {sheet.size} {orientation} by {over:.0f} mm ({over / sheet.content_height_mm:.0%} "
            f"of the usable height) even with {layout.table_pt:.1f} pt table text; {rows} models do not fit one page. "
            f"Try {', or '.join(remedies)}.")
