"""No pointless continuation slides (new-user test, item 5 and 14).

After a section's slides are planned (:meth:`.plan.Planner.section_slides`):

- a text slide that would hold only the lead-in sentence of a table or chart (a
  paragraph ending in a colon right before it, alone in its run of text) gives
  that sentence to the data slide's speaker notes instead, first, where the
  lecturer reads it as the transition (:func:`lead_in`); figures keep theirs on
  the slide above or beside the picture (:mod:`.below`, :mod:`.beside`);
- a text slide right after a text slide or a slide of bullets beside a picture, chart or table
  (:mod:`.beside`; not the author's ``:::: columns``) joins it when
  the joined text still fits that slide's text frame at the size it has there
  (:func:`absorb_leftovers`), so a caption paragraph or one bullet left over is
  not a slide of its own; the notes join too;
- every text or picture slide after the section's first that repeats the section
  title gets the ``deck.continued`` mark (:func:`mark_continued`); a table or chart
  slide is named by its caption and marks only its own continuations (:mod:`.data`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from ... import model as m
from .beside import fit_column
from .nodes import Para, SlidePlan
from .summary import MAX_BULLETS

if TYPE_CHECKING:
    from .plan import Planner

LEAD_ENDS = ("\uff1a", ":")   # full-width and ASCII colon
LEAD_TARGETS = (m.Table, m.ModelTable, m.Chart)


def lead_in(pending: list, block) -> Optional[m.Paragraph]:
    """The paragraph of ``pending`` (the text blocks waiting for a slide) that introduces the table or
    chart ``block``: the only one, ending in a colon; None otherwise."""
    if not isinstance(block, LEAD_TARGETS) or len(pending) != 1 or not isinstance(pending[0], m.Paragraph):
        return None
    text = m.plain_text(pending[0].children).rstrip()
    return pending[0] if text.endswith(LEAD_ENDS) else None


def _plain(slide: SlidePlan) -> Optional[tuple[Para, ...]]:
    """The body paragraphs of a plain text slide (no code, formula or data), else None."""
    paras = dict(slide.texts).get("Content")
    if slide.kind != "content" or slide.layout != "Title and Content" or slide.code_boxes or not paras or \
            any(p.style or p.formula is not None for p in paras):
        return None
    return paras


def _join(planner: "Planner", before: SlidePlan, after: SlidePlan) -> Optional[SlidePlan]:
    tail = _plain(after)
    if tail is None:
        return None
    texts = dict(before.texts)
    head = _plain(before)
    if head is not None:
        joined = list(head) + list(tail)
        if sum(1 for p in joined if p.level == 0) > MAX_BULLETS:
            return None
        chunks = planner.fit.flow("Title and Content", "Content", joined, after.pos)
        if len(chunks) != 1:
            return None
        body = ("Content", chunks[0])
    elif before.layout == "Two Content" and before.kind != "columns" and "Left" in texts and "Right" not in texts:
        column = fit_column(planner, list(texts["Left"]) + list(tail), "Left")
        if column is None:
            return None
        body = ("Left", column)
    else:
        return None
    new = tuple((name, body[1] if name == body[0] else paras) for name, paras in before.texts)
    return replace(before, texts=new, notes=before.notes + after.notes)


def absorb_leftovers(planner: "Planner", slides: list[SlidePlan]) -> list[SlidePlan]:
    """``slides`` of one section with each plain text slide joined to the slide before it where it fits."""
    out: list[SlidePlan] = []
    for slide in slides:
        joined = _join(planner, out[-1], slide) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(slide)
    return out


def mark_continued(planner: "Planner", slides: list[SlidePlan], title: str) -> list[SlidePlan]:
    """``slides`` with the title of every text or picture slide after the first that is exactly ``title``
    marked continued."""
    shown = title + planner.words("deck.continued")
    out = slides[:1]
    for slide in slides[1:]:
        if slide.title == title and slide.table is None and slide.chart is None:
            paras = planner.fit.title(slide.layout, shown, slide.pos)
            slide = replace(slide, texts=tuple((name, paras if name == "Title" else value)
                                               for name, value in slide.texts))
        out.append(slide)
    return out
