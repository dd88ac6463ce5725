"""Slide plan: document model → which slides, which layout, which text, which notes (pure data).

Like Pandoc's PowerPoint writer, the deck is made in two steps; this is the
first. The plan holds no python-pptx objects: every slide names its layout and
the text of each named placeholder, already fitted (measured with the shipped
fonts, :mod:`coursepress.textmeasure`) into the placeholder frames read from
the reference deck (:mod:`coursepress.writers.deck.reference`). Content that does not
fit continues on a ``deck.continued`` slide; tables split by rows with the
header repeated; charts split by categories.

Slide order: title, agenda, then per ``#`` part a section slide followed by
the content slides of the part and its sections, then the references the
lecture cites (if any), then a closing slide.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from ... import model as m
from ...errors import ContentError, SourcePos
from ...lecturelabel import lecture_label
from .beside import merge_beside
from .blocks import footnote_notes, notes_of, paras_of, prose_notes
from .columns import columns_fallback, columns_slide
from .data import CHART_PLACE, TABLE_PLACE, Place, chart_slides, figure_slides, model_table_slides, table_slides
from .fit import Fitter
from .footnotes import place_footnotes
from .inlinepics import with_inline_pictures
from .nodes import DeckPlan, Para, Run, SlidePlan
from .rebalance import absorb_leftovers, lead_in, mark_continued
from .summary import MAX_BULLETS, Point, Summariser

if TYPE_CHECKING:
    from ...project import Project

DATA_BLOCKS = (m.Chart, m.ModelTable, m.Figure, m.Table)


def nested_data(blocks) -> list:
    """Figures, tables and charts inside list items, quotes, boxes and ``:::`` containers of ``blocks``
    (not ``blocks`` themselves), in source order."""
    out: list = []
    for block in blocks:
        children = ([b for item in block.items for b in item.blocks] if isinstance(block, m.ListBlock) else
                    getattr(block, "blocks", ()) if isinstance(block, (m.BlockQuote, m.Admonition, m.Only)) else ())
        for child in children:
            if isinstance(child, DATA_BLOCKS):
                out.append(child)
            else:
                out.extend(nested_data([child]))
    return out


class Planner:
    """Plans the deck of one lecture against the reference geometry (see module docstring)."""

    def __init__(self, project: Project, course: m.Course, lecture: m.Lecture, fitter: Fitter) -> None:
        self.project, self.course, self.lecture, self.fit = project, course, lecture, fitter
        self.words = course.words      # every word a slide prints that the author did not write
        self.below = self.words("deck.formula_below")
        self.warnings: list[ContentError] = []   # what the author should know (columns that did not fit)
        self.unplaced: list[Para] = []   # words of a data block that got no slide: to the section's notes
        self.file_pos = SourcePos(lecture.file, 1)

    # ------------------------------------------------------------ deck
    def plan(self) -> DeckPlan:
        slides = [self.title_slide(), *self.agenda_slides()]
        for part in self.lecture.sections:
            slides.append(self.section_slide(part))
            for section in part.walk():
                slides.extend(self.section_slides(section))
        slides.extend(self.reference_slides())
        slides.append(self.closing_slide())
        meta = self.course.meta
        return DeckPlan(tuple(slides), meta.title, self.lecture.title, meta.author,
                        meta.title + (f" · {meta.subtitle}" if meta.subtitle else ""), meta.language,
                        formula_name=self.words("deck.formula_name"))

    def _text_slide(self, kind: str, layout: str, title: str, pos: SourcePos, body_name: str,
                    body: list[Para], notes: tuple[Para, ...], footer: bool = True) -> SlidePlan:
        return SlidePlan(kind, layout, (("Title", self.fit.title(layout, title, pos)),
                                        (body_name, self.fit.single(layout, body_name, body, pos))),
                         notes, pos, footer=footer)

    def title_slide(self) -> SlidePlan:
        meta, lec = self.course.meta, self.lecture
        lines = [lecture_label(self.course, lec), lec.meta.subtitle, f"{meta.title} · {meta.author}", meta.organisation,
                 self.words.date(meta.date.year, meta.date.month, meta.date.day)]
        body = [Para((Run(text),)) for text in lines if text]
        notes = tuple(paras_of(lec.preamble))   # the author's words only, none invented
        return self._text_slide("title", "Title", lec.title, self.file_pos, "Subtitle", body, notes, footer=False)

    def agenda_slides(self) -> list[SlidePlan]:
        items: list[Para] = []
        for part in self.lecture.sections:
            gap = self.words("deck.gap")
            items.append(Para((Run(self.words.numbered(part.heading.number, part.heading.plain, gap), bold=True),),
                              0, "none"))
            items.extend(Para((Run(f"{sub.heading.number}{gap}{sub.heading.plain}"),), 1, "none")
                         for sub in part.subsections)
        if not items:
            return []
        notes: tuple[Para, ...] = ()
        chunks = self.fit.flow("Title and Content", "Content", items, self.file_pos)
        if len(chunks) > 1:     # one contents slide if stepping the size down (not below 18 pt) makes it fit
            try:
                chunks = [self.fit.single("Title and Content", "Content", items, self.file_pos)]
            except ContentError:
                pass
        return [self._continued("agenda", "Title and Content", self.words("deck.agenda"), i, self.file_pos, "Content", chunk, notes)
                for i, chunk in enumerate(chunks)]

    def section_slide(self, part: m.Section) -> SlidePlan:
        suffix = self.words.part_suffix
        number = part.heading.number.removesuffix(suffix) if suffix else part.heading.number
        # a part number ("one," with U+3001) reads "part one" (deck.section); a chapter-style one (3.1, heading_numbers: lecture)
        # stands alone
        shown = self.words("deck.section", number=number) if suffix and part.heading.number.endswith(suffix) \
            else number
        sub = [Para((Run(shown),))] if number else []
        notes: tuple[Para, ...] = ()
        return self._text_slide("section", "Section", part.heading.plain, part.heading.pos, "Subtitle", sub, notes)

    def reference_slides(self) -> list[SlidePlan]:
        """The entries the lecture cites, ``[n] text`` in citation order (none if it cites nothing)."""
        refs = self.lecture.references
        if not refs:
            return []
        items = [Para((Run(f"[{ref.number}] {ref.text}"),), 0, "none", pos=self.file_pos) for ref in refs]
        notes: tuple[Para, ...] = ()
        chunks = self.fit.flow("Title and Content", "Content", items, self.file_pos)
        return [self._continued("references", "Title and Content", self.words("deck.references"), i, self.file_pos, "Content", chunk,
                                notes) for i, chunk in enumerate(chunks)]

    def closing_slide(self) -> SlidePlan:
        meta = self.course.meta
        body = [Para((Run(f"{meta.title} · {self.lecture.title}"),))]
        notes: tuple[Para, ...] = ()
        return self._text_slide("closing", "Closing", self.words("deck.closing"), self.file_pos, "Subtitle", body, notes, footer=False)

    def _continued(self, kind: str, layout: str, title: str, index: int, pos: SourcePos, body_name: str,
                   chunk: tuple[Para, ...], notes: tuple[Para, ...]) -> SlidePlan:
        shown = title + (self.words("deck.continued") if index else "")
        chunk = self.fit.place_formulas(layout, body_name, chunk)
        chunk, boxes = self.fit.code_panels(layout, body_name, chunk)
        return SlidePlan(kind, layout, (("Title", self.fit.title(layout, shown, pos)), (body_name, chunk)), notes, pos,
                         code_boxes=boxes)

    # ------------------------------------------------------------ sections
    def section_slides(self, section: m.Section) -> list[SlidePlan]:
        """Content slides of one section: its ``::: slides`` text, else a summary of its prose
        (:mod:`.summary`), then its data slides, in source order.

        Notes: each text slide gets what its bullets leave out of their paragraphs; the section's first
        slide also gets its ``::: notes`` (or, with ``::: slides``, its prose), ``::: handout`` text and
        call-out boxes; data slides get their own captions and notes.
        """
        blocks = with_inline_pictures(section.heading, section.blocks)    # a picture slide for each
        slide_only = [b for b in blocks if isinstance(b, m.Only) and b.target == "slides"]
        visible = [b for b in blocks if not isinstance(b, m.Notes) and
                   not (isinstance(b, m.Only) and b.target in ("slides", "handout"))]
        # notes hold the author's words only: no "see the formula below" where an inline formula was (the
        # formula follows as its own paragraph, read out as TeX)
        notes = notes_of(blocks)
        boxes = tuple(paras_of([b for b in visible if isinstance(b, m.Admonition)]))
        if slide_only:
            content = [inner for b in slide_only for inner in b.blocks]
            content += [b for b in visible if isinstance(b, DATA_BLOCKS)]
            first_notes = notes or prose_notes(blocks, include_visible=True)
        else:
            content = [b for b in visible if not isinstance(b, m.Admonition)]
            first_notes = notes + prose_notes(blocks, include_visible=False) + boxes
        footnotes = footnote_notes((section.heading, *blocks))
        summarise = Summariser(self._lines, self.below)
        title = section.heading.plain
        slides: list[SlidePlan] = []
        pending: list[m.Block] = []
        data_of: dict[int, m.Block] = {}    # index in slides → the block of a one-slide table, chart, figure

        def add_data(block: m.Block, lead: tuple[Para, ...] = ()) -> None:
            made = self.data_slides(block, title, ())
            if made and lead:       # a lead-in that would be a slide alone: the data slide's notes, first
                made[0] = replace(made[0], notes=lead + made[0].notes)
            if len(made) == 1:
                data_of[len(slides)] = block
            slides.extend(made)

        def flush() -> None:
            if not pending:
                return
            points = [Point(p) for p in paras_of(pending, below=self.below)] if slide_only else summarise.points(pending)
            pos = getattr(pending[0], "pos", section.heading.pos)
            for chunk, own in self._chunks(points, pos, cap=not slide_only):
                slides.append(self._continued("content", "Title and Content", title,
                                              sum(1 for s in slides if s.kind == "content"), pos, "Content",
                                              chunk, own))
            for inner in nested_data(pending):   # pictures in list items or quotes: a slide right after
                add_data(inner)
            pending.clear()

        queue = list(content)
        while queue:
            block = queue.pop(0)
            if isinstance(block, m.Only) and block.target == "columns":
                flush()
                made = columns_slide(self, block, title)
                if made is None:
                    queue[:0] = columns_fallback(self, block)
                else:
                    slides.append(made)
                continue
            if isinstance(block, DATA_BLOCKS):
                lead = lead_in(pending, block)
                if lead is not None:
                    pending.clear()
                flush()
                add_data(block, tuple(paras_of([lead], below=self.below)) if lead is not None else ())
            elif not isinstance(block, m.Notes):
                pending.append(block)
        flush()
        for box in (b for b in visible if isinstance(b, m.Admonition)) if not slide_only else ():
            for inner in nested_data([box]):   # the box's text is in the notes; its pictures get slides
                add_data(inner)
        slides = mark_continued(self, absorb_leftovers(self, merge_beside(self, slides, data_of)), title)
        if not slides and self.unplaced:    # (a chart with no data): the section keeps a slide, its words on it
            pos = section.heading.pos
            statements = [replace(p, bullet="none") for p in self.unplaced]
            slides = [self._continued("content", "Title and Content", title, i, pos, "Content", chunk, ())
                      for i, chunk in enumerate(self.fit.flow("Title and Content", "Content", statements, pos))]
        else:
            first_notes = tuple(first_notes) + tuple(self.unplaced)
        self.unplaced.clear()
        if slides and first_notes:
            slides[0] = replace(slides[0], notes=tuple(first_notes) + slides[0].notes)
        return place_footnotes(slides, footnotes)

    def _lines(self, runs, level: int) -> int:
        """Lines ``runs`` take as a bullet of ``level`` in the content frame, at its size."""
        frame = self.fit.frame("Title and Content", "Content")
        para = Para(tuple(runs), level, "bullet")
        width = frame.text_width_pt - self.fit.indent_pt(frame, para)
        return self.fit.measurer.lines(para.segments(), width, frame.level(level).size_pt)

    def _chunks(self, points: list[Point], pos: SourcePos, cap: bool):
        """(slide paragraphs, their notes) per slide: as few slides as the frame (and, with ``cap``,
        :data:`~.summary.MAX_BULLETS` top-level bullets) allow, the paragraphs spread evenly over them."""
        paras = [p.para for p in points]
        chunks = self.fit.flow("Title and Content", "Content", paras, pos)
        plain = not any(r.code for p in paras for r in p.runs)
        if plain:
            tops = sum(1 for p in paras if p.level == 0)
            wanted = max(len(chunks), -(-tops // MAX_BULLETS) if cap else 1)
            balanced = self._balanced(paras, wanted, pos)
            if balanced is not None:
                chunks = balanced
        # the notes of each point, paired in order with the paragraphs the flow gave back, but for the lines of a
        # code block (fit may cut those); a bullet with inline code (``x.y``) is prose and keeps its notes
        queue = [p.notes for p in points if not _code_line(p.para)]
        out = []
        for chunk in chunks:
            own: list[Para] = []
            for para in chunk:
                if not _code_line(para) and queue:
                    own.extend(queue.pop(0))
            out.append((chunk, tuple(own)))
        return out

    def _balanced(self, paras: list[Para], count: int, pos: SourcePos):
        """``paras`` in ``count`` chunks of about equal height that each fit the frame (a nested item
        stays with its parent), or None when no such split exists."""
        if count <= 1:
            return None
        frame = self.fit.frame("Title and Content", "Content")
        groups: list[list[Para]] = []
        for para in paras:
            if para.level == 0 or not groups:
                groups.append([])
            groups[-1].append(self.fit.sized(frame, para))
        if len(groups) < count:
            return None
        heights = [self.fit.height_pt(frame, g) for g in groups]
        target = sum(heights) / count
        chunks: list[list[Para]] = [[]]
        used = 0.0
        for index, (group, height) in enumerate(zip(groups, heights)):
            remaining = len(groups) - index
            if chunks[-1] and (used + height / 2 > target or remaining < count - len(chunks) + 1) \
                    and len(chunks) < count:
                chunks.append([])
                used = 0.0
            chunks[-1].extend(group)
            used += height
        if any(self.fit.height_pt(frame, c) > frame.text_height_pt for c in chunks) or \
                any(sum(1 for p in c if p.level == 0) > MAX_BULLETS for c in chunks):
            return None
        return [tuple(c) for c in chunks]

    def data_slides(self, block: m.Block, title: str, section_notes: tuple[Para, ...],
                    place: Optional[Place] = None) -> list[SlidePlan]:
        """The slides of one table, chart or figure ``block``, its data in the frame of ``place``
        (default: the Table layout's for tables, the Chart layout's for charts and pictures)."""
        if isinstance(block, m.ModelTable):
            return model_table_slides(self, block, title, section_notes, place or TABLE_PLACE)
        if isinstance(block, m.Table):
            return table_slides(self, block, title, section_notes, place or TABLE_PLACE)
        if isinstance(block, m.Chart):
            return chart_slides(self, block, title, section_notes, place or CHART_PLACE)
        assert isinstance(block, m.Figure), f"no slide kind for {type(block).__name__}"
        return figure_slides(self, block, title, section_notes, place or CHART_PLACE)


def _code_line(para: Para) -> bool:
    """Whether ``para`` is a line of a code block (every run code), not prose that holds inline code."""
    return bool(para.runs) and all(r.code for r in para.runs)
