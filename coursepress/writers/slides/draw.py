"""Slide plan → what the slide templates draw: boxes in pt at the placeholder frames, with the deck's look.

The slide plan (:class:`~coursepress.writers.deck.nodes.DeckPlan`) is the one
the deck writer renders, so the PDF and the PPTX never disagree in order or
content. Here every slide becomes a :class:`SlideView`: its layout's
background and rules, one :class:`BoxView` per text frame (the frame's box,
insets and anchor; paragraphs with the fitted sizes, the level's spacing,
margins, bullets and colours, as :func:`coursepress.writers.deck.pptx_writer.write_text`
writes them), the table, chart, picture and formulas at the boxes the plan
fitted, and the code panels at the offsets the fitter measured. Positions are
pt from the slide's top left (1 pt = 12,700 EMU). Templates under
``templates/slides/`` turn the views into HTML.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Callable, Optional

from ...code import CodeTheme
from ...units import EMU_PER_PT
from ..deck.code import PANEL_GAP_PT
from ..deck.fit import FORMULA_PAD_PT
from ..deck.nodes import DeckPlan, Para, Run, SlidePlan, TablePlan, number_indent_emu
from ..deck.pptx_writer import NOTES_INDENT_EMU
from ..deck.reference import Frame
from ..deck.tablefit import CELL_MARGIN_X_PT, CELL_MARGIN_Y_PT
from .look import DeckLook, TextLook

MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
        "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff"}
# Table cell margins the deck writes (pt; pptx_writer.add_table) and the bands of PowerPoint's default
# table style "Medium Style 2 – Accent 1": header accent1, rows accent1 at 20 % and 40 % (banded).
CELL_MARGINS_PT = (CELL_MARGIN_X_PT, CELL_MARGIN_Y_PT)
ROW_TINTS = (0.2, 0.4)


@dataclass(frozen=True)
class RunView:
    """A run of text: ``colour`` ``#rrggbb`` or "" (the paragraph's), ``baseline`` super | sub | ""."""

    text: str
    bold: bool
    italic: bool
    strike: bool
    mono: bool
    href: str
    colour: str
    baseline: str
    underline: bool = False


@dataclass(frozen=True)
class ParaView:
    """A paragraph: sizes and spacing in pt; ``bullet`` the text drawn in the hanging indent ("" none);
    ``spacer_pt`` > 0: an empty line that tall (a display formula is drawn over it)."""

    runs: tuple[RunView, ...]
    size_pt: float
    line_pt: float
    before_pt: float
    after_pt: float
    margin_left_pt: float
    margin_right_pt: float
    indent_pt: float
    bullet: str
    bullet_colour: str
    colour: str
    align: str
    code: bool
    spacer_pt: float = 0.0


@dataclass(frozen=True)
class BoxView:
    """A text frame: its role ``name``, box and insets (left, top, right, bottom) in pt, ``anchor``
    top | middle | bottom, and paragraphs."""

    name: str
    left_pt: float
    top_pt: float
    width_pt: float
    height_pt: float
    insets_pt: tuple[float, float, float, float]
    anchor: str
    paras: tuple[ParaView, ...]


@dataclass(frozen=True)
class ImageView:
    """A picture, chart or formula drawing at its box (pt): ``src`` a data URI, ``alt`` its text."""

    left_pt: float
    top_pt: float
    width_pt: float
    height_pt: float
    src: str
    alt: str


@dataclass(frozen=True)
class PanelView:
    """The panel behind a code block (pt): ``fill``/``border`` ``#rrggbb`` or "", ``dashed`` border."""

    left_pt: float
    top_pt: float
    width_pt: float
    height_pt: float
    fill: str
    border: str
    dashed: bool
    border_pt: float = 0.75


@dataclass(frozen=True)
class TableView:
    """A table at (``left_pt``, ``top_pt``): column widths and row heights (pt; row 0 the header), cells
    as runs, text ``size_pt`` and ``line_pt`` (0: the font's), and the table style's colours."""

    left_pt: float
    top_pt: float
    col_widths_pt: tuple[float, ...]
    row_heights_pt: tuple[float, ...]
    header: tuple[tuple[RunView, ...], ...]
    rows: tuple[tuple[tuple[RunView, ...], ...], ...]
    size_pt: float
    line_pt: float
    header_fill: str
    header_colour: str
    row_fills: tuple[str, ...]
    colour: str
    border: str
    caption: str
    cell_margins_pt: tuple[float, float] = CELL_MARGINS_PT
    border_pt: float = 1.0


@dataclass(frozen=True)
class SlideView:
    """One slide to draw: ``number`` (1-based, its page label), ``kind`` and ``title`` from the plan,
    ``bookmark_level`` in the PDF outline (1 title/section/closing, 2 the rest), its size (pt), the
    layout's ``background`` and ``rules``, then ``panels``, ``boxes``, ``table``, ``images`` (chart,
    picture, formulas) in drawing order; ``notes`` the speaker notes."""

    number: int
    kind: str
    title: str
    bookmark_level: int
    width_pt: float
    height_pt: float
    background: str
    rules: tuple
    panels: tuple[PanelView, ...]
    boxes: tuple[BoxView, ...]
    table: Optional[TableView]
    images: tuple[ImageView, ...]
    notes: tuple[ParaView, ...]


def data_uri(data: bytes, mime: str) -> str:
    """``data:`` URI of ``data`` (base64)."""
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


class SlideDrawer:
    """Turns slide plans into :class:`SlideView` objects.

    ``look``: the reference deck's look (:func:`coursepress.writers.slides.look.deck_look`);
    ``code``: the code theme; ``line_em``: the measured line height of the shipped sans face (em),
    as the fitter measured lines; ``formula_uri``: TeX → SVG data URI of a display formula;
    ``chart_uri``: (chart plan, width pt, height pt) → SVG data URI.
    """

    def __init__(self, look: DeckLook, code: CodeTheme, line_em: float, formula_uri: Callable[[str], str],
                 chart_uri: Callable[..., str]) -> None:
        self.look, self.code, self.line_em = look, code, line_em
        self.formula_uri, self.chart_uri = formula_uri, chart_uri

    def runs(self, runs: tuple[Run, ...]) -> tuple[RunView, ...]:
        colours = self.code.colours
        hlink = self.look.colour("hlink")
        return tuple(RunView(r.text, r.bold, r.italic, r.strike, r.code, r.href,
                             hlink if r.href else colours.get(r.category, ""),
                             "super" if r.baseline > 0 else "sub" if r.baseline < 0 else "", r.underline)
                     for r in runs)

    def paras(self, paras: tuple[Para, ...], frame: Frame, look: TextLook, title: bool) -> tuple[ParaView, ...]:
        """The paragraphs of one text frame, spaced and indented as the deck writer writes them."""
        out = []
        pad = self.code.slide_pad_pt
        for i, para in enumerate(paras):
            level = frame.level(para.level)
            n = look.level(para.level)
            size = para.size_pt or level.size_pt
            same = lambda other: other.style == para.style and other.group == para.group  # noqa: E731
            before, after, right = 0.0, 0.0, 0.0
            if para.style:                      # a code line: fixed pitch inside its panel
                line = size * self.code.slide_line
                first = i == 0 or not same(paras[i - 1])
                before = pad + PANEL_GAP_PT if first and i else 0.0
                after = pad if i == len(paras) - 1 or not same(paras[i + 1]) else 0.0
                margin, indent, right = pad, 0.0, pad
            else:
                line = para.pitch_pt or size * self.line_em * level.line_spacing
                before = para.before_pt if para.pitch_pt or para.formula else \
                    (level.space_before_pt * size / level.size_pt if i else 0.0)
                margin, indent = self._indents(para, frame, look, title)
            bullet = "" if title or para.style or para.formula else self._bullet(para, frame, look)
            spacer = _pt(para.formula.height_emu) + 2 * FORMULA_PAD_PT if para.formula is not None else 0.0
            out.append(ParaView(self.runs(para.runs) if para.formula is None else (), size, line, before, after,
                                0.0 if para.formula else margin, right, 0.0 if para.formula else indent,
                                bullet, look.bullet_colours[n], look.colours[n], para.align or look.align[n], bool(para.style),
                                spacer))
        return tuple(out)

    @staticmethod
    def _indents(para: Para, frame: Frame, look: TextLook, title: bool) -> tuple[float, float]:
        """(left margin, first-line indent) in pt, as ``pptx_writer.write_text`` sets marL and indent."""
        if title:
            return 0.0, 0.0
        level = frame.level(para.level)
        plain = para.bullet in ("none", "literal")
        if para.bullet == "number":         # a gap after the number (nodes.number_indent_emu)
            margin, indent = number_indent_emu(para.number, para.size_pt or level.size_pt, level.margin_left_emu)
            return _pt(margin), _pt(indent)
        if frame.virtual or frame.explicit:   # a text box, or levels no viewer inherits: explicit margins
            hang = 0 if plain else NOTES_INDENT_EMU
            margin = level.margin_left_emu if para.level or not plain else 0
            return _pt(max(margin, hang)), -_pt(hang)
        left = 0.0 if plain and para.level == 0 else _pt(level.margin_left_emu)
        return left, 0.0 if plain else look.indent_pt[look.level(para.level)]

    @staticmethod
    def _bullet(para: Para, frame: Frame, look: TextLook) -> str:
        if para.bullet == "number":
            return f"{para.number}."
        if para.bullet != "bullet":
            return ""
        if frame.virtual or frame.explicit:
            return "•" if para.level % 2 == 0 else "–"
        return look.bullets[look.level(para.level)]

    def box(self, frame: Frame, paras: tuple[ParaView, ...], look: TextLook) -> BoxView:
        insets = tuple(_pt(v) for v in frame.insets_emu)
        return BoxView(frame.name, _pt(frame.left_emu), _pt(frame.top_emu), _pt(frame.width_emu),
                       _pt(frame.height_emu), (insets[0], insets[1], insets[2], insets[3]), look.anchor, paras)

    def table(self, plan: TablePlan, frame: Frame, caption: str) -> TableView:
        fill = self.look.colour("accent1")
        return TableView(_pt(frame.left_emu), _pt(frame.top_emu), tuple(_pt(w) for w in plan.col_widths_emu),
                         tuple(_pt(h) for h in plan.row_heights_emu), tuple(self.runs(c) for c in plan.header),
                         tuple(tuple(self.runs(c) for c in row) for row in plan.rows), plan.size_pt, plan.line_pt,
                         fill, self.look.colour("bg1"), tuple(self.look.colour("accent1", t) for t in ROW_TINTS),
                         self.look.colour("tx1"), self.look.colour("bg1"), caption)

    def slide(self, number: int, plan: SlidePlan, deck: DeckPlan) -> SlideView:
        """The view of slide ``number`` (1-based) of ``deck``."""
        frames: dict[str, Frame] = (deck.frames or {})[plan.layout]
        layout = self.look.layouts[plan.layout]
        default = layout.texts.get("Content") or next(iter(layout.texts.values()))
        boxes, images, panels = [], [], []
        texts = dict(plan.texts)
        moved = dict(plan.moved)
        for name, paras in plan.texts:
            frame = frames.get(name)
            if frame is None or not paras:
                continue
            if name in moved:      # a table's caption right below its table
                left, top, width, height = moved[name]
                frame = replace(frame, left_emu=left, top_emu=top, width_emu=width, height_emu=height)
            look = layout.texts.get(name, default)
            boxes.append(self.box(frame, self.paras(paras, frame, look, name == "Title"), look))
            for para in paras:
                if para.formula is not None:
                    f = para.formula
                    images.append(ImageView(_pt(f.left_emu), _pt(f.top_emu), _pt(f.width_emu), _pt(f.height_emu),
                                            self.formula_uri(f.tex), f.tex))
            if name != "Title" and plan.code_boxes and any(p.style for p in paras):
                panels.extend(self._panels(frame, plan))
        table = None
        if plan.data_frame and plan.data_frame in frames:
            data = frames[plan.data_frame]
            caption = "".join(p.plain for p in texts.get("Caption", ()))
            if plan.table is not None:
                table = self.table(plan.table, data, caption)
            elif plan.chart is not None:
                images.insert(0, ImageView(_pt(data.left_emu), _pt(data.top_emu), _pt(data.width_emu),
                                           _pt(data.height_emu), self.chart_uri(plan.chart, _pt(data.width_emu),
                                                                                _pt(data.height_emu)), plan.chart.alt))
        if plan.picture is not None:
            p = plan.picture
            images.insert(0, ImageView(_pt(p.left_emu), _pt(p.top_emu), _pt(p.width_emu), _pt(p.height_emu),
                                       data_uri(p.data, MIME.get(p.ext.lower().lstrip("."), "image/png")), p.alt))
        if plan.footer:
            for name, text in (("Footer", deck.footer), ("Slide Number", str(number))):
                frame = frames.get(name)
                if frame is not None and name in layout.texts:
                    para = Para((Run(text),), size_pt=frame.level(0).size_pt)
                    look = layout.texts[name]
                    boxes.append(self.box(frame, self.paras((para,), frame, look, True), look))
        return SlideView(number, plan.kind, plan.title, 1 if plan.kind in ("title", "section", "closing") else 2,
                         self.look.width_pt, self.look.height_pt, layout.background, layout.rules, tuple(panels), tuple(boxes), table, tuple(images),
                         self.notes(plan.notes))

    def _panels(self, frame: Frame, plan: SlidePlan) -> list[PanelView]:
        left, top = _pt(frame.left_emu + frame.insets_emu[0]), _pt(frame.top_emu + frame.insets_emu[1])
        width = frame.text_width_pt
        out = []
        for box in plan.code_boxes:
            colours = self.code.code if box.style == "code" else self.code.output
            out.append(PanelView(left, top + box.top_pt, width, box.height_pt, colours.get("background", ""),
                                 colours.get("border", "") if box.style == "output" else "", box.style == "output"))
        return out

    def notes(self, paras: tuple[Para, ...]) -> tuple[ParaView, ...]:
        """Speaker notes as paragraphs for the notes handout: formulas as their TeX (as in the deck's notes),
        list levels indented; sizes are set by the handout's stylesheet (``size_pt`` 0)."""
        out = []
        for para in paras:
            runs = self.runs(para.runs) if para.formula is None else self.runs((Run(para.formula.tex),))
            bullet = f"{para.number}." if para.bullet == "number" else "•" if para.bullet == "bullet" else ""
            hang = _pt(NOTES_INDENT_EMU) if bullet else 0.0
            out.append(ParaView(runs, 0.0, 0.0, 0.0, 0.0, _pt(NOTES_INDENT_EMU) * para.level + hang, 0.0, -hang,
                                bullet, "", "", "left", bool(para.style)))
        return tuple(out)

    def deck(self, deck: DeckPlan) -> tuple[SlideView, ...]:
        """Every slide of ``deck``, numbered from 1; agenda entries link to the slide they name."""
        views = [self.slide(n, plan, deck) for n, plan in enumerate(deck.slides, 1)]
        titles = [(view.number, view.title) for view in views]
        return tuple(_agenda_links(view, titles) if view.kind == "agenda" else view for view in views)


# digits, ".", the full-width full stop, the ideographic comma and space, a space, Chinese numerals 1-10 and 100
NUMBERING = frozenset("0123456789.\uff0e\u3001\u3000 \u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e")


def _agenda_links(view: SlideView, titles: list[tuple[int, str]]) -> SlideView:
    """``view`` (an agenda slide) with each entry linked (``#slide-N``) to the first later slide whose title
    it shows after its heading number ("1.1", U+3000 IDEOGRAPHIC SPACE, "LLM concepts" → the slide
    "LLM concepts")."""
    boxes = []
    for box in view.boxes:
        paras = []
        for para in box.paras:
            text = "".join(r.text for r in para.runs)
            target = next((number for number, title in titles if number > view.number and title
                           and text.endswith(title) and set(text[:-len(title)]) <= NUMBERING), None)
            if target is not None and box.name != "Title":
                para = replace(para, runs=tuple(replace(r, href=f"#slide-{target}") for r in para.runs))
            paras.append(para)
        boxes.append(replace(box, paras=tuple(paras)))
    return replace(view, boxes=tuple(boxes))


def scaled(view, factor: float):
    """``view`` (any view of this module, or a tuple of them) with every length (fields named ``*_pt``,
    and those inside nested views) multiplied by ``factor``: the same drawing, smaller.

    The notes handout draws its slide pictures so: a CSS transform would lay the slide out at full
    size first, and WeasyPrint splits such a box across pages where it does not fit.
    """
    if isinstance(view, tuple):
        return tuple(scaled(v, factor) for v in view)
    if not is_dataclass(view) or isinstance(view, type):
        return view
    changes = {}
    for f in fields(view):
        value = getattr(view, f.name)
        if f.name.endswith("_pt"):
            changes[f.name] = tuple(v * factor for v in value) if isinstance(value, tuple) else value * factor
        elif f.name != "notes" and (is_dataclass(value) or isinstance(value, tuple)):
            changes[f.name] = scaled(value, factor)
    return replace(view, **changes)
