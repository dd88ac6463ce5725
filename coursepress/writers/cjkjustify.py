"""Inter-character justification for Chinese text in WeasyPrint (W3C clreq §3.7, CSS Text 3 ``inter-character``).

WeasyPrint 70 justifies a line by stretching U+0020 and U+00A0 only
(``layout/inline.py``: ``justify_line`` → ``count_expandable_spaces`` /
``add_word_spacing``; ``text/line_break.py``: ``Layout.set_text(justify=True)``
turns the extra space into Pango letter spacing on each space). A Chinese
line has no spaces, so it cannot be justified: it ends up to a character
short of the measure. This module makes every gap between two characters of
a CJK run an expansion opportunity too, as ctex/LaTeX and clreq do:

* :func:`cjk_units` counts the opportunities of a text box: one per gap
  inside a run of CJK characters, half per run edge that is not an edge of
  the box (Pango gives a letter-spaced run half the spacing on each outer
  side, and none at the start or end of its layout: measured on Pango 1.50).
* the ``set_text`` of :func:`replacements` adds Pango letter spacing of the
  justification amount to each CJK run when WeasyPrint lays a justified box
  out for drawing.

Word spaces keep their own stretch (one unit each), so a mixed line stretches
evenly at spaces and between Han characters. Latin words are not letter-spaced.

Why a patch: WeasyPrint has no hook for justification opportunities, and
CSS ``text-justify: inter-character`` is not implemented (WeasyPrint 70).
:func:`coursepress.patches.apply_cjk_justification` installs the two
replacements; the functions they replace or rely on are checked against the
hashes of their upstream source (:data:`coursepress.patches.UPSTREAM`), and
``pyproject.toml`` pins WeasyPrint to 70.x.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ..cjk import AMBIGUOUS, CJK_CLASS, CJK_RE

# A run: characters on the ideographic grid, with the punctuation Latin text shares (quotes, dashes, ellipsis)
# when the run holds a grid character (the classes: coursepress.cjk).
_RUN = re.compile(f"[{CJK_CLASS}{AMBIGUOUS}]+")


def cjk_runs(text: str) -> list[tuple[int, int]]:
    """Runs of CJK characters in ``text`` as (start, end) character indices, end exclusive.

    A run holds at least one character of a CJK block; quotes, dashes and the
    ellipsis join a run only next to CJK characters.
    """
    return [m.span() for m in _RUN.finditer(text) if CJK_RE.search(m.group())]


def cjk_units(text: str) -> float:
    """Justification opportunities between CJK characters of one text box, in units of the spacing.

    A run of n characters gives n − 1 full gaps plus ½ for each run edge inside
    the box (the neighbouring Latin word or space is pushed by half the spacing).
    """
    units = 0.0
    for start, end in cjk_runs(text):
        units += end - start - 1 + 0.5 * (start > 0) + 0.5 * (end < len(text))
    return units


def replacements(upstream_count: Callable[[Any], float],
                 upstream_set_text: Callable[..., None]) -> tuple[Callable[[Any], float], Callable[..., None]]:
    """WeasyPrint 70's ``layout.inline.count_expandable_spaces`` and ``text.line_break.Layout.set_text``
    with CJK runs as expansion opportunities, built on the upstream functions given.

    Installed by :func:`coursepress.patches.apply_cjk_justification`.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    def count_expandable_spaces(box: Any) -> float:
        if isinstance(box, boxes.TextBox):
            return upstream_count(box) + cjk_units(box.text)
        return upstream_count(box)

    def set_text(self: Any, text: str, justify: bool = False) -> None:
        upstream_set_text(self, text, justify)
        if not (justify and self.justification_spacing and self.text):
            return
        runs = cjk_runs(self.text)
        if not runs:
            return
        letter_spacing = self.style["letter_spacing"]
        if letter_spacing == "normal":
            letter_spacing = 0
        spacing = int((self.justification_spacing + letter_spacing) * TO_UNITS)
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        for start, end in runs:
            attr = pango.pango_attr_letter_spacing_new(spacing)
            attr.start_index = len(self.text[:start].encode())
            attr.end_index = len(self.text[:end].encode())
            pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    return count_expandable_spaces, set_text
