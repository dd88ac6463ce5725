"""Labels and references as d2lbook writes them (the Chinese "Dive into Deep Learning" and books built like it).

d2lbook puts an id on the line after what it names and refers to it with roles:

```
![attention](../img/attention.svg)
:label:`fig_attention`

$$a = b$$
:eqlabel:`eq_a`

:numref:`fig_attention` shows …, by :eqref:`eq_a` …
```

Printed as written, every label line and role was noise and no reference had a number. Here:

- :func:`move_labels` (a source rewrite that keeps every line where it was) turns a ``:label:`x``` or
  ``:eqlabel:`x``` line into the project's own id on the line above it: ``{#x}`` after a heading, a picture or
  a closing ``$$``, and a Pandoc caption line ``: {#x}`` under a table, which numbers the table; the label line
  itself becomes blank. Code fences are left alone. A label with nothing above it it can name (a blank line,
  a paragraph) stays text, as d2lbook would print it.
- an inline rule reads ``:numref:`x``` and ``:ref:`x``` as ``[](#x)`` (what the target's number prints: the
  catalogue's figure or table label, or a section number) and ``:eqref:`x``` as the formula's number in brackets, "(1)"; an unknown id is an
  error at its line, as for ``[](#x)``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .texlabels import EQREF, push_reference

# A label is moved only when it is an id the project reads (numbering.ID_SUFFIX: no '.', which the attrs
# syntax reads as a class): a dotted one moved broke the line above ('$$ {#eq.a}' no longer closed its formula).
_LABEL_LINE = re.compile(r"^[ \t]*:(?:label|eqlabel):`([A-Za-z][\w:-]*)`[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]")
_PICTURE = re.compile(r"!\[[^\]]*\]\([^)]*\)[ \t]*$")
_ROLE = re.compile(r":(numref|ref|eqref):`([A-Za-z][\w:.-]*)`")


def _target(line: str) -> str:
    """How the id goes onto ``line`` (the line above a label): "attr" (``{#x}`` appended), "caption" (a
    table row: a caption line replaces the label), or "" when the line names nothing that takes an id."""
    stripped = line.strip()
    if _HEADING.match(line) or _PICTURE.search(stripped) or stripped.endswith("$$"):
        return "attr"
    if stripped.startswith("|") and stripped.endswith("|"):
        return "caption"
    return ""


def move_labels(text: str) -> str:
    """``text`` with each d2lbook label line moved onto what it names (see the module docstring)."""
    if ":label:`" not in text and ":eqlabel:`" not in text:
        return text
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = _LABEL_LINE.match(line)
        if not match or index == 0:
            continue
        kind = _target(lines[index - 1])
        if kind == "attr":       # right after a picture (the attrs rule), after a space elsewhere
            gap = "" if _PICTURE.search(lines[index - 1].strip()) else " "
            lines[index - 1] = lines[index - 1].rstrip() + f"{gap}{{#{match.group(1)}}}"
            lines[index] = ""
        elif kind == "caption":
            lines[index] = f": {{#{match.group(1)}}}"
    return "\n".join(lines)


def _role(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ":":
        return False
    match = _ROLE.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        push_reference(state, (EQREF if match.group(1) == "eqref" else "") + match.group(2), f":{match.group(1)}:")
    state.pos = match.end()
    return True


def d2l_role_plugin(md: MarkdownIt) -> None:
    """Add the ``:numref:``/``:ref:``/``:eqref:`` rule before code spans (which would take the role's text)."""
    md.inline.ruler.before("backticks", "d2l_roles", _role)
