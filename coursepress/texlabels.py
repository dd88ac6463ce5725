"""LaTeX's own equation habits in Markdown, as MathJax-based tools (Jupyter, d2l, Typora, MkDocs) read them.

- A display environment written bare on its own lines, ``\\begin{align}`` … ``\\end{align}`` (also
  ``equation``, ``gather``, ``multline``, ``eqnarray``, ``alignat``, ``flalign``, starred or not), is a display
  formula, as if between ``$$``: before this rule it was a paragraph, its ``\\\\`` read as escapes and printed
  as one line of TeX. Like ``\\[`` … ``\\]``, a blank line inside leaves it to the paragraph (TeX allows none).
- ``\\label{id}`` in a display formula gives it that id (as ``$$ {#id}`` does) and so a number; ``\\nonumber``
  and ``\\notag`` are dropped (the project numbers a formula once, at its right margin). ``\\tag{x}`` is
  the formula's number: it takes none of its own, ``(x)`` (``\\tag*{x}``: ``x``) is printed where automatic
  numbers are, at the right margin (:func:`split_tag`; amsmath sets the tag's text in text mode, so it may
  hold Chinese), and a reference to it prints ``(x)``.
- ``\\eqref{id}`` prints the formula's number in brackets, ``(1)``, ``\\ref{id}`` what ``[](#id)`` prints; written
  in text or alone between dollars (``$\\eqref{id}$``, as MathJax users write it), each is a cross-reference
  (a link token to ``#id``), so an unknown id is an error at its line as for ``[](#id)``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

ENVIRONMENTS = ("equation", "align", "gather", "multline", "eqnarray", "alignat", "flalign")
_BEGIN = re.compile(r"\\begin\{(" + "|".join(ENVIRONMENTS) + r")(\*?)\}")
_LABEL = re.compile(r"\\label\s*\{([A-Za-z][\w:.-]*)\}")
_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")
_REF = re.compile(r"(\$?)\\(eqref|ref)\s*\{([A-Za-z][\w:.-]*)\}\1")
# The target prefix of an \eqref link: its label is the bare bracketed number (numbering.py registers it).
EQREF = "eqref:"


def split_tag(tex: str) -> tuple[str, str, str]:
    """The TeX of a display formula without its ``\\tag``, for checking and for typesetting.

    Returns ``(blanked, bare, shown)``: ``blanked`` is ``tex`` with the tag overwritten by spaces (same
    length, so a problem's offset still points into the source), ``bare`` the same with those spaces removed,
    ``shown`` what the right margin prints: ``(x)`` for ``\\tag{x}``, ``x`` for ``\\tag*{x}``, "" without a
    tag. Only the first tag counts (amsmath allows one per formula line of an unnumbered display).
    """
    match = _TAG.search(tex)
    if not match:
        return tex, tex, ""
    text = match.group(1).strip()
    shown = text if match.group(0).startswith("\\tag*") else f"({text})"
    blanked = tex[:match.start()] + " " * (match.end() - match.start()) + tex[match.end():]
    bare = (tex[:match.start()].rstrip() + " " + tex[match.end():].lstrip()).strip()
    return blanked, bare, shown


def _environment(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    match = _BEGIN.match(state.src, begin, state.eMarks[start])
    if not match:
        return False
    closing = f"\\end{{{match.group(1)}{match.group(2)}}}"
    line = start
    while True:
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip()
        if text.endswith(closing):
            break
        line += 1
        if line >= end or state.isEmpty(line) or state.sCount[line] < state.blkIndent:
            return False
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.content = state.getLines(start, line + 1, state.blkIndent, False).strip()
    token.info = ""
    token.map = [start, line + 1]
    token.markup = "\\begin"
    token.meta = {"closed": True, "column": 0}
    state.line = line + 1
    return True


def _labels(state: StateCore) -> None:
    """Move each display formula's ``\\label`` to its id and note its ``\\tag`` (see the module docstring)."""
    for tok in state.tokens:
        if tok.type != "math_block":
            continue
        label = _LABEL.search(tok.content)
        if label and not tok.info:
            tok.info = label.group(1)
        tag = _TAG.search(tok.content)
        if tag:
            tok.meta = {**tok.meta, "tag": tag.group(1).strip()}
        if label or _NO_NUMBER.search(tok.content):
            tok.content = _NO_NUMBER.sub("", _LABEL.sub("", tok.content)).strip()


def _reference(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] not in "$\\":
        return False
    match = _REF.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        push_reference(state, (EQREF if match.group(2) == "eqref" else "") + match.group(3), "\\" + match.group(2))
    state.pos = match.end()
    return True


def push_reference(state: StateInline, target: str, markup: str, title: str = "") -> None:
    """Push the link tokens of a cross-reference to ``#target`` (``EQREF`` + id for a formula's bracketed
    number), written with ``markup`` (``\\eqref``, ``:numref:``, ``{ref}``): without ``title`` it prints what
    ``[](#id)`` prints; an unknown id is an error at its line (:mod:`coursepress.inlines`)."""
    opener = state.push("link_open", "a", 1)
    opener.attrs = {"href": "#" + target}
    opener.markup = markup
    if title:
        state.push("text", "", 0).content = title
    state.push("link_close", "a", -1).markup = markup


def tex_label_plugin(md: MarkdownIt) -> None:
    """Add the bare-environment block rule, the label core rule and the ``\\eqref`` inline rule."""
    md.block.ruler.before("fence", "tex_environment", _environment,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.core.ruler.before("inline", "tex_labels", _labels)
    md.inline.ruler.before("math_inline", "tex_reference", _reference)
