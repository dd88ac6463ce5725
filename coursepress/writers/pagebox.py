"""The handout's page box, and the size a figure is printed at so that it fits one page.

The page geometry (its numbers in ``templates/theme.yaml``, ``handout:``) is worked out once here and
read by ``handout.css.j2`` (``@page`` size and margins) and by the figure macros in ``blocks.html.j2`` (through :meth:`PageBox.figure_width_pt`), so a
figure is never sized for a page other than the one it is set on.

The text block is a whole number of body characters wide (clreq §3.7.1, as ctex sets it): a
justified line of Han characters then needs no stretch, and the right margin takes the remainder.

A figure keeps its aspect ratio and is at most the figure column wide (the theme's or
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
from ..theme import HandoutPage
from ..units import MM_PER_INCH, PT_PER_INCH, PT_PER_MM, PT_PER_PX

# Sheet sizes in mm, portrait (ISO 216 A and B series; ANSI letter).
SHEETS_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0),
             "letter": (215.9, 279.4)}
SAFETY_PT = 6.0                # rounding in WeasyPrint's layout, the image's line box
LABEL = "\u56fe 00 "            # room for a caption's label (the catalogue's figure word and number)


@dataclass(frozen=True)
class PageBox:
    """A handout page: sheet ``width_mm`` × ``height_mm`` (oriented), its margins in mm and the
    theme's figure sizes (``look``, :class:`~coursepress.theme.HandoutPage`)."""

    look: HandoutPage
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
        look = self.look
        ems = sum(1.0 if is_wide(c) else 0.6 for c in caption)
        lines = max(1, math.ceil(ems * look.caption_pt / self.text_width_pt)) if caption else 0
        # the figure's margin is 1em of the body above and below (handout.css.j2)
        return lines * look.caption_pt * look.caption_leading + 2 * look.caption_margin_pt + 2 * look.body_pt

    def figure_width_pt(self, width_px: float, height_px: float, size: PictureSize, caption: str = "") -> float:
        """Printed width (pt) of a picture of ``width_px`` × ``height_px`` source pixels asked to be
        ``size`` (:meth:`PictureSize.width_pt`), at most the theme's figure column and the text width
        wide and, with its ``caption`` (plain text; "" for a picture without one), at most the text
        block tall."""
        natural_w, natural_h = width_px * PT_PER_PX, height_px * PT_PER_PX
        width = size.width_pt(natural_w, natural_h, min(self.look.figure_column_pt, self.text_width_pt))
        room = self.text_height_pt - self.caption_height_pt(caption) - SAFETY_PT
        if natural_h > 0 and width * natural_h / max(natural_w, 1e-9) > room:
            width = max(1.0, room * natural_w / natural_h)
        return round(width, 1)


def handout_page(look: HandoutPage, page_size: str, orientation: str, duplex: bool) -> PageBox:
    """The :class:`PageBox` of a handout on ``page_size`` (a key of :data:`SHEETS_MM`) in
    ``orientation`` ("portrait" or "landscape") with the theme's margins ``look``; ``duplex`` takes
    the double-sided ones (a wider inner margin for binding). Raises KeyError for an unknown page
    size (the schema admits only these)."""
    sheet = SHEETS_MM[page_size]
    width_mm, height_mm = (sheet[1], sheet[0]) if orientation == "landscape" else sheet
    margin_left_mm, margin_right_min_mm = ((look.duplex_margin_inner_mm, look.duplex_margin_outer_min_mm) if duplex
                                           else (look.margin_inner_mm, look.margin_outer_min_mm))
    measure_chars = int((width_mm - margin_left_mm - margin_right_min_mm) * PT_PER_MM / look.body_pt)
    # in this order of operations, as the handout's CSS always has (21.312 mm on A4, not 21.313)
    margin_right_mm = width_mm - margin_left_mm - measure_chars * look.body_pt * MM_PER_INCH / PT_PER_INCH
    return PageBox(look, width_mm, height_mm, look.margin_top_mm, margin_right_mm, look.margin_bottom_mm,
                   margin_left_mm)


def figure_width(page: PageBox, node) -> float:
    """Printed width (pt) of a document-model figure (``kind == "figure"``: its caption, or its alt
    text when it has none, is reserved below it) or inline picture (``kind == "picture"``, no
    caption) on ``page``: :meth:`PageBox.figure_width_pt`. Used by ``blocks.html.j2``."""
    caption = ""
    if node.kind == "figure":
        caption = LABEL + (plain_text(node.caption) if node.caption else node.alt)
    return page.figure_width_pt(node.image.width_px, node.image.height_px, node.size, caption)
