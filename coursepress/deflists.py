"""Definition lists (PHP Markdown Extra, Pandoc, MkDocs ``def_list``, d2l): a term line, then ``: definition``.

Without the rule, a term and its ``: definition`` line ran together into one paragraph ("term: definition"). markdown-it's
``deflist`` plugin (mdit-py-plugins) reads them; the document model has no definition list, so each term
becomes a paragraph of its own in bold and its definitions follow as ordinary blocks (paragraphs, lists,
code), as Pandoc's writers for formats without definition lists set them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.token import Token

from . import model as m
from .mdsource import matching_close

if TYPE_CHECKING:
    from .reader import LectureReader


def read_definitions(reader: "LectureReader", tokens: list[Token], start: int, close: int) -> list[m.Block]:
    """The blocks of the definition list ``tokens[start]`` (``dl_open``) … ``tokens[close]``."""
    out: list[m.Block] = []
    j = start + 1
    while j < close:
        tok = tokens[j]
        end = matching_close(tokens, j)
        if tok.type == "dt_open":
            out.append(m.Paragraph((m.Strong(tuple(reader.inline.read(tokens[j + 1]))),), reader.pos(tok)))
        elif tok.type == "dd_open":
            out.extend(reader.blocks_of(tokens, j + 1, end))
        j = end + 1
    return out
