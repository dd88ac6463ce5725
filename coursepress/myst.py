"""MyST (Jupyter Book) directives written as backtick fences: ```` ```{note} ````, ```` ```{code-cell} python ````,
```` ```{math} ````.

Jupyter Book chapters use fences whose info string is ``{name} argument``; the project's own data directives
(``{model-table}``, ``{chart}``) are written the same way, so every other name stopped the build as an
unknown directive or printed its Markdown as code. A core rule (before inline parsing) rewrites:

- an admonition kind (:data:`coursepress.admonitions.KINDS`: ``{note}``, ``{warning} Title``, ``{admonition} Title``)
  into the ``container_div`` tokens of a ``:::`` box, its body read as Markdown with its own line numbers;
- ``{code-cell}``, ``{code-block}``, ``{code}``, ``{sourcecode}`` into a plain fence of the language given;
- ``{math}`` into a ``math`` fence, numbered when it has a ``:label:``;
- ``{figure} path`` (its body the caption) and ``{image} path`` into a paragraph holding the Markdown picture
  ``![alt](<path> "caption"){#name}`` at the fence's line, so it is a numbered figure loaded through the
  resource gate like any other (:func:`_picture_source`).

Any other ``{name} argument`` fence is an unknown directive for the reader (an error at its line), not code.

Roles in text: ``{eq}`eq-x``` prints the formula's number in brackets (as ``\\eqref``), ``{numref}`fig-x``` and
``{ref}`sec-x``` what ``[](#id)`` prints; each becomes a link token to its id, so an unknown id is an error at
its line. A role text with a title, ``{ref}`the text <sec-x>```, keeps the title as the link's text.

Option lines at the top of the body (``:class: dropdown``, ``:label: eq-x``; MyST's ``:key: value`` form) are
read and taken off; options other than ``:label:`` only style the box in Jupyter Book and are dropped.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .admonitions import box_of
from .texlabels import EQREF, push_reference

_DIRECTIVE = re.compile(r"\{([A-Za-z][\w-]*)\}[ \t]*(.*)$")
_OPTION = re.compile(r"[ \t]*:([A-Za-z][\w-]*):[ \t]*(.*)$")
CODE_DIRECTIVES = ("code-cell", "code-block", "code", "sourcecode")
PICTURE_DIRECTIVES = ("figure", "image")
MAX_DEPTH = 20          # boxes inside boxes read (the reader's own nesting limit, reader.MAX_BLOCK_DEPTH)
_ALT_ESCAPE = re.compile(r"([\\\[\]])")
_TITLE_ESCAPE = re.compile(r'([\\"])')


def _options(content: str) -> tuple[dict[str, str], list[str], int]:
    """(options, the body's lines after them, how many lines they took)."""
    lines = content.split("\n")
    options: dict[str, str] = {}
    taken = 0
    while taken < len(lines) and (match := _OPTION.match(lines[taken])):
        options[match.group(1).lower()] = match.group(2).strip()
        taken += 1
    return options, lines[taken:], taken


def _shifted(tokens: list[Token], first_line: int, level: int) -> list[Token]:
    for tok in tokens:
        if tok.map:
            tok.map = [tok.map[0] + first_line, tok.map[1] + first_line]
        tok.level += level
    return tokens


def _picture_source(path: str, options: dict[str, str], lines: list[str]) -> str:
    """The Markdown picture a ``{figure} path`` / ``{image} path`` directive stands for, on one line:
    ``![alt](<path> "caption"){#name}``. The caption is the body's text (a figure's); the alt text the ``:alt:``
    option, else the caption; the id ``:name:`` (or ``:label:``). Other options (``:width:``, ``:align:``) only
    size the picture in Jupyter Book and are dropped."""
    caption = " ".join(" ".join(lines).split())
    alt = _ALT_ESCAPE.sub(r"\\\1", " ".join((options.get("alt") or caption).split()))
    escaped = _TITLE_ESCAPE.sub(r"\\\1", caption)
    title = f' "{escaped}"' if caption else ""
    ident = options.get("name") or options.get("label") or ""
    return f"![{alt}](<{path}>{title})" + (f"{{#{ident}}}" if ident else "")


def _directives(state: StateCore) -> None:
    state.tokens[:] = _rewritten(state, state.tokens, 0)


def _rewritten(state: StateCore, tokens: list[Token], depth: int) -> list[Token]:
    """``tokens`` with their MyST directive fences rewritten, also those inside a box's body (a ``{code-cell}``
    or ``{math}`` inside a ````{note}````), down to :data:`MAX_DEPTH` boxes deep; deeper ones are left as
    fences, which the reader reports as unknown directives."""
    if depth > MAX_DEPTH:
        return tokens
    out: list[Token] = []
    for tok in tokens:
        match = _DIRECTIVE.match(tok.info.strip()) if tok.type == "fence" else None
        name = match.group(1).lower() if match else ""
        is_picture = bool(match and name in PICTURE_DIRECTIVES and match.group(2).strip())   # a path after it
        if not match or not (name in CODE_DIRECTIVES or is_picture or name == "math" or box_of(name)):
            out.append(tok)
            continue
        options, lines, taken = _options(tok.content)
        argument = match.group(2).strip()
        if is_picture:
            picture: list[Token] = []
            state.md.block.parse(_picture_source(argument, options, lines), state.md, state.env, picture)
            out += _shifted(picture, tok.map[0] if tok.map else 0, tok.level)
            continue
        if name in CODE_DIRECTIVES:
            tok.info, tok.content = argument, "\n".join(lines)
            out.append(tok)
        elif name == "math":
            label = options.get("label", "")
            tok.info, tok.content = "math" + (f" {{#{label}}}" if label else ""), "\n".join(lines)
            out.append(tok)
        else:
            opener = Token("container_div_open", "div", 1, map=tok.map, info=f"{name} {argument}".strip(),
                           markup="```", block=True, level=tok.level)
            inner: list[Token] = []
            state.md.block.parse("\n".join(lines), state.md, state.env, inner)
            first = (tok.map[0] if tok.map else 0) + 1 + taken
            closer = Token("container_div_close", "div", -1, markup="```", block=True, level=tok.level)
            out += [opener, *_shifted(_rewritten(state, inner, depth + 1), first, tok.level + 1), closer]
    return out


_ROLE = re.compile(r"\{(eq|numref|ref)\}`([^`\n]+)`")
_TITLED = re.compile(r"(.*?)\s*<([^<>]+)>$")


def _role(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = _ROLE.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        target, title = match.group(2).strip(), ""
        titled = _TITLED.match(target)
        if titled and match.group(1) != "eq":
            title, target = titled.group(1).strip(), titled.group(2).strip()
        push_reference(state, (EQREF if match.group(1) == "eq" else "") + target, "{" + match.group(1) + "}", title)
    state.pos = match.end()
    return True


def myst_plugin(md: MarkdownIt) -> None:
    """Add the MyST directive core rule (after block parsing, before inline parsing) and the roles' inline rule
    (before code spans, which would otherwise take the role's text)."""
    md.core.ruler.before("inline", "myst_directives", _directives)
    md.inline.ruler.before("backticks", "myst_roles", _role)
