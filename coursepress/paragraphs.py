"""Paragraphs and HTML blocks that hold pictures → paragraphs and numbered figures (see :mod:`coursepress.pictures`).

Used by :class:`coursepress.reader.LectureReader`: a paragraph whose lines
include an image is split around each image on a line of its own; an image
inside a line of text follows its paragraph as a figure (with a warning). Each
figure keeps the line of its image. With ``raw_html`` on, an HTML block of
pictures and centring tags becomes figures and paragraphs.
"""

from __future__ import annotations

import re

from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import unquote
from typing import TYPE_CHECKING, Callable, Optional

from markdown_it.token import Token

from . import model as m
from .errors import ContentError, SourcePos, excerpt
from .htmlblocks import html_blocks
from .htmlpictures import pieces as html_pieces
from .mathtex import tex_problems
from .htmltables import split_tables
from .inlines import url_picture
from .picturesize import read_size
from .pictures import block_items, img_attrs, inline_pictures, is_url, mappable_block, own_line
from .resources import ImageData, load_image
from .sanitize import sanitize_html
from .texlabels import split_tag

if TYPE_CHECKING:
    from .reader import LectureReader

_BREAKS = ("softbreak", "hardbreak")


def read_paragraph(reader: "LectureReader", inline: Token, opener: Token) -> list[m.Block]:
    """The blocks of one paragraph: itself, or the pieces of text and the figures it holds.

    Args:
        reader: the lecture reader (positions, numbers, inline reader, problems).
        inline: the paragraph's inline token; ``opener`` its paragraph_open token.
    """
    raw_html = bool(reader.md.options.get("html"))
    pictures = inline_pictures(inline, raw_html)
    # $$…$$ inside a line is a display formula, as Pandoc, MathJax and Typora set it: the paragraph is split
    # around it (before, the handout set it inline and the deck below its paragraph with a warning)
    displays = [c for c in inline.children or [] if c.type == "math_inline" and c.markup == "$$"]
    if not pictures and not displays:
        return [m.Paragraph(tuple(reader.inline.read(inline)), reader.pos(opener))]
    children = inline.children or []
    first_line = reader.pos(opener).line
    out: list[m.Block] = []
    after: list[m.Block] = []
    pending: list[Token] = []
    pending_line = line = first_line

    def flush() -> None:
        while pending and (pending[0].type in _BREAKS or pending[0].type == "text" and not pending[0].content.strip()):
            pending.pop(0)
        while pending and (pending[-1].type in _BREAKS or pending[-1].type == "text" and not pending[-1].content.strip()):
            pending.pop()
        if pending:
            part = Token("inline", "", 0, map=[pending_line - 1, pending_line], content=inline.content,
                         children=list(pending))
            nodes = reader.inline.read(part)
            if nodes and isinstance(nodes[0], m.Text):       # the space that stood next to a picture or formula
                nodes[0] = m.Text(nodes[0].text.lstrip())
            if nodes and isinstance(nodes[-1], m.Text):
                nodes[-1] = m.Text(nodes[-1].text.rstrip())
            out.append(m.Paragraph(tuple(nodes), SourcePos(reader.file, pending_line), continued=bool(out)))
        pending.clear()

    for k, child in enumerate(children):
        index = next((n for n, p in enumerate(pictures) if p is child), None)
        if any(child is d for d in displays):
            flush()
            pending_line = line
            formula = display_formula(reader, inline, child)
            if formula is not None:
                out.append(formula)
        elif index is None:
            if not pending:
                pending_line = line
            pending.append(child)
        else:
            pos = SourcePos(reader.file, line)
            figure = picture_figure(reader, child, reader.numbers_of(inline, index), pos)
            if own_line(children, k):
                flush()
                pending_line = line
                if figure is not None:
                    out.append(figure)
            else:
                src = child.attrs.get("src", "") if child.type == "image" else (img_attrs(child.content) or {}).get("src", "")
                reader.problems.warn(pos, f"picture '{excerpt(str(src), 60)}' sits inside a line of text; it is shown as a "
                                     "figure after the paragraph", "put the image on a line of its own where it belongs")
                if figure is not None:
                    after.append(figure)
        if child.type in _BREAKS:
            line += 1
    flush()
    return out + after


def display_formula(reader: "LectureReader", inline: Token, child: Token) -> Optional[m.MathBlock]:
    """The display formula of a ``$$…$$`` written inside a paragraph (its ``math_inline`` token ``child``), at its
    line and column; None (with the errors recorded) when its TeX cannot be typeset."""
    where = reader.inline.where(inline, child.meta.get("offset", 0))
    ok = True
    blanked, bare, tag = split_tag(child.content)
    for problem in tex_problems(blanked, display=True):
        reader.problems.error(SourcePos(where.file, where.line, where.column + problem.offset),
                              f"in formula '{excerpt(child.content)}': {problem.message}", problem.hint)
        ok = False
    return m.MathBlock(bare, 0, "", SourcePos(where.file, where.line), where.column, tag=tag) if ok else None


def picture_figure(reader: "LectureReader", child: Token, numbers: tuple[str, str], pos: SourcePos) -> Optional[m.Figure]:
    """The figure of one picture token (a Markdown image or an ``<img>`` html_inline)."""
    if child.type == "image":
        src = str(child.attrs.get("src", ""))
        alt = "".join(c.content for c in (child.children or []))
        title = str(child.attrs.get("title", "") or "")
        attrs: dict[str, str] = {}
    else:
        attrs = img_attrs(child.content) or {}
        src, alt, title = attrs.get("src", ""), attrs.get("alt", ""), attrs.get("title", "")
    return make_figure(reader, src, alt, title, numbers, pos, attrs)


def make_figure(reader: "LectureReader", src: str, alt: str, title: str, numbers: tuple[str, str],
                pos: SourcePos, attrs: Optional[dict[str, str]] = None) -> Optional[m.Figure]:
    """A numbered figure; an empty alt text is a warning (error under --strict) and falls back to the caption or file name.
    ``attrs``: an HTML ``<img>``'s attributes, whose width, height or zoom set the figure's size
    (:func:`coursepress.picturesize.read_size`; a value it cannot read is a warning).

    Returns None (with the error recorded) when the image cannot be loaded or decoded.
    """
    size, unread = read_size(attrs or {})
    for value in unread:
        reader.problems.warn(pos, f"picture size {excerpt(value, 60)} cannot be read; the picture keeps its own size",
                             'write width="300" (pixels), width="60%" (of the column) or style="zoom:50%"')
    number, ident = numbers
    alt = _described(reader, src, alt, title, pos)
    data = _loaded(reader, src, pos)
    if data is None:
        return None
    tok = Token("inline", "", 0, map=[pos.line - 1, pos.line])
    caption = tuple(reader.inline.text(title, tok)) if title else ()
    return m.Figure(data, alt, caption, int(number or 0), ident, pos, size=size)


FORMAT_ALTS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "svg+xml", "webp", "image", "output"})


def _described(reader: "LectureReader", src: str, alt: str, title: str, pos: SourcePos) -> str:
    """``alt`` with its spaces collapsed; an empty one (or only a format name, :data:`FORMAT_ALTS`) is a warning
    (error under --strict) and the title or
    the file name stands in: the name as the author wrote it (Chinese and spaces), not as Markdown's link
    normalisation %-encodes it (``%E8%AE%AD%E7%BB%83%20…``)."""
    alt = " ".join(alt.split())
    if alt.lower() in FORMAT_ALTS:
        alt = ""            # what nbconvert writes for every output picture (![png](data:…)): no description
    if not alt:
        written = unquote(src.split("?")[0])
        # a data: URI has no file name (its "stem" was a run of base64 printed as the caption)
        name = "" if written.lower().startswith("data:") else PurePosixPath(written).stem
        fallback = title.strip() or name or reader.words("numbering.picture")
        reader.problems.warn(pos, f"image '{excerpt(written, 60)}' has no alt text; '{fallback}' describes it for now",
                             "describe the image: ![what it shows](path)")
        alt = fallback
    return alt


def inline_picture(reader: "LectureReader", inline: Token, child: Token, line: int) -> Optional[m.Picture]:
    """A picture written inside a heading, a table cell or a caption (``child``: a Markdown image or an
    ``<img>`` html_inline token of ``inline``, ``line`` source lines after its first): loaded through the
    one gate for files, not numbered. Returns None (with the error recorded) when it cannot be loaded."""
    base = reader.pos(inline)
    pos = SourcePos(base.file, base.line + line) if base.line else base
    attrs: dict[str, str] = {}
    if child.type == "image":
        src = str(child.attrs.get("src", ""))
        alt = "".join(c.content for c in (child.children or []))
        title = str(child.attrs.get("title", "") or "")
    else:
        attrs = img_attrs(child.content) or {}
        src, alt, title = attrs.get("src", ""), attrs.get("alt", ""), attrs.get("title", "")
    return _picture(reader, src, alt, title, attrs, pos)


def _picture(reader: "LectureReader", src: str, alt: str, title: str, attrs: dict[str, str],
             pos: SourcePos) -> Optional[m.Picture]:
    """The unnumbered picture ``src`` (see :func:`inline_picture`); None with the error recorded."""
    size, unread = read_size(attrs)
    for value in unread:
        reader.problems.warn(pos, f"picture size {excerpt(value, 60)} cannot be read; the picture keeps its own size",
                             'write width="300" (pixels), width="60%" (of the column) or style="zoom:50%"')
    alt = _described(reader, src, alt, title, pos)
    data = _loaded(reader, src, pos)
    return m.Picture(data, alt, pos.line, size=size) if data is not None else None


def _cell_picture(reader: "LectureReader", file: str) -> Callable[[dict[str, str], int], Optional[m.Inline]]:
    """The ``picture`` of :func:`coursepress.htmltables.read_table`: an ``<img>`` in an HTML table's cell as a
    picture in its line (a web address: its description, with a warning)."""
    def picture(attrs: dict[str, str], line: int) -> Optional[m.Inline]:
        pos = SourcePos(file, line)
        src = attrs.get("src", "")
        if is_url(src):
            return url_picture(reader.problems, src, attrs.get("alt", ""), pos)
        return _picture(reader, src, attrs.get("alt", ""), attrs.get("title", ""), attrs, pos)
    return picture


def _loaded(reader: "LectureReader", src: str, pos: SourcePos) -> Optional[ImageData]:
    """The image ``src`` (relative to the lecture) through the one gate for files, or None with the
    error recorded in the reader's problems."""
    try:
        return load_image(reader.root, reader.path.parent, src, pos, reader.limits)
    except ContentError as exc:
        reader.problems.errors.append(exc)
        return None


def read_html_block(reader: "LectureReader", tok: Token) -> list[m.Block]:
    """An HTML block (``raw_html`` on): pictures and centring tags mapped to figures and paragraphs, tables to
    tables (:mod:`coursepress.htmltables`), anything else sanitised and read into paragraphs and lists
    (:mod:`coursepress.htmlblocks`), with a figure for each ``<img>`` in it (:mod:`coursepress.htmlpictures`).

    Each figure and paragraph keeps the line its own tag or text is on (a ``<p align=center>`` block
    with the ``<img>`` on its second line reports a missing picture at that line).
    """
    block = reader.pos(tok)
    if "<table" in tok.content.lower():
        pieces = split_tables(tok.content, block, _cell_picture(reader, block.file))
        if any(piece.table is not None for piece in pieces):
            return _with_tables(reader, tok, pieces, block)
    if not mappable_block(tok.content):
        return _markup(reader, tok, tok.content, block, [0])
    out: list[m.Block] = []
    k = 0
    for kind, value, offset, align in block_items(tok.content):
        pos = SourcePos(block.file, block.line + offset) if block.line else block
        if kind == "img":
            k = _html_picture(reader, tok, value if isinstance(value, dict) else {}, k, pos, out)
        elif kind == "title":
            out.append(m.Paragraph((m.Strong((m.Text(str(value)),)),), pos))
        else:
            out.append(m.Paragraph((m.Text(str(value)),), pos, align=align if align in ("center", "right") else ""))
    return out


def _html_picture(reader: "LectureReader", tok: Token, attrs: dict[str, str], k: int, pos: SourcePos,
                  out: list[m.Block]) -> int:
    """Append the figure of an HTML block's ``<img>`` (its ``k``-th local picture) to ``out``, or its description
    with a warning when its ``src`` is a URL; returns the number of the block's next local picture."""
    src = attrs.get("src", "")
    if is_url(src):
        out.append(m.Paragraph((url_picture(reader.problems, src, attrs.get("alt", ""), pos),), pos))
        return k
    figure = make_figure(reader, src, attrs.get("alt", ""), attrs.get("title", ""), reader.numbers_of(tok, k), pos,
                         attrs)
    if figure is not None:
        out.append(figure)
    return k + 1


def _markup(reader: "LectureReader", tok: Token, html: str, block: SourcePos, k: list[int]) -> list[m.Block]:
    """The paragraphs and lists of markup not mapped as a whole, and a figure for each ``<img>`` in it
    (:mod:`coursepress.htmlpictures`); ``k[0]`` counts the block's local pictures across calls."""
    out: list[m.Block] = []
    for before, attrs, line in html_pieces(html):
        out.extend(html_blocks(sanitize_html(before), block))
        if attrs is not None:
            pos = SourcePos(block.file, block.line + line) if block.line else block
            k[0] = _html_picture(reader, tok, attrs, k[0], pos, out)
    return out


def _with_tables(reader: "LectureReader", tok: Token, pieces: list, block: SourcePos) -> list[m.Block]:
    """The blocks of an HTML block holding tables (:mod:`coursepress.htmltables`): each table, its caption as a
    paragraph before it, and the markup around them (a DataFrame's ``<div>`` and ``<style>``: nothing)."""
    out: list[m.Block] = []
    k = [0]
    for piece in pieces:
        if piece.table is not None:
            if piece.caption:
                out.append(m.Paragraph((m.Text(piece.caption),), piece.table.pos))
            out.append(piece.table)
            continue
        out.extend(_markup(reader, tok, piece.html, block, k))
    return out


TASK_MARK = re.compile(r"\[([ xX])\][ \t]+")
TASK_BOXES = {" ": "\u2610 ", "x": "\u2612 ", "X": "\u2612 "}   # BALLOT BOX, BALLOT BOX WITH X (as Pandoc)


def task_item(blocks: tuple) -> tuple:
    """A list item's ``blocks`` with a GFM task mark (``- [ ] to do``, ``- [x] done``) at the start of its first
    paragraph turned into a ballot box, U+2610 or U+2612, as Pandoc's ``task_lists`` reads it for outputs
    without check boxes (GitHub and Typora draw one; printed as "[x]" it read as a typo). Other items as they are."""
    first = blocks[0] if blocks else None
    if not isinstance(first, m.Paragraph) or not first.children or not isinstance(first.children[0], m.Text):
        return blocks
    mark = TASK_MARK.match(first.children[0].text)
    if mark is None:
        return blocks
    text = m.Text(TASK_BOXES[mark.group(1)] + first.children[0].text[mark.end():])
    return (replace(first, children=(text,) + first.children[1:]),) + blocks[1:]
