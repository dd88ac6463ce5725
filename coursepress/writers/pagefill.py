"""Holes before figures filled while WeasyPrint makes the pages, not in re-layouts after (issue 20).

:mod:`.pageflow` moves a figure or table that would leave a hole (:mod:`.pageholes`) after the first
layout and lays the pages out again from the first page with a hole; on a 71-page chapter with 66
figures every move shifts every later page break, so each of its two rounds laid out 52–58 pages again
(≈ 0.75 s of CPU each) and closed few holes, the moves of a round being planned on pages the round's
first move had already changed.

:func:`filling` does the common case while the pages are made for the first time, page by page, as a
typesetter does: when WeasyPrint has made a page (``layout.page.remake_page``) whose text ends more than
:data:`~.pageholes.HOLE_LINES` lines above its foot while the next page starts with a figure or table that
is a child of a flow container (``main``, ``section``…), the figure's box is taken out of the box tree and
the page is made again; the text that follows runs up into the hole, and the figure goes back in where
the page now ends: before the block that opens the next page, or after the paragraph split across the
break. So the figure opens the next page (LaTeX's ``t`` placement after the text that fills the page),
a page with a hole is made twice (three times when the figure has to go back) and the pages after it
once, over the tree as it is then. The figure moves only past paragraphs, lists, quotes, code and divisions, and
past a float numbered in another sequence (a figure past a table, a table past a figure: a table that
follows a figure runs up into the hole and splits at the page break, its header row repeated; before,
the hole stayed), never past a heading or a float of its own sequence (numbers stay in order); where the text that follows runs past one, or the page
carries footnotes, the figure is put back and the page made again as it was, and :mod:`.pageflow`'s
rounds after the layout see the hole as before.

Only the box tree moves (as in :mod:`.pageflow`): the HTML, the reading order of the PDF's structure
tree (it follows the boxes) and numbering are unchanged. WeasyPrint's state for remaking page *n* right
after making it is put back as ``make_all_pages`` leaves it before a page (``layout.page.make_page``
reads the footnotes reported from the page before and the boxes broken out of flow, and appends the
page's notes; pinned ``weasyprint>=70,<71``, both hashed in :data:`coursepress.patches.UPSTREAM`).

Where no text may run up (or it would run past a heading), the figure is lifted to the top of the page
with the hole instead (:mod:`.pagelift`, :mod:`.pageflow`'s backward move made in the first layout), also
on a page with footnotes as long as none is carried over to the next page; only what neither mends is
left to :mod:`.pageflow`'s rounds.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from ..patches import swapped
from .pageholes import (CONTAINERS, HOLE_LINES, body_pitch, content_bottom, flow_blocks, is_float, line_pitch,
                        text_bottom)
from .pagelift import lift

MOVABLE = ("p", "ul", "ol", "blockquote", "pre", "div", "dl", "aside")     # what a figure may move past


def _sequence(box: Any) -> str:
    """The numbering sequence of the float ``box``: "table" (``<table>``, ``<figure class="table">``) or
    "figure" (pictures, charts)."""
    classes = (box.element.get("class") or "").split() if getattr(box, "element", None) is not None else []
    return "table" if box.element_tag == "table" or "table" in classes else "figure"


def _passable(figure: Any, box: Any) -> bool:
    """Whether the float ``figure`` may move past ``box``: text blocks (:data:`MOVABLE`), or a float of
    another numbering sequence (the two sequences keep their own order)."""
    return box.element_tag in MOVABLE or (is_float(box) and _sequence(box) != _sequence(figure))


def glued(children: list, after: int) -> int:
    """``after``, or the index of the element that closes the block ``children[after]`` (the empty
    ``div.code-end`` after a code block, which clears its "code continued" running header: code.html.j2),
    so a float put after a block never comes between the two: on a page it opened, the header would say
    the code continues."""
    following = children[after + 1] if after + 1 < len(children) else None
    element = getattr(following, "element", None)
    if element is not None and "code-end" in (element.get("class") or "").split():
        return after + 1
    return after


def _runs_on(parent: Any, end: int, inside: bool) -> bool:
    """Whether the page now ends inside a block that may run on for pages (anything but a paragraph: a
    code block, a list, a quote): the figure would follow its continuation, pages from where it stood
    (a table put after a code block of 100 pages), so it is not moved there; it is lifted to the top of
    its page instead, or :mod:`.pageflow` places it with the laid-out heights in hand (never further than
    the next page). A paragraph split at the break ends a few lines into the next page; a table of the other
    sequence split there is passed as before (its rows run up into the hole, the figure follows it)."""
    return inside and parent.children[end].element_tag in MOVABLE and parent.children[end].element_tag != "p"


@dataclass
class Filled:
    """What :func:`filling` did: ``moved``: (0-based page, figure element) of each figure moved to open
    the page after it; ``declined``: pages with a hole it left (to :mod:`.pageflow`'s rounds);
    ``remade``: pages made a second (or third) time; ``made``: the page boxes made while a page was filled
    (those not in the document are dropped after the layout, :func:`.pageflow.render_flowing`; recorded
    here, not by a wrapper around the page maker: two more frames in every page's layout made CPython 3.11
    map and unmap its frame-stack chunks 20,000 times more on the 4× course, +0.15 s of system CPU)."""

    moved: list = field(default_factory=list)
    declined: list = field(default_factory=list)
    remade: int = 0
    pitch_px: Optional[float] = None
    made: list = field(default_factory=list)

    @property
    def first_page(self) -> Optional[int]:
        """The first page (0-based) with a hole seen, moved or not; None when none was."""
        pages = [page for page, _element in self.moved] + self.declined
        return min(pages) if pages else None


def _start(root_box: Any, skip: Optional[dict]) -> Optional[list]:
    """The path ``[(box, child index), …]`` from ``root_box`` down to the box where the skip stack ``skip``
    (WeasyPrint's ``resume_at``: where the next page starts) starts a page *at* (not inside), through flow
    containers only; None when it starts inside another box, at the end, or the stack branches."""
    path: list = []
    box = root_box
    while skip is not None:
        if len(skip) != 1:
            return None
        (index, deeper), = skip.items()
        children = getattr(box, "children", None) or ()
        if not isinstance(index, int) or not 0 <= index < len(children):
            return None
        path.append((box, index))
        if deeper is None:
            return path
        child = children[index]
        if child.element_tag not in CONTAINERS:
            return None
        box, skip = child, deeper
    return None


def _at_level(skip: Optional[dict], path: list) -> Optional[tuple[int, bool]]:
    """Where the skip stack ``skip`` starts a page among the children of ``path[-1]``'s box, if it follows
    the same ancestors as ``path`` (a list as :func:`_start` returns): ``(index, inside that child?)``."""
    for depth, (_box, index) in enumerate(path):
        if skip is None or len(skip) != 1:
            return None
        (at, deeper), = skip.items()
        if depth == len(path) - 1:
            return (at, deeper is not None) if isinstance(at, int) else None
        if at != index:
            return None
        skip = deeper
    return None


class _Filler:
    """The ``remake_page`` wrapper :func:`filling` installs (see the module docstring)."""

    def __init__(self, real: Any, done: Filled) -> None:
        self.real = real
        self.done = done

    def _hole(self, page: Any, resume_at: Optional[dict], root_box: Any) -> Optional[list]:
        """The path to the figure that opens the next page when ``page`` ends with a hole before it."""
        blocks = flow_blocks(page)
        if self.done.pitch_px is None:         # the body's line pitch, as pageholes.find_holes reads it
            self.done.pitch_px = body_pitch(page) or line_pitch(blocks)
        path = _start(root_box, resume_at)
        if not path or not blocks:
            return None
        parent, index = path[-1]
        figure = parent.children[index]
        if not is_float(figure) or parent.element_tag not in CONTAINERS:
            return None
        pitch = self.done.pitch_px
        if not pitch or text_bottom(page) - content_bottom(blocks[-1]) <= HOLE_LINES * pitch + 0.5:
            return None
        return path

    def __call__(self, index: int, context: Any, root_box: Any, html: Any) -> tuple:
        if context.reported_footnotes or index + 1 < len(context.page_maker):
            # notes carried in from the page before, or a page made before (WeasyPrint re-makes pages for
            # page-based counters and keeps the ones after it): made as it is, so no later page's start moves
            return self.real(index, context, root_box, html)
        out_of_flow, notes = context.broken_out_of_flow, len(context.rendered_notes or ())
        footnotes = list(context.footnotes)
        page, resume_at = self.real(index, context, root_box, html)
        self.done.made.append(page)
        try:
            path = self._hole(page, resume_at, root_box)
        except Exception:           # noqa: BLE001 - a box this does not read: the page stays as made
            path = None
        if path is None:
            return page, resume_at
        parent, at = path[-1]

        def again() -> tuple:
            context.broken_out_of_flow = dict(out_of_flow)
            context.footnotes, context.reported_footnotes = list(footnotes), []
            del context.rendered_notes[notes:]
            state = context.page_maker[index][-1]
            state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
            self.done.remade += 1
            made = self.real(index, context, root_box, html)
            self.done.made.append(made[0])
            return made

        if context.current_page_footnotes or context.reported_footnotes or context.broken_out_of_flow \
                or at + 1 >= len(parent.children) or not _passable(parent.children[at], parent.children[at + 1]):
            return self._lifted(index, context, path, again, (page, resume_at))    # nothing it may pass follows
        figure = parent.children[at]
        parent.children = parent.children[:at] + parent.children[at + 1:]

        try:
            page, resume_at = again()
            where = _at_level(resume_at, path)
        except Exception:           # noqa: BLE001 - put the figure back and make the page as it was
            where = None
        if where is not None:
            end, inside = where
            passed = parent.children[at:end + inside]
            if end >= at and all(_passable(figure, box) for box in passed) and not _runs_on(parent, end, inside) \
                    and not (context.current_page_footnotes or context.reported_footnotes):
                place = glued(parent.children, end + inside - 1) + 1 if end + inside > at else end + inside
                parent.children = parent.children[:place] + [figure] + parent.children[place:]
                if passed:
                    self.done.moved.append((index, figure.element))
                return page, resume_at
        parent.children = parent.children[:at] + [figure] + parent.children[at:]
        return self._lifted(index, context, path, again, None)     # (the page as it was: made by lift if need be)

    def _lifted(self, index: int, context: Any, path: list, again: Any, made: Optional[tuple]) -> tuple:
        """``made`` (the page as WeasyPrint made it, with the hole; None: WeasyPrint's state is another
        make's, and the page had no footnote and no box broken out of the flow), or the page made again with
        the figure lifted to its top (:func:`.pagelift.lift`) when no footnote is carried over to the next
        page and no box broken out of the flow; records which."""
        if made is None or not (context.reported_footnotes or context.broken_out_of_flow):
            made, lifted = lift(made, path, _at_level(context.page_maker[index][0], path), context, again)
            if lifted:
                self.done.moved.append((index, lifted.element))
                return made
        self.done.declined.append(index)
        return made if made is not None else again()


@contextlib.contextmanager
def filling(done: Filled) -> Iterator[None]:
    """While the block runs, every page WeasyPrint makes (``weasyprint.layout.page.remake_page``) that ends
    with a hole before a figure or table is made again with the figure moved (see the module docstring);
    ``done`` records what was moved. Only pages made for the first time (the last of the page maker) are
    looked at: pages made again (for page-based counters, or by :mod:`.pageflow`'s re-layout, which runs
    outside the block) are made as they are."""
    import weasyprint.layout.page as page_module

    with swapped(page_module, "remake_page", _Filler(page_module.remake_page, done)):
        yield
