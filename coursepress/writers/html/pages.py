"""The HTML handout's pages: the handout's block templates rendered for a screen.

Every lecture page is ``templates/html/lecture.html.j2`` around the handout's
own lecture text (``handout/lecture-body.html.j2`` and ``blocks.html.j2``), so
headings, figures, tables, equations, cross-references and their numbers are
exactly those of the PDF. The context differs from the handout's
(:func:`coursepress.writers.handout.page_context`) in three helpers:
``web`` (footnotes as links, scroll containers), ``math`` (MathML instead of
SVG drawings, :mod:`.mathml`) and ``image_src`` (a copied file instead of a
``data:`` URI, :class:`SiteFiles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import model as m
from ...errors import Problems, SourcePos
from ...resources import ImageData
from ...templating import autospace_html, environment
from ..handout import page_context
from .mathml import MathMarkup, mathml

if TYPE_CHECKING:
    from ...project import Project

STYLESHEET = "assets/site.css"
# No request may leave the folder (issue 19): only files of the site itself, images also as data: URIs
# (the chart and code styles use none); no script, no frame, no form target. Reloading in `watch` is
# added by the server to the pages it serves (coursepress.writers.html.serve), never to the files.
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'")


class WebMath:
    """What the block templates call for formulas on a web page: ``inline(node, lecture)`` and
    ``display(block)`` give a :class:`~.mathml.MathMarkup` (``<math>`` with the TeX as annotation)."""

    def inline(self, node: m.Math, lecture: m.Lecture) -> MathMarkup:
        return mathml(node.tex, False, SourcePos(lecture.file, node.line, node.column))

    def display(self, block: m.MathBlock) -> MathMarkup:
        return mathml(block.tex, True, block.pos)


@dataclass
class SiteFiles:
    """The files of a site besides its pages: ``files`` maps a path relative to the site folder
    (``assets/images/NAME``) to its bytes. :meth:`image_src` adds an image once, by content."""

    files: dict[str, bytes] = field(default_factory=dict)

    def image_src(self, image: ImageData) -> str:
        """The site-relative URL of ``image`` (``assets/images/<sha1>.<ext>``), copying it into the site."""
        path = f"assets/images/{image.sha1[:16]}.{image.ext}"
        self.files.setdefault(path, image.data)
        return path


def web_context(project: Project, course: m.Course, problems: Problems, files: SiteFiles) -> dict[str, Any]:
    """What every page template of the site receives: the handout's helpers with the web ones above."""
    context = page_context(project, course, problems)
    context.update(web=True, math=WebMath(), image_src=files.image_src, csp=CSP, stylesheet=STYLESHEET)
    return context


def lecture_page(project: Project, course: m.Course, lecture: m.Lecture, context: dict[str, Any]) -> str:
    """The HTML of ``lecture``'s page (``<lecture>.html``), with links to the lectures before and after it."""
    index = course.lectures.index(lecture)
    previous = course.lectures[index - 1] if index > 0 else None
    following = course.lectures[index + 1] if index + 1 < len(course.lectures) else None
    html = environment(project.root, course.words).get_template("html/lecture.html.j2").render(
        course=course, lecture=lecture, previous=previous, next=following, header_text=lecture.title,
        footer_text=course.meta.title, **context)
    return autospace_html(html)


def index_page(project: Project, course: m.Course, context: dict[str, Any]) -> str:
    """The HTML of the site's start page (``index.html``): every lecture with its parts."""
    return autospace_html(environment(project.root, course.words).get_template("html/index.html.j2").render(course=course, **context))


_SKIPPED = re.compile(r"<(style|script|title|annotation)\b.*?</\1>|<math\b.*?</math>", re.S)
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)
_TAG = re.compile(r"<[^>]*>")


def shown_text(html: str) -> tuple[str, str]:
    """The characters a page shows, as (text, formula text): tags, styles and the TeX annotations
    dropped, character references decoded. For cutting the fonts down (:mod:`.webfonts`)."""
    from html import unescape

    text = unescape(_TAG.sub(" ", _SKIPPED.sub(" ", html)))
    formulas = unescape(_TAG.sub(" ", " ".join(_ANNOTATION.sub(" ", f) for f in _MATH.findall(html))))
    return text, formulas
