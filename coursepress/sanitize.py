"""Sanitising raw HTML from Markdown (only used when ``markdown.raw_html`` is on).

Allow-list policy: a small set of formatting tags is kept *without any
attributes*; every other tag (style, script, link, iframe, img, …) is escaped
and shown as text, so content cannot restyle, script or fetch anything.
"""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = frozenset({"b", "i", "em", "strong", "u", "s", "del", "ins", "sub", "sup", "br", "small",
                          "mark", "kbd", "abbr", "span", "p", "div", "ul", "ol", "li"})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>|<!--.*?-->", re.S)


def sanitize_html(source: str) -> str:
    """Return ``source`` with allowed tags kept (attributes dropped) and all else escaped.

    Args:
        source: raw HTML text from a Markdown token.

    Returns:
        Safe HTML: text is escaped, comments removed.
    """
    out: list[str] = []
    last = 0
    for match in _TAG.finditer(source):
        out.append(html.escape(source[last:match.start()], quote=False))
        last = match.end()
        if match.group(0).startswith("<!--"):
            continue
        closing, name = match.group(1), match.group(2).lower()
        if name in ALLOWED_TAGS:
            out.append(f"<{closing}{name}>")
        else:
            out.append(html.escape(match.group(0), quote=False))
    out.append(html.escape(source[last:], quote=False))
    return "".join(out)
