"""Inline Markdown → model inlines: text, emphasis, code, links, cross-references, footnote references.

Links keep only http, https, mailto and ``#id`` targets (others become text,
with a warning); ``[](#id)`` becomes a cross-reference printing the label the
numbering pass gave ``id``; a soft break between Chinese characters is no space.
"""

from __future__ import annotations

import re
from typing import Callable, Optional
from urllib.parse import unquote

from markdown_it.token import Token

from . import model as m
from .citations import Citer
from .errors import Problems, SourcePos, excerpt
from .cjk import is_wide
from .mathtex import tex_problems
from .pictures import ADVICE, html_in_text, img_attrs, is_url
from .sanitize import sanitize_tag
from .texlabels import EQREF

# Emphasis, strike-through and links nested deeper than this are refused with a
# message rather than overflowing the recursion of the writers.
MAX_INLINE_DEPTH = 20
_FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
# <sup>, <sub>, <u>, <kbd> (raw_html on) become model nodes every writer formats (slides too).
_STYLED_OPEN = re.compile(r"^<(%s)(?:\s[^<>]*)?>$" % "|".join(m.STYLED_TAGS), re.I)
_STYLED_CLOSE = re.compile(r"^</(%s)\s*>$" % "|".join(m.STYLED_TAGS), re.I)


class InlineReader:
    """Converts the inline tokens of one lecture.

    Args:
        md: the configured parser (captions and option values are parsed inline).
        problems: collects errors and warnings.
        pos: token → :class:`SourcePos` (file and line) of the lecture.
        labels: id → printed label (``numbering.table`` 2), filled by the numbering pass.
        footnotes: footnote number (0-based) → its blocks; read when a reference is met.
        footnote_refs: every footnote reference met, appended in order.
        citer: numbers citations (``[@key]`` and ``[](#ref-key)``); see :mod:`coursepress.citations`.
    """

    def __init__(self, md, problems: Problems, pos: Callable[[Token], SourcePos], labels: dict[str, str],
                 footnotes: dict[int, tuple[m.Block, ...]], footnote_refs: list[m.FootnoteRef],
                 citer: Optional[Citer] = None, source_lines: tuple[str, ...] = ()):
        self.md, self.problems, self.pos = md, problems, pos
        self.labels, self.footnotes, self.footnote_refs = labels, footnotes, footnote_refs
        self._reported: set[tuple[int, str]] = set()
        self.citer = citer
        self.source_lines = source_lines
        # (inline, picture token, lines before it) → the picture in a heading, cell or caption (None: it could
        # not be loaded);
        # set by the lecture reader, which knows the lecture's folder
        self.picture: Optional[Callable[[Token, Token, int], Optional[m.Inline]]] = None
        # GitHub-style heading anchor → the heading's id (numbering.heading_anchors); set by the lecture reader
        self.anchors: dict[str, str] = {}

    def where(self, inline: Token, offset: int) -> SourcePos:
        """File, line and column of character ``offset`` of ``inline.content`` (see :meth:`_where`)."""
        return self._where(inline, offset)

    def _where(self, inline: Token, offset: int) -> SourcePos:
        """File, line and column of character ``offset`` of ``inline.content`` (column 0 when unknown)."""
        base = self.pos(inline)
        if not base.line:
            return base
        before = inline.content[:offset]
        line = base.line + before.count("\n")
        in_line = offset - (before.rfind("\n") + 1)
        column = in_line + 1
        content_line = inline.content.split("\n")[line - base.line]
        if 0 < line <= len(self.source_lines):
            found = self.source_lines[line - 1].find(content_line)
            column += max(found, 0)
        return SourcePos(base.file, line, column)

    def _math(self, inline: Token, tok: Token) -> m.Inline:
        where = self._where(inline, tok.meta.get("offset", 0))
        if tok.type == "math_lone_dollar":
            if not tok.meta.get("quiet"):
                self.problems.warn(where,
                                   "'$' opens a formula that is never closed (or Chinese text comes before the next '$'); it is printed as a dollar sign",
                                   "close the formula with '$', or write \\$ for a dollar sign")
            return m.Text(tok.content)
        for problem in tex_problems(tok.content):
            self.problems.error(SourcePos(where.file, where.line, where.column + problem.offset),
                                f"in formula '{excerpt(tok.content)}': {problem.message}", problem.hint)
        return m.Math(tok.content, where.line, where.column)

    def text(self, text: str, at: Token) -> list[m.Inline]:
        """Parse a caption or option value as inline Markdown."""
        if not text:
            return []
        tokens = self.md.parseInline(text, {})
        tokens[0].map = at.map
        return self.read(tokens[0])

    def read(self, inline: Token) -> list[m.Inline]:
        """The model inlines of one markdown-it ``inline`` token (problems go to ``problems``)."""
        stack: list[tuple[str, list[m.Inline], str]] = [("root", [], "")]
        children = inline.children or []
        line = 0        # source lines after the token's first
        for k, tok in enumerate(children):
            kind = tok.type
            top = stack[-1][1]
            if kind in ("softbreak", "hardbreak"):
                line += 1
            if kind == "text":
                if "[^" in tok.content:
                    self._undefined_footnotes(tok.content, inline)
                if "<" in tok.content and not self.md.options.get("html"):
                    self._html_as_text(tok.content, inline, line)
                top.append(m.Text(tok.content))
            elif kind == "softbreak":
                before = children[k - 1].content[-1:] if k and children[k - 1].content else ""
                after = children[k + 1].content[:1] if k + 1 < len(children) and children[k + 1].content else ""
                top.append(m.Text("" if (before and is_wide(before)) or (after and is_wide(after)) else " "))
            elif kind == "hardbreak":
                top.append(m.Break(True))
            elif kind == "code_inline":
                top.append(m.Code(tok.content))
            elif kind in ("math_inline", "math_lone_dollar"):
                top.append(self._math(inline, tok))
            elif kind in ("strong_open", "em_open", "s_open", "link_open") and len(stack) > MAX_INLINE_DEPTH:
                self.problems.error(self.pos(inline), f"emphasis, strike-through and links nested more than "
                                    f"{MAX_INLINE_DEPTH} levels deep", "remove the extra * _ ~ [ markers")
                return [m.Text(inline.content)]
            elif kind in ("strong_open", "em_open", "s_open"):
                stack.append((kind[:-5], [], ""))
            elif kind == "link_open":
                stack.append(("link", [], str(tok.attrs.get("href", ""))))
            elif kind in ("strong_close", "em_close", "s_close", "link_close"):
                while stack[-1][0] in m.STYLED_TAGS:     # an HTML tag left open inside: keep its text
                    _name, kids, _href = stack.pop()
                    stack[-1][1].extend(kids)
                name, kids, href = stack.pop()
                stack[-1][1].append(self._close(name, kids, href, inline))
            elif kind == "image" and is_url(str(tok.attrs.get("src", ""))):
                alt = "".join(c.content for c in (tok.children or []))
                top.append(url_picture(self.problems, str(tok.attrs.get("src", "")), alt, self._at(inline, line)))
            elif kind == "image" or (kind == "html_inline" and self.picture and is_local_img(tok.content)):
                if self.picture is None:
                    self.problems.error(self.pos(inline), f"image '{tok.attrs.get('src', '')}' is inside a line "
                                        "of text", "put each image in a paragraph of its own")
                    continue
                picture = self.picture(inline, tok, line)
                if picture is not None:
                    top.append(picture)
            elif kind == "footnote_ref":
                number = tok.meta["id"] + 1
                first = not any(r.number == number for r in self.footnote_refs)
                ref = m.FootnoteRef(number, self.footnotes.get(tok.meta["id"], ()), first=first)
                if first:
                    self.footnote_refs.append(ref)
                top.append(ref)
            elif kind == "html_inline" and re.match(r"^<br\s*/?>$", tok.content, re.I):
                top.append(m.Break(True))
            elif kind == "html_inline" and (opened := _STYLED_OPEN.match(tok.content)) and \
                    len(stack) <= MAX_INLINE_DEPTH:
                stack.append((opened.group(1).lower(), [], ""))
            elif (kind == "html_inline" and (closed := _STYLED_CLOSE.match(tok.content))
                  and stack[-1][0] == closed.group(1).lower()):
                name, kids, href = stack.pop()
                stack[-1][1].append(self._close(name, kids, href, inline))
            elif kind == "citation":
                cite = self.citer.cite(tok.meta["items"], self.pos(inline)) if self.citer else None
                top.append(cite or m.Text(tok.content))
            elif kind == "html_inline" and (img := img_attrs(tok.content)) is not None and is_url(img.get("src", "")):
                top.append(url_picture(self.problems, img.get("src", ""), img.get("alt", ""), self._at(inline, line)))
            elif kind == "html_inline":
                top.append(m.RawHtml(sanitize_tag(tok.content)))
        while len(stack) > 1:   # unbalanced (cannot happen with markdown-it, but never drop text)
            _name, kids, _href = stack.pop()
            stack[-1][1].extend(kids)
        return merge_text(stack[0][1])

    def _html_as_text(self, text: str, inline: Token, line: int) -> None:
        """Report HTML tags that raw_html: false prints as text, with what to write instead (once per tag and line)."""
        pos = self.pos(inline)
        if pos.line:
            pos = SourcePos(pos.file, pos.line + line)
        for _offset, tag in html_in_text(text):
            key = (pos.line, tag)
            if key in self._reported:
                continue
            self._reported.add(key)
            self.problems.warn(pos, f"HTML <{tag}> is printed as text because raw HTML is off",
                               f"{ADVICE[tag]}; or set 'markdown: {{raw_html: true}}' in course.yaml")

    def _undefined_footnotes(self, text: str, inline: Token) -> None:
        """Warn (error under --strict) about ``[^label]`` calls with no definition: they print as written."""
        for match in _FOOTNOTE_CALL.finditer(text):
            call = match.group(0)
            pos = self.pos(inline)
            offset = inline.content.find(call)
            if pos.line and offset > 0:
                pos = SourcePos(pos.file, pos.line + inline.content.count("\n", 0, offset))
            self.problems.warn(pos, f"footnote {call} has no definition, so it is printed as written",
                               f"add a line '{call}: text' (usually at the end of the lecture), or remove {call}")

    def _at(self, inline: Token, line: int) -> SourcePos:
        """The position ``line`` source lines after the first line of ``inline``."""
        pos = self.pos(inline)
        return SourcePos(pos.file, pos.line + line) if pos.line else pos

    def _close(self, name: str, kids: list[m.Inline], href: str, inline: Token) -> m.Inline:
        if name == "strong":
            return m.Strong(tuple(kids))
        if name == "em":
            return m.Emph(tuple(kids))
        if name == "s":
            return m.Strike(tuple(kids))
        if name in m.STYLED_TAGS:
            return m.Styled(name, tuple(merge_text(kids)))
        pos = self.pos(inline)
        if href.startswith("#"):
            target = href[1:]
            if not kids and target.startswith("ref-") and self.citer and target[4:] in self.citer.keys:
                ref = self.citer.cite([(target[4:], "")], pos)       # the older [](#ref-key) form
                if ref is not None:
                    return ref
            if target not in self.labels:       # a GitHub/Typora heading anchor, written as typed or %-encoded
                typed = unquote(target)
                target = typed if typed in self.labels else self.anchors.get(typed, self.anchors.get(typed.lower(), typed))
                href = "#" + target
            if target not in self.labels:
                self.problems.error(pos, f"reference to unknown id '{target.removeprefix(EQREF)}'",
                                    "check the id of the figure, table, heading, formula or reference")
                return m.Text(m.plain_text(kids))
            if not kids:    # an \eqref's target names the formula's id after EQREF (texlabels.py)
                return m.XRef(target.removeprefix(EQREF), self.labels[target])
            return m.Link(href, tuple(kids))
        if href.lower().startswith(_SAFE_SCHEMES):
            return m.Link(href, tuple(kids) or (m.Text(href),))
        self.problems.warn(pos, f"link target '{excerpt(href, 80)}' removed (only http, https, mailto and #id links are kept)",
                           "link to a web address or to an id in this lecture")
        return m.Text(m.plain_text(kids)) if kids else m.Text("")


def url_picture(problems: Problems, src: str, alt: str, pos: SourcePos) -> m.Inline:
    """What stands for a picture named by a web address (``![alt](https://…)`` or ``<img src="https://…">``).

    Builds never fetch from the network (as Pandoc without network access): a warning at ``pos``, and the
    picture's description (its address when it has none) in its place, linked to the address when that is an
    http(s) one so a reader can still find the picture. Returns an :class:`~coursepress.model.Link` or a
    :class:`~coursepress.model.Text`.
    """
    problems.warn(pos, f"image '{excerpt(src, 60)}' is a web address; builds never fetch from the network, so its "
                  "description is shown as a link to it", "download the picture into the project and write "
                  "![description](path/to/picture.png)")
    text = m.Text(" ".join(alt.split()) or src)
    return m.Link(src, (text,)) if src.lower().startswith(("http://", "https://")) else text


def is_local_img(html: str) -> bool:
    """True for an ``<img>`` tag (html_inline, raw_html on) with a local ``src``."""
    attrs = img_attrs(html)
    return attrs is not None and not is_url(attrs.get("src", ""))


def merge_text(nodes: list[m.Inline]) -> list[m.Inline]:
    """Join adjacent Text nodes and drop empty ones."""
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text)
        elif not (isinstance(node, m.Text) and not node.text):
            out.append(node)
    return out
