"""Sanitising raw HTML from Markdown (only used when ``markdown.raw_html`` is on), with nh3.

nh3 binds Ammonia, the maintained Rust HTML sanitiser (html5ever parses the
markup as a browser would, so malformed or unbalanced markup cannot smuggle a
tag past the allow-list). Policy: the formatting tags of :data:`ALLOWED_TAGS`
are kept *without any attribute*; every other tag is removed, its text kept
(the text of ``script`` and ``style`` goes with them); comments are removed;
text is escaped. So content cannot restyle, script or fetch anything.

markdown-it hands an HTML block over whole (:func:`sanitize_html`) but the
HTML of a paragraph one tag at a time (:func:`sanitize_tag`): a lone tag is
read with the standard library's HTML parser and kept as its bare name when
allowed, else dropped.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset({"b", "i", "em", "strong", "u", "s", "del", "ins", "sub", "sup", "br", "small",
                          "mark", "kbd", "abbr", "span", "p", "div", "ul", "ol", "li"})
DROPPED_WITH_CONTENT = frozenset({"script", "style"})


def sanitize_html(source: str) -> str:
    """``source`` (an HTML fragment) with allowed tags kept without attributes, other tags and comments removed.

    Args:
        source: raw HTML text from a Markdown token.

    Returns:
        Safe HTML (nh3 output: text escaped, elements balanced).
    """
    return nh3.clean(source, tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes={}, strip_comments=True, link_rel=None)


class _OneTag(HTMLParser):
    """Reads one tag: ``found`` becomes ``(closing, name)`` for a start, empty-element or end tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: tuple[bool, str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found = self.found or (False, tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.found = self.found or (False, tag)

    def handle_endtag(self, tag: str) -> None:
        self.found = self.found or (True, tag)


def sanitize_tag(source: str) -> str:
    """One inline HTML tag (a markdown-it ``html_inline`` token) as ``<name>``/``</name>`` when allowed, else "".

    Attributes are always dropped; comments, declarations and processing instructions give "".
    """
    parser = _OneTag()
    parser.feed(source)
    parser.close()
    if parser.found is None or parser.found[1] not in ALLOWED_TAGS:
        return ""
    closing, name = parser.found
    if name == "br":
        return "<br>"           # browsers read </br> as <br> too
    return f"</{name}>" if closing else f"<{name}>"
