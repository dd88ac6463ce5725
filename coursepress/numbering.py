"""Numbering: headings (一、/1.1/1.3.1), tables (表 n) and figures (图 n) of one lecture.

One pass over the markdown-it tokens before conversion, so a cross-reference
may point forward; the reader records each label and reports duplicate ids.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from markdown_it.token import Token

ID_SUFFIX = re.compile(r"\s*\{#([A-Za-z][\w:-]*)\}\s*$")
_ZH_DIGITS = "零一二三四五六七八九"
# What a cross-reference to a numbered display formula prints: 式 (1) (the number in
# parentheses, as it stands at the right margin beside the formula).
EQUATION_LABEL = "式 ({})"
EQUATION_NUMBER = "({})"


def zh_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三; from 100 on the digits are read one by one
    (105 → 一〇五, the way years and long numbers are written in Chinese)."""
    if n < 10:
        return _ZH_DIGITS[n]
    if n >= 100:
        return "".join("〇" if d == "0" else _ZH_DIGITS[int(d)] for d in str(n))
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")


def number_tokens(tokens: list[Token], label: Callable[[str, str, Token], None]) -> dict[int, tuple[str, str]]:
    """Number the headings, tables and figures of one lecture, in document order.

    Headings: 一、 for level 1, then 1.1, 1.1.1 …; tables (Markdown tables and
    ``{model-table}``) 表 n; figures (lone images and ``{chart}``) 图 n; display
    formulas with an ``{#id}`` 式 (n). Ids come
    from ``{#id}`` / ``:id:``, else ``sec-1-2``, ``tbl-n``, ``fig-n``.

    Args:
        tokens: the lecture's markdown-it block tokens.
        label: called as ``label(id, text, token)`` for each numbered item (text
            "一", "1.2", "表 3", "图 2": what a cross-reference prints).

    Returns:
        token index → (number, id) for every numbered token.
    """
    numbers: dict[int, tuple[str, str]] = {}
    counters = [0] * 6
    figures = tables = equations = 0
    for i, tok in enumerate(tokens):
        eq_id = equation_id(tok)
        if eq_id:
            equations += 1
            label(eq_id, EQUATION_LABEL.format(equations), tok)
            numbers[i] = (str(equations), eq_id)
            continue
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            counters[level - 1] += 1
            counters[level:] = [0] * (6 - level)
            if level == 1:
                number = zh_numeral(counters[0]) + "、"
            else:
                number = ".".join(str(c) for c in counters[:level])
            ident = heading_id(tokens[i + 1]) or "sec-" + "-".join(str(c) for c in counters[:level])
            label(ident, number.rstrip("、"), tok)
            numbers[i] = (number, ident)
        elif tok.type == "table_open":
            tables += 1
            ident = table_caption(tokens, i)[1] or f"tbl-{tables}"
            label(ident, f"表 {tables}", tok)
            numbers[i] = (str(tables), ident)
        elif tok.type == "fence" and tok.info.strip().startswith("{"):
            name = tok.info.strip().strip("{}")
            ident = next((ln.split(":", 2)[2].strip() for ln in tok.content.splitlines()
                          if ln.strip().startswith(":id:")), "")
            if name == "model-table":
                tables += 1
                ident = ident or f"tbl-{tables}"
                label(ident, f"表 {tables}", tok)
                numbers[i] = (str(tables), ident)
            elif name == "chart":
                figures += 1
                ident = ident or f"fig-{figures}"
                label(ident, f"图 {figures}", tok)
                numbers[i] = (str(figures), ident)
        elif tok.type == "inline" and lone_image(tok):
            figures += 1
            ident = tok.children[0].attrs.get("id") or f"fig-{figures}"
            label(str(ident), f"图 {figures}", tok)
            numbers[i] = (str(figures), str(ident))
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
    """The ``Table: caption {#id}`` paragraph right after the table at ``i``, if any."""
    depth, j = 0, i
    while j < len(tokens):
        if tokens[j].type == "table_open":
            depth += 1
        elif tokens[j].type == "table_close":
            depth -= 1
            if depth == 0:
                break
        j += 1
    if j + 2 < len(tokens) and tokens[j + 1].type == "paragraph_open" and tokens[j + 2].type == "inline":
        content = tokens[j + 2].content
        if re.match(r"^(?:Table|表)\s*[:：]", content):
            match = ID_SUFFIX.search(content)
            return tokens[j + 2], match.group(1) if match else ""
    return None, ""


def lone_image(inline: Token) -> bool:
    """True if the paragraph ``inline`` holds one image and nothing else (a figure)."""
    kids = [c for c in (inline.children or []) if not (c.type == "text" and not c.content.strip())]
    return len(kids) == 1 and kids[0].type == "image"
