"""Slides writer: the deck's slide plan drawn as a PDF, one page per slide (``<out>/<lecture>-slides.pdf``).

The plan is the one the PPTX writer renders (:func:`coursepress.writers.deck.writer.plan_lecture`),
so both agree in order and content; :mod:`.draw` turns it into views with the
reference deck's look (:mod:`.look`), ``templates/slides/`` into HTML, and
WeasyPrint (:class:`~coursepress.writers.pdfengine.PdfEngine`, shipped fonts
only) into a PDF of the reference deck's slide size. The PDF has an outline
(title, sections at level 1, their slides at level 2), live links, page labels
equal to the slide numbers (``/PageLabels``, ISO 32000-1 §12.4.2) and is tagged
(PDF/UA-1) with title, author and language. Dates come from the course date
(or ``SOURCE_DATE_EPOCH``), so rebuilds are byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from ... import model as m
from ...code import code_theme
from ...errors import Problems, SourcePos
from ...mathrender import MathRenderer
from ...output import atomic_write
from ...templating import environment
from .. import BuildSettings, Output, Target
from ..deck.layouts import resolve
from ...textmeasure import measurer_for
from ..deck.nodes import ChartPlan, DeckPlan
from ..deck.reference import open_reference, reference_path
from ..deck.writer import _plan as plan_lecture
from ..pdfengine import PdfEngine, build_date, font_stacks, preload  # noqa: F401 (preload: writer API)
from .chart import chart_svg, draw_chart
from .draw import SlideDrawer, SlideView, data_uri
from .look import DeckLook, deck_look

if TYPE_CHECKING:
    from ...project import Project

SUFFIX = "-slides.pdf"


@dataclass(frozen=True)
class Drawn:
    """A lecture's slides ready for a template: the plan, its views, the deck's look and the CSS stacks."""

    plan: DeckPlan
    slides: tuple[SlideView, ...]
    look: DeckLook
    stacks: dict[str, str]


def draw_lecture(project: Project, course: m.Course, settings: BuildSettings, lecture: m.Lecture, problems: Problems,
                 renderer: MathRenderer) -> Drawn:
    """Plan ``lecture``'s deck as the PPTX writer does and turn every slide into a :class:`SlideView`.

    Characters no shipped font has go to ``problems`` as warnings (errors under ``--strict``).

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder.
        ContentError: text that cannot fit a slide even alone.
    """
    path, plan, _fonts = plan_lecture(project, course, settings, lecture, problems, renderer)
    prs = open_reference(reference_path(project, course, settings.reference), course.meta.limits.value())
    choices, _ = resolve(prs, course.meta.deck.layouts, path)
    look = deck_look(prs, choices)
    stacks = font_stacks(course, project.font_faces, problems)
    env = environment(project.root, course.words)
    measurer = measurer_for(project.root, course.theme)
    source = SourcePos(lecture.file)

    def formula_uri(tex: str) -> str:
        return renderer.svg(tex, True, source).data_uri()

    def chart_uri(chart: ChartPlan, width_pt: float, height_pt: float) -> str:
        drawing = draw_chart(chart, width_pt, height_pt, look, measurer.narrow.width_pt, course.words)
        svg = chart_svg(drawing, env, stacks["sans"], chart.kind == "timeline")
        return data_uri(svg.encode("utf-8"), "image/svg+xml")

    drawer = SlideDrawer(look, code_theme(project.root), measurer.line_em, formula_uri, chart_uri)
    return Drawn(plan, drawer.deck(plan), look, stacks)


def slide_css(project: Project, course: m.Course, drawn: Drawn) -> str:
    """The stylesheet of the slide drawings (``templates/slides/slides.css.j2``)."""
    return environment(project.root, course.words).get_template("slides/slides.css.j2").render(**drawn.stacks)


def page_labels(_document, pdf) -> None:
    """WeasyPrint finisher: ``/PageLabels`` numbering the pages 1, 2, 3 … (decimal from 1), so a viewer's
    page box shows slide numbers (ISO 32000-1 §12.4.2)."""
    import pydyf

    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([0, pydyf.Dictionary({"S": "/D", "St": 1})])})


def render_html(project: Project, course: m.Course, settings: BuildSettings, lecture: m.Lecture, problems: Problems,
                renderer: MathRenderer) -> str:
    """The slides HTML of ``lecture`` (one ``section.page`` per slide)."""
    drawn = draw_lecture(project, course, settings, lecture, problems, renderer)
    plan = drawn.plan
    return environment(project.root, course.words).get_template("slides/slides.html.j2").render(
        slides=drawn.slides, css=slide_css(project, course, drawn), width_pt=drawn.look.width_pt,
        height_pt=drawn.look.height_pt, title=plan.title, author=plan.author, subject=plan.subject,
        language=plan.language or "zh-CN", build_date=build_date(course))


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
    """Build ``<out_dir>/<lecture>-slides.pdf`` for the lecture of ``target``; the previous file stays if anything fails.

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder, a refused resource.
        ContentError: text that cannot fit a slide even alone, an image that cannot be read.
        ContentErrors: under ``--strict``, characters no shipped font has.
    """
    path, pages, problems = draw_pdf(project, course, target, settings, render_html, "slides", page_labels)
    return Output(path, f"{pages} slides", [str(w) for w in problems.warnings])


def draw_pdf(project: Project, course: m.Course, target: Target, settings: BuildSettings, render: Callable,
             what: str, finisher: Optional[Callable] = None) -> tuple[Path, int, Problems]:
    """Render the lecture of ``target`` with ``render(project, course, settings, lecture, problems, renderer)``
    (the slides' or the notes handout's HTML) and write it as ``<out_dir>/<target.file_name>``.

    Returns (path, number of pages, the run's problems: warnings only). ``what`` names the output in
    resource errors; ``finisher`` edits the PDF before it is written (page labels).

    Raises:
        ContentErrors: the render's errors (and warnings under ``--strict``).
        BuildError: a refused resource (see :class:`PdfEngine`).
    """
    lecture = course.built_lecture(target.lecture)
    problems = Problems(settings.strict)
    renderer = MathRenderer.for_text(project.font_faces, course.theme.sans)
    html = render(project, course, settings, lecture, problems, renderer)
    problems.raise_if_any()
    engine = PdfEngine(project, course, what)
    document = engine.render(html)
    path = atomic_write(settings.out_dir / target.file_name, engine.pdf_bytes(document, html, finisher=finisher))
    engine.close()
    return path, len(document.pages), problems
