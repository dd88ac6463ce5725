"""A wide picture below a short text: one slide instead of two (issue 13, items 1 and 3).

Where a slide of short text is followed by a picture too wide to stand beside
it (:mod:`.beside`), the picture goes below the text in the content frame of
the same slide, with its caption under it, and a short text slide right after
the picture (a sentence such as "both objectives have their strengths (see the
figure above)." in Chinese) below that, when the texts take at most
:data:`TEXT_SHARE` of the frame and the picture keeps at least
:data:`~.beside.PICTURE_KEEP` of the width it has on a slide of its own. This
is how chapters written for the web read: a sentence, then its screenshot.

The caption is the frame's last paragraph, its space before set to the
picture's height, and every paragraph's line pitch is fixed at what was
measured (as for display formulas, :meth:`.fit.Fitter.place_formulas`), so
every viewer puts the text and the caption where the picture leaves room.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from ...units import EMU_PER_PT
from .nodes import Para, Run, SlidePlan

if TYPE_CHECKING:
    from .plan import Planner

LAYOUT = "Title and Content"
TEXT_SHARE = 0.45
GAP_PT = 8.0
CAPTION_PT = 16.0
CAPTION_LINES = 2


def below_slide(planner: "Planner", text: SlidePlan, data: SlidePlan, keep: float,
                after: Optional[SlidePlan] = None) -> Optional[SlidePlan]:
    """The slide of ``text`` (a text slide) with the picture of ``data`` (its picture slide) below its
    text, and the text of ``after`` (the text slide that follows, if given) below the caption; or None
    when the rule of the module does not allow it (``keep``: the least share of its own slide's width
    the picture must keep)."""
    paras = dict(text.texts).get("Content", ())
    tail = dict(after.texts).get("Content", ()) if after is not None else ()
    if data.picture is None or not paras or text.code_boxes or (after is not None and (after.code_boxes or not tail)) \
            or any(p.style or p.formula is not None for p in (*paras, *tail)):
        return None
    fit = planner.fit
    frame = fit.frame(LAYOUT, "Content")
    line_em = fit.measurer.line_em
    fixed, rest = _pitched(planner, frame, paras), _pitched(planner, frame, tail)
    text_pt = fit.height_pt(frame, fixed)
    rest_pt = fit.height_pt(frame, rest) + (GAP_PT if rest else 0.0)
    if text_pt + rest_pt > TEXT_SHARE * frame.text_height_pt:
        return None
    caption = "".join(p.plain for p in dict(data.texts).get("Caption", ()))
    lines = fit.measurer.lines([(caption, False)], frame.text_width_pt, CAPTION_PT) if caption else 0
    if lines > CAPTION_LINES:
        return None
    box_w = frame.text_width_pt * EMU_PER_PT
    box_h = (frame.text_height_pt - text_pt - rest_pt - 2 * GAP_PT - lines * CAPTION_PT * line_em) * EMU_PER_PT
    picture = data.picture
    scale = min(1.0, box_w / picture.width_emu, box_h / picture.height_emu)
    if box_h <= 0 or scale < keep:
        return None
    width, height = int(picture.width_emu * scale), int(picture.height_emu * scale)
    left = frame.left_emu + frame.insets_emu[0] + (int(box_w) - width) // 2
    top = frame.top_emu + frame.insets_emu[1] + int((text_pt + GAP_PT) * EMU_PER_PT)
    body = tuple(fixed)
    if caption:
        body += (Para((Run(caption),), 0, "none", size_pt=CAPTION_PT, pitch_pt=CAPTION_PT * line_em,
                      before_pt=height / EMU_PER_PT + 2 * GAP_PT),)
    if rest:   # the text after the picture, below its caption (or below the picture when it has none)
        space = GAP_PT if caption else height / EMU_PER_PT + 3 * GAP_PT
        body += (replace(rest[0], before_pt=space),) + tuple(rest[1:])
    texts = (("Title", fit.title(LAYOUT, text.title, text.pos)), ("Content", body))
    notes = text.notes + data.notes + (after.notes if after is not None else ())
    return SlidePlan("picture", LAYOUT, texts, notes, text.pos,
                     picture=replace(picture, left_emu=left, top_emu=top, width_emu=width, height_emu=height))


def _pitched(planner: "Planner", frame, paras) -> list[Para]:
    """``paras`` at their frame sizes with line pitch and space before fixed at what is measured (the
    first with no space before)."""
    out = []
    for index, para in enumerate(paras):
        level = frame.level(para.level)
        size = para.size_pt or level.size_pt
        out.append(replace(para, size_pt=size, pitch_pt=size * planner.fit.measurer.line_em * level.line_spacing,
                           before_pt=level.space_before_pt * size / level.size_pt if index else 0.0))
    return out
