"""Slides-with-notes handout: ``<out>/<lecture>-notes.pdf``, A4 portrait, from the deck's slide plan.

Layouts (``--layout`` or course.yaml ``notes: {layout: …}``): ``notes`` each
slide beside its speaker notes; ``3up`` three slides a page with ruled lines
for the reader's own notes; ``6up`` six slides a page. The slide pictures are
the slide drawings of :mod:`.writer` (``templates/slides/slide.html.j2``)
scaled with a CSS transform, so they stay vector text and shapes, never
screenshots or embedded pages. Each slide is a bookmark in the PDF outline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import model as m
from ...errors import Problems
from ...mathrender import MathRenderer
from ...templating import environment
from ...units import PT_PER_MM
from .. import BuildSettings, Output, Target
from ..pdfengine import build_date, preload  # noqa: F401 (preload: writer API)
from .draw import scaled
from .writer import draw_lecture, draw_pdf, slide_css

if TYPE_CHECKING:
    from ...project import Project

SUFFIX = "-notes.pdf"
LAYOUTS = ("notes", "3up", "6up")
# Width of a slide picture per layout (mm; the template's thumb_w_mm, which places it).
THUMB_WIDTH_MM = {"notes": 92.0, "3up": 96.0, "6up": 87.0}


def layout_of(course: m.Course, settings: BuildSettings) -> str:
    """The layout to build: ``--layout`` if given, else course.yaml's ``notes.layout`` (default notes)."""
    return settings.notes_layout or course.meta.notes.layout


def render_html(project: Project, course: m.Course, settings: BuildSettings, lecture: m.Lecture, problems: Problems,
                renderer: MathRenderer) -> str:
    """The notes handout HTML of ``lecture`` in the layout of :func:`layout_of`."""
    drawn = draw_lecture(project, course, settings, lecture, problems, renderer)
    plan = drawn.plan
    layout = layout_of(course, settings)
    factor = THUMB_WIDTH_MM[layout] * PT_PER_MM / drawn.look.width_pt
    return environment(project.root, course.words).get_template("slides/notes.html.j2").render(
        slides=scaled(drawn.slides, factor), thumb_width_mm=THUMB_WIDTH_MM[layout], css=slide_css(project, course, drawn), layout=layout,
        width_pt=drawn.look.width_pt, height_pt=drawn.look.height_pt, title=plan.title, author=plan.author,
        subject=plan.subject, language=plan.language or "zh-CN", build_date=build_date(course), **drawn.stacks)


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
    """Build ``<out_dir>/<lecture>-notes.pdf`` for the lecture of ``target``; the previous file stays if anything fails.

    Raises:
        BuildError: no/unreadable reference deck, a missing layout or placeholder, a refused resource.
        ContentError: text that cannot fit a slide even alone, an image that cannot be read.
        ContentErrors: under ``--strict``, characters no shipped font has.
    """
    path, pages, problems = draw_pdf(project, course, target, settings, render_html, "notes handout")
    return Output(path, f"{pages} pages ({layout_of(course, settings)})",
                  [str(w) for w in problems.warnings])
