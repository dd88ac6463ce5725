"""Glyph coverage of the deck: which shipped font shows each character of slide and notes text.

Slides are drawn with the deck's fonts (the theme's ``a:latin``/``a:ea``, or a
lecture's ``pptx_font_*``), not the handout's fallback chain, so a character
the East-Asian font lacks (a rare Han character, an emoji) shows as a box or
as whatever the viewer substitutes. The writer therefore names, for such
characters, a shipped font that has them (``HanaMin Ext Fallback`` for rare
Han characters, ``Noto Emoji`` for emoji, then any other shipped face) in the
``a:latin``/``a:ea``/``a:cs`` of a run of their own. Letters of mathematical
alphabets (𝔼, ℝ, ℒ: :mod:`coursepress.mathalpha`) are named the theme's equation
face (``deck.math``, Cambria Math: PowerPoint's own equation face; LibreOffice
substitutes a mathematics face of its own), which no project ships but every
viewer that draws equations has. Other characters no shipped
font has are reported with :func:`coursepress.fonts.check_coverage` (a
warning, an error under ``--strict``) at their source line.

Chart category names (model names) are drawn in the chart's one font and
cannot name a fallback per character: a character only a fallback face has
relies there on the viewer's own font substitution.
"""

from __future__ import annotations

from typing import Iterator, Optional

from ...errors import Problems, SourcePos
from ...fonts import FontFace, check_coverage
from ...mathalpha import has_math_letters, is_math_letter, math_points
from ...theme import Theme, default_theme
from .nodes import DeckPlan, Para, SlidePlan

# Shipped faces tried first for characters the East-Asian face lacks (then every other shipped face).


class GlyphChain:
    """The deck's East-Asian face and the shipped faces that stand in for it, character by character.

    Args:
        faces: the shipped faces (:func:`coursepress.fonts.shipped_faces`).
        east_asian: the family the deck names in ``a:ea``; when no shipped face
            has that family, the theme's ``sans`` (Noto Sans CJK SC: the face text is measured with).
        theme: the fallbacks to try first (``rare_han``, then ``emoji``), then any other shipped face;
            ``math``, the face of mathematical letters (before any other face).
    """

    def __init__(self, faces: tuple[FontFace, ...], east_asian: str, theme: Optional[Theme] = None) -> None:
        theme = theme if theme is not None else default_theme()
        preferred = (theme.rare_han, theme.emoji)
        primary = [f for f in faces if f.family == east_asian] or [f for f in faces if f.family == theme.sans]
        self.faces = faces
        self.math = theme.math
        self.primary: frozenset[int] = frozenset().union(*(f.codepoints for f in primary)) - math_points()
        names = {f.family for f in primary}
        others = [f for f in faces if f.family not in names]
        others.sort(key=lambda f: preferred.index(f.family) if f.family in preferred else len(preferred))
        self.fallbacks: tuple[tuple[str, frozenset[int]], ...] = tuple((f.family, f.codepoints) for f in others)

    def face_for(self, char: str) -> Optional[str]:
        """The fallback family for ``char``, or None when the deck's own face has it (or nobody does);
        the equation face for a letter of a mathematical alphabet."""
        code = ord(char)
        if code in self.primary or char.isspace():
            return None
        if is_math_letter(char):
            return self.math
        return next((family for family, points in self.fallbacks if code in points), None)

    def split(self, text: str) -> list[tuple[str, Optional[str]]]:
        """``text`` cut into (segment, fallback family or None) pieces, in order."""
        if text and self.primary.issuperset(map(ord, text)):    # the usual case, checked at C speed
            return [(text, None)]
        out: list[tuple[str, Optional[str]]] = []
        for char in text:
            face = self.face_for(char)
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + char, face)
            else:
                out.append((char, face))
        return out


def _para_texts(paras: tuple[Para, ...], pos: SourcePos) -> Iterator[tuple[str, SourcePos]]:
    for para in paras:
        yield para.plain, para.pos or pos


def _slide_texts(slide: SlidePlan) -> Iterator[tuple[str, SourcePos]]:
    for _, paras in slide.texts:
        yield from _para_texts(paras, slide.pos)
    yield from _para_texts(slide.notes, slide.pos)
    if slide.table is not None:
        table = slide.table
        for cell in table.header:
            yield "".join(r.text for r in cell), slide.pos
        for i, row in enumerate(table.rows):
            where = table.row_positions[i] if i < len(table.row_positions) else slide.pos
            for cell in row:
                yield "".join(r.text for r in cell), where
    if slide.chart is not None:
        chart = slide.chart
        yield chart.axis_title, slide.pos
        for i, (name, label) in enumerate(zip(chart.categories, chart.labels)):
            yield name + label, chart.positions[i] if i < len(chart.positions) else slide.pos


def plan_texts(plan: DeckPlan, file_pos: SourcePos) -> list[tuple[str, SourcePos]]:
    """Every text the deck shows or speaks (slides, tables, charts, notes, footer), with its source position."""
    texts = [(plan.footer, file_pos)]
    for slide in plan.slides:
        texts.extend(_slide_texts(slide))
    return texts


def check_glyphs(plan: DeckPlan, chain: GlyphChain, file_pos: SourcePos, problems: Problems) -> set[str]:
    """Report each character of the deck's text that no shipped font has (the writer gives every
    other character a font that has it, see :class:`GlyphChain`), letters of mathematical alphabets
    excepted (set in the equation face). Returns the uncovered characters."""
    texts = [("".join(c for c in text if not is_math_letter(c)) if has_math_letters(text) else text, pos)
             for text, pos in plan_texts(plan, file_pos)]
    return check_coverage(texts, chain.faces, problems)
