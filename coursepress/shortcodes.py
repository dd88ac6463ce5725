"""Emoji shortcodes as GitHub, GitLab, MkDocs-Material (pymdownx.emoji) and Typora write them: ``:rocket:``.

Every one of those renders ``:sparkles:`` as the emoji, so a chapter written for them uses the codes as
words; printed as written they were noise in every output. An inline rule reads ``:name:`` (letters,
digits, ``_``, ``+``, ``-``) as the emoji the ``emoji`` package knows by that name or GitHub alias
(``language="alias"``: ``:+1:``, ``:thumbsup:``, ``:white_check_mark:``); anything else (``10:30:00``, an
unknown name) stays text. Code spans and formulas are read first, so ``:x:`` in code stays code. A name
followed by a backtick is another tool's role (d2lbook's ``:label:`x```, reStructuredText's ``:ref:`x```),
and one inside a bare web address (``https://host/:smile:/x``) is part of the address: both stay text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_CODE = re.compile(r":([a-z0-9_+-]+):")


def emoji_of(name: str) -> str:
    """The emoji whose shortcode or GitHub alias is ``name`` (without colons), or "" if none."""
    import emoji        # its tables are only loaded when a lecture holds a candidate

    code = f":{name}:"
    text = emoji.emojize(code, language="alias")
    return "" if text == code else text


def _in_address(src: str, pos: int) -> bool:
    """True when ``src[pos]`` is inside a bare web address: the run of printable ASCII before it (an address
    ends at a space or a Chinese character) holds ``://`` or starts with ``www.``."""
    start = pos
    while start > 0 and "!" <= src[start - 1] <= "~":
        start -= 1
    word = src[start:pos]
    return "://" in word or word.lower().startswith("www.")


def _shortcode(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ":":
        return False
    match = _CODE.match(state.src, state.pos, state.posMax)
    if not match or state.src.startswith("`", match.end()) or _in_address(state.src, state.pos):
        return False
    glyph = emoji_of(match.group(1))
    if not glyph:
        return False
    if not silent:
        token = state.push("text", "", 0)
        token.content = glyph
    state.pos = match.end()
    return True


def shortcode_plugin(md: MarkdownIt) -> None:
    """Add the ``:name:`` rule after the other inline rules."""
    md.inline.ruler.push("emoji_shortcode", _shortcode)
