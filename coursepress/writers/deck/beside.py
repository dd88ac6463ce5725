"""A picture, chart or table beside the bullets: one two-column slide instead of two (issue 13, item 3).

A slide of a few short bullets followed by the slide of one small picture,
chart or table (or preceded by it, when no other follows) becomes a single
slide on the two-column layout ("Two Content"): the bullets in the left column, the data in the right
column with its caption below it (the frames "Left", "Right Data" and "Right
Caption" of :func:`coursepress.writers.deck.reference.geometry`). The rule
(docs/content-format.md, "The deck"):

- the text is plain bullets (no code, no display formula), at most
  :data:`~.summary.MAX_BULLETS` top-level ones, and fits the left column at
  the template's size or up to two steps of 2 pt smaller (never below
  :data:`BESIDE_MIN_PT`), each bullet in at most :data:`~.summary.MAX_LINES` lines;
- the data is small enough to stay readable in half the width: a picture that
  keeps at least :data:`PICTURE_KEEP` of the size it has on a slide of its own,
  a column chart of at most :data:`MAX_COLUMNS` models or a timeline of at most
  :data:`MAX_POINTS`, a table of at most :data:`MAX_ROWS` rows that fits the
  column on one slide; and its caption fits below it whole.

Otherwise the section keeps its text slide and its data slide. Nothing is
dropped: the merged slide's notes are the text slide's notes followed by the
data slide's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping, Optional, Sequence

from ... import model as m
from ...errors import ContentError
from .below import below_slide
from .data import BESIDE_PLACE, CHART_PLACE
from .nodes import Para, SlidePlan
from .summary import MAX_BULLETS, MAX_LINES

if TYPE_CHECKING:
    from .plan import Planner

LAYOUT = "Two Content"
BESIDE_MIN_PT = 20.0
STEPS_PT = (0.0, 2.0, 4.0)
PICTURE_KEEP = 0.6
MAX_COLUMNS = 10
MAX_POINTS = 8
MAX_ROWS = 8
DATA_KINDS = ("picture", "chart", "table")


def merge_beside(planner: "Planner", slides: list[SlidePlan], data_of: Mapping[int, m.Block]) -> list[SlidePlan]:
    """``slides`` of one section with each text slide and the data slide right after it (or, for a
    text slide that has none after it, right before it) merged into one two-column slide where the
    module's rule allows. ``data_of`` maps the index of each data slide that shows one whole block to
    that block (a table continued over two slides is not in it)."""
    out: list[SlidePlan] = []
    i = 0
    while i < len(slides):
        merged = None
        if i + 1 < len(slides):
            first, second = slides[i], slides[i + 1]
            if first.kind == "content" and i + 1 in data_of:
                merged = _merge(planner, first, second, data_of[i + 1])
                third = slides[i + 2] if i + 2 < len(slides) and slides[i + 2].kind == "content" else None
                if merged is None and third is not None:   # text, picture, text: one slide if all fit
                    merged = below_slide(planner, first, second, PICTURE_KEEP, third)
                    if merged is not None:
                        out.append(merged)
                        i += 3
                        continue
                if merged is None:
                    merged = below_slide(planner, first, second, PICTURE_KEEP)
            elif i in data_of and second.kind == "content" and i + 2 not in data_of:
                merged = _merge(planner, second, first, data_of[i])
        if merged is not None:
            out.append(merged)
            i += 2
        else:
            out.append(slides[i])
            i += 1
    return out


def _merge(planner: "Planner", text: SlidePlan, data: SlidePlan, block: m.Block) -> Optional[SlidePlan]:
    """One two-column slide of ``text`` (a text slide) and ``data`` (the slide of ``block``), or None."""
    paras = dict(text.texts).get("Content", ())
    if data.kind not in DATA_KINDS or text.code_boxes or not paras:
        return None
    left = fit_column(planner, paras, "Left")
    if left is None:
        return None
    try:
        beside = planner.data_slides(block, text.title, (), BESIDE_PLACE)
    except ContentError:
        return None
    if len(beside) != 1 or not _small(planner, block, beside[0]) or \
            _caption(beside[0], BESIDE_PLACE.caption) != _caption(data, "Caption"):
        return None   # (a caption shortened to fit the column would hide the figure's words)
    merged = beside[0]
    texts = (("Title", planner.fit.title(LAYOUT, text.title, text.pos)), ("Left", left)) + \
        tuple((name, paras) for name, paras in merged.texts if name != "Title")
    return replace(merged, texts=texts, notes=text.notes + data.notes, pos=text.pos)


def fit_column(planner: "Planner", paras: Sequence[Para], side: str,
               max_lines: Optional[int] = MAX_LINES) -> Optional[tuple[Para, ...]]:
    """``paras`` sized for the ``side`` ("Left" or "Right") column: the largest size (the template's, then 2 and 4 pt less,
    not below :data:`BESIDE_MIN_PT`) at which they fit it with each paragraph in at most ``max_lines``
    lines (None: any number); None when there is none, or the text is not plain bullets."""
    if any(p.style or p.formula is not None for p in paras) or \
            sum(1 for p in paras if p.level == 0) > MAX_BULLETS:
        return None
    fit = planner.fit
    frame = fit.frame(LAYOUT, side)
    tried: set[tuple[float, ...]] = set()
    for step in STEPS_PT:
        sized = []
        for para in paras:
            size = frame.level(para.level).size_pt
            sized.append(replace(para, size_pt=max(size - step, min(size, BESIDE_MIN_PT)), pitch_pt=0.0,
                                 before_pt=0.0))
        sizes = tuple(p.size_pt for p in sized)
        if sizes in tried:
            continue
        tried.add(sizes)
        width = frame.text_width_pt
        long = max_lines is not None and any(
            fit.measurer.lines(p.segments(), width - fit.indent_pt(frame, p), p.size_pt) > max_lines for p in sized)
        if not long and fit.height_pt(frame, sized) <= frame.text_height_pt:
            return tuple(sized)
    return None


def _caption(slide: SlidePlan, name: str) -> str:
    return "".join(p.plain for p in dict(slide.texts).get(name, ()))


def _small(planner: "Planner", block: m.Block, slide: SlidePlan) -> bool:
    """Whether the data of ``slide`` (planned beside the bullets) stays readable there."""
    if slide.chart is not None:
        limit = MAX_COLUMNS if slide.chart.kind == "column" else MAX_POINTS
        return len(slide.chart.categories) <= limit
    if slide.table is not None:
        return len(slide.table.rows) <= MAX_ROWS
    if slide.picture is not None:
        full = planner.data_slides(block, "", (), CHART_PLACE)[0].picture
        return full is not None and slide.picture.width_emu >= PICTURE_KEEP * full.width_emu
    return False
