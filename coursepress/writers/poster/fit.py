"""Poster page and fitting: the ISO sheet, the type size that fills it, and why content does not fit.

The page is ISO A0–A4 (ISO 216 sizes in mm). Minimum text sizes scale with the
sheet (issue 17, after the usual guidance for posters read from 1–2 m): on A2
body text ≥ 14 pt and fine print (notes, references, credits) ≥ 11 pt (the theme's
``poster`` type scale, templates/theme.yaml), × √2 (≈ 1.41) per ISO size larger, ÷ √2 per size
smaller. :func:`fit` finds the largest body size from that minimum up to
``poster.max_body_factor`` × it that fits, from the laid-out box tree
(:func:`measure`); :func:`check_text_sizes` reads the smallest text of the
final layout (HTML text and chart text alike); :func:`overflow_message` says by
how much the content does not fit and what to drop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from ... import model as m
from ...errors import BuildError
from ...patches import page_box
from ...units import PT_PER_MM, PT_PER_PX, PX_PER_MM
from ...theme import PosterScale
from .. import BuildSettings

ISO_A_MM = {"A0": (841.0, 1189.0), "A1": (594.0, 841.0), "A2": (420.0, 594.0), "A3": (297.0, 420.0),
            "A4": (210.0, 297.0)}
BLEED_MM = 3.0
MARK_ROOM_MM = 7.0         # --print: room outside the bleed for the crop marks (see poster.print_finisher)



@dataclass(frozen=True)
class Sheet:
    """The paper: ISO ``size``, orientation, trimmed size and margins in mm, type ``scale`` relative to A3;
    ``type`` the theme's type scale (least sizes on A2, growth, fine-print share)."""

    size: str
    landscape: bool
    width_mm: float
    height_mm: float
    margin_mm: float
    scale: float
    bleed_mm: float
    type: PosterScale

    @property
    def css_bleed_mm(self) -> float:
        """The CSS ``bleed`` of the page: the 3 mm bleed plus room for the crop marks (0 unless ``--print``)."""
        return self.bleed_mm + MARK_ROOM_MM if self.bleed_mm else 0.0

    @property
    def content_height_mm(self) -> float:
        return self.height_mm - 2 * self.margin_mm

    @property
    def content_width_mm(self) -> float:
        return self.width_mm - 2 * self.margin_mm

    @property
    def step(self) -> float:
        """Linear size relative to A2 (√2 per ISO size: A1 1.41, A0 2, A3 0.71)."""
        return self.scale / math.sqrt(2)

    @property
    def min_pt(self) -> float:
        """Least body text size in pt: 14 pt on A2 (the theme's ``poster.min_body_pt_a2``)."""
        return self.type.min_body_pt_a2 * self.step

    @property
    def min_fine_pt(self) -> float:
        """Least fine-print size in pt (notes, references, credits): 11 pt on A2 (``poster.min_fine_pt_a2``)."""
        return self.type.min_fine_pt_a2 * self.step

    @property
    def max_pt(self) -> float:
        return self.min_pt * self.type.max_body_factor

    def fine_pt(self, body_pt: float) -> float:
        """Fine-print size for body text ``body_pt``: ``poster.fine_share`` × it, at least :attr:`min_fine_pt`."""
        return round(max(self.min_fine_pt, self.type.fine_share * body_pt), 2)

    @property
    def summary(self) -> str:
        return (f"{self.size} {'landscape' if self.landscape else 'portrait'} "
                f"({self.width_mm:g} × {self.height_mm:g} mm), 1 page")


def sheet_for(course: m.Course, settings: BuildSettings) -> Sheet:
    """The sheet from ``--size``/``--landscape``/``--print``, falling back to ``course.meta.poster``.

    Raises:
        BuildError: an unknown size (the CLI refuses it earlier; this guards other callers).
    """
    size = settings.poster_size or course.meta.poster.size
    if size not in ISO_A_MM:
        raise BuildError(f"unknown poster size '{size}'; use one of {', '.join(ISO_A_MM)}")
    landscape = course.meta.poster.landscape if settings.poster_landscape is None else settings.poster_landscape
    short, long = ISO_A_MM[size]
    scale = math.sqrt(short / ISO_A_MM["A3"][0] * long / ISO_A_MM["A3"][1])
    width, height = (long, short) if landscape else (short, long)
    poster = course.theme.poster
    return Sheet(size, landscape, width, height, round(poster.margin_mm_a3 * scale, 1), scale,
                 BLEED_MM if settings.print_ready else 0.0, poster)


@dataclass(frozen=True)
class Layout:
    """Type and spacing of one attempt: body text size in pt, table columns, extra gap per section in mm,
    and ``chart_room_rem``: height (in rem of the body) by which the chart column may grow to end with
    the table column (the bar chart spreads it over its rows)."""

    table_pt: float
    table_columns: int
    gap_mm: float = 0.0
    chart_room_rem: float = 0.0


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


@dataclass(frozen=True)
class Measure:
    """Natural height of the poster content and its widest overrun, in mm."""

    height_mm: float
    overrun_mm: float
    row_mm: float
    column_gap_mm: float = 0.0      # how much shorter column b (chart, notes) is than column a (table)
    cell_overrun_mm: float = 0.0    # text kept whole (a number with its unit, a date) past its table cell


def measure(document, sheet: Sheet) -> Measure:
    """Read the laid-out box tree: bottom of ``.poster``, text past the right margin, mean row height,
    how much taller the content of ``.col-a`` is than that of ``.col-b``, and text past the right edge
    of its table cell (a date or a number with its unit never breaks, so at a large size it can run
    into the next column)."""
    page = page_box(document.pages[0])
    top = page.content_box_y()
    right = page.content_box_x() + page.width
    bottom, overrun, rows, cells = 0.0, 0.0, [], 0.0
    columns = {}
    for box in _boxes(page):
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        if "poster" in classes and box.element_tag == "main":
            bottom = max(bottom, box.position_y + box.margin_height())
        for name in ("col-a", "col-b"):
            if name in classes and name not in columns:        # content height, not the stretched grid cell
                columns[name] = sum(child.margin_height() for child in getattr(box, "children", ()))
        if box.element_tag == "tr" and "model" in classes:
            rows.append(box.margin_height())
        if box.element_tag in ("td", "th"):
            edge = box.content_box_x() + box.width + box.padding_right
            cells = max(cells, max((text.position_x + text.width - edge for text in _boxes(box)
                                    if type(text).__name__ == "TextBox"), default=0.0))
        if type(box).__name__ == "TextBox":
            overrun = max(overrun, box.position_x + box.width - right)
    row = (sum(rows) / len(rows)) if rows else 0.0
    spare = columns.get("col-a", 0.0) - columns.get("col-b", 0.0)
    return Measure((bottom - top) / PX_PER_MM, overrun / PX_PER_MM, row / PX_PER_MM, spare / PX_PER_MM,
                   cells / PX_PER_MM)


def _text_sizes(box, fine: bool, found: list) -> None:
    """Collect (size in pt, is fine print, where) of every text of the box tree under ``box``."""
    element = getattr(box, "element", None)
    classes = (element.get("class") or "").split() if element is not None else []
    fine = fine or "fine" in classes
    if type(box).__name__ == "TextBox" and box.text.strip():
        found.append((box.style["font_size"] * PT_PER_PX, fine, box.text.strip()[:30]))
    if element is not None and str(getattr(box, "element_tag", "")).endswith("svg") and box.width:
        view = (element.get("viewBox") or "").split()
        if len(view) == 4 and float(view[2]) > 0:
            px_per_unit = box.width / float(view[2])
            label = f"chart text ({element.get('aria-label', '')[:24]})"
            for node in element.iter():          # every font-size of the chart (texts inherit the root's)
                if node.get("font-size"):
                    found.append((float(node.get("font-size")) * px_per_unit * PT_PER_PX, fine, label))
    for child in getattr(box, "children", ()):
        _text_sizes(child, fine, found)


def check_text_sizes(document, sheet: Sheet) -> str:
    """Read the smallest text of the laid-out page; "" when every text meets the sheet's minimums.

    Body text (and every chart text) must be ≥ :attr:`Sheet.min_pt`, text inside
    an element of class ``fine`` ≥ :attr:`Sheet.min_fine_pt` (0.05 pt tolerance).
    Chart text is its SVG ``font-size`` × the scale at which the chart is drawn.

    Returns:
        A message for a :class:`~coursepress.errors.BuildError`: the smallest
        text, the minimum for the sheet and what to do.
    """
    found: list[tuple[float, bool, str]] = []
    _text_sizes(page_box(document.pages[0]), False, found)
    small = [(size, fine, where) for size, fine, where in found
             if size < (sheet.min_fine_pt if fine else sheet.min_pt) - 0.05]
    if not small:
        return ""
    size, fine, where = min(small)
    least = sheet.min_fine_pt if fine else sheet.min_pt
    return (f"poster text '{where}' is {size:.1f} pt, below the {least:.1f} pt minimum for {sheet.size} "
            f"({'fine print' if fine else 'body and chart text'}; {len(small)} text(s) too small); a template "
            "in templates/poster sets a size below 1rem or draws a chart narrower than its column: "
            "keep every size at least 1rem (fine print: the 'fine' class)")


def final_fit(laid_out, sheet: Sheet):
    """``(html, document, measure)`` of a layout on the real page, or None when it does not fit one page."""
    html, document = laid_out
    got = measure(document, sheet)
    if len(document.pages) != 1 or got.height_mm > sheet.content_height_mm + 0.5 or got.overrun_mm > 0.5:
        return None
    return html, document, got


FIT_EXPONENT = 1.5     # content height ∝ size^k; fixed-width cells wrap more as type grows (measured k ≈ 1.5)
FILL_SLACK = 0.015     # spare height (share of the page) left unfilled before the gaps are widened once more


def _fits(got: Measure, avail_mm: float, cells: bool = False) -> bool:
    """Whether ``got`` fits the page; with ``cells``, also no text past its table cell (sizes above the
    smallest, where a smaller size can cure it)."""
    return got.height_mm <= avail_mm and got.overrun_mm <= 0.5 and (not cells or got.cell_overrun_mm <= 0.5)


def fit(sheet: Sheet, columns: int, natural, tried: list, final) -> Optional[tuple[Layout, str, object]]:
    """Lay out the poster at the largest table size in ``[sheet.min_pt, sheet.max_pt]`` that fits ``sheet``.

    ``natural(layout) -> Measure`` lays out on a very tall page (the natural
    height); ``final(layout) -> (html, document, Measure) | None`` lays out on
    the real page. One natural layout at the smallest size tells whether
    anything fits; the size is then predicted from height ∝ size^k
    (:data:`FIT_EXPONENT`) and laid out on the real page with the predicted
    spare height as gaps between the sections (typically two layouts in all).

    The prediction holds for Chinese, which wraps between any two characters;
    words that wrap whole (English titles and claims at 3.6 and 1.3 rem) make
    the height jump. When the prediction fails, the natural height is measured
    at the size tried and the gaps are set from that measurement, so the gaps
    never push content that fits onto a second page; the size shrinks by the
    measured overshoot (at least 3 %) until the measured content fits, down to
    the smallest size, which was measured to fit.

    Returns:
        ``(layout, html, document)``, or None when even the smallest size
        overflows (``tried`` then holds what was measured, for the message).
    """
    avail = sheet.content_height_mm
    lo = Layout(math.ceil(sheet.min_pt * 100) / 100, columns)      # never rounded below the minimum
    at_lo = natural(lo)
    tried.append((lo, at_lo))
    if not _fits(at_lo, avail):
        return None
    # Column b grows by what column a is taller (in rem, so at any body size), so the bar chart ends with
    # the table instead of leaving a hole; the natural height does not change.
    room = 0.9 * max(at_lo.column_gap_mm, 0.0) * PT_PER_MM / lo.table_pt
    size = max(lo.table_pt, min(sheet.max_pt, lo.table_pt * (avail / at_lo.height_mm) ** (1 / FIT_EXPONENT)))
    predicted = at_lo.height_mm * (size / lo.table_pt) ** FIT_EXPONENT
    layout = Layout(round(size, 2), columns, max(avail - predicted, 0.0) / 4, room)
    done = final(layout)
    if done and (layout.table_pt <= lo.table_pt or done[2].cell_overrun_mm <= 0.5):
        return _widen(layout, done, avail, final)
    size = layout.table_pt
    for _ in range(12):
        # The prediction was wrong: measure the content at this size, without gaps.
        bare = Layout(size, columns, 0.0, room)
        got = natural(bare) if size > lo.table_pt else at_lo
        if _fits(got, avail, cells=size > lo.table_pt):
            spaced = Layout(size, columns, (avail - got.height_mm) / 4, room)
            done = final(spaced)
            if done:
                return spaced, done[0], done[1]
            done = final(bare)
            if done:
                return bare, done[0], done[1]
        if size <= lo.table_pt:
            break
        step = 0.95 if _fits(got, avail) else min(0.97, (avail / got.height_mm) ** (1 / FIT_EXPONENT))
        size = max(lo.table_pt, round(size * step, 2))
    return None


def _widen(layout: Layout, done, avail: float, final) -> tuple[Layout, str, object]:
    """``(layout, html, document)`` of a fitting layout, its gaps widened once more when the page still
    has more than :data:`FILL_SLACK` of its height spare (the prediction overestimated the height)."""
    spare = avail - done[2].height_mm
    if spare > FILL_SLACK * avail:
        wider = Layout(layout.table_pt, layout.table_columns, layout.gap_mm + spare / 4, layout.chart_room_rem)
        again = final(wider)
        if again:
            return wider, again[0], again[1]
    return layout, done[0], done[1]


def remedies(sheet: Sheet, too_wide: bool, extra_columns: tuple[str, ...] = ()) -> list[str]:
    """What could make the content fit: the orientation with more room in the short direction
    (landscape when too wide, portrait when too tall) and fewer extra columns (``extra_columns``: those
    the data file adds, e.g. ``license``). Never a larger sheet: the minimum text size grows with the
    sheet (× √2 per ISO size), so the same content needs the same share of every ISO size."""
    out = []
    if too_wide != sheet.landscape:
        out.append("--landscape" if too_wide else "--portrait")
    if extra_columns:
        out.append(f"fewer extra columns ({', '.join(extra_columns)}) in the data file's 'columns'")
    return out


SAME_ON_EVERY_SIZE = ("(a larger sheet does not help: the minimum text size, {pt:.1f} pt on {size}, grows with the "
                      "sheet, 14 pt on A2 and × 1.41 per ISO size)")


def overflow_message(sheet: Sheet, tried: list[tuple[Layout, Measure]], rows: int,
                     extra_columns: tuple[str, ...] = ()) -> str:
    """Why the content does not fit ``sheet`` (too wide or too tall, by how much) and what would help."""
    layout, got = min(tried, key=lambda t: t[1].height_mm)
    orientation = "landscape" if sheet.landscape else "portrait"
    if got.overrun_mm > 0.5 and got.height_mm <= sheet.content_height_mm:
        advice = remedies(sheet, True, extra_columns) + ["shorten the longest values"]
        return (f"the poster content is {got.overrun_mm:.0f} mm wider than {sheet.size} {orientation} allows even at "
                f"{layout.table_pt:.1f} pt; try {', or '.join(advice)} "
                + SAME_ON_EVERY_SIZE.format(pt=sheet.min_pt, size=sheet.size))
    over = got.height_mm - sheet.content_height_mm
    fewer = math.ceil(over / got.row_mm * layout.table_columns) if got.row_mm else 0
    advice = remedies(sheet, False, extra_columns) + [f"show about {fewer} fewer models" if fewer
                                                      else "show fewer models"]
    return (f"the poster overflows {sheet.size} {orientation} by {over:.0f} mm ({over / sheet.content_height_mm:.0%} "
            f"of the usable height) even with {layout.table_pt:.1f} pt text; {rows} models do not fit one page. "
            f"Try {', or '.join(advice)} " + SAME_ON_EVERY_SIZE.format(pt=sheet.min_pt, size=sheet.size) + ".")
