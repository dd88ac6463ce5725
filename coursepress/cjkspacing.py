"""Chinese text composition on serialised HTML: CJK/Latin gaps, punctuation compression, no-break rules.

Applied once to a whole rendered page (handout, poster) by :func:`autospace_html`.
The rules are those of W3C "Requirements for Chinese Text Layout" (clreq,
https://www.w3.org/TR/clreq/) as ctex/LaTeX applies them:

* **CJK/Latin gap** (clreq §3.2.4): a Han character next to a Latin letter or
  digit is separated by a space (U+0020: a quarter em in the shipped CJK
  fonts, and it stretches with justification, see
  :mod:`coursepress.writers.cjkjustify`). A space the author typed is kept;
  nothing else is inserted, so text copied from the PDF has ordinary spaces.
* **Punctuation compression** (clreq §3.1.6, "biaodian jiya"): of two adjacent
  full-width marks one is set half width with the font's ``halt`` feature
  (``<span class="halt">``): a stop or closing mark before another mark loses
  its trailing blank, otherwise an opening mark after another mark loses its
  leading blank. The full-width exclamation and question marks (U+FF01,
  U+FF1F) are never compressed (centred in SC fonts). Pairs split by inline
  markup (a closing quote inside ``**…**`` and a full-width comma after it)
  are found too: the marks are adjacent in the text a reader sees.
* **No-break units** (clreq §3.1.7, ctex's "no line break"): a number stays
  with its unit or counter (5400 and U+4EBF "hundred million", 8 and U+4E07
  "ten thousand", 5/8/9 and U+6708 "month", 50 %) and a name with its version
  (Claude 2, GPT-4 Turbo) inside ``<span class="nobr">``.
* **Minimum last line**: the last four characters of a paragraph or list item
  are kept together, so a paragraph never ends with a line of one to three
  characters when a break elsewhere avoids it.

Text inside pre, code, svg, style, math and across block boundaries is left alone.
An inline formula drawing (``<img class="math">``) counts as a Latin word.
Works on serialised HTML from the templates (tags never contain text).
"""

from __future__ import annotations

import re

from .cjk import CENTRED, CLOSING, HAN_RE, LATIN_CLASS, OPENING


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_LATIN_CHAR = re.compile(f"[{LATIN_CLASS}]")
_SKIP_TAGS = {"pre", "code", "style", "script", "svg", "title", "head", "math", "kbd"}
_BLOCK_TAGS = {"p", "li", "td", "th", "div", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "br", "dt", "dd",
               "ul", "ol", "table", "tr", "blockquote", "aside", "section", "nav", "main", "figure", "body", "sup", "img"}
_LAST_LINE_TAGS = {"p", "li"}
_NUMBER_SPAN = re.compile(r'class="[^"]*\b(?:toc-)?number\b')
_INLINE_TAGS = {"strong", "em", "b", "i", "del", "u", "mark"}
LAST_LINE_MIN = 4          # characters kept together at a paragraph's end

# clreq §3.1.6 classes (SC positions, coursepress.cjk): a stop or closing mark has its blank on the right,
# an opening mark on the left; the full-width ! and ? (U+FF01, U+FF1F) are centred.
_PUNCT = CLOSING | OPENING | CENTRED

# Units and counters after a number: 10^8, 10^4, thousand, hundred, the general counter, year, month,
# day, day of the month, years of age, -fold, digits/persons, times, kinds, items (two counters), models,
# companies, works, articles, chapter, section, page, characters, words, sentences, yuan, US (dollars),
# the percent sign and the full-width percent sign (U+FF05).
_UNITS = "\u4ebf\u4e07\u5343\u767e\u4e2a\u5e74\u6708\u65e5\u53f7\u5c81\u500d\u4f4d\u6b21\u79cd\u6761\u9879\u6b3e\u5bb6\u90e8\u7bc7\u7ae0\u8282\u9875\u5b57\u8bcd\u53e5\u5143\u7f8e%\uff05"
_NUMBER_UNIT = re.compile(rf"\d[\d.,/~\-–]*[ \u00a0]?[{_UNITS}]")
_NAME_VERSION = re.compile(r"(?<![\w.\-])[A-Za-z][\w.\-]*(?: \d[\w.]*| [A-Z][a-z]+(?= |$|[^\w]))")
_NAME_WITH_NUMBER = re.compile(r"[A-Za-z]+-?\d")


def _halt_at(a: str, b: str) -> int:
    """Which of two adjacent full-width marks ``a``, ``b`` is set half width: 0 (``a``), 1 (``b``) or -1
    (neither): a stop or closing mark before another mark, else an opening mark after another mark."""
    if a in _PUNCT and b in _PUNCT:
        if a in CLOSING:
            return 0
        if b in OPENING:
            return 1
    return -1


def _wraps(text: str, halts: tuple[int, ...] = ()) -> list[tuple[int, int, str]]:
    """Spans of ``text`` to wrap, as (start, end, class); non-overlapping, in order. ``halts``: offsets of
    the marks to set half width (found across inline tags by :func:`autospace_html`)."""
    found: list[tuple[int, int, str]] = []
    for m in _NUMBER_UNIT.finditer(text):
        found.append((m.start(), m.end(), "nobr"))
    for m in _NAME_VERSION.finditer(text):
        word = m.group()
        # "Claude 2", "Llama 2.1"; "GPT-4 Turbo" only when the name itself carries a number
        if " " in word and (word.split(" ", 1)[1][0].isdigit() or _NAME_WITH_NUMBER.search(word.split(" ", 1)[0])):
            found.append((m.start(), m.end(), "nobr"))
    found.extend((k, k + 1, "halt") for k in halts)
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            if span[2] == "halt" and kept[-1][2] == "nobr":
                continue
            if span[1] - span[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def _wrap_text(text: str, keep_last: bool, halts: tuple[int, ...] = ()) -> str:
    """``text`` (escaped HTML text, no tags) with its compression and no-break spans."""
    spans = _wraps(text, halts)
    if keep_last:
        body = text.rstrip()
        start = len(body) - LAST_LINE_MIN
        if start > 0 and "&" not in text[start - 8:] and not (spans and spans[-1][1] > start):
            spans.append((start, len(body), "nobr"))
    if not spans:
        return text
    out, at = [], 0
    for start, end, cls in spans:
        out.append(text[at:start])
        out.append(f'<span class="{cls}">{text[start:end]}</span>')
        at = end
    out.append(text[at:])
    return "".join(out)


def autospace_html(html: str) -> str:
    """Apply the rules of the module docstring to ``html``; returns new HTML (the input is not changed)."""
    parts = _TAG.split(html)
    visible: list[tuple[int, int] | None] = []      # (part, index) of each visible character; None: boundary
    skip = 0
    text_parts: list[int] = []
    spans: list[bool] = []          # open <span>s: True for number spans
    for index, part in enumerate(parts):
        if index % 2:
            match = _TAG_NAME.match(part)
            if match:
                name = match.group(2).lower()
                if name in _SKIP_TAGS and not part.endswith("/>"):
                    skip += -1 if match.group(1) else 1
                    skip = max(skip, 0)
                    visible.append(None)
                elif name == "img" and 'class="math' in part and not skip:
                    visible.append((index, -1))      # an inline formula: spaced like a Latin word
                elif name in _BLOCK_TAGS:
                    visible.append(None)
                elif name == "span":       # a heading or contents number is set apart by its own margin
                    if match.group(1):
                        if spans and spans.pop():
                            visible.append(None)
                    elif not part.endswith("/>"):
                        spans.append(bool(_NUMBER_SPAN.search(part)))
                        if spans[-1]:
                            visible.append(None)
            continue
        if not skip:
            visible.extend((index, k) for k in range(len(part)))
            if part:
                text_parts.append(index)
    chars = [None if v is None else "x" if v[1] < 0 else parts[v[0]][v[1]] for v in visible]
    gaps: set[tuple[int, int]] = set()
    kinds: dict[str, int] = {}          # a character's class (1 Han, 2 Latin, 0 neither), asked once per character
    for char in set(chars):
        if char:
            kinds[char] = 1 if HAN_RE.match(char) else 2 if _LATIN_CHAR.match(char) else 0
    for k, place in enumerate(visible):
        if place is None or not k:
            continue
        char, prev = chars[k], chars[k - 1]
        if prev and char and kinds[prev] * kinds[char] == 2:       # Han next to Latin, either way round
            gaps.add(place)
    # punctuation pairs, also when inline markup separates them (a full-width comma after **“…”**, or a
    # full-width opening parenthesis in <em>…</em> before “): the visible
    # characters run on across inline tags and stop at block boundaries
    halts: dict[int, list[int]] = {}
    for k in range(1, len(visible)):
        place, before = visible[k], visible[k - 1]
        if place is None or before is None or place[1] < 0 or before[1] < 0:
            continue
        which = _halt_at(chars[k - 1] or "", chars[k] or "")
        if which >= 0:
            index, offset = (before, place)[which]
            halts.setdefault(index, []).append(offset)
    out = list(parts)
    for index, k in gaps:
        if k < 0:              # the gap before a formula's <img>
            out[index] = " " + out[index]
    openers: dict[int, str] = {}       # index of a closing inline tag → its opening tag
    stack: list[tuple[str, str]] = []
    for index in range(1, len(parts), 2):
        match = _TAG_NAME.match(parts[index])
        if match and match.group(2).lower() in _INLINE_TAGS:
            if not match.group(1):
                stack.append((match.group(2).lower(), parts[index]))
            elif stack and stack[-1][0] == match.group(2).lower():
                openers[index] = stack.pop()[1]
    for index in text_parts:
        pieces, where = [], []
        for k, c in enumerate(parts[index]):
            if (index, k) in gaps:
                pieces.append(" ")
            where.append(len(pieces))          # every piece is one character
            pieces.append(c)
        text = "".join(pieces)
        closing = _TAG_NAME.match(parts[index + 1]) if index + 1 < len(parts) else None
        keep_last = bool(closing and closing.group(1) and closing.group(2).lower() in _LAST_LINE_TAGS)
        out[index] = _wrap_text(text, keep_last, tuple(where[k] for k in sorted(set(halts.get(index, ())))))
        if keep_last and 0 < len(text.rstrip()) < LAST_LINE_MIN and index >= 2 and index - 1 in openers:
            _join_tail(out, index, LAST_LINE_MIN - len(text.rstrip()), openers[index - 1])
    return "".join(out)


def _join_tail(out: list[str], index: int, need: int, opener: str) -> None:
    """Keep a short paragraph tail ``out[index]`` with the last ``need`` characters of the inline element
    before it (``out[index - 2]`` is that element's text, ``out[index - 1]`` its closing tag): the element is
    split so one ``nobr`` span holds both, e.g. (each capital a Han character, the dot the ideographic
    full stop U+3002) ``<strong>ABCD</strong>EF.`` →
    ``<strong>AB</strong><span class="nobr"><strong>CD</strong>EF.</span>``."""
    inner = out[index - 2]
    if len(inner) <= need or set(inner[-need - 8:]) & set("<>&"):
        return
    out[index - 2] = inner[:-need] + out[index - 1] + '<span class="nobr">' + opener + inner[-need:]
    out[index] = out[index] + "</span>"
