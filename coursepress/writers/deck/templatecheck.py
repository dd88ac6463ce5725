"""Placeholders too small for any text: the template's fault, reported at the template (new-user test, item 12).

A reference deck whose title placeholder has zero height made every slide title
"not fit", and the error blamed the lecture's first heading. Before planning,
each text placeholder the deck writes into must hold one line at the smallest
size the fit may use (titles :data:`~.fit.TITLE_MIN_PT`, body text
:data:`~.fit.BODY_MIN_PT`, captions :data:`CAPTION_MIN_PT`, or the template's
own size where it is smaller); one that cannot is a :class:`~coursepress.errors.BuildError`
naming the deck file, the layout and the placeholder, and what to change there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from ...errors import BuildError
from ...schema import LayoutRole
from .fit import BODY_MIN_PT, TITLE_MIN_PT
from .layouts import resolve
from .reference import Geometry

CAPTION_MIN_PT = 12.0
TEXT_FRAMES = ("Title", "Subtitle", "Content", "Left", "Right", "Caption")


def check_frames(prs, mapping: Optional[Mapping[LayoutRole, str]], path, geometry: Geometry, line_em: float) -> None:
    """Raise when a text placeholder of a layout the deck uses cannot hold one line of text.

    ``line_em``: the measuring font's line height in em (:attr:`coursepress.textmeasure.Measurer.line_em`).

    Raises:
        BuildError: every such placeholder, one per line: deck file, layout, placeholder, its height
        inside its insets and the height one line needs (pt), and what to do in the template.
    """
    choices, _ = resolve(prs, mapping, path)
    problems: list[str] = []
    seen: set[int] = set()
    for role, choice in choices.items():
        for name in TEXT_FRAMES:
            shape = choice.slots.get(name)
            frame = geometry.frames[role].get(name)
            if shape is None or frame is None or frame.virtual or id(shape._element) in seen:
                continue
            seen.add(id(shape._element))
            level = frame.level(0)
            floor = TITLE_MIN_PT if name == "Title" else CAPTION_MIN_PT if name == "Caption" else BODY_MIN_PT
            size = min(level.size_pt, floor)
            need = size * line_em * level.line_spacing
            if frame.text_height_pt < need:
                problems.append(f"  layout '{choice.layout.name}', {name.lower()} placeholder '{shape.name}': "
                                f"{max(frame.text_height_pt, 0):.0f} pt tall inside its insets, one line of "
                                f"{size:g} pt needs {need:.0f} pt")
    if problems:
        raise BuildError(f"reference deck '{path}': a placeholder cannot hold even one line of text\n"
                         + "\n".join(problems) + "\n  make it taller in the template (PowerPoint or WPS: View → "
                         "Slide Master; LibreOffice: View → Master Slide) or reduce its text insets, then save it again")
