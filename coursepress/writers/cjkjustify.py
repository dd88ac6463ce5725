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
* :func:`justify_replacement` sets an opening mark that starts a justified line
  and a closing mark that ends one half width (clreq §3.1.6, the font's
  ``halt`` feature on that character, kept on the layout as ``cjk_halts`` so
  it survives WeasyPrint's re-activation of the layout when drawing) and
  spreads the half em saved with the rest of the line's extra width. Lines are
  broken before this (WeasyPrint measures marks at full width), so a line
  never holds more text than before; it only ends flush.

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

from ..cjk import AMBIGUOUS, CJK_CLASS, CJK_RE, CLOSING, OPENING

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
        halts = getattr(self, "cjk_halts", ())
        runs = cjk_runs(self.text) if justify and self.justification_spacing and self.text else []
        if not (runs or halts):
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        if runs:
            letter_spacing = self.style["letter_spacing"]
            if letter_spacing == "normal":
                letter_spacing = 0
            spacing = int((self.justification_spacing + letter_spacing) * TO_UNITS)
            for start, end in runs:
                attr = pango.pango_attr_letter_spacing_new(spacing)
                attr.start_index = len(self.text[:start].encode())
                attr.end_index = len(self.text[:end].encode())
                pango.pango_attr_list_change(attr_list, attr)
        for index in halts:     # line-edge marks set half width (justify_replacement)
            attr = pango.pango_attr_font_features_new(b"halt 1")
            attr.start_index = len(self.text[:index].encode())
            attr.end_index = len(self.text[:index + 1].encode())
            pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    return count_expandable_spaces, set_text


def _edge_leaves(box: Any, inline_box: tuple[type, ...]) -> list[Any]:
    """Leaf boxes of a line in order: text boxes and atomic inline boxes (inline boxes are opened)."""
    out: list[Any] = []
    for child in getattr(box, "children", ()):
        if not child.is_in_normal_flow():
            continue
        out.extend(_edge_leaves(child, inline_box) if isinstance(child, inline_box) else [child])
    return out


def justify_replacement(count: Callable[[Any], float],
                        upstream_add: Callable[..., float]) -> Callable[..., None]:
    """WeasyPrint 70's ``layout.inline.justify_line`` with line-edge punctuation set half width (clreq §3.1.6).

    An opening mark (``OPENING``: full-width opening brackets and quotes, U+300C, U+300E,
    U+201C, U+FF08, U+300A, U+3010 …) that starts a justified line and a closing mark
    (``CLOSING``: full-width comma, full stop, enumeration comma, semicolon, colon and the
    closing brackets and quotes, U+FF0C, U+3002, U+3001 …) that ends one are shaped with
    the font's ``halt`` feature: the blank half of the glyph goes, the ink of an
    opening mark starts at the left edge of the text block, and the half em (pt,
    measured from the shaped layout) is spread over the line with the rest of the
    extra width. Marks already set half width (class ``halt``) are left alone.
    The last line of a paragraph is not justified, so it keeps full-width marks.
    ``count`` is the patched ``count_expandable_spaces``; ``upstream_add`` is
    WeasyPrint's ``add_word_spacing``, used unchanged for every other box.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango
    from weasyprint.text.line_break import Layout

    def halted(box: Any) -> bool:
        settings = box.style["font_feature_settings"]
        return not isinstance(settings, str) and any(tag == "halt" for tag, _ in settings)

    def width(layout: Any) -> float:
        logical = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(pango.pango_layout_get_line_readonly(layout.layout, 0), ffi.NULL, logical)
        return float(logical.width * FROM_UNITS)

    def layout_for(box: Any, spacing: float, halts: tuple[int, ...]) -> Any:
        """``create_layout`` with no width limit, with ``halts`` (character indices) set half width."""
        layout = Layout(box.style, spacing, None)
        layout.cjk_halts = halts
        layout.set_text(box.text)
        return layout

    def hang(box: Any, halts: tuple[int, ...]) -> float:
        plain, half = layout_for(box, 0, ()), layout_for(box, 0, halts)
        hang_pt = width(plain) - width(half)
        plain.deactivate()
        half.deactivate()
        return hang_pt

    def justify_line(context: Any, line: Any, extra_width: float) -> None:
        nb_spaces = count(line)
        if not nb_spaces:
            return
        # the first and last leaf must be text (not an inline image) for a mark to stand at the edge
        leaves = [leaf for leaf in _edge_leaves(line, (boxes.InlineBox,))
                  if not isinstance(leaf, boxes.TextBox) or leaf.text]
        halts: dict[int, tuple[int, ...]] = {}
        texts = [leaf for leaf in leaves[:1] + leaves[-1:] if isinstance(leaf, boxes.TextBox)]
        if texts and texts[0] is leaves[0] and texts[0].text[0] in OPENING and not halted(texts[0]):
            halts[id(leaves[0])] = (0,)
        if texts and texts[-1] is leaves[-1] and leaves[-1].text[-1] in CLOSING and not halted(leaves[-1]):
            halts[id(leaves[-1])] = halts.get(id(leaves[-1]), ()) + (len(leaves[-1].text) - 1,)
        edges = {id(leaf): (leaf, halts[id(leaf)], hang(leaf, halts[id(leaf)]))
                 for leaf in texts if id(leaf) in halts}
        spacing = (extra_width + sum(h for _, _, h in edges.values())) / nb_spaces
        add(context, line, spacing, 0.0, edges)

    def add(context: Any, box: Any, spacing: float, x_advance: float,
            edges: dict[int, tuple[Any, tuple[int, ...], float]]) -> float:
        if id(box) in edges:
            _, box_halts, hang_pt = edges[id(box)]
            box.justification_spacing = spacing
            box.position_x += x_advance
            extra = spacing * count(box)
            box.pango_layout = layout_for(box, spacing, box_halts)
            box.pango_layout.deactivate()
            box.width += extra - hang_pt
            return x_advance + extra - hang_pt
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)) and edges:
            box.position_x += x_advance
            before = x_advance
            children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
            for child in children:
                if child.is_in_normal_flow():
                    x_advance = add(context, child, spacing, x_advance, edges)
            box.width += x_advance - before
            return x_advance
        return upstream_add(context, box, spacing, x_advance)

    return justify_line
