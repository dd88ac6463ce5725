"""Math syntax for the Markdown parser: ``$…$`` inline, ``$$…$$`` display, ``$$…$$ {#eq-id}``; LaTeX's
``\\(…\\)`` inline and ``\\[…\\]`` display (:func:`latex_inline`, :func:`latex_block`).

Both rules run before escapes and emphasis, so nothing inside a formula is
touched by Markdown (C38: ``$A*B*C$`` keeps its stars, ``\\{`` and ``\\\\`` their
backslashes). The delimiter rules are Pandoc's ``tex_math_dollars``: an
opening ``$`` must be followed by a non-space, a closing ``$`` preceded by a
non-space and not followed by a digit, so ``$5 and $10`` stays text; no
space is needed between a formula and Chinese text or punctuation
(Chinese "written as", then ``$\\theta$`` and a full-width comma). Text
between two dollars that holds Chinese characters and no TeX command is prose,
not a formula (``$5`` U+548C "and" ``$10``); with a command (``$\\text{…}$``
with Chinese inside, "loss") it is a formula, and its Chinese an error (the math
font has no Han glyphs). ``\\$`` is a dollar sign (the escape rule sees it first).

Tokens:

* ``math_inline`` (``content`` the TeX, ``meta["offset"]`` its start in the
  inline token's content);
* ``math_lone_dollar`` (``content`` "$"): a ``$`` that opens a formula which
  never closes; the reader warns and prints it as text;
* ``math_block`` (``content`` the TeX, ``info`` the ``{#eq-id}`` id or "",
  ``meta["closed"]`` False when no closing ``$$`` was found, ``meta["column"]``
  the 1-based column of the TeX's first character).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from .cjk import CJK_RE
from .patches import use_table_splitter

EQ_LABEL = re.compile(r"\$\$\s*\{#([A-Za-z][\w:-]*)\}\s*$")


_COMMAND = re.compile(r"\\[A-Za-z]+")


def _prose(src: str, start: int, end: int) -> bool:
    """Whether the text between two dollars is prose, not a formula: it holds Chinese and no TeX command
    (``$5`` U+548C "and" ``$10``). ``$L=\\text{…}$`` ("cross-entropy" in Chinese) is a formula (its
    Chinese is then reported by the TeX check)."""
    return bool(CJK_RE.search(src, start, end)) and not _COMMAND.search(src, start, end)


def _closing(src: str, start: int, end: int) -> int:
    """Index of the ``$`` closing an inline formula whose TeX starts at ``start``, or -1."""
    pos = start
    while pos < end:
        char = src[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "$":
            after = src[pos + 1] if pos + 1 < end else ""
            if pos > start and not src[pos - 1].isspace() and not after.isdigit():
                return pos
        pos += 1
    return -1


def math_inline(state: StateInline, silent: bool) -> bool:
    """``$TeX$`` (and ``$$TeX$$`` inside a line) → ``math_inline``; see the module docstring."""
    src, start, end = state.src, state.pos, state.posMax
    if src[start] != "$":
        return False
    double = src.startswith("$$", start)
    tex_start = start + (2 if double else 1)
    if tex_start >= end or src[tex_start].isspace() or (not double and src[tex_start] == "$"):
        return False
    if double:
        close = src.find("$$", tex_start)
        close = -1 if close <= tex_start else close
    else:
        close = _closing(src, tex_start, end)
    if close >= 0 and (_prose(src, tex_start, close)
                       or (src[tex_start].isdigit() and re.search(r"(?<!\\)\$", src[tex_start:close]))):
        close = -1      # "$5 U+548C $10", "$5 and $10 … $x$": prose between dollars, not a formula
    if close < 0:
        if not silent:
            token = state.push("math_lone_dollar", "", 0)
            token.content = src[start:tex_start]
            # a currency amount ($5, $1.5B) is no formula: no warning for it
            token.meta = {"offset": start, "quiet": src[tex_start].isdigit()}
        state.pos = tex_start
        return True
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[tex_start:close]
        token.markup = "$$" if double else "$"
        token.meta = {"offset": tex_start}
    state.pos = close + (2 if double else 1)
    return True


def latex_inline(state: StateInline, silent: bool) -> bool:
    """LaTeX's ``\\(TeX\\)`` → ``math_inline`` (as MathJax and Jupyter read it; answers copied from a chatbot
    use it), when a ``\\)`` closes it in the same paragraph and what it holds is no prose (:func:`_prose`); else the
    escape rule prints "(". Read before escapes, so the TeX keeps its backslashes."""
    src, start = state.src, state.pos
    if not src.startswith("\\(", start):
        return False
    close = src.find("\\)", start + 2, state.posMax)
    if close < 0 or not src[start + 2:close].strip() or _prose(src, start + 2, close):
        return False        # "\\(note\\)" in Chinese: escaped brackets around prose, as between two dollars
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[start + 2:close].strip()
        token.markup = "\\("
        token.meta = {"offset": start + 2 + len(src[start + 2:close]) - len(src[start + 2:close].lstrip())}
    state.pos = close + 2
    return True


def latex_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """LaTeX's ``\\[`` … ``\\]`` → ``math_block``: a line starting with ``\\[`` up to the line ending in ``\\]``,
    with no blank line between (TeX allows none in display math); anything else is left to the paragraph
    (``\\[1\\] …`` is an escaped bracket)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("\\[", begin):
        return False
    line, lines = start_line, []
    text = state.src[begin + 2:state.eMarks[start_line]]
    while True:
        stripped = text.rstrip()
        if stripped.endswith("\\]") and (line > start_line or len(stripped) >= 2):
            lines.append(stripped[:-2])
            break
        lines.append(stripped)
        line += 1
        if line >= end_line or state.sCount[line] < state.blkIndent:
            return False
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
        if not text.strip():
            return False
    tex = "\n".join(lines).strip()
    if not tex:
        return False
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.content = tex
    token.info = ""
    token.map = [start_line, line + 1]
    token.markup = "\\["
    token.meta = {"closed": True, "column": 0 if not lines[0].strip() else begin + 3 - state.bMarks[start_line]
                  + len(lines[0]) - len(lines[0].lstrip())}
    state.line = line + 1
    return True


def math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A ``$$`` line opens a display formula, also right after a paragraph line; see the module docstring."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first_end = state.eMarks[start_line]
    if not state.src.startswith("$$", begin):
        return False
    if silent:
        return True
    lines: list[str] = []
    label, closed, line = "", False, start_line
    text = state.src[begin + 2:first_end]
    tex_column = begin + 2 - state.bMarks[start_line] + 1
    while True:
        stripped = text.rstrip()
        match = EQ_LABEL.search(stripped)
        if match:
            label, stripped, closed = match.group(1), stripped[:match.start()], True
        elif stripped.endswith("$$") and (line > start_line or len(stripped) >= 2):
            stripped, closed = stripped[:-2], True
        lines.append(stripped)
        if closed:
            break
        line += 1
        if line >= end_line:
            break
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
        if state.sCount[line] < state.blkIndent:    # the enclosing list item or quote ended
            line -= 1
            break
        if not text.strip() and "".join(lines).strip():
            line -= 1       # a blank line ends an unclosed formula (TeX allows none in display math), so the
            break           # error is at this $$, not at the next formula's $$ paragraphs later
    token = state.push("math_block", "math", 0)
    token.content = "\n".join(lines).strip()
    if lines and not lines[0].strip() and token.content:
        tex_column = 0     # the TeX starts on a later line; columns are counted from the line
    elif lines:
        tex_column += len(lines[0]) - len(lines[0].lstrip())
    token.info = label
    token.map = [start_line, line + 1]
    token.markup = "$$"
    token.meta = {"closed": closed, "column": tex_column}
    state.line = line + 1
    return True


def math_span_at(line: str, pos: int) -> int:
    """End (exclusive, closing dollars included) of the inline formula whose ``$`` or ``$$`` is at
    ``line[pos]``, by the rules of :func:`math_inline`; -1 when that dollar opens no formula."""
    double = line.startswith("$$", pos)
    start, end = pos + (2 if double else 1), len(line)
    if start < end and not line[start].isspace():
        close = line.find("$$", start) if double else _closing(line, start, end)
        if close > start and not _prose(line, start, close) and not (
                line[start].isdigit() and re.search(r"(?<!\\)\$", line[start:close])):
            return close + (2 if double else 1)
    return -1


def math_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each inline formula of ``line``, dollars included, by the rules of :func:`math_inline`."""
    spans: list[tuple[int, int]] = []
    pos, end = 0, len(line)
    while pos < end:
        char = line[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "$":
            stop = math_span_at(line, pos)
            if stop > 0:
                spans.append((pos, stop))
                pos = stop
            else:
                pos += 2 if line.startswith("$$", pos) else 1
            continue
        pos += 1
    return spans


def table_cells(line: str) -> list[str]:
    """A table row split at its ``|`` as GFM does (``\\|`` is a literal bar), except inside formulas:
    ``$a|b$`` and ``$\\|x\\|$`` stay one cell with their TeX untouched (C38's table cells)."""
    spans = math_spans(line)
    cells: list[str] = []
    current, last, escaped = "", 0, False
    for pos, char in enumerate(line):
        if char == "|" and not any(a <= pos < b for a, b in spans):
            if not escaped:
                cells.append(current + line[last:pos])
                current, last = "", pos + 1
            else:
                current += line[last:pos - 1]
                last = pos
        escaped = char == "\\"
    cells.append(current + line[last:])
    return cells


def math_plugin(md: MarkdownIt) -> None:
    """Add the two math rules (inline before escapes, block before paragraphs and able to interrupt them),
    and make the table rule split rows with :func:`table_cells`.

    markdown-it-py's table rule splits a row with its module function ``escapedSplit`` (4.x,
    ``rules_block/table.py``) before any inline rule runs, so that function is replaced.
    """
    use_table_splitter(table_cells)     # coursepress.patches: the table rule has no hook
    md.inline.ruler.before("escape", "math_inline", math_inline)
    md.inline.ruler.before("escape", "latex_inline", latex_inline)
    md.block.ruler.before("fence", "math_block", math_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("fence", "latex_block", latex_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
