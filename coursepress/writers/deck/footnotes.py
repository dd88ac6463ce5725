"""Footnote texts in the speaker notes of the slide that shows their mark (new-user test, item 8).

A slide has no foot, so a footnote's text goes to the notes. It belongs with its
mark: the notes of the first slide of the section whose text (title, body,
caption, table cells) or notes hold the superscript number; a footnote whose
mark is on no slide of the section (a mark in a picture's alt text, say) stays
on the section's first slide, so nothing is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from .blocks import FOOTNOTE_BASELINE
from .nodes import Para, SlidePlan


def _marks(slide: SlidePlan) -> set[str]:
    """The footnote numbers (as text) whose superscript mark ``slide`` shows or reads out in its notes."""
    runs = [r for _name, texts in slide.texts for p in texts for r in p.runs]
    runs += [r for p in slide.notes for r in p.runs]
    if slide.table is not None:
        runs += [r for row in (slide.table.header, *slide.table.rows) for cell in row for r in cell]
    return {r.text for r in runs if r.baseline == FOOTNOTE_BASELINE}


def place_footnotes(slides: list[SlidePlan], footnotes: tuple[Para, ...]) -> list[SlidePlan]:
    """``slides`` of one section with each of ``footnotes`` (paragraphs starting with their superscript
    number, :func:`.blocks.footnote_notes`) appended to the notes of the first slide showing its mark."""
    if not slides or not footnotes:
        return slides
    marks = [_marks(slide) for slide in slides]
    extra: list[list[Para]] = [[] for _ in slides]
    for note in footnotes:
        number = note.runs[0].text if note.runs else ""
        where = next((i for i, found in enumerate(marks) if number in found), 0)
        extra[where].append(note)
    return [replace(slide, notes=slide.notes + tuple(more)) if more else slide for slide, more in zip(slides, extra)]
