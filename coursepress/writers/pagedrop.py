"""A page box made and then dropped during layout is freed when it is dropped, not at the end of the build
(issue 20, sixth session).

WeasyPrint (v70) makes each page's footnote area with a reference back to its page
(``FootnoteAreaBox.page``, ``layout/page.py``), so every page box is a reference cycle: page → children →
footnote area → page. Reference counting cannot free a cycle; only Python's cyclic garbage collector
can, and a build pauses it while outputs are made (:mod:`coursepress.collector`: its full collections
cost a handout 12 % of its CPU). A page that :mod:`.pagefill` makes and then makes again (a hole before
a figure) was therefore kept, with every box of it and the Pango layout of each of its text boxes, until
the process ended: 16 pages of the 4× course, 12,000 text boxes and 1,500 Pango layouts, still alive
while the PDF was drawn and written, where the build's memory peaks.

:func:`drop_page` cuts that reference of a page nothing will use again, so reference counting frees the
page and whatever of its boxes no other page shares, the moment the last reference to it goes.
"""

from __future__ import annotations

from typing import Any


def drop_page(page_box: Any) -> None:
    """Let the page box ``page_box`` (a ``weasyprint.formatting_structure.boxes.PageBox`` that layout made
    and no document will show) be freed by reference counting: its footnote area's ``page`` is set to
    None. Only the dropped page's own footnote area changes (each page makes its own); boxes it shares
    with other pages are untouched. Anything else (None, a box without children) is left alone."""
    for child in getattr(page_box, "children", None) or ():
        if type(child).__name__ == "FootnoteAreaBox" and getattr(child, "page", None) is page_box:
            child.page = None
