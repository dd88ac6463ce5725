"""HTML comments (``<!-- … -->``) in a lecture: the author's notes to self, printed by no output.

Every Markdown viewer hides them (GitHub, Typora, Pandoc's PDF and PPTX writers). markdown-it reads them
as raw HTML only when ``raw_html`` is on; with it off (the default) a comment was a paragraph of text,
printed in the handout and on the slides with no warning. These rules read them in both modes, before
raw HTML and paragraphs:

- a block comment: a line starting (after at most 3 spaces) with ``<!--`` up to the line ending in
  ``-->`` (CommonMark 0.31 §4.6, HTML block type 2, when nothing follows the comment on its last line);
  it may interrupt a paragraph, as an HTML block does;
- an inline comment inside a paragraph, ``<!-->``, ``<!--->`` or ``<!--`` … ``-->`` (CommonMark §6.6).

Both become tokens of type ``html_comment`` (block ones keep ``map``), which the reader does not turn
into any node. Code spans and fenced code keep their comments (they are read first).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

OPEN = "<!--"
CLOSE = "-->"


def _block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    first = state.bMarks[start] + state.tShift[start]
    if state.sCount[start] - state.blkIndent >= 4 or not state.src.startswith(OPEN, first):
        return False
    line = start
    while line < end:
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip()
        if line == start and text.startswith(("<!-->", "<!--->")):
            closed = text.index(">") - 2        # an empty comment (CommonMark 0.31 §6.6)
        else:
            closed = text.find(CLOSE, len(OPEN) if line == start else 0)
        if closed >= 0:
            if closed + len(CLOSE) != len(text):
                return False            # text after the comment: a paragraph, whose inline rule drops it
            break
        line += 1
    if line == end:
        return False                    # never closed: left to the paragraph (printed, as written)
    if silent:
        return True
    token = state.push("html_comment", "", 0)
    token.map = [start, line + 1]
    token.content = state.getLines(start, line + 1, state.blkIndent, True)
    state.line = line + 1
    return True


def _inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(OPEN, state.pos):
        return False
    after = state.pos + len(OPEN)
    if state.src.startswith(">", after) or state.src.startswith("->", after):
        stop = state.src.index(">", after) + 1
    else:
        found = state.src.find(CLOSE, after)
        if found < 0:
            return False
        stop = found + len(CLOSE)
    if not silent:
        state.push("html_comment", "", 0).content = state.src[state.pos:stop]
    state.pos = stop
    return True


def comment_plugin(md: MarkdownIt) -> None:
    """Read HTML comments as ``html_comment`` tokens, whatever ``html`` is set to."""
    md.block.ruler.before("html_block", "html_comment", _block,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.before("html_inline", "html_comment", _inline)
