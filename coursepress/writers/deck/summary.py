"""Slides that summarise a section written as prose (no ``::: slides``), the rest in the speaker notes.

The rule (docs/content-format.md, "Slides from prose"): each paragraph gives
one bullet, its bold lead-in (``**label:**text``, the colon also full-width) if
it starts with one, else its first sentence; a bullet longer than :data:`MAX_LINES` lines at body size
is its first clause that fits, ending in "…". What a bullet does not show of
its paragraph (the sentences after the first, or the whole paragraph when the
bullet was shortened) goes to the notes of the slide that shows the bullet.
List items stay bullets (shortened the same way); code stays code; a
paragraph with hard line breaks (verse, an address) is shown whole, as written. So every
sentence is on a slide or in that slide's notes, and the notes hold only the
author's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ... import model as m
from ...cjk import LATIN_CLASS
from .blocks import displaced_paras, is_pause, paras_of, runs_of
from .nodes import Para, Run

MAX_LINES = 2
MAX_BULLETS = 6
# the ideographic full stop, the full-width ! and ?, then closing quotes, corner brackets or parentheses
SENTENCE_END = re.compile(r"[\u3002\uff01\uff1f!?]+[”’\u300d\u300f\uff09)]*|(?<=[.!?])\s+")
CLAUSE_END = re.compile(r"[\uff0c\uff1b\uff1a,;:]")   # full-width , ; :
LATIN = re.compile(f"[{LATIN_CLASS}]")
NEAR = 0.5     # a clause boundary is near when it keeps at least this share of the longest cut
# Where a Chinese word surely ends: after a closing bracket or quote, a space, or the particles de (three
# of them), le, shi, zai, he, yu, ji, huo (U+7684 U+5730 U+5F97 U+4E86 U+662F U+5728 U+548C U+4E0E U+53CA U+6216)
SOFT_AFTER = frozenset("\uff09\u300d\u300f\u3011\u300b\u201d) \u7684\u5730\u5f97\u4e86\u662f\u5728\u548c\u4e0e\u53ca\u6216")
PAIRS = {"\uff08": "\uff09", "(": ")", "\u300c": "\u300d", "\u300e": "\u300f", "\u3010": "\u3011", "\u300a": "\u300b",
         "\u201c": "\u201d"}


def _balanced(text: str) -> bool:
    """Whether every bracket or quote ``text`` opens it also closes (a cut inside one reads badly)."""
    depth = 0
    for char in text:
        if char in PAIRS:
            depth += 1
        elif char in PAIRS.values():
            depth = max(depth - 1, 0)
    return depth == 0


@dataclass(frozen=True)
class Point:
    """One slide paragraph and the notes that go with it (what of its source it does not show)."""

    para: Para
    notes: tuple[Para, ...] = ()


def split_runs(runs: list[Run], at: int) -> tuple[list[Run], list[Run]]:
    """``runs`` cut at character offset ``at`` of their joined text (formatting kept on both sides)."""
    head, tail, seen = [], [], 0
    for run in runs:
        if seen + len(run.text) <= at:
            head.append(run)
        elif seen >= at:
            tail.append(run)
        else:
            cut = at - seen
            head.append(replace(run, text=run.text[:cut]))
            tail.append(replace(run, text=run.text[cut:]))
        seen += len(run.text)
    return head, tail


def _strip(runs: list[Run]) -> tuple[Run, ...]:
    runs = [r for r in runs if r.text]
    if runs:
        runs[0] = replace(runs[0], text=runs[0].text.lstrip())
        runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
    return tuple(r for r in runs if r.text)


def lead(runs: list[Run]) -> int:
    """Length of the paragraph's lead: its bold lead-in, else its first sentence (the whole text if one)."""
    text = "".join(r.text for r in runs)
    if runs and runs[0].bold and len(runs) > 1 and runs[0].text.strip():
        return len(runs[0].text)
    code: set[int] = set()          # a "!" or "." inside inline code (``a!b``, ``x.y()``) ends no sentence
    at = 0
    for run in runs:
        if run.code:
            code.update(range(at, at + len(run.text)))
        at += len(run.text)
    match = next((mt for mt in SENTENCE_END.finditer(text) if mt.start() not in code), None)
    return match.end() if match else len(text)


class Summariser:
    """Turns a section's prose blocks into :class:`Point` lists, measuring bullets with ``lines``:
    a function (runs, level) → number of lines at body size; ``below`` stands where an inline formula
    was that slide text cannot express (:func:`~.blocks.runs_of`)."""

    def __init__(self, lines, below: str = "") -> None:
        self.lines, self.below = lines, below

    def shorten(self, runs: list[Run], level: int) -> tuple[tuple[Run, ...], bool]:
        """``runs`` if they fit :data:`MAX_LINES` lines, else a prefix that fits, with "…" (True when
        shortened): the longest that ends at a clause boundary (its comma, semicolon or colon replaced by
        the ellipsis), unless that keeps less than :data:`NEAR` of the longest prefix ending between two
        characters not inside a Latin word (Chinese has no spaces between words: a cut between two Han
        characters is taken only when no clause boundary is near)."""
        if self.lines(runs, level) <= MAX_LINES:
            return tuple(runs), False
        text = "".join(r.text for r in runs)

        def head(cut: int) -> list[Run]:
            shown = list(_strip(split_runs(runs, cut)[0]))
            if shown and CLAUSE_END.fullmatch(shown[-1].text[-1:]):     # the ellipsis stands for the comma
                shown[-1] = replace(shown[-1], text=shown[-1].text[:-1])
            return [r for r in shown if r.text] + [Run("\u2026")]

        def longest(cuts) -> tuple[int, list[Run]]:
            for cut in cuts:
                shown = head(cut)
                if len(shown) > 1 and self.lines(shown, level) <= MAX_LINES:
                    return cut, shown
            return 0, []

        clause_at, clause = longest(sorted({mt.start() for mt in CLAUSE_END.finditer(text)
                                            if _balanced(text[:mt.start()])}, reverse=True))
        word_at, word = longest(c for c in range(len(text) - 1, 0, -1)
                                if not (LATIN.match(text[c - 1]) and LATIN.match(text[c])))
        soft_at, soft = longest(c for c in range(word_at, 0, -1)
                                if (text[c - 1] in SOFT_AFTER or text[c] in PAIRS) and not text[c].isspace()
                                and _balanced(text[:c]))
        if clause and clause_at >= NEAR * word_at:
            return tuple(clause), True
        if soft and soft_at >= NEAR * word_at:
            return tuple(soft), True
        if word:
            return tuple(word), True
        return (Run(text[:8] + "\u2026"),), True

    def paragraph(self, runs: list[Run], level: int = 0, bullet: str = "bullet", number: int = 0,
                  pos=None, item: bool = False) -> Point:
        """A paragraph's lead as a bullet, the rest as notes; a list ``item`` is kept whole if it fits."""
        whole = Para(_strip(runs), level, bullet, number, pos=pos)
        head, tail = split_runs(runs, len("".join(r.text for r in runs)) if item else lead(runs))
        shown, cut = self.shorten(list(_strip(head)), level)
        if not item and shown and shown[-1].text.endswith(("\uff1a", ":")):   # full-width colon
            shown = shown[:-1] + (replace(shown[-1], text=shown[-1].text.rstrip("\uff1a:")),)   # full-width colon
        para = Para(shown, level, bullet, number, pos=pos)
        if cut:
            return Point(para, (replace(whole, level=0, bullet="none", number=0),))
        rest = _strip(tail)
        return Point(para, (Para(rest, pos=pos),) if rest else ())

    def points(self, blocks) -> list[Point]:
        """Slide points of ``blocks`` (paragraphs, lists, quotes, code); other blocks are skipped."""
        out: list[Point] = []
        pause = False
        for block in blocks:
            if is_pause(block):    # ". . .": the next point starts a click
                pause = True
                continue
            before = len(out)
            self._block_points(block, out)
            if pause and len(out) > before:
                out[before] = replace(out[before], para=replace(out[before].para, pause=True))
                pause = False
        return out

    def _block_points(self, block, out: list[Point]) -> None:
        """Append the points of one block to ``out``."""
        if isinstance(block, m.Paragraph) and _hard_break(block.children):
            # lines the author broke by hand (verse, an address, C37) are shown as written, not summarised:
            # one paragraph per line, so a long poem can continue on the next slide
            out.extend(Point(Para(line, pos=block.pos, align=block.align))
                       for line in _lines(runs_of(block.children, below=self.below)))
        elif isinstance(block, m.Paragraph):
            displaced: list[m.Math] = []     # inline formulas text cannot express follow as display ones
            point = self.paragraph(runs_of(block.children, displaced=displaced, below=self.below), pos=block.pos,
                                   bullet="none" if block.align else "bullet")
            if block.align:       # a line its author centred (or set right) stays so, without a bullet
                point = replace(point, para=replace(point.para, align=block.align))
            out.append(point)
            out.extend(Point(para) for para in displaced_paras(displaced, block.pos))
        elif isinstance(block, m.ListBlock):
            for para in paras_of([block], below=self.below):
                if para.runs and not any(r.code for r in para.runs) and para.bullet != "none":
                    out.append(self.paragraph(list(para.runs), para.level, para.bullet, para.number, para.pos,
                                              item=True))
                else:
                    out.append(Point(para))
        else:
            out.extend(Point(para) for para in paras_of([block], below=self.below))


def _hard_break(inlines) -> bool:
    """Whether ``inlines`` hold a hard line break (two trailing spaces or a trailing backslash)."""
    return any((isinstance(n, m.Break) and n.hard) or _hard_break(getattr(n, "children", ())) for n in inlines)


def _lines(runs: list[Run]) -> list[tuple[Run, ...]]:
    """``runs`` cut at their hard line breaks (``"\\n"``), each line stripped."""
    out: list[tuple[Run, ...]] = []
    while True:
        text = "".join(r.text for r in runs)
        if "\n" not in text:
            out.append(_strip(runs))
            return out
        head, tail = split_runs(runs, text.index("\n"))
        out.append(_strip(head))
        runs = split_runs(tail, 1)[1]
