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
* :func:`_set_text` adds Pango letter spacing of the justification amount to
  each CJK run when WeasyPrint lays a justified box out for drawing.

Word spaces keep their own stretch (one unit each), so a mixed line stretches
evenly at spaces and between Han characters. Latin words are not letter-spaced.

Why a patch: WeasyPrint has no hook for justification opportunities, and
CSS ``text-justify: inter-character`` is not implemented (WeasyPrint 70).
The patched functions are checked against the hashes of their upstream
source (:data:`UPSTREAM`); ``tests/test_typesetting.py`` fails when an
upgrade changes them, and ``pyproject.toml`` pins WeasyPrint to 70.x.
"""

from __future__ import annotations

import hashlib
import inspect
import re

from ..cjk import AMBIGUOUS, CJK_CLASS, CJK_RE

# A run: characters on the ideographic grid, with the punctuation Latin text shares (quotes, dashes, ellipsis)
# when the run holds a grid character (the classes: coursepress.cjk).
_RUN = re.compile(f"[{CJK_CLASS}{AMBIGUOUS}]+")

# sha256 of the upstream source of each function the patch replaces or relies on (WeasyPrint 70.0): the
# arithmetic of add_word_spacing and justify_line must stay "spacing × count_expandable_spaces".
UPSTREAM = {
    "weasyprint.layout.inline.count_expandable_spaces":
        "175fe6f42576ed3842d240a5048b4816ed702e8f97d49389b5b528aee51476ad",
    "weasyprint.layout.inline.add_word_spacing":
        "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "weasyprint.layout.inline.justify_line":
        "f83b21ff8793ba6b6dfc5fe8e10e4ab6cd6e02b17de02da97200902166148a81",
    "weasyprint.text.line_break.Layout.set_text":
        "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
}


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


def source_hash(obj) -> str:
    """sha256 of the source of a function, for :data:`UPSTREAM`."""
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()


def install() -> None:
    """Patch WeasyPrint (once per process) so justified CJK text stretches between characters.

    Idempotent. Requires WeasyPrint 70 (pinned in pyproject.toml).
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    if getattr(inline, "_coursepress_cjk_justify", False):
        return
    upstream_count = inline.count_expandable_spaces
    upstream_set_text = line_break.Layout.set_text

    def count_expandable_spaces(box) -> float:
        if isinstance(box, boxes.TextBox):
            return upstream_count(box) + cjk_units(box.text)
        return upstream_count(box)

    def set_text(self, text, justify=False):
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

    inline._coursepress_upstream = {"count_expandable_spaces": upstream_count, "set_text": upstream_set_text}
    inline.count_expandable_spaces = count_expandable_spaces
    line_break.Layout.set_text = set_text
    inline._coursepress_cjk_justify = True
