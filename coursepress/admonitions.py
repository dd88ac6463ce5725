"""Admonitions as other tools write them, read as the project's ``::: note|tip|warning`` boxes.

Course chapters are often written for another tool first, each with its own box syntax:

- MkDocs-Material and Python-Markdown (d2l, most Chinese MkDocs sites): ``!!! note "Title"`` (``???`` and
  ``???+`` for a collapsible one) followed by its body indented four spaces; ``""`` means no title;
- MyST / Jupyter Book: ``:::{note}`` … ``:::`` (the directive name in braces, an optional title after it);
- GitHub and Obsidian alerts: a block quote whose first line is ``[!NOTE]`` (``[!TIP]``, ``[!IMPORTANT]``,
  ``[!WARNING]``, ``[!CAUTION]``), an optional title after the marker (Obsidian).

Without these rules the first printed ``!!! note "Tip"`` as text and set its body as a code block, the
second stopped the build (an unknown container) and the third printed ``[!NOTE]`` in a quote. All three
come out as ``container_div`` tokens (the ``:::`` plugin's), so the reader and every writer treat them as
one kind. Their many kinds are mapped onto the three boxes the templates style (:data:`KINDS`); a kind
whose word differs from its box's (``important``, ``caution``, ``danger``) is titled with its own word
from the message catalogue (``handout.<kind>``) unless the author gave a title.
"""

from __future__ import annotations

import re
from typing import Optional

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore

# The kinds of MkDocs-Material, Python-Markdown, MyST (docutils) and GitHub alerts → the box that shows them.
KINDS = {
    "note": "note", "info": "note", "abstract": "note", "summary": "note", "tldr": "note", "todo": "note",
    "seealso": "note", "example": "note", "quote": "note", "cite": "note", "question": "note", "help": "note",
    "faq": "note", "important": "note", "admonition": "note",
    "tip": "tip", "hint": "tip", "success": "tip", "check": "tip", "done": "tip",
    "warning": "warning", "caution": "warning", "attention": "warning", "danger": "warning", "error": "warning",
    "failure": "warning", "fail": "warning", "missing": "warning", "bug": "warning",
}
# Kinds whose own word (handout.<kind> in the catalogue) titles the box when the author gave none.
TITLED = ("important", "caution", "danger")

_MKDOCS = re.compile(r'(?:!!!|\?\?\?\+?)[ \t]+([A-Za-z][\w-]*)(?:[ \t]+[\w-]+)*(?:[ \t]+"([^"]*)")?[ \t]*$')
_ALERT = re.compile(r"\[!([A-Za-z]+)\][+-]?[ \t]*([^\n]*)(?:\n|$)")


def box_of(name: str) -> Optional[tuple[str, str]]:
    """``(box, kind)`` for a container or directive name (``note``, ``{note}``, ``Caution``): the box
    (``note``/``tip``/``warning``) and the kind as written, lower case; None for a name that is no admonition."""
    kind = name.strip().removeprefix("{").removesuffix("}").strip().lower()
    box = KINDS.get(kind)
    return (box, kind) if box else None


def empty_box_hint(markup: str, kind: str) -> tuple[str, str]:
    """(how the author wrote the box, what to do) for the error about an empty box of ``kind`` opened with
    ``markup`` (``!!!``, ``[!`` or a backtick fence; anything else is a ``:::`` block)."""
    if markup == "!!!":
        return f"'!!! {kind}'", "indent its text four spaces on the lines under it, or remove it"
    if markup == "[!":
        return f"'> [!{kind.upper()}]'", "write its text on the next lines of the quote ('> …'), or remove it"
    if markup.startswith("`"):
        return f"'```{{{kind}}}'", "write its text between the fence lines, or remove it"
    return f"'::: {kind}'", "write its content or remove it"


def _mkdocs(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``!!! kind "title"`` and its body indented four spaces more (blank lines inside are kept)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    match = _MKDOCS.match(state.src[begin:state.eMarks[start]])
    if not match or box_of(match.group(1)) is None:
        return False
    if silent:
        return True
    last, line = start, start + 1
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] - state.blkIndent < 4:
                break
            last = line
        line += 1
    title = match.group(2)
    opener = state.push("container_div_open", "div", 1)
    opener.info = f"{match.group(1)} {title}" if title else match.group(1)
    opener.markup, opener.block, opener.map = "!!!", True, [start, last + 1]
    old_indent, old_max, old_parent = state.blkIndent, state.lineMax, state.parentType
    state.blkIndent += 4
    state.lineMax = last + 1
    state.parentType = "container"      # as markdown-it's own container plugin does
    state.md.block.tokenize(state, start + 1, last + 1)
    state.blkIndent, state.lineMax, state.parentType = old_indent, old_max, old_parent
    closer = state.push("container_div_close", "div", -1)
    closer.markup, closer.block = "!!!", True
    state.line = last + 1
    return True


def _alerts(state: StateCore) -> None:
    """A block quote starting ``[!KIND]`` becomes that kind's box; the marker line is taken off its text."""
    tokens = state.tokens
    for index, tok in enumerate(tokens):
        if tok.type != "blockquote_open" or index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
            continue
        inline = tokens[index + 2]
        match = _ALERT.match(inline.content)
        if not match or box_of(match.group(1)) is None:
            continue
        close = next(k for k in range(index + 1, len(tokens))
                     if tokens[k].type == "blockquote_close" and tokens[k].level == tok.level)
        title = match.group(2).strip()
        tok.type, tok.tag, tok.markup = "container_div_open", "div", "[!"
        tok.info = match.group(1).lower() + (f" {title}" if title else "")
        tokens[close].type, tokens[close].tag, tokens[close].markup = "container_div_close", "div", "[!"
        inline.content = inline.content[match.end():]
        if not inline.content.strip():          # the marker stood alone in its paragraph: drop the empty one
            del tokens[index + 1:index + 4]


def admonition_plugin(md: MarkdownIt) -> None:
    """Add the MkDocs (``!!!``) block rule and the GitHub-alert core rule (before inline parsing)."""
    md.block.ruler.before("fence", "mkdocs_admonition", _mkdocs,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.core.ruler.before("inline", "github_alerts", _alerts)
