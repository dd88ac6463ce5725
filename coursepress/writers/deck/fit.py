"""Fitting text into the reference deck's placeholder frames, measured with the shipped fonts.

Rules (issue 3, case C19): body text keeps the reference deck's size for its
level and continues on ``deck.continued`` slides instead of shrinking; titles
may step down in 2 pt steps to 28 pt; nothing relies on PowerPoint's autofit flags.
Text that cannot fit even alone (one over-long bullet, a title longer than two
lines at 28 pt) is a :class:`~coursepress.errors.ContentError` at its source line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from ...code import CodeTheme, code_theme
from ...errors import ContentError, SourcePos, excerpt
from ...templating import TOOL_ROOT
from ...units import EMU_PER_PT
from .code import PANEL_GAP_PT, choose_split, code_boxes, fit_block
from ...textmeasure import Measurer
from .nodes import CodeBox, Para, Run, number_indent_emu
from .reference import Frame, Geometry

TITLE_MIN_PT = 28.0
BODY_MIN_PT = 18.0
STEP_PT = 2.0
FORMULA_PAD_PT = 6.0      # above and below a display formula on a slide
WIDOW_SHRINK = 0.15      # a subtitle may shrink this share of its size to save its last line
MIN_PIECE_LINES = 6       # a code piece sharing a slide with text shows at least this many lines


def _no_formulas(tex: str) -> tuple[float, float]:
    raise ValueError(f"no formula renderer to measure '{tex[:40]}'")


class Fitter:
    """Measures paragraphs against the frames of ``geometry`` with ``measurer``.

    ``formula_em``: TeX → (width, height) of the display formula in em of its font size
    (from :class:`coursepress.mathrender.MathRenderer`); needed only for decks with formulas.
    """

    def __init__(self, geometry: Geometry, measurer: Measurer, code: Optional[CodeTheme] = None,
                 formula_em: Callable[[str], tuple[float, float]] = _no_formulas) -> None:
        self.geometry, self.measurer, self.formula_em = geometry, measurer, formula_em
        self.errors: list[ContentError] = []     # what cannot fit, found while planning (see flow)
        self.code = code or code_theme(TOOL_ROOT)
        self.notes: list[ContentError] = []    # what only -v reports (code lines wrapped, forced splits)

    def formula_box_pt(self, frame: Frame, para: Para, size_pt: float = 0.0) -> tuple[float, float]:
        """(width, height) in pt of the formula of ``para`` at the level's size, scaled down to the frame width."""
        size = size_pt or para.size_pt or frame.level(para.level).size_pt
        assert para.formula is not None, "formula_box_pt of a paragraph without a formula"
        width_em, height_em = self.formula_em(para.formula.tex)
        room = frame.text_width_pt - 2 * self.number_width_pt(para.formula.number, size)   # stays centred
        scale = min(1.0, room / max(width_em * size, 1e-6))
        return width_em * size * scale, height_em * size * scale

    def number_width_pt(self, number: str, size_pt: float) -> float:
        """Width in pt a formula's equation number takes at the right margin, with half an em before it
        (0 without a number): the formula is scaled to keep clear of it on both sides."""
        return self.measurer.width_pt(number, size_pt) + size_pt / 2 if number else 0.0

    def frame(self, layout: str, name: str) -> Frame:
        return self.geometry.frames[layout][name]

    # ------------------------------------------------------------ measuring
    def indent_pt(self, frame: Frame, para: Para) -> float:
        """Left margin of the text of ``para``: the level's marL, none for an unbulleted level-0 paragraph."""
        if para.bullet == "none" and para.level == 0:
            return 0.0
        level = frame.level(para.level)
        if para.bullet == "number":
            return number_indent_emu(para.number, para.size_pt or level.size_pt, level.margin_left_emu)[0] / EMU_PER_PT
        return level.margin_left_emu / EMU_PER_PT

    def para_height_pt(self, frame: Frame, para: Para, size_pt: float = 0.0) -> float:
        """Height of ``para`` in ``frame``: space before + lines × size × line height × line spacing."""
        level = frame.level(para.level)
        size = size_pt or para.size_pt or level.size_pt
        if para.formula is not None:
            return level.space_before_pt * size / level.size_pt + self.formula_box_pt(frame, para, size)[1] \
                + 2 * FORMULA_PAD_PT
        if para.style:     # a code line: fixed pitch, no space before (the block's panel pad is added by flow)
            return size * self.code.slide_line
        width = frame.text_width_pt - self.indent_pt(frame, para)
        lines = self.measurer.lines(para.segments(), width, size)
        if para.pitch_pt:
            return para.before_pt + lines * para.pitch_pt
        return level.space_before_pt * size / level.size_pt + lines * size * self.measurer.line_em * level.line_spacing

    def height_pt(self, frame: Frame, paras) -> float:
        return sum(self.para_height_pt(frame, p) for p in paras)

    def sized(self, frame: Frame, para: Para, size_pt: float = 0.0) -> Para:
        return replace(para, size_pt=size_pt or frame.level(para.level).size_pt)

    # ------------------------------------------------------------ fitting
    def title(self, layout: str, text: str, pos: SourcePos) -> tuple[Para, ...]:
        """The title paragraph at the largest size from the reference size down to 28 pt that fits.

        Raises:
            ContentError: the title does not fit even at 28 pt.
        """
        frame = self.frame(layout, "Title")
        level = frame.level(0)
        size = level.size_pt
        floor = min(size, TITLE_MIN_PT)
        para = Para((Run(text, bold=level.bold),))
        while True:
            if self.para_height_pt(frame, para, size) - level.space_before_pt <= frame.text_height_pt:
                return (replace(para, size_pt=size),)
            if size - STEP_PT < floor - 1e-6:
                raise ContentError(pos, f"the slide title '{text}' does not fit the '{layout}' title "
                                   f"placeholder even at {floor:g} pt", "shorten the heading")
            size -= STEP_PT

    def single(self, layout: str, name: str, paras: list[Para], pos: SourcePos) -> tuple[Para, ...]:
        """All ``paras`` in one frame (subtitles), stepping down to 18 pt if needed.

        Raises:
            ContentError: they do not fit even at 18 pt.
        """
        frame = self.frame(layout, name)
        scale = 1.0
        while True:
            sized = [replace(p, size_pt=self._scaled(frame.level(p.level).size_pt, scale)) for p in paras]
            if self.height_pt(frame, sized) <= frame.text_height_pt:
                return tuple(self._no_widow(frame, p) for p in sized)
            if all(p.size_pt <= min(frame.level(p.level).size_pt, BODY_MIN_PT) for p in sized):
                raise ContentError(pos, f"the text of '{name}' on a '{layout}' slide does not fit: "
                                   f"'{excerpt(''.join(p.plain for p in paras), 40)}'", "shorten it")
            scale -= 0.1

    def _no_widow(self, frame: Frame, para: Para) -> Para:
        """``para`` a little smaller (whole points, at most :data:`WIDOW_SHRINK` less) if that saves its last
        line: a subtitle never leaves a word or one character alone on its second line."""
        width = frame.text_width_pt - self.indent_pt(frame, para)
        lines = self.measurer.lines(para.segments(), width, para.size_pt)
        size = para.size_pt - 1
        while lines > 1 and size >= para.size_pt * (1 - WIDOW_SHRINK):
            if self.measurer.lines(para.segments(), width, size) < lines:
                return replace(para, size_pt=size)
            size -= 1
        return para

    @staticmethod
    def _scaled(size_pt: float, scale: float) -> float:
        """``size_pt × scale`` in whole points, never below 18 pt (or the reference size if smaller)."""
        return max(min(size_pt, BODY_MIN_PT), round(size_pt * scale))

    def flow(self, layout: str, name: str, paras: list[Para], pos: SourcePos) -> list[tuple[Para, ...]]:
        """Split ``paras`` over as many frames as needed, at the reference sizes (never shrunk).

        When a nested item would start the next chunk, its level-0 parent item and
        the parent's other sub-items move along (unless the parent starts the chunk).

        A paragraph taller than the frame on its own is recorded in ``errors`` (at
        its own line, with advice for its kind: code, list item, paragraph) and
        planning continues, so one run reports every such paragraph.
        """
        frame = self.frame(layout, name)
        limit = frame.text_height_pt
        chunks: list[list[Para]] = [[]]
        used = 0.0
        for item in _items(paras):
            if isinstance(item, list):
                used = self._flow_code(frame, item, chunks, used, pos)
                continue
            para = self.sized(frame, item)
            height = self.para_height_pt(frame, para)
            if height > limit:      # reported at the paragraph's own line; planning goes on to find the others
                self.errors.append(ContentError(para.pos or pos, _too_long(para), _advice(para)))
                chunks.append([para])
                chunks.append([])
                used = 0.0
                continue
            if used + height > limit and chunks[-1]:
                carry: list[Para] = []
                if para.level > 0:   # keep a nested group with its parent item
                    start = max((i for i, p in enumerate(chunks[-1]) if p.level == 0), default=0)
                    if start > 0:
                        carry = chunks[-1][start:]
                        del chunks[-1][start:]
                chunks.append(carry)
                used = self.height_pt(frame, carry)
            chunks[-1].append(para)
            used += height
        return [tuple(c) for c in chunks if c]

    def place_formulas(self, layout: str, name: str, paras: tuple[Para, ...]) -> tuple[Para, ...]:
        """``paras`` of one fitted frame with each display formula's box set (centred in the text area,
        below what precedes it) and, as :meth:`code_panels` does, every text paragraph's line pitch and
        space before fixed at what was measured, so viewers put the text around the formulas where they
        were measured to be (the first paragraph gets no space before)."""
        if not any(p.formula is not None for p in paras):
            return paras
        frame = self.frame(layout, name)
        out: list[Para] = []
        used = 0.0
        previous: Optional[Para] = None
        for index, para in enumerate(paras):
            level = frame.level(para.level)
            size = para.size_pt or level.size_pt
            before = level.space_before_pt * size / level.size_pt if index else 0.0
            if para.style and (previous is None or (previous.style, previous.group) != (para.style, para.group)):
                used += 2 * self.code.slide_pad_pt + (PANEL_GAP_PT if index else 0.0)   # its panel (see _flow_code)
            previous = para
            if para.formula is not None:
                width_pt, height_pt = self.formula_box_pt(frame, para)
                left_pt = (frame.text_width_pt - width_pt) / 2
                para = replace(para, before_pt=before, formula=replace(
                    para.formula, width_emu=int(width_pt * EMU_PER_PT), height_emu=int(height_pt * EMU_PER_PT),
                    left_emu=frame.left_emu + frame.insets_emu[0] + int(left_pt * EMU_PER_PT),
                    top_emu=frame.top_emu + frame.insets_emu[1] + int((used + before + FORMULA_PAD_PT) * EMU_PER_PT),
                    size_pt=size * width_pt / max(self.formula_em(para.formula.tex)[0] * size, 1e-6),
                    number_right_emu=frame.left_emu + frame.insets_emu[0] + int(frame.text_width_pt * EMU_PER_PT),
                    number_size_pt=size))
                used += before + height_pt + 2 * FORMULA_PAD_PT
            else:
                if not para.style and not para.pitch_pt:
                    para = replace(para, pitch_pt=size * self.measurer.line_em * level.line_spacing, before_pt=before)
                used += self.para_height_pt(frame, para)
            out.append(para)
        return tuple(out)

    def _flow_code(self, frame: Frame, lines: list[Para], chunks: list[list[Para]], used: float,
                   pos: SourcePos) -> float:
        """Place one code block (its line paragraphs) into ``chunks`` (see :mod:`.code`); returns the height
        used in the last chunk."""
        pad, limit = self.code.slide_pad_pt, frame.text_height_pt
        lines, ranks, wrapped = fit_block(lines, self.measurer, frame.text_width_pt - 2 * pad, limit,
                                          frame.level(0).size_pt, self.code)
        where = lines[0].pos or pos
        if wrapped:
            self.notes.append(ContentError(where, f"a code line is wider than a slide even at {self.code.slide_min_pt:g} pt "
                                           "and is wrapped with ↪", "shorten the line"))
        heights = [self.para_height_pt(frame, p) for p in lines]
        start = 0
        moved = False     # the block was moved to a fresh slide once (a piece too small to stand alone)
        while start < len(lines):
            gap = PANEL_GAP_PT if chunks[-1] else 0.0     # below the text the chunk holds already
            room = limit - used - 2 * pad - gap
            rest = sum(heights[start:])
            if rest <= room:
                chunks[-1].extend(lines[start:])
                return used + rest + 2 * pad + gap
            if chunks[-1] and rest <= limit - 2 * pad:     # fits a slide of its own: keep it whole
                used = self._next_chunk(frame, chunks, carry_lead=start == 0)
                if used + rest > limit - 2 * pad - (PANEL_GAP_PT if used else 0.0):   # with its lead-in: no fit
                    chunks[-2].extend(chunks[-1])
                    chunks[-1] = []
                    used = 0.0
                continue
            # a piece shows at least MIN_PIECE_LINES lines (not the imports alone); under other text only
            # top-level statements may end it; else it moves to a slide of its own once, and cuts there;
            # under its lead-in alone (a sentence ending in a full-width colon) it is as good as alone:
            # moving would strand the lead-in
            fresh = not chunks[-1] or moved or (start == 0 and len(chunks[-1]) == 1 and not chunks[-1][0].style)
            end = choose_split(ranks, heights, start, room, top_level_only=not fresh,
                               min_lines=MIN_PIECE_LINES, lines=lines)
            if end is None and not fresh:
                moved = True
                used = self._next_chunk(frame, chunks, carry_lead=start == 0)
                continue
            if end is None:
                end = choose_split(ranks, heights, start, room, top_level_only=False)
            if end is None:     # one statement taller than a slide: cut where the slide is full
                end, acc = start + 1, heights[start]
                while end < len(lines) and acc + heights[end] <= room:
                    acc += heights[end]
                    end += 1
                self.notes.append(ContentError(where, "a statement in a code block is taller than a slide "
                                               "and is split inside", "split the function"))
            piece = lines[start:end]
            while len(piece) > 1 and not piece[-1].plain.strip():   # blank lines at a cut are not shown
                piece.pop()
            chunks[-1].extend(piece)
            chunks.append([])
            used = 0.0
            start = end
            while start < len(lines) - 1 and not lines[start].plain.strip():
                start += 1
        return used

    def _next_chunk(self, frame: Frame, chunks: list[list[Para]], carry_lead: bool) -> float:
        """Start a new chunk; with ``carry_lead``, the text paragraph that introduces a code block (one
        ending in "as follows" and a full-width colon) moves along with it, unless it is all the previous
        chunk holds. Returns the height used."""
        carry: list[Para] = []
        if carry_lead and len(chunks[-1]) > 1 and not chunks[-1][-1].style:
            carry = [chunks[-1].pop()]
        chunks.append(carry)
        return self.height_pt(frame, carry)

    def code_panels(self, layout: str, name: str, paras: tuple[Para, ...]) -> tuple[tuple[Para, ...], tuple[CodeBox, ...]]:
        """The panels behind the code blocks of one fitted frame's ``paras`` (see :func:`.code.code_boxes`),
        and ``paras`` with the text paragraphs' line pitch and space before fixed at what was measured
        (viewers differ in how they space "100 %" lines; the panels must sit behind the code)."""
        if not any(p.style for p in paras):
            return paras, ()
        frame = self.frame(layout, name)
        fixed: list[Para] = []
        for index, para in enumerate(paras):
            if not para.style:
                level = frame.level(para.level)
                size = para.size_pt or level.size_pt
                para = replace(para, pitch_pt=size * self.measurer.line_em * level.line_spacing,
                               before_pt=level.space_before_pt * size / level.size_pt if index else 0.0)
            fixed.append(para)
        heights = [self.para_height_pt(frame, p) for p in fixed]
        return tuple(fixed), code_boxes(tuple(fixed), heights, self.code.slide_pad_pt)


def _items(paras: list[Para]) -> list:
    """``paras`` with the lines of each code block gathered in a list (a unit for :meth:`Fitter.flow`)."""
    items: list = []
    for para in paras:
        if para.style and items and isinstance(items[-1], list) and items[-1][0].group == para.group \
                and items[-1][0].style == para.style:
            items[-1].append(para)
        elif para.style:
            items.append([para])
        else:
            items.append(para)
    return items


def _too_long(para: Para) -> str:
    kind = "code line" if para.runs and all(r.code for r in para.runs) else \
        "list item" if para.bullet in ("bullet", "number") else "paragraph"
    return f"this {kind} is too long for one slide even alone: '{excerpt(para.plain, 40)}'"


def _advice(para: Para) -> str:
    """What to do, by the kind of block the paragraph comes from."""
    if para.runs and all(r.code for r in para.runs):
        return "break the line, or keep the full code in a '::: handout' block and show an excerpt in '::: slides'"
    if para.bullet in ("bullet", "number"):
        return "split the item into shorter points, or move the detail into a '::: notes' block"
    return "split the paragraph, or write short points in a '::: slides' block (the full text goes to the notes)"
