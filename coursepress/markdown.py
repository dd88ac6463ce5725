"""The Markdown parser: markdown-it-py configured once for course content.

CommonMark + GFM tables and strikethrough, front matter, footnotes, ``{#id}``
attributes, ``:::`` containers, ``{directive}`` fences and math (``$…$``,
``$$…$$``: :mod:`coursepress.mathsyntax`). Raw HTML is off unless
the project turns it on.

Emphasis next to Chinese punctuation: CommonMark's flanking rules (spec §6.2)
reject ``**label:**text`` written in Chinese with the full-width colon U+FF1A
because the closing run follows punctuation and precedes a letter. Following
the CJK-friendly amendment (markdown-it-cjk-friendly), a run whose other side
is a CJK character, or whose punctuation side is CJK punctuation, still
flanks. See the C06 case in tests.
"""

from __future__ import annotations


from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from mdit_py_plugins.attrs import attrs_plugin

from .admonitions import admonition_plugin
from .citations import citation_plugin
from .comments import comment_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .cjk import IDEOGRAPHIC_SPACE, is_wide
from .mathsyntax import math_plugin
from .myst import myst_plugin
from .d2lbook import d2l_role_plugin
from .shortcodes import shortcode_plugin
from .texlabels import tex_label_plugin


# markdown-it silently drops everything nested deeper than ``maxNesting`` token
# levels (its commonmark preset: 20, i.e. lists only ~9 deep). We let it parse
# far deeper and let the reader refuse, with a position, anything nested deeper
# than reader.MAX_BLOCK_DEPTH (well below this), so no text is ever lost silently.
MAX_TOKEN_NESTING = 100


class CjkStateInline(StateInline):
    """Inline state whose delimiter scan follows the CJK-friendly flanking rules."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:  # noqa: N802 (markdown-it API)
        pos = start
        maximum = self.posMax
        marker = self.src[start]
        last = self.src[start - 1] if start > 0 else " "
        while pos < maximum and self.src[pos] == marker:
            pos += 1
        count = pos - start
        nxt = self.src[pos] if pos < maximum else " "

        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt)
        last_space = isWhiteSpace(ord(last)) or last == IDEOGRAPHIC_SPACE
        next_space = isWhiteSpace(ord(nxt)) or nxt == IDEOGRAPHIC_SPACE
        last_cjk, next_cjk = is_wide(last), is_wide(nxt)

        left = not next_space and (not next_punct or last_space or last_punct or last_cjk or next_cjk)
        right = not last_space and (not last_punct or next_space or next_punct or next_cjk or last_cjk)
        can_open = left and (canSplitWord or not right or last_punct)
        can_close = right and (canSplitWord or not left or next_punct)
        return Scanned(can_open, can_close, count)


class CjkParserInline(ParserInline):
    """Inline parser that uses :class:`CjkStateInline`."""

    def parse(self, src, md, env, tokens):
        state = CjkStateInline(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def _container_name(params: str, _markup: str) -> bool:
    return bool(params.strip())


def make_parser(raw_html: bool = False) -> MarkdownIt:
    """Build the parser.

    Args:
        raw_html: pass raw HTML through as ``html_block``/``html_inline`` tokens
            (sanitised later); when False it is shown as text.

    Returns:
        A configured :class:`markdown_it.MarkdownIt`; containers come out as
        ``container_div_open`` tokens whose ``info`` is the container name.
    """
    md = MarkdownIt("commonmark", {"html": raw_html, "linkify": False, "typographer": False,
                                   "maxNesting": MAX_TOKEN_NESTING})
    inline = CjkParserInline()
    inline.ruler, inline.ruler2 = md.inline.ruler, md.inline.ruler2
    md.inline = inline
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_plugin).use(deflist_plugin)
    md.use(container_plugin, name="div", validate=_container_name)
    md.use(math_plugin)
    md.use(myst_plugin)         # before the alert rule, which then also reads the boxes' bodies
    md.use(admonition_plugin)
    md.use(tex_label_plugin)
    md.use(shortcode_plugin)
    md.use(d2l_role_plugin)
    md.use(citation_plugin)
    md.use(comment_plugin)
    # markdown-it-py's documented hook for link policy (an instance attribute over the method); links are
    # checked, with positions, by the reader
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md
