"""Holes in the handout's laid-out pages (issue 16): a page whose text ends more than
:data:`HOLE_LINES` lines above the foot of its text area while the next page begins with a figure or
table. :mod:`coursepress.writers.pageflow` moves figures to close them.

Reads WeasyPrint's (v70) page boxes after layout: boxes, their ``element`` and ``element_tag``,
positions and heights in CSS px; nothing here changes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

HOLE_LINES = 3          # issue 16: at most 3 lines of empty space above the footer before a moved figure
FLOATS = ("figure", "table")
CONTAINERS = ("html", "body", "main", "section", "article")
NESTS = ("ol", "ul", "li", "blockquote", "div", "dl", "dd", "aside")   # what a float may sit inside


@dataclass(frozen=True)
class Hole:
    """A page (0-based ``page``) whose text ends ``gap_px`` above its text area's bottom while the next
    page begins with ``element`` (a figure or table, also one inside a list item or quote that begins the
    page); ``line_px`` is the body line pitch, ``float_px`` the float's height there (margins included)."""

    page: int
    gap_px: float
    line_px: float
    element: Any
    float_px: float = 0.0


def box_children(box) -> list:
    """The children of a laid-out ``box`` in the flow (margin boxes, footnote areas and placeholders of
    absolutely placed boxes left out)."""
    return [c for c in (getattr(box, "children", None) or ()) if type(c).__name__ not in
            ("MarginBox", "FootnoteAreaBox", "AbsolutePlaceholder")]


def is_float(box) -> bool:
    """Whether ``box`` is a figure or table (``<figure>``, ``<table>``) of the document."""
    element = getattr(box, "element", None)
    return element is not None and box.element_tag in FLOATS


def flow_blocks(page_box) -> list:
    """The block boxes of the page's innermost flow container(s) (``main`` and the like), in order."""
    out: list = []
    roots = [c for c in page_box.children if type(c).__name__ not in ("MarginBox", "FootnoteAreaBox")]
    for root in roots[:1]:
        _collect_blocks(root, out)
    return out


def _collect_blocks(box, out: list) -> None:
    """Append to ``out`` the block boxes under ``box`` (see :func:`flow_blocks`). A module function, not a
    closure over ``out``: a closure that calls itself is a reference cycle, which kept each page it read
    (every box and Pango layout of it, also of a page made again and dropped) until the cyclic garbage
    collector ran, and a build pauses it (:mod:`coursepress.collector`; issue 20, sixth session)."""
    for child in box_children(box):
        if type(child).__name__ == "LineBox":
            continue
        if child.element_tag in CONTAINERS:
            _collect_blocks(child, out)
        else:
            out.append(child)


def body_pitch(page_box) -> Optional[float]:
    """The body text's line pitch (px) as the stylesheet sets it: the root element's (``html``) line height
    times its font size; None when it is ``normal`` (the font decides) or the page has no root box.

    Not read from the first paragraph laid out: that one is on the cover, in the cover's type (14 pt,
    ``line-height: normal``), so every hole was measured in cover lines (21.7 px instead of 24.1)."""
    roots = [c for c in getattr(page_box, "children", None) or ()
             if type(c).__name__ not in ("MarginBox", "FootnoteAreaBox")]
    style = getattr(roots[0], "style", None) if roots else None
    if style is None:
        return None
    height = style["line_height"]
    if isinstance(height, (int, float)):
        return float(height) * float(style["font_size"])
    if getattr(height, "unit", None) == "px":
        return float(height.value)
    return None


def line_pitch(blocks: list) -> Optional[float]:
    """The height (px) of the first line of the first paragraph among ``blocks``, or None."""
    for block in blocks:
        if block.element_tag == "p":
            lines = [c for c in box_children(block) if type(c).__name__ == "LineBox"]
            if lines:
                return float(lines[0].height)
    return None


def text_bottom(page_box) -> float:
    """Bottom of the page's text area above its footnotes, in px."""
    bottom = page_box.content_box_y() + page_box.height
    for child in page_box.children:
        if type(child).__name__ == "FootnoteAreaBox" and child.children:
            bottom = min(bottom, child.position_y)
    return float(bottom)


def content_bottom(box) -> float:
    """Bottom (px) of what ``box`` shows: of its last line or leaf block. A box split at a page break is
    stretched to the page's foot (CSS Fragmentation 3, box splitting), so a list, quote or code block that
    continues on the next page would otherwise look full however early its text ends."""
    kids = [c for c in box_children(box) if "::" not in c.element_tag]
    if kids and not any(type(c).__name__ == "LineBox" for c in kids) and not is_float(box):
        return max(content_bottom(c) for c in kids) + float(box.padding_bottom + box.border_bottom_width)
    return float(box.position_y + box.margin_top + box.border_height())


def opening_float(box) -> Any:
    """The figure or table that opens ``box`` (itself, or the first thing inside the lists, list items,
    quotes and divisions it begins with), or None."""
    while box is not None:
        if is_float(box):
            return box
        kids = [c for c in box_children(box) if "::" not in c.element_tag]
        if box.element_tag not in NESTS or not kids or type(kids[0]).__name__ == "LineBox":
            return None
        box = kids[0]
    return None


def elements(blocks: list) -> set:
    """Every element that has a box among ``blocks`` or inside them."""
    found, stack = set(), list(blocks)
    while stack:
        box = stack.pop()
        if getattr(box, "element", None) is not None:
            found.add(box.element)
        if type(box).__name__ not in ("LineBox", "TextBox"):
            stack.extend(box_children(box))
    return found


def find_holes(pages: list) -> list[Hole]:
    """Holes in the laid-out page boxes ``pages`` (see the module docstring)."""
    holes = []
    flows = [flow_blocks(page) for page in pages]
    pitch = (body_pitch(pages[0]) if pages else None) or next((p for p in map(line_pitch, flows) if p), None)
    if not pitch:
        return []
    for index in range(len(pages) - 1):
        here, there = flows[index], flows[index + 1]
        opening = opening_float(there[0]) if here and there else None
        if opening is None:
            continue
        if opening.element in elements(here):      # a table continued, not pushed
            continue
        gap = text_bottom(pages[index]) - content_bottom(here[-1])
        if gap > HOLE_LINES * pitch + 0.5:
            holes.append(Hole(index, gap, pitch, opening.element, float(opening.margin_height())))
    return holes
