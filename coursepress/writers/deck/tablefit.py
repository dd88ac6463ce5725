"""How a native table fills its slide: text size, rows per slide and the caption tied below it (issue 13).

The rule (docs/content-format.md, "The deck"):

- a table stays on **one slide** at the largest size from its placeholder's
  size down to :data:`TABLE_MIN_PT` at which every row fits; only a table that
  does not fit even at that size is split, into as few slides as the rows need
  (two for any table the course holds), at the largest size that needs no more,
  the rows spread evenly so no continuation is less than half full;
- a row's height is what its cells' wrapped lines measure at their column's
  width (:meth:`coursepress.textmeasure.Measurer.lines`) at the table's exact
  line pitch (:data:`TABLE_LINE_EM`) plus the cell margins;
- the room is the table frame and, where the layout's caption frame lies below
  it, the part of the caption frame the caption does not need: the caption is
  set right below the table (:func:`caption_box`), not at a fixed place.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from ...units import EMU_PER_PT
from .nodes import Para
from .reference import Frame

TABLE_MIN_PT = 14.0          # no cell text smaller than this (the least size readable from the back row)
# Exact line pitch of table text, in em: the viewers' 100 % for Noto Sans CJK SC is 1.448 em (hhea),
# generous for rows of one line each; 1.2 em is the usual "single" spacing of Chinese tables
# (Microsoft YaHei's own is 1.32) and still clears ascenders and descenders of both scripts.
TABLE_LINE_EM = 1.2
CELL_MARGIN_X_PT = 5.76     # 0.08 in left and right
CELL_MARGIN_Y_PT = 2.16     # 0.03 in top and bottom
ROW_SLACK_PT = 1.0          # the 1 pt cell borders of the slides PDF (writers/slides), rounding
CAPTION_GAP_PT = 6.0        # between the table's last row and its caption

Layout = tuple[list[float], float, list[float]]   # column widths (pt), header height (pt), row heights (pt)


def table_room_pt(data: Frame, caption: Optional[Frame], caption_pt: float) -> float:
    """Height in pt a table may take from the top of ``data``: the frame itself or, when the
    ``caption`` frame lies below it (overlapping it horizontally), down to the caption frame's bottom
    less the ``caption_pt`` the caption needs and :data:`CAPTION_GAP_PT`."""
    own = data.height_emu / EMU_PER_PT
    if caption is None or caption.top_emu < data.top_emu + data.height_emu // 2 or \
            caption.left_emu >= data.left_emu + data.width_emu or data.left_emu >= caption.left_emu + caption.width_emu:
        return own
    below = (caption.top_emu + caption.height_emu - data.top_emu) / EMU_PER_PT - caption_pt - CAPTION_GAP_PT
    return max(own, below)


def caption_height_pt(caption: Frame, paras: Sequence[Para], text_pt: float) -> float:
    """Height of a caption frame holding ``paras`` whose text measures ``text_pt``: the text plus the
    frame's top and bottom insets."""
    return text_pt + (caption.insets_emu[1] + caption.insets_emu[3]) / EMU_PER_PT if paras else 0.0


def caption_box(data: Frame, caption: Frame, table_pt: float, caption_pt: float) -> tuple[int, int, int, int]:
    """(left, top, width, height) in EMU of the caption right below a table ``table_pt`` tall placed at
    the top of ``data``: the caption frame's left and width, its top :data:`CAPTION_GAP_PT` below the
    table, its height what the caption needs (so the placeholder's anchoring does not move the text)."""
    top = data.top_emu + int((table_pt + CAPTION_GAP_PT) * EMU_PER_PT)
    height = int(caption_pt * EMU_PER_PT) + 1
    top = min(top, caption.top_emu + caption.height_emu - height)   # never below the layout's own caption area
    return caption.left_emu, top, caption.width_emu, height


def split_rows(heights: list[float], limit: float) -> list[list[int]]:
    """Row indices per slide: as few slides as greedy filling needs, rows spread evenly over them."""
    def greedy(cap: float) -> list[list[int]]:
        chunks: list[list[int]] = [[]]
        used = 0.0
        for i, height in enumerate(heights):
            if used + height > cap and chunks[-1]:
                chunks.append([])
                used = 0.0
            chunks[-1].append(i)
            used += height
        return chunks

    fewest = greedy(limit)
    target = max(max(heights), sum(heights) / len(fewest))
    while target < limit:   # the smallest per-slide height that still needs no more slides
        balanced = greedy(target)
        if len(balanced) == len(fewest):
            return balanced
        target += 1.0
    return fewest


def choose(layout_at: Callable[[float], Layout], largest_pt: float, room_pt: float
           ) -> tuple[float, Layout, Optional[list[list[int]]]]:
    """The text size, the layout at it and the rows of each slide (see the module docstring).

    ``layout_at(size_pt)`` gives the column widths, header height and row heights at a size. Sizes
    go down in 1 pt steps from ``largest_pt`` to :data:`TABLE_MIN_PT` (or ``largest_pt`` if smaller).
    The chunks are None when some row is taller than ``room_pt`` with the header even at the least size.
    """
    floor = min(TABLE_MIN_PT, largest_pt)
    sizes = [largest_pt]
    while sizes[-1] - 1 >= floor - 1e-6:
        sizes.append(sizes[-1] - 1)
    layouts = {}
    for size in sizes:                       # one slide at the largest size that allows it
        layouts[size] = layout = layout_at(size)
        _widths, header, heights = layout
        if header + sum(heights) <= room_pt:
            return size, layout, [list(range(len(heights)))]
    best: Optional[tuple[float, Layout, list[list[int]]]] = None
    for size in sizes:                       # else the fewest slides, at the largest size that needs no more
        layout = layouts[size]
        _widths, header, heights = layout
        if any(header + h > room_pt for h in heights):
            continue
        chunks = split_rows(heights, room_pt - header)
        if best is None or len(chunks) < len(best[2]):
            best = (size, layout, chunks)
    if best is None:
        return sizes[-1], layouts[sizes[-1]], None
    return best
