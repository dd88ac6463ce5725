"""Pictures inside HTML blocks that also hold other markup (``raw_html`` on): figures, not dropped.

An HTML block the reader cannot map as a whole (:func:`coursepress.pictures.mappable_block`: a
``<figure>`` with its ``<figcaption>``, a ``<p align="center">`` with a ``<sup>`` caption, a link or a list
beside the picture) went through the sanitiser, which keeps no ``<img>``: the picture was in no output and
nothing said so. Here such a block is cut at each ``<img>`` tag: the markup between them is read as before
(:func:`coursepress.htmlblocks.html_blocks` over :func:`coursepress.sanitize.sanitize_html`) and each
picture becomes a numbered figure through the one resource gate (a URL is described, with a warning, as
an inline ``<img>`` with a URL is). ``<img>`` text inside ``<script>``, ``<style>`` or a comment is no
picture (the sanitiser drops those with their content). Pictures inside an HTML table's cells are not
read here (:mod:`coursepress.htmltables` reads a cell as its text).
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from .errors import SourcePos
from .htmltables import split_tables
from .pictures import block_pictures, img_attrs, is_url, mappable_block

_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


def pieces(html: str) -> Iterator[tuple[str, Optional[dict[str, str]], int]]:
    """``(markup before, attributes of the <img> after it or None for the last piece, line of the <img>
    counted from 0 at the fragment's first line)`` for each ``<img>`` tag of ``html`` outside scripts, styles
    and comments, then ``(the rest, None, 0)``."""
    hidden = [match.span() for match in _HIDDEN.finditer(html)]
    last = 0
    for match in _IMG.finditer(html):
        if any(start <= match.start() < end for start, end in hidden):
            continue
        attrs = img_attrs(match.group(0))
        if attrs is None:
            continue
        yield html[last:match.start()], attrs, html.count("\n", 0, match.start())
        last = match.end()
    yield html[last:], None, 0


def local_pictures(html: str) -> list[dict[str, str]]:
    """The attributes of each ``<img>`` with a local ``src`` in the markup of a block not mapped as a whole."""
    return [attrs for _before, attrs, _line in pieces(html) if attrs is not None and not is_url(attrs.get("src", ""))]


def html_block_pictures(html: str) -> list[dict[str, str]]:
    """The local pictures of an HTML block in the order the reader makes their figures
    (:func:`coursepress.paragraphs.read_html_block`): outside the tables it reads, else of a mappable
    block (:func:`coursepress.pictures.block_pictures`), else of the block's markup (:func:`pieces`)."""
    if "<table" in html.lower():
        split = split_tables(html, SourcePos("", 0))
        if any(piece.table is not None for piece in split):
            return [attrs for piece in split if piece.table is None for attrs in local_pictures(piece.html)]
    if mappable_block(html):
        return block_pictures(html)
    return local_pictures(html)
