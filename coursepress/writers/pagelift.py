"""A figure lifted to the top of the page with the hole before it, while WeasyPrint makes the pages (issue 20).

:mod:`.pagefill` fills a hole before a figure by letting the text after the figure run up into it; where
no text may run up (a heading follows the figure, or the text that follows runs past one) it leaves the
hole to :mod:`.pageflow`, whose first remedy after that is to move the figure *back*, to the top of the
page with the hole (LaTeX's ``t``), and then to lay the document out again from that page: a second pass
of layout, the contents page made again and a whole document's boxes walked again (≈ 0.1 s of the
course's ≈ 1.7 s handout, for one figure).

:func:`lift` makes that move while the page is made the first time: the figure goes before the first
block that starts on the page after the heads that open it, if nothing between there and the figure is
a heading, figure or table (numbers stay in order; as :func:`.pageflow._backward`), and the page is made
again; the move is kept when the whole figure now lands on the page and no footnote was placed or
carried over; otherwise the figure goes back and the page is made as it was. The pages after it are
then made once, over the tree as it is, and the layout needs no second pass for that hole. Only the box
tree moves (the HTML, its reading order in the PDF's structure tree and the numbers are unchanged), as
in :mod:`.pagefill`.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .pageholes import is_float

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def lift(made: Optional[tuple], path: list, start: Optional[tuple[int, bool]], context: Any,
         again: Callable[[], tuple]) -> tuple[tuple, Any]:
    """Move the figure at ``path[-1]`` (``(parent box, index)``: the figure that opens the next page) to the
    top of the page ``made`` (``(page, resume_at)``, made with the hole; None when WeasyPrint's state is
    another make's) and make that page ``again()``; ``start``: where the page starts among the parent's
    children (``(index, inside that child?)``, see :func:`.pagefill._at_level`; None: inside another box,
    nothing is moved).

    Returns ``((page, resume_at), the figure's box)`` when the figure moved, else ``(the page as it was,
    None)``: ``made`` itself when no move was tried (made ``again()`` when None), else the page made again
    over the tree as it was.
    Raises what ``again()`` raises, the figure back in its place.
    """
    parent, at = path[-1]
    if start is None:
        return made if made is not None else again(), None
    first, inside = start
    target = first + inside                      # a block continued from the page before stays first
    children = list(parent.children)
    while target < at and children[target].element_tag in HEADINGS:
        target += 1                              # a head stays with the text it opens
    if target >= at or any(box.element_tag in HEADINGS or is_float(box) for box in children[target:at]):
        return made if made is not None else again(), None
    figure = children[at]
    parent.children = children[:target] + [figure] + children[target:at] + children[at + 1:]
    try:
        page, resume_at = again()
        ends = _next_start(resume_at, path)
    except BaseException:
        parent.children = children
        raise
    if ends is not None and ends[0] > target and not context.reported_footnotes:
        return (page, resume_at), figure
    parent.children = children
    return again(), None


def _next_start(resume_at: Optional[dict], path: list) -> Optional[tuple[int, bool]]:
    """Where ``resume_at`` starts the next page among the children of ``path[-1]``'s parent box (as
    :func:`.pagefill._at_level`); ``(len(children), False)`` when the document ends on this page."""
    from .pagefill import _at_level

    if resume_at is None:
        return len(path[-1][0].children), False
    return _at_level(resume_at, path)
