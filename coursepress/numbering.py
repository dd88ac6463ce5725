"""Numbering: headings (``numbering.part``/1.1/1.3.1), tables (Table n) and figures (Figure n) of one lecture.

One pass over the markdown-it tokens before conversion, so a cross-reference
may point forward; the reader records each label and reports duplicate ids.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Optional

from markdown_it.token import Token

from .errors import SourcePos
from .messages import Messages, default_messages
from .htmlpictures import html_block_pictures
from .pictures import img_attrs, inline_pictures
from .texlabels import EQREF

ID_SUFFIX = re.compile(r"\s*\{#([A-Za-z][\w:-]*)\}\s*$")
# "Table: …", the same in Chinese (U+8868 "table", the colon also full-width U+FF1A) or Pandoc's ": …"
# before a table caption
CAPTION_PREFIX = re.compile(r"^(?:(?:Table|\u8868)\s*[:\uff1a]|:(?=\s))\s*")
EQUATION_NUMBER = "({})"


def heading_depths(tokens: list[Token]) -> dict[int, int]:
    """token index → depth (1 = the top level) of every heading, counted from the levels a lecture uses.

    A lecture whose highest heading is ``##`` has depth-1 headings at ``##``
    (Pandoc's ``--shift-heading-level-by``, chosen automatically); a skipped level
    keeps its place (``#`` then ``####`` is depth 1 then 4).
    """
    levels = {i: int(t.tag[1]) for i, t in enumerate(tokens) if t.type == "heading_open"}
    top = min(levels.values(), default=1)
    return {i: level - top + 1 for i, level in levels.items()}


def number_tokens(tokens: list[Token], label: Callable[[str, str, Token], None],
                  warn: Optional[Callable[[Token, str, str], None]] = None,
                  lecture_number: Optional[int] = None, raw_html: bool = False,
                  words: Optional[Messages] = None) -> dict:
    """Number the headings, tables and figures of one lecture, in document order.

    Headings are numbered by depth (:func:`heading_depths`), never with a zero part:
    depth 1 ``numbering.part`` (a Chinese numeral and U+3001 IDEOGRAPHIC COMMA in
    zh-CN), then 1.1, 1.1.1 …; with ``lecture_number`` n (the course's
    ``heading_numbers: lecture``) depth 1 is n.1, depth 2 n.1.1 (n = 0: 1, 1.1). A
    heading whose parent levels are missing (``####`` right under ``#``, or a ``##``
    before the first ``#``) is numbered as if they were there, each counted 1, and
    ``warn(token, message, hint)`` is called. Tables (Markdown tables and
    ``{model-table}``) with a caption or an id are ``numbering.table`` n; a table
    with neither has no number (Pandoc and LaTeX number only captioned tables) and
    the anchor ``table-k`` (k counts every table); figures (``{chart}``, and every
    picture of a paragraph or, with ``raw_html``, of an HTML block:
    :mod:`coursepress.pictures`) ``numbering.figure`` n; display formulas with an
    ``{#id}`` ``numbering.equation`` (n). Ids come from ``{#id}`` / ``:id:``, else
    ``sec-1-2``, ``tbl-n``, ``fig-n``.

    Args:
        tokens: the lecture's markdown-it block tokens.
        label: called as ``label(id, text, token)`` for each numbered item (text
            "1.2", the Chinese numeral one, ``numbering.table`` 3,
            ``numbering.figure`` 2: what a cross-reference prints).
        warn: receives skipped-level problems (optional).
        lecture_number: the lecture's ``order`` when headings carry it, else None.

    Returns:
        token index → (number, id) for every numbered heading, table and chart;
        (token index, k) → (number, id) for the k-th picture of a paragraph or HTML block.
    """
    words = words if words is not None else default_messages()
    numbers: dict[int | tuple[int, int], tuple[str, str]] = {}   # token index, or (index, k) for a paragraph's k-th picture
    depths = heading_depths(tokens)
    counters = [0] * 6
    figures = tables = equations = 0
    unlabelled = 0      # every table, for the anchor of one without a number
    lines = [0] * 6     # source line of the last heading at each depth
    for i, tok in enumerate(tokens):
        eq_id = equation_id(tok)
        if eq_id:
            tag = tok.meta.get("tag") if tok.type == "math_block" and tok.meta else None
            if tag is None:         # a formula with a \tag shows its own number, so it takes none (texlabels.py)
                equations += 1
            shown = tag if tag is not None else str(equations)
            label(eq_id, words("numbering.equation", n=shown), tok)
            label(EQREF + eq_id, f"({shown})", tok)      # what \eqref prints
            numbers[i] = ("0" if tag is not None else shown, eq_id)
            continue
        if tok.type == "heading_open":
            depth = depths[i]
            missing = [d + 1 for d in range(depth - 1) if counters[d] == 0]
            parent_line = max((lines[d] for d in range(depth - 1) if counters[d]), default=0)
            counters[depth - 1] += 1
            counters[depth:] = [0] * (6 - depth)
            for d in missing:
                counters[d - 1] = 1
            parts = [str(c) for c in counters[:depth]]
            if lecture_number is not None:
                number = ".".join(([str(lecture_number)] if lecture_number else []) + parts)
            elif depth == 1:
                number = words("numbering.part", numeral=words.numeral(counters[0]))
            else:
                number = ".".join(parts)
            # what a cross-reference prints: a part's numeral without its suffix (U+3001 IDEOGRAPHIC COMMA)
            shown = number.removesuffix(words.part_suffix) if depth == 1 and lecture_number is None else number
            if missing and warn is not None:
                level = int(tok.tag[1])
                marks = "#" * (level - len(missing))
                if parent_line:
                    warn(tok, f"a level-{level} heading right under the heading on line {parent_line}: numbered "
                         f"{shown} as if the levels between were there",
                         f"use {marks} here, or add the missing heading above it")
                else:
                    warn(tok, f"a level-{level} heading before the lecture's first level-{level - len(missing)} "
                         f"heading: numbered {shown} as if one came before it",
                         f"start the lecture with a '{marks}' heading, or use {marks} here")
            lines[depth - 1] = tok.map[0] + 1 if tok.map else 0
            lines[depth:] = [0] * (6 - depth)
            ident = heading_id(tokens[i + 1]) or "sec-" + "-".join(parts)
            label(ident, shown, tok)
            numbers[i] = (number, ident)
        elif tok.type == "table_open":
            unlabelled += 1
            caption, ident = table_caption(tokens, i)
            if caption is None:         # no caption line: no number, as in Pandoc and LaTeX
                numbers[i] = ("0", f"table-{unlabelled}")
                continue
            tables += 1
            ident = ident or f"tbl-{tables}"
            label(ident, words("numbering.table", n=tables), tok)
            numbers[i] = (str(tables), ident)
        elif tok.type == "fence" and tok.info.strip().startswith("{"):
            name = tok.info.strip().strip("{}")
            ident = next((ln.split(":", 2)[2].strip() for ln in tok.content.splitlines()
                          if ln.strip().startswith(":id:")), "")
            if name == "model-table":
                unlabelled += 1
                captioned = any(ln.strip().startswith(":caption:") and ln.split(":", 2)[2].strip()
                                for ln in tok.content.splitlines())
                if not captioned and not ident:
                    numbers[i] = ("0", f"table-{unlabelled}")
                    continue
                tables += 1
                ident = ident or f"tbl-{tables}"
                label(ident, words("numbering.table", n=tables), tok)
                numbers[i] = (str(tables), ident)
            elif name == "chart":
                figures += 1
                ident = ident or f"fig-{figures}"
                label(ident, words("numbering.figure", n=figures), tok)
                numbers[i] = (str(figures), ident)
        elif tok.type == "inline" and i and tokens[i - 1].type == "paragraph_open" or tok.type == "html_block":
            pictures: list[Any] = inline_pictures(tok, raw_html) if tok.type == "inline" else \
                (html_block_pictures(tok.content) if raw_html else [])
            for k, picture in enumerate(pictures):
                figures += 1
                attrs = picture if isinstance(picture, dict) else \
                    (picture.attrs if picture.type == "image" else img_attrs(picture.content) or {})
                ident = str(attrs.get("id") or f"fig-{figures}")
                label(ident, words("numbering.figure", n=figures), tok)
                numbers[(i, k)] = (str(figures), ident)
    return numbers


def equation_id(tok: Token) -> str:
    """The ``{#eq-id}`` of a display formula (``$$…$$ {#id}`` or a ```` ```math {#id} ```` fence), or ""."""
    if tok.type == "math_block":
        return tok.info
    if tok.type == "fence" and tok.info.strip().split(maxsplit=1)[:1] == ["math"]:
        match = ID_SUFFIX.search(tok.info)
        return match.group(1) if match else ""
    return ""


def heading_id(inline: Token) -> str:
    """The ``{#id}`` at the end of a heading's inline token, or ""."""
    if inline.children and inline.children[-1].type == "text":
        match = ID_SUFFIX.search(inline.children[-1].content)
        if match:
            return match.group(1)
    return ""


def table_caption(tokens: list[Token], i: int) -> tuple[Optional[Token], str]:
    """The caption of the table at ``i`` and its ``{#id}``: (inline token or None, id or "").

    A caption is a paragraph right after the table starting ``Table:``, the same
    in Chinese (U+8868 "table" and a colon, ASCII or full-width U+FF1A) or
    Pandoc's ``: `` (``: Main models {#tbl-models}``). Written on the line right
    under the rows, GFM reads it as one more row of one cell; that row counts as
    the caption too (its inline token is returned; the reader leaves the row out).
    """
    depth, j = 0, i
    while j < len(tokens):
        if tokens[j].type == "table_open":
            depth += 1
        elif tokens[j].type == "table_close":
            depth -= 1
            if depth == 0:
                break
        j += 1
    # last row: tr_open td_open inline td_close (td_open inline td_close)* tr_close tbody_close table_close
    k = j - 2
    if k > 0 and tokens[k].type == "tr_close":
        opener = k
        while opener > 0 and tokens[opener].type != "tr_open":
            opener -= 1
        cells = [t for t in tokens[opener:k] if t.type == "inline"]
        if cells and CAPTION_PREFIX.match(cells[0].content) and not any(c.content for c in cells[1:]) \
                and opener > 0 and tokens[opener - 1].type != "thead_open":
            match = ID_SUFFIX.search(cells[0].content)
            return cells[0], match.group(1) if match else ""
    if j + 2 < len(tokens) and tokens[j + 1].type == "paragraph_open" and tokens[j + 2].type == "inline":
        content = tokens[j + 2].content
        if CAPTION_PREFIX.match(content):
            match = ID_SUFFIX.search(content)
            return tokens[j + 2], match.group(1) if match else ""
    return None, ""


# A number typed at the start of a heading: "1.1 ", "2. ", "3" and U+3001 IDEOGRAPHIC COMMA, a Chinese numeral
# and U+3001 ("one,"), a Chinese numeral in full-width parentheses U+FF08/U+FF09 ("(two)"), "chapter one"
# (U+7B2C, a numeral, U+7AE0), "Chapter 3". Line 1: U+7B2C (the ordinal prefix) and Chinese numerals (one to
# ten, hundred, zero U+96F6 and U+3007, two U+4E24) or digits, then "part" (U+90E8 U+5206), chapter, section,
# lecture, part, piece, lesson or episode; or Chinese numerals one to ten and U+3001, U+FF0E (full-width full
# stop) or ".". Line 2: numerals one to ten or digits in parentheses (ASCII or full-width); 1.1 / 1.1.1; a
# number and ".", U+3001, U+FF0E or ")". Line 3: a number and a space, unless a date or counter follows (year,
# month, day, day of the month, the general counter, kind, place: U+5E74 U+6708 U+65E5 U+53F7 U+4E2A U+79CD
# U+4F4D) or %; "Chapter 3", "Section 2", "Part 1".
TYPED_NUMBER = re.compile(
    r"^\s*(?:\u7b2c[\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u96f6\u3007\u4e24\d]+(?:\u90e8\u5206|[\u7ae0\u8282\u8bb2\u90e8\u7bc7\u8bfe\u56de])|[\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341]+[\u3001\uff0e.]"
    r"|[\uff08(][\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\d]+[)\uff09]|\d+(?:\.\d+)+\.?(?!\d)|\d+[.\u3001\uff0e)](?!\d)"
    r"|\d+\s+(?=[^\d\s\u5e74\u6708\u65e5\u53f7\u4e2a\u79cd\u4f4d%])|(?:Chapter|Section|Part)\s+\d+[.:]?)\s*")


def typed_number(children: list, strip: bool, warn: Callable[[str, str], None],
                 found: Optional[Callable[[str], None]] = None) -> list:
    """A heading's inlines with a number typed at its start stripped (``strip``), or warned about.

    Headings are numbered automatically, so a typed "1.1 BERT" would print as
    "1.2 1.1 BERT". A heading that is only a number ("2024") is left alone.

    Args:
        children: the heading's model inlines.
        strip: remove the typed number.
        warn: called as ``warn(message, hint)`` when a typed number is kept and ``found`` is None.
        found: called with the typed number (stripped of spaces) whenever one is found, stripped or
            kept; a reader collecting them for one summary (:class:`TypedNumbers`) passes it.
    """
    from . import model as m

    if not children or not isinstance(children[0], m.Text):
        return children
    match = TYPED_NUMBER.match(children[0].text)
    if not match or match.end() == len(children[0].text):
        return children
    typed = match.group(0).strip()
    if found is not None:
        found(typed)
    if strip:
        return [m.Text(children[0].text[match.end():])] + list(children[1:])
    if found is None:
        warn(f"heading starts with a typed number '{typed}'; headings are numbered automatically, so it is printed twice",
             f"delete '{typed}', or set 'markdown: {{strip_typed_numbers: true}}' in course.yaml")
    return children


SUMMARY_SHOWN = 4       # typed numbers quoted in the summary warning; the rest are counted


class TypedNumbers:
    """Numbers typed at the start of one lecture's headings, reported once for the file.

    ``setting`` is ``markdown.strip_typed_numbers``: None (the default) strips them and warns once
    per file, listing them; True strips them silently (the author asked for it); False keeps them
    (each prints next to its automatic number) and warns once per file. A lecturer typing chapter
    and section numbers ("1.1", U+4E00 U+3001) into every heading, as Word and Typora habits have
    it, so gets one line per file saying what was done, instead of one warning per heading.
    """

    def __init__(self, setting: Optional[bool]):
        self.setting = setting
        self.found: list[tuple[SourcePos, str]] = []

    @property
    def strip(self) -> bool:
        """True when typed numbers are removed from the headings."""
        return self.setting is not False

    def add(self, pos: SourcePos, typed: str) -> None:
        """Record the typed number ``typed`` of the heading at ``pos``."""
        self.found.append((pos, typed))

    def report(self, warn: Callable[[SourcePos, str, str], None]) -> None:
        """Call ``warn(pos, message, hint)`` once, at the first heading, unless nothing was found or
        the setting is True."""
        if not self.found or self.setting is True:
            return
        shown = ", ".join(f"'{typed}' (line {pos.line})" for pos, typed in self.found[:SUMMARY_SHOWN])
        more = len(self.found) - SUMMARY_SHOWN
        listed = shown + (f" and {more} more" if more > 0 else "")
        count = len(self.found)
        headings = "heading starts" if count == 1 else f"{count} headings start"
        if self.setting is None:
            warn(self.found[0][0], f"{headings} with a typed number: {listed}; headings are numbered "
                 "automatically, so the typed numbers were removed",
                 "delete them from the headings, or set 'markdown: {strip_typed_numbers: true}' in course.yaml "
                 "to remove them without this warning")
        else:
            warn(self.found[0][0], f"{headings} with a typed number: {listed}; headings are numbered "
                 "automatically, so each is printed twice",
                 "delete them, or set 'markdown: {strip_typed_numbers: true}' in course.yaml")


def github_slug(text: str) -> str:
    """The anchor GitHub (and Typora, VS Code, GitLab alike) gives a heading of ``text``: lower case, every
    character that is not a letter, mark, digit, connector punctuation (``_``), space or hyphen removed,
    each space a hyphen (github-slugger's rule: "1.1 Why Attention?" → ``11-why-attention``; Han characters are letters and stay)."""
    kept = "".join(c for c in text.strip().lower()
                   if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc")
    return kept.replace(" ", "-")


def heading_anchors(tokens: list[Token], numbers: dict) -> dict[str, str]:
    """GitHub-style anchor → id, for every numbered heading of ``tokens`` (``numbers``: what
    :func:`number_tokens` returned), so links an author wrote for GitHub or Typora (``[see](#11-why-attention)``)
    reach the heading. The anchor is made from the heading's text as typed (a typed number included, as
    GitHub shows it); a second heading of the same anchor gets ``-1``, a third ``-2`` …, as on GitHub."""
    seen: dict[str, int] = {}
    anchors: dict[str, str] = {}
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or i not in numbers:
            continue
        inline = tokens[i + 1]
        text = "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))
        slug = github_slug(ID_SUFFIX.sub("", text))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.setdefault(f"{slug}-{count}" if count else slug, numbers[i][1])
    return anchors
