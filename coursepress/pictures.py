"""Pictures and HTML the way GitHub and Typora authors write them, mapped onto the document model.

- An image on a line of its own inside a paragraph (right after a line of
  text, as GitHub renders it) is a figure: the reader splits the paragraph
  around it. An image inside a line of text becomes a figure after its paragraph.
- With ``markdown.raw_html: true`` the HTML authors use to place pictures and
  mark text is mapped: ``<img>`` (also inside ``<div align=center>``,
  ``<center>``, ``<p align=…>``) → figure, ``<br>`` → line break,
  ``<details><summary>`` → a bold paragraph and the content; ``<sup>``,
  ``<sub>``, ``<u>``, ``<kbd>`` stay as sanitised inline HTML.
- With ``raw_html`` false (the default) the same tags are reported at their
  line with what to write instead (they are printed as text, never silently).

Pure functions over markdown-it tokens and HTML text; the reader builds nodes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Optional

from markdown_it.token import Token

# Tags mapped onto the model when raw_html is on, and what to write in Markdown instead.
ADVICE = {
    "img": "write ![description](path) on a line of its own",
    "br": "end the line with a backslash (\\) for a line break",
    "sup": "write the text without the tag (x², 10⁻³)",
    "sub": "write the text without the tag (H₂O)",
    "u": "use **bold** or *emphasis* instead",
    "kbd": "write keys as code: `Ctrl`+`C`",
    "details": "use a '::: note title' block instead",
    "summary": "use a '::: note title' block instead",
    "div": "remove the tag: a picture on a line of its own is already a centred figure",
    "center": "remove the tag: a picture on a line of its own is already a centred figure",
    "p": "remove the tag and leave a blank line between paragraphs",
    "b": "write **bold** instead",
    "strong": "write **bold** instead",
    "i": "write *emphasis* instead",
    "em": "write *emphasis* instead",
    "mark": "write **bold** instead",
    "font": "remove the tag (the handout sets its own colours and fonts)",
    "span": "remove the tag",
    "a": "write [text](https://…) instead",
    "table": "write a Markdown table (| a | b | lines)",
    "style": "remove it: the handout's look comes from templates/",
    "script": "remove it: no output runs scripts",
}
_WRAPPERS = {"div", "center", "p", "details", "summary", "br", "img", "span", "a", "b", "strong", "em", "i"}
_TEXT_TAG = re.compile(r"<(/?)(" + "|".join(ADVICE) + r")\b[^<>]*>", re.I)


def is_url(src: str) -> bool:
    """True for ``scheme:`` references (http, file, data excluded: data URIs are embedded, not fetched)."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src)) and not src.startswith("data:") \
        and not re.match(r"^[a-zA-Z]:[\\/]", src)


class _Tags(HTMLParser):
    """Collects (kind, tag, attrs or text) events of an HTML fragment, and the line each starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, Any]] = []   # attrs dict for tags, str for text
        self.lines: list[int] = []

    def _add(self, event: tuple[str, str, Any]) -> None:
        self.events.append(event)
        self.lines.append(self.getpos()[0] - 1)

    def handle_starttag(self, tag, attrs):
        self._add(("start", tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self._add(("end", tag, {}))

    def handle_data(self, data):
        # a text run starts on the line of its first visible character, not on the line break before it
        self._add(("text", "", data))
        self.lines[-1] += data[:len(data) - len(data.lstrip())].count("\n")


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def html_events(html: str) -> list[tuple[str, str, Any]]:
    """Parse an HTML fragment into ``("start", tag, attrs)``, ``("end", tag, {})``, ``("text", "", str)``."""
    return _parse(html).events


def img_attrs(html: str) -> Optional[dict[str, str]]:
    """The attributes of an ``<img …>`` tag (one tag of html_inline), else None."""
    events = html_events(html)
    if len(events) == 1 and events[0][0] == "start" and events[0][1] == "img":
        attrs: dict[str, str] = events[0][2]
        return attrs
    return None


def mappable_block(html: str) -> bool:
    """True if an HTML block holds only tags this module maps (pictures, centring, details, breaks)."""
    events = html_events(html)
    return bool(events) and all(kind == "text" or tag in _WRAPPERS for kind, tag, _ in events) \
        and any(kind == "start" and (tag in ("img", "details", "summary", "center") or "align" in value)
                for kind, tag, value in events)


def block_items(html: str) -> list[tuple[str, Any, int, str]]:
    """What an HTML block shows, in order: ``("img", attrs, line, align)``, ``("text", str, line, align)``
    or ``("title", str, line, align)``; ``line`` counts from 0 at the block's first line (where the tag
    or the text's first visible character is), so messages name the picture's own line; ``align`` is
    the ``align`` of the innermost enclosing tag that has one (``center`` inside ``<center>``), or "".

    ``title`` is the text of a ``<summary>``; text runs are whitespace-collapsed, empty ones dropped.
    """
    items: list[tuple[str, Any, int, str]] = []
    text: list[str] = []
    text_lines: list[int] = []
    in_summary = False
    aligns: list[tuple[str, str]] = []          # (tag, align) of the open tags that set one

    def align() -> str:
        return aligns[-1][1] if aligns else ""

    def flush(kind: str = "text") -> None:
        joined = " ".join("".join(text).split())
        if joined:
            firsts = [line for piece, line in zip(text, text_lines) if piece.strip()]
            items.append((kind, joined, firsts[0] if firsts else text_lines[0], align()))
        text.clear()
        text_lines.clear()

    parsed = _parse(html)
    for (kind, tag, value), line in zip(parsed.events, parsed.lines):
        if kind == "text":
            text.append(str(value))
            text_lines.append(line)
        elif tag == "img" and kind == "start":
            flush()
            items.append(("img", value, line, align()))
        elif tag == "summary":
            flush("title" if in_summary else "text")
            in_summary = kind == "start"
        elif tag in ("p", "div", "center", "details", "br") and kind in ("start", "end"):
            flush()
        if tag in ("p", "div", "center") and kind == "start":
            wanted = "center" if tag == "center" else str(value.get("align", "")).strip().lower()
            if wanted in ("center", "left", "right", "justify"):
                aligns.append((tag, wanted))
        elif kind == "end" and aligns and aligns[-1][0] == tag:
            aligns.pop()
    flush()
    return items


def block_pictures(html: str) -> list[dict]:
    """The local pictures (``<img>`` with a relative src) of a mappable HTML block, in order."""
    if not mappable_block(html):
        return []
    return [v for k, v, _line, _align in block_items(html) if k == "img" and not is_url(v.get("src", ""))]


def inline_pictures(inline: Token, raw_html: bool) -> list[Token]:
    """The picture tokens of a paragraph: Markdown images and ``<img>`` html_inline tokens with a local src
    (a web address is never fetched: the inline reader shows its description as a link instead)."""
    out = []
    for child in inline.children or []:
        if child.type == "image":
            if not is_url(str(child.attrs.get("src", ""))):
                out.append(child)
        elif raw_html and child.type == "html_inline":
            attrs = img_attrs(child.content)
            if attrs is not None and not is_url(attrs.get("src", "")):
                out.append(child)
    return out


def own_line(children: list[Token], k: int) -> bool:
    """True if child ``k`` stands on a source line of its own (only breaks or blank text beside it)."""
    def blank(tok: Token) -> bool:
        return tok.type == "text" and not tok.content.strip()

    j = k - 1
    while j >= 0 and blank(children[j]):
        j -= 1
    before = j < 0 or children[j].type in ("softbreak", "hardbreak")
    j = k + 1
    while j < len(children) and blank(children[j]):
        j += 1
    after = j >= len(children) or children[j].type in ("softbreak", "hardbreak")
    return before and after


def html_in_text(text: str) -> list[tuple[int, str]]:
    """(offset, tag) of each opening HTML tag of :data:`ADVICE` written in ``text`` (raw_html off)."""
    return [(match.start(), match.group(2).lower()) for match in _TEXT_TAG.finditer(text) if not match.group(1)]
