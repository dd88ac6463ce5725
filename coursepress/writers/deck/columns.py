"""Author-controlled two-column slides: ``:::: columns`` with two ``::: column`` blocks (issue 13, item 7).

The syntax Pandoc and Quarto users already write. The columns become one slide
on the two-column layout ("Two Content"): the first column's text in the
"Left" placeholder, the second's in "Right", each at the template's size or up
to two steps of 2 pt smaller (:func:`.beside.fit_column`). A column holding
only a picture, chart or table shows it in that column with its caption below
(the frames "Left Data"/"Left Caption" and "Right Data"/"Right Caption").
Pauses and ``::: incremental`` lists inside the columns become build
animations, the left column's clicks first.

Columns that do not fit one slide are not cut: their text flows over ordinary
content slides, first column first, and the build warns (nothing is dropped).
Print outputs show the columns one after the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ... import model as m
from ...errors import ContentError
from .beside import LAYOUT, fit_column
from .blocks import paras_of
from .data import Place
from .nodes import Para, SlidePlan

if TYPE_CHECKING:
    from .plan import Planner

SIDES = ("Left", "Right")
DATA_BLOCKS = (m.Chart, m.ModelTable, m.Figure, m.Table)


def columns_slide(planner: "Planner", block: m.Only, title: str) -> Optional[SlidePlan]:
    """The two-column slide of a ``columns`` block titled ``title``, or None when a column does not fit
    its half of the slide (see the module docstring for what the caller does then)."""
    texts: list[tuple[str, tuple[Para, ...]]] = [("Title", planner.fit.title(LAYOUT, title, block.pos))]
    notes: tuple[Para, ...] = ()
    data: dict = {}
    for side, column in zip(SIDES, block.blocks):
        inner = column.blocks if isinstance(column, m.Only) else ()
        if len(inner) == 1 and isinstance(inner[0], DATA_BLOCKS):
            if data:
                return None     # one table, chart or picture per slide
            try:
                planned = planner.data_slides(inner[0], title, (), Place(LAYOUT, f"{side} Data", f"{side} Caption"))
            except ContentError:
                return None
            if len(planned) != 1:
                return None
            slide = planned[0]
            texts.extend((name, paras) for name, paras in slide.texts if name != "Title")
            notes += slide.notes
            data = {"kind": slide.kind, "table": slide.table, "chart": slide.chart, "picture": slide.picture,
                    "data_frame": slide.data_frame, "moved": slide.moved}
            continue
        if any(isinstance(b, DATA_BLOCKS) for b in inner) or _nested_data(inner):
            return None
        fitted = fit_column(planner, paras_of(inner), side, max_lines=None)
        if fitted is None:
            return None
        texts.append((side, fitted))
    kind = data.pop("kind", "columns")
    return SlidePlan(kind, LAYOUT, tuple(texts), notes, block.pos, **data)


def columns_fallback(planner: "Planner", block: m.Only) -> list[m.Block]:
    """The blocks of both columns, one after the other (for ordinary slides), with a warning."""
    planner.warnings.append(ContentError(
        block.pos, "these two columns do not fit one two-column slide; they are shown one after the other",
        "shorten the columns, or give a column only a picture, chart or table"))
    return [inner for column in block.blocks for inner in getattr(column, "blocks", ())]


def _nested_data(blocks) -> bool:
    from .plan import nested_data
    return bool(nested_data(blocks))

