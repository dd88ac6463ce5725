"""Slide plan: document model → which slides, which layout, which text, which notes (pure data).

Like Pandoc's PowerPoint writer, the deck is made in two steps; this is the
first. The plan holds no python-pptx objects: every slide names its layout and
the text of each named placeholder, already fitted (measured with the shipped
fonts, :mod:`coursepress.deck.measure`) into the placeholder frames read from
the reference deck (:mod:`coursepress.deck.reference`). Content that does not
fit continues on a "（续）" slide; tables split by rows with the header
repeated; charts split by categories.

Slide order: title, agenda, then per ``#`` part a section slide followed by
the content slides of the part and its sections, then the references the
lecture cites (if any), then a closing slide.
"""

from __future__ import annotations

from .. import model as m
from ..errors import SourcePos
from .blocks import footnote_notes, notes_of, paras_of, prose_notes
from .data import chart_slides, figure_slides, model_table_slides, table_slides
from .fit import Fitter
from .nodes import CONTINUED, DeckPlan, Para, Run, SlidePlan

AGENDA = "目录"
CLOSING = "谢谢"
REFERENCES = "参考文献"
DATA_BLOCKS = (m.Chart, m.ModelTable, m.Figure, m.Table)


class Planner:
    """Plans the deck of one lecture against the reference geometry (see module docstring)."""

    def __init__(self, course: m.Course, lecture: m.Lecture, fitter: Fitter) -> None:
        self.course, self.lecture, self.fit = course, lecture, fitter
        self.file_pos = SourcePos(lecture.source.relative_to(course.root).as_posix(), 1)

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
                        meta.title + (f" · {meta.subtitle}" if meta.subtitle else ""), meta.language)

    def _text_slide(self, kind: str, layout: str, title: str, pos: SourcePos, body_name: str,
                    body: list[Para], notes: tuple[Para, ...], footer: bool = True) -> SlidePlan:
        return SlidePlan(kind, layout, (("Title", self.fit.title(layout, title, pos)),
                                        (body_name, self.fit.single(layout, body_name, body, pos))),
                         notes, pos, footer=footer)

    def title_slide(self) -> SlidePlan:
        meta, lec = self.course.meta, self.lecture
        lines = [lec.meta.subtitle, f"{meta.title} · {meta.author}", meta.organisation,
                 f"{meta.date.year} 年 {meta.date.month} 月 {meta.date.day} 日"]
        body = [Para((Run(text),)) for text in lines if text]
        notes = tuple(paras_of(lec.preamble)) or (Para((Run(f"本讲：{lec.title}。"),)),)
        return self._text_slide("title", "Title", lec.title, self.file_pos, "Subtitle", body, notes, footer=False)

    def agenda_slides(self) -> list[SlidePlan]:
        items: list[Para] = []
        for part in self.lecture.sections:
            number = part.heading.number
            sep = "" if number.endswith("、") or not number else "　"
            items.append(Para((Run(f"{number}{sep}{part.heading.plain}", bold=True),), 0, "none"))
            items.extend(Para((Run(f"{sub.heading.number}　{sub.heading.plain}"),), 1, "none")
                         for sub in part.subsections)
        if not items:
            return []
        notes = (Para((Run("本讲内容：" + "；".join(p.heading.plain for p in self.lecture.sections) + "。"),)),)
        chunks = self.fit.flow("Title and Content", "Content", items, self.file_pos)
        return [self._continued("agenda", "Title and Content", AGENDA, i, self.file_pos, "Content", chunk, notes)
                for i, chunk in enumerate(chunks)]

    def section_slide(self, part: m.Section) -> SlidePlan:
        number = part.heading.number.rstrip("、.． ")
        # 一、 parts read 第一部分; a chapter-style number (3.1, with heading_numbers: lecture) stands alone
        shown = f"第{number}部分" if part.heading.number.endswith("、") else number
        sub = [Para((Run(shown),))] if number else []
        subs = "、".join(s.heading.plain for s in part.subsections)
        notes = (Para((Run(f"这一部分讲{part.heading.plain}" + (f"：{subs}。" if subs else "。")),)),)
        return self._text_slide("section", "Section", part.heading.plain, part.heading.pos, "Subtitle", sub, notes)

    def reference_slides(self) -> list[SlidePlan]:
        """The entries the lecture cites, ``[n] text`` in citation order (none if it cites nothing)."""
        refs = self.lecture.references
        if not refs:
            return []
        items = [Para((Run(f"[{ref.number}] {ref.text}"),), 0, "none", pos=self.file_pos) for ref in refs]
        notes = (Para((Run(f"本讲引用的 {len(refs)} 篇文献，按正文中首次引用的顺序编号。"),)),)
        chunks = self.fit.flow("Title and Content", "Content", items, self.file_pos)
        return [self._continued("references", "Title and Content", REFERENCES, i, self.file_pos, "Content", chunk,
                                notes) for i, chunk in enumerate(chunks)]

    def closing_slide(self) -> SlidePlan:
        meta = self.course.meta
        body = [Para((Run(f"{meta.title} · {self.lecture.title}"),))]
        notes = (Para((Run("总结本讲要点，留出时间答疑。"),)),)
        return self._text_slide("closing", "Closing", CLOSING, self.file_pos, "Subtitle", body, notes, footer=False)

    def _continued(self, kind: str, layout: str, title: str, index: int, pos: SourcePos, body_name: str,
                   chunk: tuple[Para, ...], notes: tuple[Para, ...]) -> SlidePlan:
        shown = title + (CONTINUED if index else "")
        chunk, boxes = self.fit.code_panels(layout, body_name, chunk)
        return SlidePlan(kind, layout, (("Title", self.fit.title(layout, shown, pos)), (body_name, chunk)), notes, pos,
                         code_boxes=boxes)

    # ------------------------------------------------------------ sections
    def section_slides(self, section: m.Section) -> list[SlidePlan]:
        """Content slides of one section: its ``::: slides`` text (else its visible blocks), then its data."""
        blocks = section.blocks
        slide_only = [b for b in blocks if isinstance(b, m.Only) and b.target == "slides"]
        visible = [b for b in blocks if not isinstance(b, (m.Only, m.Notes))]
        notes = notes_of(blocks)
        if slide_only:
            content = [inner for b in slide_only for inner in b.blocks]
            content += [b for b in visible if isinstance(b, DATA_BLOCKS)]
            prose = prose_notes(blocks, include_visible=True)
        else:
            content = [b for b in visible if not isinstance(b, m.Admonition)]
            prose = prose_notes(blocks, include_visible=False)
        text_notes = (notes or prose) + footnote_notes((section.heading, *blocks))
        title = section.heading.plain
        slides: list[SlidePlan] = []
        pending: list[m.Block] = []

        def flush() -> None:
            if not pending:
                return
            paras = paras_of(pending)
            pos = getattr(pending[0], "pos", section.heading.pos)
            chunks = self.fit.flow("Title and Content", "Content", paras, pos)
            for chunk in chunks:
                slides.append(self._continued("content", "Title and Content", title,
                                              sum(1 for s in slides if s.kind == "content"), pos, "Content",
                                              chunk, text_notes))
            pending.clear()

        for block in content:
            if isinstance(block, DATA_BLOCKS):
                flush()
                slides.extend(self.data_slides(block, title, text_notes))
            elif not isinstance(block, m.Notes):
                pending.append(block)
        flush()
        return slides

    def data_slides(self, block: m.Block, title: str, section_notes: tuple[Para, ...]) -> list[SlidePlan]:
        if isinstance(block, m.ModelTable):
            return model_table_slides(self, block, title, section_notes)
        if isinstance(block, m.Table):
            return table_slides(self, block, title, section_notes)
        if isinstance(block, m.Chart):
            return chart_slides(self, block, title, section_notes)
        return figure_slides(self, block, title, section_notes)

