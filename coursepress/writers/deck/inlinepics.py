"""Pictures written inside a line (a heading, a table cell, a caption) for the deck.

A PowerPoint table cell and a slide title hold text only, so such a picture cannot stay where the
author wrote it. It is never dropped: the deck shows each one on a picture slide of its own, right
after the table (or caption) that holds it, or first in its section for a picture in the heading,
as an unnumbered figure with its alt text as caption, at the size its author asked for (``<img width>``). The handout keeps it in the line.
"""

from __future__ import annotations

from typing import Iterable

from ... import model as m
from ...errors import SourcePos


def pictures_in(inlines: Iterable) -> list[m.Picture]:
    """The :class:`~coursepress.model.Picture` nodes of ``inlines``, nested ones too, in order."""
    found: list[m.Picture] = []
    for node in inlines:
        if isinstance(node, m.Picture):
            found.append(node)
        elif hasattr(node, "children"):
            found.extend(pictures_in(node.children))
    return found


def _held(block) -> list[m.Picture]:
    """The pictures inside the lines of ``block`` (a table's cells and caption, a figure's or chart's caption)."""
    inlines: list = list(getattr(block, "caption", ()) or ())
    if isinstance(block, m.Table):
        for row in (block.header, *block.rows):
            for cell in row:
                inlines.extend(cell.children)
    return pictures_in(inlines)


def _figure(picture: m.Picture, pos: SourcePos) -> m.Figure:
    return m.Figure(picture.image, picture.alt, (), 0, "", SourcePos(pos.file, picture.line or pos.line),
                    size=picture.size)


def with_inline_pictures(heading: m.Heading, blocks: tuple) -> tuple:
    """``blocks`` of the section under ``heading`` with an unnumbered :class:`~coursepress.model.Figure` for
    each picture of the heading (first) and of each table or caption (right after its block)."""
    out: list = [_figure(p, heading.pos) for p in pictures_in(heading.children)]
    for block in blocks:
        out.append(block)
        if isinstance(block, (m.Table, m.Figure, m.Chart, m.ModelTable)):
            out.extend(_figure(p, block.pos) for p in _held(block))
    return tuple(out) if len(out) != len(blocks) else blocks
