"""The sizes the handout will ask its images at, known from the document model before any HTML (issue 20).

Loading decodes every new image in full to prove it decodes (:mod:`coursepress.imagecheck`); the handout
then prepared each one for print from a second decode of the same bytes. The handout's print width of a
figure depends only on the document model and the page (:func:`coursepress.writers.pagebox.figure_width`,
the function its template calls), so :func:`handout_plan` works out every preparation the handout will
ask for (size in px and cache key, :func:`coursepress.imageprep.print_key`) and the load prepares each from
its own decode. A picture in a line without a size of its own (an icon: sized by the template) and a JPEG
to be made smaller (:func:`coursepress.imageprep.prepare_bytes` decodes it at a DCT scale) are left to the
handout. :func:`planner_for` says when that pays: only a build that writes the handout (or the book,
which sets its figures the same way) in this process; a build of several outputs forks them.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from ..resources import ImageData

if TYPE_CHECKING:
    from ..model import Course
    from ..project import Project

Plan = dict[str, list[tuple[tuple[int, int], int, bool, str]]]


def _pictures(node: Any) -> Iterator[Any]:
    """Every figure and picture node under ``node`` (a document-model value, tuple or list), depth first."""
    if isinstance(node, (tuple, list)):
        for item in node:
            yield from _pictures(item)
    elif is_dataclass(node) and not isinstance(node, (type, ImageData)):
        if getattr(node, "kind", "") in ("figure", "picture"):
            yield node
        for f in fields(node):
            value = getattr(node, f.name)
            if isinstance(value, (tuple, list)) or (is_dataclass(value) and not isinstance(value, ImageData)):
                yield from _pictures(value)


def handout_plan(course: Course) -> Plan:
    """What the handout (and the book) of ``course`` will prepare: SHA-256 of an image's bytes → (size px,
    JPEG quality, layers, cache key) per placement, as :meth:`coursepress.imageprep.ImagePreparer.prepare`
    computes them for the figure widths of :func:`~coursepress.writers.pagebox.figure_width`."""
    from ..imageprep import print_key, target_pixels
    from .pagebox import figure_width, handout_page

    settings = course.meta.image_settings()
    if settings.original:
        return {}
    hs = course.meta.handout
    page = handout_page(course.theme.handout, hs.page_size, hs.orientation, hs.duplex)
    plan: Plan = {}
    for lecture in course.lectures:
        for node in _pictures((lecture.preamble, lecture.sections, lecture.footnotes)):
            image = node.image
            if image.mime == "image/svg+xml" or image.width_px <= 0 or image.height_px <= 0 \
                    or (node.kind == "picture" and not node.size):
                continue
            size = target_pixels(image.width_px, image.height_px, figure_width(page, node), None, settings.dpi)
            if image.mime == "image/jpeg" and size != (image.width_px, image.height_px):
                continue            # decoded at a DCT scale when prepared: the load's decode cannot serve
            digest = hashlib.sha256(image.data).hexdigest()
            key = print_key(digest, size, settings, layers=True)
            wanted = plan.setdefault(digest, [])
            if all(item[3] != key for item in wanted):
                wanted.append((size, settings.jpeg_quality, True, key))
    return plan


def planner_for(kinds: list[str], project: Project, lecture: Optional[str]) -> Optional[Callable[[Course], Plan]]:
    """:func:`handout_plan` when the build of ``kinds`` (command-line target names) writes one handout (one
    lecture: ``lecture`` or the project's only one) or the book alone, in this process; else None."""
    one_handout = kinds == ["pdf"] and (lecture is not None or len(project.lecture_names) == 1)
    return handout_plan if one_handout or kinds == ["book"] else None
