"""Deck writer: document model → slide plan → editable PPTX (python-pptx), one deck per lecture.

``<out>/<lecture>.pptx`` is built on the reference deck (``templates/deck/
reference.pptx``, ``deck.reference`` in course.yaml, or ``--reference``):
layouts and placeholders are found by role, text is measured with the
shipped fonts and fitted before it is written (see :mod:`coursepress.writers.deck`).
Dates come from ``SOURCE_DATE_EPOCH`` or the course date, and the ZIP is
written with fixed timestamps, so rebuilds are byte-identical. Nothing here
imports WeasyPrint.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import TYPE_CHECKING

from ... import model as m
from . import media
from .fit import Fitter
from .glyphs import GlyphChain, check_glyphs
from ...builddate import build_time
from ...code import code_theme
from ...textmeasure import measurer_for
from ...theme import Theme
from .plan import Planner
from .templatecheck import check_frames
from .mathshapes import formula_art, formula_omml
from .pptx_writer import Fonts, render
from .reference import check as check_layouts, load_reference, open_reference, reference_path
from ...errors import ContentError, Problems, SourcePos, excerpt
from ...imagepool import ImagePool
from ...imageprep import ImagePreparer
from ...mathrender import MathRenderer
from ...output import atomic_write
from ...patches import apply_pptx_speedups
from .. import BuildSettings, Output, Target

if TYPE_CHECKING:
    from ...project import Project

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _formula_positions(lecture: m.Lecture) -> dict[str, SourcePos]:
    """TeX → where it first stands in ``lecture`` (display and inline formulas, at any depth), so a
    formula the deck cannot draw is reported at its line."""
    found: dict[str, SourcePos] = {}
    stack: list[object] = [lecture.preamble, lecture.sections]
    while stack:
        node = stack.pop()
        if isinstance(node, m.MathBlock):
            found.setdefault(node.tex, node.pos)
        elif isinstance(node, m.Math):
            found.setdefault(node.tex, SourcePos(lecture.file, node.line, node.column))
        elif isinstance(node, (tuple, list)):
            stack.extend(reversed(node))
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack.extend(getattr(node, f.name) for f in dataclasses.fields(node))
    return found


def theme_fonts(prs, look: Theme) -> tuple[str, str]:
    """The minor (body) font of the reference theme: (a:latin, a:ea) typefaces; where it names none,
    the coursepress theme's ``deck.latin`` and ``deck.east_asian``."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    master = prs.slide_masters[0]
    theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    minor = theme.find(f".//{A}fontScheme/{A}minorFont")
    latin_el = minor.find(f"{A}latin") if minor is not None else None
    east_el = minor.find(f"{A}ea") if minor is not None else None
    latin = latin_el.get("typeface", "") if latin_el is not None else ""
    east = east_el.get("typeface", "") if east_el is not None else ""
    return latin or look.deck_latin, east or look.deck_east_asian


def preload(project: Project) -> None:
    """Load the text metrics of the shipped fonts once and speed python-pptx up (for ``build.py watch``)."""
    apply_pptx_speedups()
    measurer_for(project.root)


def _plan(project: Project, course: m.Course, settings: BuildSettings, lecture: m.Lecture, problems: Problems,
          renderer: MathRenderer | None = None):
    """Slide plan of ``lecture`` (fitted, no PPTX written), its glyphs checked into ``problems``.

    ``renderer`` measures the display formulas (a new one with the per-user cache when None).

    Returns:
        (reference deck path, plan, fonts).

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder.
        ContentError: text that cannot fit a slide even alone.
    """
    apply_pptx_speedups()
    path, prs, geometry, template_warnings = load_reference(project, course, settings.reference)
    latin, east = theme_fonts(prs, course.theme)
    east = lecture.meta.pptx_font_cjk or east
    chain = GlyphChain(project.font_faces, east, course.theme)
    theme = code_theme(project.root)
    fonts = Fonts(lecture.meta.pptx_font_latin or latin, east, chain, course.meta.fonts.mono or course.theme.mono, theme,
                  course.theme)
    renderer = renderer or MathRenderer.for_text(project.font_faces, course.theme.sans)

    positions = _formula_positions(lecture)

    def formula_em(tex: str) -> tuple[float, float]:
        drawing = renderer.svg(tex, True, positions.get(tex, SourcePos(lecture.file)))
        return drawing.width_em, drawing.height_em

    measurer = measurer_for(project.root, course.theme)
    check_frames(prs, course.meta.deck.layouts, path, geometry, measurer.line_em)
    planner = Planner(project, course, lecture, Fitter(geometry, measurer, theme, formula_em=formula_em))
    plan = planner.plan()
    problems.errors.extend(planner.fit.errors)
    for warning in planner.warnings:
        problems.warn(warning.pos, warning.message, warning.hint)
    check_glyphs(plan, chain, planner.file_pos, problems)
    for formula in plan_formulas(plan):
        if formula.inline:
            problems.warn(formula.pos, f"the formula '{excerpt(formula.tex)}' cannot be written as slide text; "
                          "on the slide it is shown as a display formula below its paragraph",
                          "write it as a display formula ($$…$$) if it deserves a line of its own")
    verbose = tuple(str(note) for note in planner.fit.notes) if settings.verbose else ()   # never errors, even --strict
    return path, replace(plan, warnings=tuple(template_warnings) + plan.warnings + verbose,
                         frames=geometry.frames), fonts


def plan_formulas(plan) -> list:
    """Every display formula placed on a slide of ``plan`` (:class:`~coursepress.writers.deck.nodes.Formula`)."""
    return [p.formula for slide in plan.slides for _name, paras in slide.texts for p in paras
            if p.formula is not None]


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
    """Build ``<out_dir>/<lecture>.pptx`` for the lecture of ``target``; the previous deck stays if anything fails.

    Characters no shipped font has are warnings in ``Output.warnings`` (errors under ``--strict``).

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder.
        ContentError: text that cannot fit a slide even alone, an image that cannot be read.
        ContentErrors: under ``--strict``, characters no shipped font has.
    """
    lecture = course.built_lecture(target.lecture)
    problems = Problems(settings.strict)
    renderer = MathRenderer.for_text(project.font_faces, course.theme.sans)
    path, plan, fonts = _plan(project, course, settings, lecture, problems, renderer)
    problems.raise_if_any()
    pictures = ImagePreparer(course.meta.image_settings(), ImagePool())    # prepared while the PPTX is written
    try:
        media.start(plan, pictures)
        data, count = render(plan, path, fonts, build_time(course.meta.date), course.meta.deck.layouts,
                             formula_art(renderer))
    finally:
        pictures.close()
    out = atomic_write(settings.out_dir / target.file_name, data)
    summary = f"{count} slides"
    if settings.verbose and pictures.summary():
        summary += ", " + pictures.summary()
    return Output(out, summary, list(plan.warnings) + [str(w) for w in problems.warnings])


def check(project: Project, course: m.Course, settings: BuildSettings, problems: Problems) -> None:
    """``build.py check``: the reference deck (:func:`check_reference`), then every lecture's slide plan
    (:func:`check_plans`).

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder.
    """
    check_reference(project, course, settings)
    check_plans(project, course, settings, problems)


def check_reference(project: Project, course: m.Course, settings: BuildSettings) -> None:
    """``build.py check``: the reference deck exists, opens, and has a layout for every slide role.

    Raises:
        BuildError: no usable layout (the message lists the layouts and placeholders found).
    """
    path = reference_path(project, course, settings.reference)
    check_layouts(open_reference(path, course.meta.limits.value()), path, course.meta.deck.layouts)


def check_plans(project: Project, course: m.Course, settings: BuildSettings, problems: Problems) -> None:
    """``build.py check``: plan and fit every lecture's deck as a build would (nothing is written).

    What a build would refuse (text or a table row that cannot fit a slide) goes to
    ``problems`` as an error, characters no shipped font has as warnings.

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder.
    """
    for lecture in course.lectures:
        try:
            _path, plan, _fonts = _plan(project, course, settings, lecture, problems)
            for formula in plan_formulas(plan):
                formula_omml(formula, lecture.file)     # what the build converts, so check reports it too
        except ContentError as error:
            problems.errors.append(error)
