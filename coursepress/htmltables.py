"""HTML tables in a lecture (``raw_html`` on) read as the document model's tables.

Chapters exported from Jupyter (pandas writes every DataFrame as ``<table class="dataframe">``) or written
for GitHub (``colspan``/``rowspan`` headers Markdown cannot express) hold tables as HTML. The sanitiser
keeps only formatting tags, so such a table printed as one run of words ("step loss 0 1 2.31 …") in the
handout and on the slide. Here each ``<table>`` of an HTML block becomes an :class:`~coursepress.model.Table`
that every writer sets like a Markdown table:

- rows come from ``<thead>``, ``<tbody>``, ``<tfoot>`` or the table itself, in document order; the leading
  rows made only of ``<th>`` cells (or in ``<thead>``) are the header, several of them merged column by
  column into one header row with a line break between the levels (as Pandoc flattens a multi-row header
  for outputs with one);
- a cell spanning columns or rows (``colspan``, ``rowspan``, HTML 5.2 section 4.9.12 table model) keeps its
  text in its first grid cell and leaves the others it covers empty, so every row has every column;
- a cell's text keeps its ``<br>`` line breaks; an ``<img>`` in a cell is a picture in its line, as in a
  Markdown table's cell (loaded through the resource gate by the caller's ``picture``); other markup inside a
  cell is read as its text;
  ``align`` or ``style="text-align: …"`` on the cell or its row aligns the column's cell;
- ``<caption>`` is printed as a paragraph before the table (HTML tables take no number: only captioned
  Markdown tables and directives are numbered, see content-format.md);
- ``<style>`` and ``<script>`` elements are dropped with their content; nested tables stay HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from . import model as m
from .errors import SourcePos

TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_ALIGN = re.compile(r"text-align\s*:\s*(left|center|right)", re.IGNORECASE)
MAX_SPAN = 1000          # HTML 5.2: colspan at most 1000, rowspan at most 65534 (here: as many as colspan)
# Grid cells of one table at the most (a DataFrame of 5,000 rows and 20 columns): spans multiply a few bytes
# into many cells (20 rows of one cell spanning 1000 × 1000 took 5 GB), so inputs stay bounded (issue 14).
MAX_CELLS = 100_000


@dataclass(frozen=True)
class Piece:
    """One part of an HTML block in order: ``html`` (other markup, for the sanitiser) or a ``table``."""

    html: str = ""
    table: Optional[m.Table] = None
    caption: str = ""


def _align(el) -> str:
    value = (el.get("align") or "").lower()
    if value in ("left", "center", "right"):
        return value
    match = _ALIGN.search(el.get("style") or "")
    return match.group(1).lower() if match else ""


_MARK = "\U0010fffd"      # stands for a cell's k-th picture in its text while the text is read: MARK k MARK
_MARKED = re.compile(_MARK + r"(\d+)" + _MARK)
# (the <img>'s attributes, its line in the lecture) -> the picture's inline node, or None when it cannot be loaded
PictureOf = Callable[[dict[str, str], int], Optional[m.Inline]]


def _inlines(cell, picture: Optional[PictureOf] = None, first_line: int = 0) -> tuple[m.Inline, ...]:
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    images = list(cell.iter("img")) if picture is not None else []
    for k, img in enumerate(images):
        img.tail = f"{_MARK}{k}{_MARK}" + (img.tail or "")
    lines = [" ".join(part.split()) for part in cell.text_content().split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    out: list[m.Inline] = []
    for k, line in enumerate(lines):
        if k:
            out.append(m.Break(True))
        for n, part in enumerate(_MARKED.split(line)):
            if n % 2 == 0:
                if part:
                    out.append(m.Text(part))
            elif picture is not None:
                img = images[int(part)]
                node = picture({key: str(value) for key, value in img.attrib.items()},
                               first_line + (img.sourceline or 1) - 1)
                if node is not None:
                    out.append(node)
    return tuple(out)


def _span(el, name: str) -> int:
    try:
        return min(max(int((el.get(name) or "1").strip()), 1), MAX_SPAN)
    except ValueError:
        return 1


def _grid(rows, picture: Optional[PictureOf] = None, first_line: int = 0) -> Optional[list[list[Optional[m.Cell]]]]:
    """The rows as a grid of cells; a spanned cell's other grid places are empty cells. A ``rowspan`` ends at
    the table's last row (HTML 5.2 section 4.9.12: cells past the end are clipped). None when the grid would
    hold more than :data:`MAX_CELLS` cells."""
    grid: list[list[Optional[m.Cell]]] = []
    pending: dict[tuple[int, int], m.Cell] = {}      # (row, column) covered by a rowspan above
    count = 0
    for r, tr in enumerate(rows):
        line: list[Optional[m.Cell]] = []
        row_align = _align(tr)
        for cell in [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]:
            while (r, len(line)) in pending:
                line.append(pending.pop((r, len(line))))
            align = _align(cell) or row_align
            first = len(line)
            across, down = _span(cell, "colspan"), min(_span(cell, "rowspan"), len(rows) - r)
            if count + len(line) + len(pending) + across * down > MAX_CELLS:
                return None
            line.append(m.Cell(_inlines(cell, picture, first_line), align))
            line.extend(m.Cell((), align) for _ in range(across - 1))
            for below in range(1, down):
                for col in range(first, len(line)):
                    pending[(r + below, col)] = m.Cell((), align)
        while (r, len(line)) in pending:
            line.append(pending.pop((r, len(line))))
        count += len(line)
        grid.append(line)
    return grid


def read_table(html: str, pos: SourcePos, picture: Optional[PictureOf] = None) -> Optional[tuple[m.Table, str]]:
    """``(table, caption text)`` of one ``<table>…</table>`` fragment; None when it holds no row, nests
    another table or would hold more than :data:`MAX_CELLS` cells (left to the sanitiser: its text is kept).
    ``picture`` makes each ``<img>`` in a cell an inline node (:class:`~coursepress.model.Picture`) in its place;
    without it a cell is its text."""
    from lxml import html as lhtml

    try:
        root = lhtml.fragment_fromstring(html)
    except Exception:       # lxml raises ParserError and others for fragments it cannot read
        return None
    if root.tag != "table" or root.find(".//table") is not None:
        return None
    for el in list(root.iter("style", "script")):
        el.drop_tree()
    caption_el = root.find("caption")
    caption = " ".join(caption_el.text_content().split()) if caption_el is not None else ""
    rows: list = []
    heads = 0
    for part in root:
        if not isinstance(part.tag, str):
            continue
        tag = part.tag.lower()
        group = [part] if tag == "tr" else [tr for tr in part if isinstance(tr.tag, str) and tr.tag == "tr"] \
            if tag in ("thead", "tbody", "tfoot") else []
        for tr in group:
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if heads == len(rows) and cells and (tag == "thead" or all(c.tag == "th" for c in cells)):
                heads += 1
            rows.append(tr)
    if not rows:
        return None
    grid = _grid(rows, picture, pos.line)
    if grid is None:
        return None
    width = max(len(line) for line in grid)
    if width * len(grid) > MAX_CELLS:
        return None
    for line in grid:
        line.extend(m.Cell((), "") for _ in range(width - len(line)))
    cells = [[c if c is not None else m.Cell((), "") for c in line] for line in grid]
    header = [m.Cell((), "") for _ in range(width)]
    for line in cells[:heads]:
        for col, cell in enumerate(line):
            if cell.children:
                joined = header[col].children + ((m.Break(True),) if header[col].children else ()) + cell.children
                header[col] = m.Cell(joined, header[col].align or cell.align)
    body = cells[heads:]
    return m.Table(tuple(header), tuple(tuple(line) for line in body), pos), caption


def split_tables(html: str, pos: SourcePos, picture: Optional[PictureOf] = None) -> list[Piece]:
    """The pieces of an HTML block starting at ``pos``: the markup around its tables and each table read
    (:func:`read_table`, with ``picture`` for the pictures in its cells), at the line of its ``<table>`` tag."""
    pieces: list[Piece] = []
    last = 0
    for match in TABLE.finditer(html):
        line = pos.line + html.count("\n", 0, match.start()) if pos.line else 0
        read = read_table(match.group(0), SourcePos(pos.file, line), picture)
        if read is None:
            continue
        pieces.append(Piece(html=html[last:match.start()]))
        pieces.append(Piece(table=read[0], caption=read[1]))
        last = match.end()
    pieces.append(Piece(html=html[last:]))
    return [p for p in pieces if p.table is not None or p.html.strip()]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# a <style> first on its line, or after the tags that open the line (<div><style scoped>, as some exporters write)
_STYLE_OPEN = re.compile(r"^ {0,3}(?:<[A-Za-z][^<>]*>[ \t]*)*<style\b", re.IGNORECASE)
_STYLE_CLOSE = re.compile(r"</style\s*>", re.IGNORECASE)
STYLE_GAP = "/**/"      # an empty CSS comment: what a blank line inside a <style> element becomes


def close_style_gaps(text: str) -> str:
    """``text`` (a lecture, ``raw_html`` on) with each blank line inside a ``<style>`` element that starts a
    line, or follows only tags there (outside code fences), made an empty CSS comment, :data:`STYLE_GAP`; lines stay where they were.

    nbconvert writes a DataFrame as ``<div>``, then ``<style scoped>`` with blank lines between its rules, then
    the ``<table>``. CommonMark ends an HTML block that starts with ``<div>`` at its first blank line (spec
    section 4.6, kind 6), so the rest of the CSS became an indented code block and the table a paragraph."""
    if "<style" not in text.lower():
        return text
    lines = text.split("\n")
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not line.strip()[len(opened.group(1)):].strip():
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif _STYLE_OPEN.match(line) and not _STYLE_CLOSE.search(line):
            end = next((k for k in range(index + 1, len(lines)) if _STYLE_CLOSE.search(lines[k])), None)
            if end is not None:
                for k in range(index + 1, end):
                    if not lines[k].strip():
                        lines[k] = STYLE_GAP
                index = end
        index += 1
    return "\n".join(lines)
