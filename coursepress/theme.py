"""The theme: font families, the deck's bullets and colours that writers name in code, from ``templates/theme.yaml``.

The tool's ``templates/theme.yaml`` is read first; a project's
``templates/theme.yaml`` (through the resource gate) replaces the keys it
names. Everything else that decides the look is in the templates themselves
(CSS, SVG, the reference deck); see docs/customising.md, "Theme".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .messages import layered, stamp

FILE = "theme.yaml"


@dataclass(frozen=True)
class PosterScale:
    """The poster's type scale: least body and fine-print sizes on A2 in pt (scaled × √2 per ISO size),
    how far the body may grow (× its minimum), fine print as a share of the body, the margin on A3 in mm
    and the column gap in rem of the body."""

    min_body_pt_a2: float
    min_fine_pt_a2: float
    max_body_factor: float
    fine_share: float
    margin_mm_a3: float
    column_gap_rem: float


@dataclass(frozen=True)
class HandoutPage:
    """The handout's page box and figure sizes (:mod:`coursepress.writers.pagebox`): margins in mm
    (top, bottom; inner and least outer for single- and double-sided print), the body size in pt
    (the text block is a whole number of body characters wide), the widest printed figure in pt, the
    caption's size in pt, its line height (× its size) and its margin above and below in pt."""

    margin_top_mm: float
    margin_bottom_mm: float
    margin_inner_mm: float
    margin_outer_min_mm: float
    duplex_margin_inner_mm: float
    duplex_margin_outer_min_mm: float
    body_pt: float
    figure_column_pt: float
    caption_pt: float
    caption_leading: float
    caption_margin_pt: float


@dataclass(frozen=True)
class Theme:
    """Font family names (as the font files name them) and deck styles.

    ``serif``/``sans``/``emoji``/``mono``: the shipped faces of body text,
    headings (and the face text is measured in), emoji and code;
    ``rare_han``: the deck's face for Han characters ``sans`` lacks;
    ``deck_latin``/``deck_east_asian``: run fonts when the reference deck
    names none; ``math``: the equation face; ``bullet_font`` and ``bullets``
    (even, odd list levels): the deck's bullets; ``picture_background``: a
    ``#rrggbb`` colour behind PNG renderings of SVG pictures; ``poster`` the poster's type scale;
    ``fit_faces``: the faces viewers may set deck text in, whose widest advances the deck is measured
    with (:mod:`coursepress.fitwidths`); ``handout``: the handout's page box and figure sizes.
    """

    serif: str
    sans: str
    emoji: str
    mono: str
    rare_han: str
    deck_latin: str
    deck_east_asian: str
    math: str
    bullet_font: str
    bullets: tuple[str, str]
    picture_background: str
    poster: PosterScale
    handout: HandoutPage
    fit_faces: tuple[str, ...] = ()


@lru_cache(maxsize=8)
def _load(root: Optional[Path], project_file: tuple) -> Theme:
    t = layered(root, FILE, "theme", bool(project_file))
    bullets = tuple(str(b) for b in t["deck.bullets"])
    return Theme(t["fonts.serif"], t["fonts.sans"], t["fonts.emoji"], t["fonts.mono"], t["fonts.rare_han"],
                 t["deck.latin"], t["deck.east_asian"], t["deck.math"], t["deck.bullet_font"],
                 (bullets[0], bullets[1]), t["deck.picture_background"],
                 PosterScale(*(float(t[f"poster.{f}"]) for f in PosterScale.__dataclass_fields__)),
                 HandoutPage(*(float(t[f"handout.{f}"]) for f in HandoutPage.__dataclass_fields__)),
                 tuple(str(f) for f in t["deck.fit_faces"]))


def theme_for(root: Path) -> Theme:
    """The theme of the project at ``root`` (the tool's, with the project's ``templates/theme.yaml`` over it).

    Raises:
        ContentError: the project's theme file is unreadable, not YAML, names an unknown key or
            gives a value of another kind than the tool's.
    """
    return _load(root, stamp(root, FILE))


def default_theme() -> Theme:
    """The tool's own theme, without project overrides."""
    return _load(None, ())
