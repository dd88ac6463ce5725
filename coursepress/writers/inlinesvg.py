"""The elements inside an inline ``<svg>`` are neither cascaded nor made into boxes (issue 20; applied by
:func:`coursepress.patches.apply_lazy_pseudo_styles`).

WeasyPrint 70 draws an ``<svg>`` written in the HTML (the handout's charts) from its element tree:
``html.handle_svg`` makes an ``SVGImage`` of the element, which reads the SVG's own attributes and
``<style>``, and replaces the ``<svg>``'s box by a replaced box. Before that, the cascade
(``css.StyleFor``) had computed a style for every element inside it, and ``formatting_structure.build.
element_to_box`` had made boxes of all of them, text boxes included, which the replaced box then
dropped: the course's five charts are 439 of its 1,619 elements (≈ 0.02 s of cascade and boxes).

:func:`elements` walks the document as the cascade does but not into an inline ``<svg>``;
:func:`boxing` makes ``element_to_box`` give no boxes for what is inside one. What is skipped never
reached the PDF: the SVG is drawn from its elements as before, and boxes inside it were never laid out,
so their anchors, counters and bookmarks were never used. Pinned ``weasyprint>=70,<71``; the upstream
functions relied on are hashed in :data:`coursepress.patches.UPSTREAM`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

SVG = "{http://www.w3.org/2000/svg}svg"


def elements(root: Any) -> Iterator[Any]:
    """The ``cssselect2.ElementWrapper`` ``root`` and its descendants in tree order (as its
    ``iter_subtree``), without the descendants of an ``<svg>`` element."""
    stack = [iter([root])]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        yield element
        if element.etree_element.tag != SVG:
            stack.append(element.iter_children())


def boxing(upstream: Callable[..., list]) -> Callable[..., list]:
    """``formatting_structure.build.element_to_box`` (``upstream``, which calls itself through its module's
    name for each child) giving no boxes for the elements inside an ``<svg>``: the ``<svg>`` element's
    own box is made as before, and :func:`weasyprint.html.handle_svg` replaces it."""
    inside = [0]

    def element_to_box(element: Any, *args: Any, **kwargs: Any) -> list:
        if inside[0]:
            return []
        if getattr(element, "tag", None) != SVG:
            return upstream(element, *args, **kwargs)
        inside[0] += 1
        try:
            return upstream(element, *args, **kwargs)
        finally:
            inside[0] -= 1

    return element_to_box
