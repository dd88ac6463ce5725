"""The size an author asks for a picture, and the width it is shown at.

HTML ``<img>`` (with ``markdown.raw_html: true``) may say how big a picture
is: ``width``/``height`` in CSS pixels or, for the width, a percentage of the
column (HTML Living Standard §4.8.4.1.1, "dimension attributes"), or Typora's
``style="zoom:50%"`` (a share of the picture's own size). :func:`read_size`
turns those attributes into a :class:`PictureSize` of the document model;
every writer turns it into a width with :meth:`PictureSize.width_pt`.

A picture's natural size is its pixels at CSS's 96 px per inch (1 px = 0.75 pt,
:data:`coursepress.units.PT_PER_PX`): without a request it is shown at that
size or the column's width, whichever is smaller, so a small picture is
never enlarged unless its author asked for a size in pixels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .units import PT_PER_PX

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|%)?\s*$", re.I)
_ZOOM = re.compile(r"(?:^|;)\s*zoom\s*:\s*(\d+(?:\.\d+)?)\s*(%)?\s*(?:;|$)", re.I)
_STYLE_LENGTH = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([^;]+?)\s*(?:;|$)", re.I)


@dataclass(frozen=True)
class PictureSize:
    """A requested picture size; every field 0 when not asked. ``width_px``/``height_px``: CSS pixels;
    ``width_percent``: percent of the column's width; ``zoom``: a share of the natural size (0.5 = half)."""

    width_px: float = 0.0
    height_px: float = 0.0
    width_percent: float = 0.0
    zoom: float = 0.0

    def width_pt(self, natural_width_pt: float, natural_height_pt: float, column_pt: float) -> float:
        """The width in pt to show a picture of natural size ``natural_width_pt`` × ``natural_height_pt``
        in a column ``column_pt`` wide: the pixels asked for (a height keeps the aspect ratio), a
        percentage of the column (but never above the natural size), a zoom of the natural size, or
        the natural size; always at most the column."""
        if self.width_px:
            width = self.width_px * PT_PER_PX
        elif self.height_px and natural_height_pt > 0:
            width = self.height_px * PT_PER_PX * natural_width_pt / natural_height_pt
        elif self.width_percent:
            width = min(column_pt * self.width_percent / 100, natural_width_pt)
        elif self.zoom:
            width = natural_width_pt * self.zoom
        else:
            width = natural_width_pt
        return max(1.0, min(width, column_pt))

    def __bool__(self) -> bool:
        return bool(self.width_px or self.height_px or self.width_percent or self.zoom)


def _length(value: str, percent_ok: bool) -> tuple[float, float, bool]:
    """(px, percent, readable) of one dimension value: ``300``, ``300px`` or (``percent_ok``) ``60%``."""
    match = _LENGTH.match(value)
    if not match or float(match.group(1)) <= 0 or (match.group(2) == "%" and not percent_ok):
        return 0.0, 0.0, False
    number = float(match.group(1))
    return (0.0, number, True) if match.group(2) == "%" else (number, 0.0, True)


def read_size(attrs: dict[str, str]) -> tuple[PictureSize, list[str]]:
    """The :class:`PictureSize` of an ``<img>``'s attributes, and the values it could not read (as
    ``name="value"``, for a warning). ``width`` wins over ``height``; ``style`` width, height and zoom
    count when the attributes are absent."""
    style = attrs.get("style", "")
    values = {name.lower(): value for name, value in _STYLE_LENGTH.findall(style)}
    values.update({name: attrs[name] for name in ("width", "height") if attrs.get(name, "").strip()})
    unread: list[str] = []
    width_px = height_px = width_percent = zoom = 0.0
    if "width" in values:
        width_px, width_percent, ok = _length(values["width"], True)
        if not ok:
            unread.append(f'width="{values["width"]}"')
    if "height" in values:
        height_px, _percent, ok = _length(values["height"], False)
        if not ok:
            unread.append(f'height="{values["height"]}"')
    found = _ZOOM.search(style)
    if found:
        zoom = float(found.group(1)) / (100 if found.group(2) else 1)
    elif "zoom" in style.lower():
        unread.append(f'style="{style}"')
    return PictureSize(width_px, height_px, width_percent, zoom), unread
