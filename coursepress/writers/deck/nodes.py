"""The slide plan's data: runs, paragraphs, tables, charts, pictures, slides (no python-pptx objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol

from ...errors import SourcePos
from ...units import EMU_PER_PT


@dataclass(frozen=True)
class Run:
    """A span of text with its formatting; ``href`` is an http(s)/mailto link target or "";
    ``code`` sets it in the monospace face, ``category`` is its highlight colour category
    (:mod:`coursepress.code`, "" for plain); a ``"\\n"`` in ``text`` is a hard line break (``a:br``);
    ``baseline`` the DrawingML baseline offset (thousandths of a percent: 30000 superscript,
    −25000 subscript, 0 on the line); ``underline`` a single underline (``a:rPr/@u="sng"``)."""

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    href: str = ""
    category: str = ""
    baseline: int = 0
    underline: bool = False


@dataclass(frozen=True)
class Formula:
    """A display formula on a slide: its TeX, where it comes from, and its box once fitted.

    ``inline``: it was an inline formula slide text cannot express (a warning says so).
    ``left_emu``/``top_emu``/``width_emu``/``height_emu``: its box on the slide, centred in the
    text area of the frame it flows in, ``size_pt`` its font size (set by :meth:`Fitter.flow`; 0 until fitted).
    ``number``: its equation number as the handout prints it at the right margin (``(1)``, a ``\\tag``'s
    ``(x)``; "" for none), set right-aligned at ``number_right_emu``, the right edge of the text area, on
    the formula's middle, at ``number_size_pt``, the body size of its level (both set with the box).
    """

    tex: str
    pos: Optional[SourcePos]      # None: a formula without a known source line
    inline: bool = False
    left_emu: int = 0
    top_emu: int = 0
    width_emu: int = 0
    height_emu: int = 0
    size_pt: float = 0.0
    number: str = ""
    number_right_emu: int = 0
    number_size_pt: float = 0.0


BULLET_HANG_EMU = 285750       # the hanging indent of a bullet (0.3125 in), as the reference deck's levels
DIGIT_EM, PERIOD_EM, NUMBER_GAP_EM = 0.6, 0.3, 0.5


def number_indent_emu(number: int, size_pt: float, margin_emu: int) -> tuple[int, int]:
    """(marL, indent) in EMU of a numbered paragraph whose level's left margin is ``margin_emu``.

    The number "N." hangs where a bullet would (``margin_emu`` less :data:`BULLET_HANG_EMU`), and the text
    starts half an em after it (digits counted at 0.6 em, the period at 0.3 em, generous for the
    proportional faces of a template): so "1. 2017" never reads as the decimal "1.2017".
    """
    hang = int((DIGIT_EM * len(str(max(number, 1))) + PERIOD_EM + NUMBER_GAP_EM) * size_pt * EMU_PER_PT)
    start = max(margin_emu - BULLET_HANG_EMU, 0)
    return start + hang, -hang


@dataclass(frozen=True)
class Para:
    """A paragraph: ``runs``, outline ``level`` (0-based), ``bullet`` none | bullet | number,
    ``number`` its 1-based list number, ``size_pt`` the explicit run size (0 = not fitted yet),
    ``pos`` the source it comes from when known (for glyph reports; not compared).

    Code: ``style`` is "code" or "output" for one line of a code block ("" for text),
    ``group`` tells blocks apart (the block's source line), ``continued`` marks the
    second and later pieces of a wrapped code line. ``pitch_pt``/``before_pt`` (when
    ``pitch_pt`` is not 0) fix a text paragraph's line pitch and space before, so the
    viewer places its lines where the code panels were measured to be.

    ``formula``: the paragraph stands for a display formula (an empty line of its height in
    the text; the formula is a shape of its own, :mod:`coursepress.writers.deck.mathshapes`).

    ``step``: the paragraph appears on a click (``::: incremental``, :mod:`coursepress.writers.deck.builds`);
    ``pause``: a click shows it and the paragraphs after it up to the next click (``. . .`` before it).

    ``align``: "center" or "right" for a paragraph its author aligned (``<p align=…>``), "" for the layout's."""

    runs: tuple[Run, ...]
    level: int = 0
    bullet: str = "none"
    number: int = 0
    size_pt: float = 0.0
    pos: Optional[SourcePos] = field(default=None, compare=False)
    style: str = ""
    group: int = 0
    continued: bool = False
    pitch_pt: float = 0.0
    before_pt: float = 0.0
    formula: Optional[Formula] = None
    step: bool = False
    pause: bool = False
    align: str = ""

    @property
    def plain(self) -> str:
        return "".join(r.text for r in self.runs)

    def segments(self) -> list[tuple[str, bool]]:
        return [(r.text, r.bold) for r in self.runs]


@dataclass(frozen=True)
class TablePlan:
    """A native table: ``header`` and ``rows`` of cells (runs), column widths and row heights in EMU,
    the source position of each row (``row_positions``, for glyph reports) and the exact line height
    of its text (``line_pt``; 0: the fonts' own)."""

    header: tuple[tuple[Run, ...], ...]
    rows: tuple[tuple[tuple[Run, ...], ...], ...]
    col_widths_emu: tuple[int, ...]
    row_heights_emu: tuple[int, ...]
    size_pt: float
    row_positions: tuple[SourcePos, ...] = ()
    line_pt: float = 0.0


@dataclass(frozen=True)
class ChartPlan:
    """A native chart. ``kind``: "column" (values on a ``log`` scale) or "timeline" (XY scatter of dates).

    ``categories`` are model names;
    ``values`` are in the unit the axis title names (10^8 parameters in zh-CN,
    thousands of tokens; Excel date serials for timelines), None where unknown; ``labels``
    what each data label shows (for glyph checks only: the deck writes number
    formats and series names, never this text); ``number_format`` the labels'
    and axis' Excel number format; ``open`` whether each model has open weights
    (series ``chart.open`` / ``chart.closed``); ``estimated`` whether the value is
    an estimate (≈ in its label's format, patterned fill). ``axis_min``/``axis_max`` are the
    value (timeline: date) axis bounds; ``lanes`` the height (1, 2, …) of each
    timeline point and ``label_right`` its label's side; ``positions`` the
    source of each point (for glyph reports). The words come from the catalogue
    (:mod:`coursepress.messages`): ``series_names`` for open weights, closed and
    not stated; ``key_marks`` the text before, between and after the colour key of
    a timeline's axis title; ``date_format`` the Excel format of its year labels. Layout
    (:mod:`coursepress.writers.deck.chartfit`): ``plot`` the inner plot area (x, y, w, h as
    fractions of the chart frame, top left origin; empty: the viewer's own layout), ``legend_at`` the
    legend's top-left corner (fractions; None: no legend), ``names_slanted``/``values_upright``
    whether category names are set at 45° and value labels turned a quarter, ``inside`` whether
    each value label stands inside its column's top (else above it). ``unknown`` names the
    series that marks models without a value (a point at the axis floor labelled with this name);
    ``axis_format`` is the value axis' own number format (empty: ``number_format``); ``step_years``
    the years between two labels of a timeline's date axis.
    """

    kind: str
    categories: tuple[str, ...]
    values: tuple[Optional[float], ...]
    labels: tuple[str, ...]
    open: tuple[Optional[bool], ...]
    axis_title: str
    log: bool
    alt: str
    size_pt: float
    estimated: tuple[bool, ...] = ()
    axis_min: float = 0.0
    axis_max: float = 0.0
    positions: tuple[SourcePos, ...] = ()
    number_format: str = "General"
    lanes: tuple[int, ...] = ()
    label_right: tuple[bool, ...] = ()
    series_names: tuple[str, str, str] = ("", "", "")
    key_marks: tuple[str, str, str] = ("", "", "")
    date_format: str = "yyyy"
    plot: tuple[float, ...] = ()
    legend_at: Optional[tuple[float, float]] = None
    names_slanted: bool = True
    values_upright: bool = True
    inside: tuple[bool, ...] = ()
    unknown: str = ""
    axis_format: str = ""
    step_years: int = 1

    def series_name(self, flag: Optional[bool]) -> str:
        """The series name of models with open weights (True), closed (False) or not stated (None)."""
        return self.series_names[0 if flag is True else 1 if flag is False else 2]


class PictureImage(Protocol):
    """What a :class:`PicturePlan` needs of its image: the bytes and their file extension (no dot)."""

    @property
    def data(self) -> bytes: ...

    @property
    def ext(self) -> str: ...


@dataclass(frozen=True)
class PicturePlan:
    """A picture: its image, alt text, and its box in EMU (aspect kept); for an SVG, ``fallback`` is its
    PNG rendering (see :mod:`coursepress.writers.deck.svgpicture`).

    ``image``: anything with the bytes as ``data`` and their extension as ``ext``: a raster figure's
    :class:`~coursepress.writers.deck.media.SlideImage` (prepared when the plan is final), an SVG's
    :class:`~coursepress.resources.ImageData`.
    """

    image: PictureImage
    alt: str
    name: str
    left_emu: int
    top_emu: int
    width_emu: int
    height_emu: int
    fallback: bytes = b""

    @property
    def data(self) -> bytes:
        """The image's bytes (waits for a picture being prepared)."""
        return self.image.data

    @property
    def ext(self) -> str:
        """The file extension of :attr:`data` (``png``, ``jpg``, ``svg``…, no dot)."""
        return self.image.ext


@dataclass(frozen=True)
class CodeBox:
    """The panel behind one code block on a slide: ``style`` code | output, ``top_pt`` from the top of
    the body frame's text area, ``height_pt`` of its lines (pt)."""

    style: str
    top_pt: float
    height_pt: float


@dataclass(frozen=True)
class SlidePlan:
    """One slide: ``layout`` name, ``texts`` (placeholder name → paragraphs), optional data, notes.

    ``kind`` is title | agenda | section | content | columns | table | chart | picture | closing;
    ``data_frame`` names the placeholder whose box a table/chart/picture takes; ``moved`` gives frames
    this slide sets elsewhere than its layout does (name → left, top, width, height in EMU: a table's
    caption right below the table).
    """

    kind: str
    layout: str
    texts: tuple[tuple[str, tuple[Para, ...]], ...]
    notes: tuple[Para, ...]
    pos: SourcePos
    table: Optional[TablePlan] = None
    chart: Optional[ChartPlan] = None
    picture: Optional[PicturePlan] = None
    data_frame: str = ""
    footer: bool = True
    code_boxes: tuple["CodeBox", ...] = ()
    moved: tuple[tuple[str, tuple[int, int, int, int]], ...] = ()

    @property
    def title(self) -> str:
        return "".join(p.plain for name, paras in self.texts if name == "Title" for p in paras)


@dataclass(frozen=True)
class DeckPlan:
    """The whole deck: slides in order, footer text, document properties; ``formula_name`` names an
    equation shape (the catalogue's ``deck.formula_name``, a pattern with ``{n}``)."""

    slides: tuple[SlidePlan, ...]
    footer: str
    title: str
    author: str
    subject: str
    language: str
    warnings: tuple[str, ...] = field(default=())
    frames: Optional[dict] = field(default=None, compare=False)   # the geometry planned against (reused by the writer)
    formula_name: str = "{n}"
