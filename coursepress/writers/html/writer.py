"""HTML handout writer: document model → one self-contained folder ``<out>/html/`` for phones and desktops.

The folder holds ``index.html`` (every lecture), one ``<lecture>.html`` per
lecture (the handout's text, numbers and cross-references: :mod:`.pages`),
``assets/site.css`` (``templates/html/site.css.j2``), the shipped fonts cut
down to the characters the pages show (``assets/fonts/``, :mod:`.webfonts`,
with their licences) and the lectures' images (``assets/images/``). Charts are
inline SVG (the handout's ``charts/chart.svg.j2``), formulas MathML with their
TeX as annotation (:mod:`.mathml`), code highlighted by Pygments
(:mod:`coursepress.code`). Nothing on a page asks for a file outside the
folder, and no page runs a script.

The folder is the output: it is written whole into the build's staging folder
and moved into place in one step by the commit (:mod:`coursepress.commit`), so
a reader never sees half of a new site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ... import model as m
from ...errors import ContentError, Problems, SourcePos
from ...fonts import check_coverage
from ...output import atomic_write
from ...templating import environment
from .. import BuildSettings, Output, Target
from ..handout import lecture_texts
from ..pdfengine import font_stacks
from .pages import STYLESHEET, SiteFiles, index_page, lecture_page, shown_text, web_context
from .webfonts import WebFont, licence_note, site_fonts

if TYPE_CHECKING:
    from ...project import Project

FOLDER = "html"
LICENCE_FILES = ("OFL.txt", "LICENSE-DejaVu.txt", "LICENSE-Hanazono.txt")


def render_site(project: Project, course: m.Course, problems: Problems) -> dict[str, bytes]:
    """Every file of the site as ``{path relative to the site folder: bytes}``.

    Raises:
        ContentError: a lecture named ``index`` (its page would be the start page) or a formula
            latex2mathml cannot read (at its file and line).
    """
    clash = index_clash(course)
    if clash is not None:
        raise clash
    files = SiteFiles()
    context = web_context(project, course, problems, files)
    pages = {f"{lecture.name}.html": lecture_page(project, course, lecture, context) for lecture in course.lectures}
    pages["index.html"] = index_page(project, course, context)
    faces = project.font_faces
    stacks = font_stacks(course, faces, Problems())          # the handout reports unshipped families
    env = environment(project.root, course.words)
    css_template = env.get_template("html/site.css.j2")
    shown = [shown_text(html) for html in pages.values()]
    text = "".join(t for t, _ in shown) + css_template.render(fonts=[], code_theme=context["code_theme"], **stacks)
    main = tuple(f for f in (course.theme.serif, course.theme.sans, course.theme.mono, course.meta.fonts.body, course.meta.fonts.heading,
                             course.meta.fonts.mono) if f)
    mono = tuple(f for f in (course.theme.mono, course.meta.fonts.mono) if f)
    fonts = site_fonts(faces, main, text, "".join(f for _, f in shown), mono)
    css = css_template.render(fonts=fonts, code_theme=context["code_theme"], **stacks)
    out = {name: html.encode("utf-8") for name, html in pages.items()}
    out[STYLESHEET] = css.encode("utf-8")
    out.update(files.files)
    out.update(_font_files(project, fonts))
    return out


def index_clash(course: m.Course) -> Optional[ContentError]:
    """The error for a lecture named ``index`` (its page would replace the start page ``index.html``), or None."""
    for lecture in course.lectures:
        if lecture.name == "index":
            return ContentError(SourcePos(lecture.file),
                                "a lecture named 'index' would replace the HTML handout's start page index.html",
                                "rename the lecture file")
    return None


def check(project: Project, course: m.Course, settings: BuildSettings, problems: Problems) -> None:
    """``build.py check``: what the HTML handout would refuse, when course.yaml's ``outputs:`` lists it
    (the fonts are checked by the handout's own check)."""
    clash = index_clash(course) if "html" in course.meta.outputs else None
    if clash is not None:
        problems.errors.append(clash)


def _font_files(project: Project, fonts: list[WebFont]) -> dict[str, bytes]:
    """The font files and their licences: each font's records in ``LICENSES.txt``, and the licence
    texts of the font folders beside them."""
    out = {f"assets/fonts/{f.name}": f.data for f in fonts}
    if fonts:
        out["assets/fonts/LICENSES.txt"] = "\n".join(licence_note(f) for f in fonts).encode("utf-8")
    for folder in project.font_dirs:
        for name in LICENCE_FILES:
            path = folder / name
            if path.is_file() and f"assets/fonts/{name}" not in out:
                out[f"assets/fonts/{name}"] = path.read_bytes()
    return out


def write(project: Project, course: m.Course, target: Target, settings: BuildSettings) -> Output:
    """Build the folder ``<out_dir>/html/`` (see the module docstring).

    Raises:
        ContentErrors: uncovered characters under ``--strict``; a formula that cannot be converted.
        ContentError: a lecture named ``index``.
    """
    problems = Problems(settings.strict)
    for lecture in course.lectures:
        check_coverage(lecture_texts(course, lecture), project.font_faces, problems)
    try:
        files = render_site(project, course, problems)
    except ContentError as exc:
        problems.errors.append(exc)
    problems.raise_if_any()
    folder = settings.out_dir / target.file_name
    for name, data in sorted(files.items()):
        atomic_write(folder / name, data)
    pages = sum(1 for name in files if name.endswith(".html"))
    size_kb = sum(len(d) for d in files.values()) / 1024
    return Output(folder, f"{pages} pages, {len(files)} files, {size_kb:.0f} KB",
                  [str(w) for w in problems.warnings])


def preload(project: Project) -> None:
    """What every build of ``project``'s HTML handout shares, loaded once by ``watch``: the templates and
    fontTools' subsetter (the math and code libraries come with the handout's preload)."""
    import fontTools.subset  # noqa: F401

    environment(project.root).get_template("html/lecture.html.j2")
