"""Course book writer: every lecture in order in one PDF (``<out>/book.pdf``).

One cover for the course, one table of contents over all lectures (each lecture
an entry, its headings below it down to ``handout.toc_depth`` − 1), one PDF
outline (lectures at level 1, their parts below) and continuous page numbers.
Each lecture's text is the handout's own (``handout/lecture-body.html.j2``),
so the book and the handouts never differ in content; the handout's print
settings (``duplex``, ``cover``, ``toc``) apply. Ids are prefixed with the
lecture name so references stay inside their lecture.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import BuildSettings, Declared, Output, Target

if TYPE_CHECKING:         # the rest is imported when a book is built: this module is also the declaration
    from .. import model as m
    from ..errors import Problems
    from ..imageprep import ImagePreparer
    from ..project import Project

FILE_NAME = "book.pdf"
WRITER = Declared(
    name="book", description="every lecture in one PDF", title="the course book", module=__name__,
    file_name=FILE_NAME, order=40, cost=3, preloads="coursepress.writers.pdfengine",
    reads=("lectures", "images"), source_file="content/lectures")
_IDS = re.compile(r'(\s(?:id|for)=")')
_REFS = re.compile(r'((?:\s|:)href="#|url\(#)')
_LINES = re.compile(r'\sdata-line="(\d+)"')
LINE_BASE = 1_000_000       # data-line of lecture k in the book: k × LINE_BASE + its own line


def prefixed(html: str, name: str, index: int) -> str:
    """``html`` of one lecture with every id and fragment reference prefixed ``NAME--``, and its source lines
    offset by ``index`` × :data:`LINE_BASE` so a layout problem can be traced back to the lecture."""
    html = _IDS.sub(rf"\g<1>{name}--", html)
    html = _REFS.sub(rf"\g<1>{name}--", html)
    return _LINES.sub(lambda m: f' data-line="{index * LINE_BASE + int(m.group(1))}"', html)


def render_html(project: Project, course: m.Course, settings: BuildSettings, problems: Problems,
                pictures: ImagePreparer | None = None) -> str:
    """The book's HTML: every lecture's text in course order behind one cover and contents; ``pictures``
    prepares its images (its ``served`` go to :meth:`PdfEngine.render`)."""
    from markupsafe import Markup

    from ..imageprep import ImagePreparer

    pictures = pictures or ImagePreparer(course.meta.image_settings())
    from ..lecturelabel import lecture_label
    from ..templating import autospace_html, environment
    from .handout import lecture_strings, page_context

    env = environment(project.root, course.words)
    context = page_context(project, course, problems, pictures=pictures)
    body = env.get_template("handout/lecture-body.html.j2")
    lectures = []
    for index, lecture in enumerate(course.lectures, 1):
        html = body.render(course=course, lecture=lecture, **lecture_strings(course, lecture), **context)
        lectures.append((lecture, Markup(prefixed(html, lecture.name, index))))
    labels = {lecture.name: lecture_label(course, lecture) for lecture in course.lectures}
    return autospace_html(env.get_template("handout/book.html.j2").render(course=course, lectures=lectures,
                                                                          labels=labels, **context))


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
    """Build ``<out_dir>/book.pdf``.

    Raises:
        ContentErrors: uncovered characters under ``--strict``; content past the page edge (at its lecture's line).
        BuildError: a resource the HTML asked for was refused (see :class:`PdfEngine`).
    """
    from ..errors import Problems, SourcePos
    from ..fonts import check_coverage
    from ..imagepool import ImagePool
    from ..imageprep import ImagePreparer
    from ..output import atomic_write
    from .handout import lecture_texts
    from .pageflow import render_flowing
    from .pdfengine import PdfEngine, overflows

    problems = Problems(settings.strict)
    for lecture in course.lectures:
        check_coverage(lecture_texts(course, lecture), project.font_faces, problems)
    pictures = ImagePreparer(course.meta.image_settings(), ImagePool(), layers=True)   # prepared while the pages are laid out
    html = render_html(project, course, settings, problems, pictures)
    problems.raise_if_any()
    engine = PdfEngine(project, course, "course book")
    document = render_flowing(engine, html, pictures.served)
    for page, line, over_mm in overflows(document):
        owner = course.lectures[line // LINE_BASE - 1] if line >= LINE_BASE else None
        where = SourcePos(owner.file, line % LINE_BASE) if owner \
            else SourcePos("content/course.yaml")
        problems.error(where, f"content runs {over_mm:.0f} mm past the page edge on page {page} of the course book "
                       "and would be cut off", "split the table or shorten the long words or values in it")
    problems.raise_if_any()
    path = atomic_write(settings.out_dir / target.file_name, engine.pdf_bytes(document, html))
    engine.close()
    pictures.close()
    count = len(course.lectures)
    return Output(path, f"{len(document.pages)} pages, {count} lecture{'' if count == 1 else 's'}",
                  [str(w) for w in problems.warnings])
