"""Poster writer: model data → HTML (Jinja) → exactly one PDF page (WeasyPrint).

``<out>/poster.pdf`` is made to be read on a classroom wall (issue 17): from two
metres the title and subtitle (course.yaml's ``poster:`` section), two to four
headline findings computed from the data (:mod:`.findings`, worded by the
language catalogue ``templates/poster/catalogue.<language>.html.j2``) and two
large charts (:mod:`.chart`: parameters, release timeline); at arm's
length a condensed table of every model (name, organisation, date, size,
context and any extra column the data file declares; grouped under bands that
say closed / open weights / not stated), the estimate notes, the references.

Type (:mod:`.fit`): the body size is at least the sheet's minimum (14 pt
on A2, × 1.41 per ISO size) and grows to fill the page; chart text is drawn at
the body size; fine print (notes, references, colophon) is at least 11 pt on A2.
After layout the smallest text of the page is read from the box tree and
checked against those minimums. If the content does not fit one page at them,
:class:`~coursepress.errors.BuildError` says by how much and what to drop —
there is never a second page and nothing is clipped.

Cell rules: a value a model does not give (the key is absent) prints "—" with a
warning naming model and field (an error under ``--strict``); a value written
as ``null`` means "not published" and prints "—" silently (explained in the
notes). ``notes`` and ``highlights`` stay in the handout.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from ... import model as m
from ...errors import BuildError, Problems, SourcePos
from ...fonts import check_coverage
from ...numbers import ESTIMATE_MARK, MISSING, column_title, estimate_note, field_text, note_mark
from ...output import atomic_write
from ...schema import SHOWN_FIELDS, Model
from ...templating import autospace_html, environment
from ...units import PT_PER_MM
from .. import BuildSettings, Output, Target
from .findings import findings
from ..pdfengine import PdfEngine, build_date, font_stacks
from .chart import FONT, parameter_bars, timeline
from .fit import (Layout, Measure, Sheet, check_text_sizes, final_fit, fit, measure,
                        overflow_message, remedies, sheet_for)

if TYPE_CHECKING:
    from ...project import Project

MAX_MODELS = 80            # documented limit (C18): beyond it the build fails before any layout
COLUMNS = ("name", "organisation", "release", "parameters", "context")
# Absent key → warning; the model field each shown column reads.
SOURCE_FIELD = {"organisation": "organisation", "release": "release", "parameters": "parameters_b",
                "context": "context_k"}


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
    """Rows of one kind of model (closed, open, unknown: the catalogue names it); ``continued`` when
    the group started in the previous table column."""

    key: str
    rows: tuple[Row, ...]
    continued: bool = False


@dataclass(frozen=True)
class Plan:
    """What the poster shows, independent of the type size: columns, groups, estimate notes."""

    columns: tuple[str, ...]
    groups: tuple[Group, ...]
    notes: tuple[tuple[str, str], ...]
    models: tuple[Model, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Keys of the groups present (closed, open, unknown)."""
        return tuple(g.key for g in self.groups)


GROUPS = (("closed", False), ("open", True), ("unknown", None))


def _check_present(model: Model, column: str, problems: Problems, given_elsewhere: frozenset = frozenset()) -> None:
    """Warn when ``model`` does not give ``column`` at all (an explicit null means "not published")."""
    source = SOURCE_FIELD.get(column)
    absent = (source not in model.model_fields_set) if source else (column not in model.extra and column != "name")
    if absent and source in given_elsewhere:
        return      # already a warning of the data file (load.py: a field other models give)
    if absent:
        problems.warn(SourcePos("content/data/models.yaml", model.line),
                      f"model '{model.name}' has no '{source or column}'; the poster shows {MISSING}",
                      f"add '{source or column}:' to the model (null if it is not published)")


def given_by_others(models, model: Model) -> frozenset:
    """The fields of :data:`coursepress.schema.SHOWN_FIELDS` that a model other than ``model`` gives."""
    return frozenset(f for f in SHOWN_FIELDS if any(f in x.model_fields_set for x in models if x is not model))


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
    for key, is_open in GROUPS:
        chosen = sorted((x for x in models if x.open is is_open),
                        key=lambda x: (x.release.sort_key if x.release else (9999, 0, 0), x.name))
        rows = []
        for model in chosen:
            cells = []
            for column in columns:
                _check_present(model, column, problems, given_by_others(models, model))
                note, mark = estimate_note(model, column), ""
                if note:
                    mark = note_mark(len(notes))
                    notes.append((mark, course.words("handout.estimate_note", model=model.name, text=note)))
                cells.append(Cell(column, field_text(model, column, course.words), mark))
            rows.append(Row(model, tuple(cells)))
        if rows:
            groups.append(Group(key, tuple(rows)))
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
            columns[-1].append(Group(group.key, tuple(take), continued))
            used += len(take) + 1
            rows, continued = rows[len(take):], True
    return [c for c in columns if c]


# Shares of the content width: column a (table; in landscape also the timeline) and column b (parameter
# chart and notes); in portrait the timeline runs across the page under both.
FRACTIONS = {True: {"a": 62.0, "b": 38.0}, False: {"a": 56.0, "b": 44.0}}

# units 10^12, 10^8, 10^6, 10^4, -fold, K; ISO dates; Chinese dates (year, month, day)
_NUMBER_UNIT = re.compile(r"(≈?\d[\d.,]*) ?(\u4e07\u4ebf|\u4ebf|\u767e\u4e07|\u4e07|\u500d|K)|\d{4}-\d{2}(?:-\d{2})?|\d+ \u5e74 \d+ \u6708 \d+ \u65e5")


def nobreak(text) -> Markup:
    """``text`` escaped, with every number and its unit ("1750" and U+4EBF, "≈1.8" and U+4E07 U+4EBF, "32K",
    "100" and U+500D "-fold") and every date ("2023-03-14", "2023 U+5E74 11 U+6708 30 U+65E5": year, month,
    day) kept on one line (a ``nb`` span: white-space: nowrap)."""
    return Markup(_NUMBER_UNIT.sub(lambda match: f'<span class="nb">{match.group(0)}</span>', str(escape(text))))


def chart_widths(sheet: Sheet, layout: Layout) -> dict[str, float]:
    """Width in SVG units of each chart, such that :data:`~.chart.FONT` units print at the body size.

    The charts are 100 % wide in their column: column b for the parameters, column a
    (landscape) or the whole content width (portrait) for the timeline.
    """
    fractions = FRACTIONS[sheet.landscape]
    content_pt = sheet.content_width_mm * PT_PER_MM
    shared_pt = content_pt - sheet.type.column_gap_rem * layout.table_pt
    a_pt = shared_pt * fractions["a"] / (fractions["a"] + fractions["b"])
    b_pt = shared_pt - a_pt
    units = lambda width_pt: FONT * width_pt / layout.table_pt     # noqa: E731
    return {"parameters": units(b_pt), "timeline": units(a_pt if sheet.landscape else content_pt)}


def render_html(project: Project, course: m.Course, sheet: Sheet, layout: Layout, content: Plan, problems: Problems,
                measure: bool = False) -> str:
    """The poster HTML; ``measure`` lays it out on a very tall page to find its natural height."""
    faces = project.font_faces
    stacks = font_stacks(course, faces, problems)
    env = environment(project.root, course.words)
    widths = chart_widths(sheet, layout)
    bars = parameter_bars(content.models, widths["parameters"], layout.chart_room_rem * FONT, words=course.words)
    charts = {"parameters": bars, "timeline": timeline(content.models, widths["timeline"])}
    found = findings(content.models, course.words)
    page_height = sheet.height_mm * 8 if measure else sheet.height_mm
    css = env.get_template("poster/poster.css.j2").render(
        sheet=sheet, layout=layout, page_height_mm=page_height, fractions=FRACTIONS[sheet.landscape],
        column_gap_rem=sheet.type.column_gap_rem, fine_pt=sheet.fine_pt(layout.table_pt), findings=found, **stacks)
    catalogue = env.select_template([f"poster/catalogue.{course.words.language}.html.j2",
                                     "poster/catalogue.zh-CN.html.j2"])
    return autospace_html(env.get_template("poster/poster.html.j2").render(
        course=course, plan=content, tables=split_columns(content.groups, layout.table_columns),
        charts=charts, findings=found, font_size=FONT, sheet=sheet, layout=layout,
        catalogue=catalogue, css=css, build_date=build_date(course), column_title=partial(column_title, words=course.words), nb=nobreak,
        ESTIMATE_MARK=ESTIMATE_MARK, MISSING=MISSING))


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
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
                   project.font_faces, problems)
    problems.raise_if_any()
    engine = PdfEngine(project, course, "poster")

    def layout_of(layout: Layout, tall: bool):
        html = render_html(project, course, sheet, layout, content, Problems(), measure=tall)
        return html, engine.render(html)

    rows = sum(len(g.rows) for g in content.groups)
    extras = tuple(c for c in content.columns if c not in COLUMNS)     # the data file's own columns
    preferred = 2 if sheet.landscape and rows > 12 else 1
    tried: list[tuple[Layout, Measure]] = []
    fitted = None
    for columns in (preferred, 3 - preferred):
        fitted = fit(sheet, columns, lambda lay: measure(layout_of(lay, True)[1], sheet), tried,
                      lambda lay: final_fit(layout_of(lay, False), sheet))
        if fitted:
            break
    if fitted is None and all(got.height_mm <= sheet.content_height_mm and got.overrun_mm <= 0.5 for _, got in tried):
        raise BuildError(f"the poster fits {sheet.size} when measured but not after layout on the page; try "
                         + "".join(r + ", or " for r in remedies(sheet, False, extras)) + "about 2 fewer models")
    if fitted is None:
        raise BuildError(overflow_message(sheet, tried, rows, extras))
    layout, html, document = fitted
    too_small = check_text_sizes(document, sheet)
    if too_small:
        raise BuildError(too_small)
    finisher = print_finisher(sheet) if sheet.bleed_mm else None
    path = atomic_write(settings.out_dir / target.file_name, engine.pdf_bytes(document, html, finisher))
    engine.close()
    summary = f"{sheet.summary}, body text {layout.table_pt:.1f} pt" + (", 3 mm bleed and crop marks"
                                                                        if sheet.bleed_mm else "")
    render_html(project, course, sheet, layout, content, problems)   # collect font-stack warnings once
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


