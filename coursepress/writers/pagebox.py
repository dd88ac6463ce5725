"""The handout's page box, and the size a figure is printed at so that it fits one page.

The page geometry is written once here and read by ``handout.css.j2`` (``@page`` size and margins)
and by the figure macros in ``blocks.html.j2`` (through :meth:`PageBox.figure_width_pt`), so a
figure is never sized for a page other than the one it is set on.

The text block is a whole number of body characters wide (clreq §3.7.1, as ctex sets it): a
justified line of Han characters then needs no stretch, and the right margin takes the remainder.

A figure keeps its aspect ratio and is at most the figure column wide (:data:`FIGURE_COLUMN_PT` or
the text width, whichever is smaller) and at most the text block's height less its caption and
margins tall (a tall phone screenshot is scaled down to fit one page with its caption rather than
running off the page's foot; LaTeX's ``\\includegraphics[height=\\textheight]`` habit). The image
preparation (:mod:`coursepress.imageprep`) is asked for that capped width, so it prepares no more
pixels than the page shows, and the page-float pass (:mod:`.pageflow`) moves the capped box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..cjk import is_wide
from ..model import plain_text
from ..picturesize import PictureSize
from ..units import PT_PER_MM

# Sheet sizes in mm, portrait (ISO 216 A and B series; ANSI letter).
SHEETS_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0),
             "letter": (215.9, 279.4)}
BODY_PT = 10.5                 # body text size (the Chinese size wuhao)
FIGURE_COLUMN_PT = 430.0       # widest printed figure (pt), a little inside the A4 text block
CAPTION_PT = 9.0               # figcaption font size (pt), as handout.css.j2 sets it
CAPTION_LEADING = 1.5          # figcaption line height (× its size)
CAPTION_MARGINS_PT = 6.0       # figcaption margin above + below (3 pt each)
FIGURE_MARGINS_PT = 2 * BODY_PT  # figure margin above + below (1em each)
SAFETY_PT = 6.0                # rounding in WeasyPrint's layout, image line box
LABEL = "\u56fe 00 "            # room for a caption's label (the catalogue's figure word and number)
CAPTION_CSS = {"size_pt": CAPTION_PT, "leading": CAPTION_LEADING, "margin_pt": CAPTION_MARGINS_PT / 2}


@dataclass(frozen=True)
class PageBox:
    """A handout page: sheet ``width_mm`` × ``height_mm`` (oriented) and its margins in mm."""

    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_right_mm: float
    margin_bottom_mm: float
    margin_left_mm: float

    @property
    def text_width_pt(self) -> float:
        """Width of the text block (the page's content box) in pt."""
        return (self.width_mm - self.margin_left_mm - self.margin_right_mm) * PT_PER_MM

    @property
    def text_height_pt(self) -> float:
        """Height of the text block (the page's content box) in pt."""
        return (self.height_mm - self.margin_top_mm - self.margin_bottom_mm) * PT_PER_MM

    def caption_height_pt(self, caption: str) -> float:
        """Height in pt a figure's caption ``caption`` (label included, plain text) takes, with the
        caption's and the figure's margins: its lines estimated at 1 em per wide character and
        0.6 em per other character over the text width, rounded up."""
        ems = sum(1.0 if is_wide(c) else 0.6 for c in caption)
        lines = max(1, math.ceil(ems * CAPTION_PT / self.text_width_pt)) if caption else 0
        return lines * CAPTION_PT * CAPTION_LEADING + CAPTION_MARGINS_PT + FIGURE_MARGINS_PT

    def figure_width_pt(self, width_px: float, height_px: float, size: PictureSize, caption: str = "",
                        column_pt: float = FIGURE_COLUMN_PT) -> float:
        """Printed width (pt) of a picture of ``width_px`` × ``height_px`` source pixels asked to be
        ``size`` (:meth:`PictureSize.width_pt`), at most ``column_pt`` and the text width wide and, with
        its ``caption`` (plain text; "" for a picture without one), at most the text block tall."""
        natural_w, natural_h = width_px * 0.75, height_px * 0.75
        width = size.width_pt(natural_w, natural_h, min(column_pt, self.text_width_pt))
        room = self.text_height_pt - self.caption_height_pt(caption) - SAFETY_PT
        if natural_h > 0 and width * natural_h / max(natural_w, 1e-9) > room:
            width = max(1.0, room * natural_w / natural_h)
        return round(width, 1)


def handout_page(page_size: str, orientation: str, duplex: bool) -> PageBox:
    """The :class:`PageBox` of a handout on ``page_size`` (a key of :data:`SHEETS_MM`) in
    ``orientation`` ("portrait" or "landscape"); ``duplex`` widens the inner margin for binding.
    Raises KeyError for an unknown page size (the schema admits only these)."""
    sheet = SHEETS_MM[page_size]
    width_mm, height_mm = (sheet[1], sheet[0]) if orientation == "landscape" else sheet
    margin_left_mm, margin_right_min_mm = (25.0, 17.0) if duplex else (22.0, 20.0)
    measure_chars = int((width_mm - margin_left_mm - margin_right_min_mm) * PT_PER_MM / BODY_PT)
    margin_right_mm = width_mm - margin_left_mm - measure_chars * BODY_PT / PT_PER_MM
    return PageBox(width_mm, height_mm, 24.0, margin_right_mm, 22.0, margin_left_mm)


def figure_width(page: PageBox, node) -> float:
    """Printed width (pt) of a document-model figure (``kind == "figure"``: its caption, or its alt
    text when it has none, is reserved below it) or inline picture (``kind == "picture"``, no
    caption) on ``page``: :meth:`PageBox.figure_width_pt`. Used by ``blocks.html.j2``."""
    caption = ""
    if node.kind == "figure":
        caption = LABEL + (plain_text(node.caption) if node.caption else node.alt)
    return page.figure_width_pt(node.image.width_px, node.image.height_px, node.size, caption)
