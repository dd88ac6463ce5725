"""Sanitised HTML blocks (``raw_html`` on) read into the document model's paragraphs and lists.

An HTML block the reader cannot map to figures or tables (``<div>``, ``<p>`` and formatting tags around
text) was kept as a string of sanitised HTML: the handout printed it, but the deck, which writes model
nodes, left it out, so its sentences were on no slide and in no notes. Here the sanitiser's output (only
:data:`coursepress.sanitize.ALLOWED_TAGS`, without attributes) is read as HTML is rendered: ``<p>``,
``<div>`` and ``<li>`` start paragraphs, ``<ul>``/``<ol>`` are lists, ``<b>``/``<strong>`` bold,
``<i>``/``<em>`` emphasis, ``<s>``/``<del>`` struck, ``<sup>``, ``<sub>``, ``<u>``, ``<kbd>`` styled as in
Markdown text (:data:`coursepress.model.STYLED_TAGS`), ``<br>`` a hard break, other kept tags (``span``,
``small``, ``mark``, ``abbr``, ``ins``) their text; runs of white space are one space, as HTML renders them.
"""

from __future__ import annotations

import re
from typing import Callable

from . import model as m
from .errors import SourcePos

_SPACE = re.compile(r"[ \t\r\n\f]+")
_WRAPS: dict[str, Callable[[tuple[m.Inline, ...]], m.Inline]] = {
    "b": m.Strong, "strong": m.Strong, "i": m.Emph, "em": m.Emph, "s": m.Strike, "del": m.Strike}


def _text(text: str) -> list[m.Inline]:
    return [m.Text(_SPACE.sub(" ", text))] if text else []


def _element(el) -> list[m.Inline]:
    """The nodes of one inline element (without its tail)."""
    if not isinstance(el.tag, str):
        return []
    tag = el.tag.lower()
    if tag == "br":
        return [m.Break(True)]
    inner = _inlines(el)
    if tag in _WRAPS:
        return [_WRAPS[tag](tuple(inner))]
    if tag in m.STYLED_TAGS:
        return [m.Styled(tag, tuple(inner))]
    return inner


def _inlines(el) -> list[m.Inline]:
    """The inline nodes inside ``el``: its text, its children and their tails."""
    out = _text(el.text or "")
    for kid in el:
        out.extend(_element(kid))
        out.extend(_text(kid.tail or ""))
    return out


def _trimmed(nodes: list[m.Inline]) -> tuple[m.Inline, ...]:
    """``nodes`` without white space at the ends (HTML drops it at a block's edges); () if no text is left."""
    out = list(nodes)
    while out and isinstance(out[0], m.Text) and not out[0].text.strip():
        out.pop(0)
    while out and isinstance(out[-1], m.Text) and not out[-1].text.strip():
        out.pop()
    if out and isinstance(out[0], m.Text):
        out[0] = m.Text(out[0].text.lstrip())
    if out and isinstance(out[-1], m.Text):
        out[-1] = m.Text(out[-1].text.rstrip())
    return tuple(out)


def _blocks(el, pos: SourcePos) -> list[m.Block]:
    out: list[m.Block] = []
    pending: list[m.Inline] = _text(el.text or "")

    def flush() -> None:
        children = _trimmed(pending)
        if children:
            out.append(m.Paragraph(children, pos))
        pending.clear()

    for kid in el:
        tag = kid.tag.lower() if isinstance(kid.tag, str) else ""
        if tag in ("p", "div", "li"):
            flush()
            out.extend(_blocks(kid, pos))
        elif tag in ("ul", "ol"):
            flush()
            items = [m.ListItem(tuple(_blocks(li, pos))) for li in kid
                     if isinstance(li.tag, str) and li.tag.lower() == "li"]
            if items:
                out.append(m.ListBlock(tag == "ol", 1, tuple(items), pos))
        else:
            pending.extend(_element(kid))
        pending.extend(_text(kid.tail or ""))
    flush()
    return out


def html_blocks(html: str, pos: SourcePos) -> list[m.Block]:
    """The paragraphs and lists of ``html`` (sanitised: :func:`coursepress.sanitize.sanitize_html`), each at
    ``pos`` (the HTML block's line). Returns [] for markup without text."""
    from lxml import html as lhtml

    if not html.strip():
        return []
    root = lhtml.fragment_fromstring(html, create_parent="div")
    return _blocks(root, pos)
