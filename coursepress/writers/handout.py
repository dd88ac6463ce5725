"""Handout writer: document model → HTML (Jinja) → PDF (WeasyPrint).

One PDF per lecture, ``<out>/<lecture>.pdf``: cover, table of contents with
page numbers, numbered headings in the PDF outline, running header and footer,
footnotes at the page foot, numbered figures and tables, references. Tagged
PDF (PDF/UA-1) with title, author, subject, keywords and language; dates come
from the course date (or ``SOURCE_DATE_EPOCH``) so rebuilds are byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from .. import model as m
from ..charts import make_chart
from ..code import code_lines, code_theme, page_segments
from ..errors import ContentError, Problems, SourcePos
from ..fonts import check_coverage
from ..imagepool import ImagePool
from ..imageprep import ImagePreparer
from ..lecturelabel import lecture_label
from ..mathrender import Drawing, MathRenderer
from ..messages import Messages
from ..numbers import estimate_note, note_mark
from ..output import atomic_write
from ..templating import autospace_html, environment
from . import BuildSettings, Output, Target
from .pagebox import figure_width, handout_page
from .pageflow import render_flowing
from .pdfengine import PdfEngine, build_date, font_stacks, overflows

if TYPE_CHECKING:
    from ..project import Project


class HandoutMath:
    """What the templates call to draw formulas: ``inline(node, lecture)`` and ``display(block)`` give a
    :class:`~coursepress.mathrender.Drawing`; errors name the formula's file, line and column."""

    def __init__(self, renderer: MathRenderer) -> None:
        self.renderer = renderer

    def inline(self, node: m.Math, lecture: m.Lecture) -> Drawing:
        return self.renderer.svg(node.tex, False, SourcePos(lecture.file, node.line, node.column))

    def display(self, block: m.MathBlock) -> Drawing:
        return self.renderer.svg(block.tex, True, block.pos)


@dataclass(frozen=True)
class TableNotes:
    """Estimate notes of one model table: ``marks`` maps (model, column) → key a, b, …"""

    marks: dict[tuple[str, str], str]
    items: list[tuple[str, str]]


def width_class(columns: int) -> str:
    """CSS class for a table of ``columns`` columns: normal (≤ 7), wide (8–14: smaller type,
    cells wrap anywhere) or very wide (≥ 15: also a landscape page and fixed columns)."""
    return "cols-normal" if columns <= 7 else "cols-wide" if columns <= 14 else "cols-very-wide"


def table_notes(models: tuple, columns: tuple[str, ...], words: Messages) -> TableNotes:
    """Collect the estimate notes of a model table, one key per distinct note."""
    marks: dict[tuple[str, str], str] = {}
    items: list[tuple[str, str]] = []
    for model in models:
        for column in columns:
            note = estimate_note(model, column)
            if note:
                text = words("handout.estimate_note", model=model.name, text=note)
                key = note_mark(len(items))
                items.append((key, text))
                marks[(model.name, column)] = key
    return TableNotes(marks, items)


def lecture_texts(course: m.Course, lecture: m.Lecture) -> list[tuple[str, SourcePos]]:
    """Every text the handout prints, with the position it comes from (for coverage checks)."""
    file = SourcePos(lecture.file)
    texts: list[tuple[str, SourcePos]] = [(lecture.title, file), (lecture.meta.header or "", file),
                                          (lecture.meta.footer or "", file), (course.meta.title, file)]

    def walk(blocks, pos: SourcePos):
        for b in blocks:
            here = getattr(b, "pos", pos)
            for attr in ("children", "caption"):
                if hasattr(b, attr):
                    texts.append((m.plain_text(getattr(b, attr)), here))
            if isinstance(b, m.CodeBlock):
                texts.append((b.text, here))
            if isinstance(b, m.Table):
                for cell in b.header + tuple(c for row in b.rows for c in row):
                    texts.append((m.plain_text(cell.children), here))
            if isinstance(b, m.ModelTable):
                for model in b.models:
                    data_pos = SourcePos("content/data/models.yaml", model.line)
                    texts.extend((str(v), data_pos) for v in (model.name, model.organisation, model.notes or "",
                                                              *model.highlights, *model.modalities, *model.extra.values(),
                                                              *model.estimated.values()))
            for attr in ("blocks",):
                if hasattr(b, attr):
                    walk(getattr(b, attr), here)
            if isinstance(b, m.ListBlock):
                for item in b.items:
                    walk(item.blocks, here)

    walk(lecture.preamble, file)
    for top in lecture.sections:
        for s in top.walk():
            walk((s.heading,) + s.blocks, s.heading.pos)
    for note in lecture.footnotes:
        walk(note.blocks, file)
    return texts


def page_context(project: Project, course: m.Course, problems: Problems, renderer: MathRenderer | None = None,
                 pictures: ImagePreparer | None = None) -> dict:
    """What every handout-like page template receives (the handout and the course book): the CSS, the
    ``handout`` settings, the build date and the helpers the block macros call (``math`` draws the
    formulas with ``renderer``, a new one with the per-user cache when None; ``print_image(image,
    width_pt)`` gives a figure's image at print resolution through ``pictures``, a new
    :class:`~coursepress.imageprep.ImagePreparer` when None; ``image_src`` its ``src``: a
    ``coursepress-image:`` URL served from ``pictures.served`` (hand them to :meth:`PdfEngine.render`);
    ``web`` is False: the blocks are laid out for paper, see blocks.html.j2)."""
    stacks = font_stacks(course, project.font_faces, problems)
    env = environment(project.root, course.words)
    hs = course.meta.handout
    theme = code_theme(project.root)
    prepared = pictures or ImagePreparer(course.meta.image_settings())
    page = handout_page(course.theme.handout, hs.page_size, hs.orientation, hs.duplex)
    css = env.get_template("handout/handout.css.j2").render(
        page_size=hs.page_size, orientation=hs.orientation, handout=hs, code_theme=theme, page=page, **stacks)
    return dict(css=css, build_date=build_date(course), handout=hs, table_notes=partial(table_notes, words=course.words),
                make_chart=partial(make_chart, words=course.words),
                width_class=width_class, code_lines=code_lines, page_segments=page_segments, code_theme=theme,
                math=HandoutMath(renderer or MathRenderer.for_text(project.font_faces, course.theme.serif)), web=False, image_src=prepared.src,
                print_image=prepared.prepare, figure_width=partial(figure_width, page))


def lecture_strings(course: m.Course, lecture: m.Lecture) -> dict:
    """Running header and footer text of ``lecture``, and its label (``numbering.lecture``, or "":
    :mod:`coursepress.lecturelabel`)."""
    return dict(header_text=lecture.meta.header or lecture.title, footer_text=lecture.meta.footer or course.meta.title,
                lecture_label=lecture_label(course, lecture))


def render_html(project: Project, course: m.Course, lecture: m.Lecture, settings: BuildSettings, problems: Problems,
                renderer: MathRenderer | None = None, pictures: ImagePreparer | None = None) -> str:
    """Render the handout HTML of ``lecture`` (also used by tests to inspect escaping); ``renderer`` draws
    its formulas, ``pictures`` prepares its images (see :func:`page_context`)."""
    html = environment(project.root, course.words).get_template("handout/handout.html.j2").render(
        course=course, lecture=lecture, **lecture_strings(course, lecture),
        **page_context(project, course, problems, renderer, pictures))
    return autospace_html(html)


def check(project: Project, course: m.Course, settings: BuildSettings, problems: Problems) -> None:
    """``build.py check``: characters of every lecture that no shipped font has (warnings; errors under
    ``--strict``)."""
    for lecture in course.lectures:
        check_coverage(lecture_texts(course, lecture), project.font_faces, problems)


def lay_out(engine: PdfEngine, html: str, images, layouts: dict | None, key: str):
    """Lay out ``html`` (see :func:`.pageflow.render_flowing`); in ``watch`` (``layouts``: the kept
    layouts by target key) only the pages an edit changed, over the layout kept under ``key``
    (:mod:`.relayout`), keeping the new one, and with it each page's drawing for the next round
    (:mod:`.pagedraws`); in full when a font file or the ``images:`` setting changed since the kept layout.
    Returns ``(weasyprint.Document, what was done: for -v, "" outside watch)``."""
    if layouts is None:
        return render_flowing(engine, html, images), ""
    from .pagedraws import settings_key
    from .relayout import Refused, keep, render_again

    kept = layouts.pop(key, None)
    why = "no layout kept from an earlier round"
    settings = settings_key(engine)
    if kept is not None and kept.drawn is not None and kept.drawn.key != settings:
        kept, why = None, "a font file or the images setting changed"
    if kept is not None:
        try:
            document, layouts[key], made = render_again(engine, html, images, kept)
            _draw_kept(document, layouts[key], settings)
            return document, f"{made} page(s) laid out again"
        except Refused as exc:
            why = str(exc)
        except Exception as exc:         # noqa: BLE001 — a surprise in the kept layout: lay out in full
            why = f"{type(exc).__name__}: {exc}"
    import gc

    gc.unfreeze()       # the layout kept so far may go now (see write)
    state: dict = {}
    document = render_flowing(engine, html, images, keep=state)
    kept = keep(state)
    if kept is not None:
        layouts[key] = kept
        _draw_kept(document, kept, settings)
    return document, f"laid out in full ({why})"


def _keep_out_of_collections() -> None:
    """After ``watch`` laid a handout out in full and kept the layout: collect what the round left, then
    move every object still alive (the kept layout: over a million objects) out of the reach of Python's
    later collections (:func:`gc.freeze`), which would otherwise visit all of them every few rounds
    (≈ 0.2 s CPU each time on the 60-page benchmark chapter) to free nothing of it. Reference counting
    still frees what a later round replaces; the next full layout gives the frozen objects back to the
    collector first (:func:`gc.unfreeze` in :func:`lay_out`)."""
    import gc

    gc.collect()
    gc.freeze()


def _draw_kept(document, kept, settings: tuple) -> None:
    """Have ``document``'s PDF put in the kept pages' drawings of the last round and keep this round's
    (:mod:`.pagedraws`) with the layout ``kept`` (a :class:`.relayout.KeptLayout`); ``settings``:
    :func:`.pagedraws.settings_key` of the round."""
    from .pagedraws import DrawnPages

    if kept.drawn is None:
        kept.drawn = DrawnPages()
    kept.drawn.attach(document, settings)


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
    """Build ``<out_dir>/<lecture>.pdf`` for the lecture of ``target``.

    Raises:
        ContentErrors: uncovered characters under ``--strict``.
        BuildError: a resource the HTML asked for was refused (see :class:`PdfEngine`).
    """
    lecture = course.built_lecture(target.lecture)
    problems = Problems(settings.strict)
    check_coverage(lecture_texts(course, lecture), project.font_faces, problems)
    renderer = MathRenderer.for_text(project.font_faces, course.theme.serif)
    pictures = ImagePreparer(course.meta.image_settings(), ImagePool(), layers=True)   # prepared while the pages are laid out
    engine = None
    try:            # the image workers end with the build, failed or not (watch builds the handout in its own process)
        try:
            html = render_html(project, course, lecture, settings, problems, renderer, pictures)
        except ContentError as exc:
            problems.errors.append(exc)
        problems.raise_if_any()
        engine = PdfEngine(project, course, "handout")
        document, how = lay_out(engine, html, pictures.served, settings.layouts, target.key)
        source = lecture.file
        for page, line, over_mm in overflows(document):
            problems.error(SourcePos(source, line), f"content runs {over_mm:.0f} mm past the page edge on page {page} "
                           "and would be cut off", "split the table or shorten the long words or values in it")
        problems.raise_if_any()
        path = atomic_write(settings.out_dir / target.file_name, engine.pdf_bytes(document, html))
        if settings.layouts is not None and how.startswith("laid out in full") and target.key in settings.layouts:
            _keep_out_of_collections()
    finally:
        if engine is not None:
            engine.close()
        pictures.close()
    summary = f"{len(document.pages)} pages"
    if settings.verbose and how:        # -v in watch: how much was laid out again, and drawn again
        summary += f", {how}"
        kept = (settings.layouts or {}).get(target.key)
        if kept is not None and kept.drawn is not None:
            summary += f", {kept.drawn.drawn} drawn again"
    if settings.verbose and (renderer.rendered or renderer.cached):     # -v: shows the formula cache at work
        summary += f", formulas: {renderer.rendered} rendered, {renderer.cached} from cache"
    if settings.verbose and pictures.summary():
        summary += ", " + pictures.summary()
    return Output(path, summary, [str(w) for w in problems.warnings])
