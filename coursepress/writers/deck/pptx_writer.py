"""Slide plan → PPTX bytes with python-pptx, on top of the reference deck.

Every run gets an explicit size, ``b``, ``lang``/``altLang`` and both an
``a:latin`` and an ``a:ea`` font (C07: python-pptx's ``font.name`` sets only
``a:latin``, so Chinese falls back to whatever the viewer picks). Lists are
written with their level and ``a:buAutoNum``/``a:buChar`` (C22). Text frames
get ``a:noAutofit``: the plan already fits them (C19). Tables, charts and
pictures take the box of their named placeholder. The package is written
with fixed ZIP timestamps and sorted entries so rebuilds are byte-identical,
PNG and JPEG media stored, not deflated again (:mod:`.package`).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import replace
from collections.abc import Mapping
from typing import Optional

from lxml import etree
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from ...cjk import CJK_RE
from ...code import CodeTheme
from ...errors import ContentError
from ...patches import apply_pptx_speedups, remember_images, remember_partnames
from ...schema import LayoutRole
from .builds import add_steps, clicks
from .chartxml import add_chart
from .codeshapes import add_code_panels, code_spacing, colour_run, spacing
from .glyphs import GlyphChain
from .linear import add_slide, index_relationships
from ...theme import Theme, default_theme
from .mathshapes import FormulaArt, add_formula, spacer
from .nodes import DeckPlan, Para, PicturePlan, Run, SlidePlan, TablePlan, number_indent_emu
from .package import write_package
from .svgpicture import add_svg_picture
from .tablefit import CELL_MARGIN_X_PT, CELL_MARGIN_Y_PT
from .layouts import distinct_placeholder_ids, fix_slide_size_type, ph_type, resolve, slide_placeholders, text_box
from .reference import geometry

NOTES_INDENT_EMU = 285750
GENERAL_PUNCTUATION = 0x2000     # from here on a viewer may take a symbol from a:ea (Unicode Blocks.txt)
ALIGN = {"center": "ctr", "right": "r"}     # a paragraph's align → a:pPr/@algn (ECMA-376 ST_TextAlignType)
_AFTER_FONTS = ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
_AFTER_TAGS = tuple(qn(tag) for tag in _AFTER_FONTS)      # Clark names, made once (qn costs a parse a call)
_FONT_TAGS = (qn("a:latin"), qn("a:ea"), qn("a:cs"))


class Fonts:
    """The typefaces every run names: ``latin`` (a:latin, a:cs) and ``east_asian`` (a:ea).

    ``chain`` (optional) names a shipped font for characters the East-Asian face lacks
    (see :class:`coursepress.writers.deck.glyphs.GlyphChain`). Code runs name ``mono`` as
    a:latin and a:cs and keep ``east_asian`` as a:ea (C36: Chinese comments in code);
    ``code`` is the code theme (highlight colours, panel colours); ``theme`` the course's
    :class:`~coursepress.theme.Theme` (bullet characters and face, equation face).
    """

    def __init__(self, latin: str, east_asian: str, chain: Optional[GlyphChain] = None, mono: str = "",
                 code: Optional[CodeTheme] = None, theme: Optional[Theme] = None) -> None:
        self.latin, self.east_asian, self.chain = latin, east_asian, chain
        self.mono = mono or latin
        self.code = code
        self.theme = theme if theme is not None else default_theme()   # bullets, the equation face

    def pieces(self, text: str, code: bool = False) -> list[tuple[str, Optional[str]]]:
        """``text`` cut where the font changes: (segment, fallback family or None for the deck's fonts);
        in ``code`` the monospace face's own characters (↪, box drawing) need no fallback, but one beyond
        Latin that the East-Asian face lacks (↪) names the monospace face in ``a:ea`` too: LibreOffice and WPS
        set such a symbol in ``a:ea`` and, lacking it there, took another face (Noto Emoji's boxed ↪)."""
        if self.chain is None or not text:
            return [(text, None)]
        if not code:
            return self.chain.split(text)
        mono = frozenset().union(*(f.codepoints for f in self.chain.faces if f.family == self.mono))
        out: list[tuple[str, Optional[str]]] = []
        for char in text:
            point = ord(char)
            if point in mono:
                face = self.mono if point >= GENERAL_PUNCTUATION and point not in self.chain.primary else None
            else:
                face = self.chain.face_for(char)
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + char, face)
            else:
                out.append((char, face))
        return out

    def apply(self, rpr, text: str = "", face: Optional[str] = None, code: bool = False) -> None:
        """Set lang/altLang and a:latin, a:ea, a:cs on a ``a:rPr``/``a:defRPr``, in schema order;
        ``face`` (a fallback family) replaces all three; ``code`` names the monospace face."""
        cjk = bool(CJK_RE.search(text)) or not text
        rpr.set("lang", "zh-CN" if cjk else "en-US")
        rpr.set("altLang", "en-US" if cjk else "zh-CN")
        if len(rpr):        # a new a:rPr has no children: nothing to replace or to insert before
            for tag in _FONT_TAGS:
                for old in rpr.findall(tag):
                    rpr.remove(old)
            anchor = next((found for found in map(rpr.find, _AFTER_TAGS) if found is not None), None)
        else:
            anchor = None
        latin = self.mono if code else self.latin
        faces = (face, face, face) if face else (latin, self.east_asian, latin)
        for tag, typeface in zip(_FONT_TAGS, faces):
            el = etree.SubElement(rpr, tag)
            el.set("typeface", typeface)
            if anchor is not None:
                anchor.addprevious(el)


def _line_break(paragraph, para: Para, fonts: Fonts, code: bool) -> None:
    """An ``a:br`` (hard line break, C37) with the paragraph's size and fonts."""
    br = etree.SubElement(paragraph._p, qn("a:br"))
    rpr = etree.SubElement(br, qn("a:rPr"))
    if para.size_pt:
        rpr.set("sz", str(int(round(para.size_pt * 100))))
    fonts.apply(rpr, "", None, code)


def _write_runs(paragraph, para: Para, fonts: Fonts) -> None:
    colours = fonts.code.colours if fonts.code is not None else {}
    for run_plan in para.runs or ():
        for k, line in enumerate(run_plan.text.split("\n")):
            if k:
                _line_break(paragraph, para, fonts, run_plan.code)
            for text, face in fonts.pieces(line, run_plan.code) if line else ():
                run = paragraph.add_run()
                run.text = text
                rpr = run._r.get_or_add_rPr()
                if para.size_pt:
                    rpr.set("sz", str(int(round(para.size_pt * 100))))
                rpr.set("b", "1" if run_plan.bold else "0")
                if run_plan.baseline:
                    rpr.set("baseline", str(run_plan.baseline))
                if run_plan.italic:
                    rpr.set("i", "1")
                if run_plan.strike:
                    rpr.set("strike", "sngStrike")
                if run_plan.underline:
                    rpr.set("u", "sng")
                if run_plan.category in colours:
                    colour_run(rpr, colours[run_plan.category])
                fonts.apply(rpr, text, face, run_plan.code)
                if run_plan.href:
                    run.hyperlink.address = run_plan.href
    if not para.runs:   # an empty item still needs its end-of-paragraph size and fonts
        end = paragraph._p.get_or_add_endParaRPr()
        if para.size_pt:
            end.set("sz", str(int(round(para.size_pt * 100))))
        fonts.apply(end, "", None, bool(para.style))


def _bullets(paragraph, para: Para, start_at: int, margin_emu: int | None, indent_emu: int | None,
             explicit_bullet: bool, theme: Theme) -> None:
    """List properties of one paragraph: level, margins and ``a:buNone``/``a:buChar``/``a:buAutoNum``."""
    ppr = paragraph._p.get_or_add_pPr()
    if para.level:
        ppr.set("lvl", str(para.level))
    if margin_emu is not None:
        ppr.set("marL", str(margin_emu))
    if indent_emu is not None:
        ppr.set("indent", str(indent_emu))
    for tag in ("a:buNone", "a:buAutoNum", "a:buChar", "a:buFont"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    if para.bullet in ("none", "literal"):
        etree.SubElement(ppr, qn("a:buNone"))
    elif para.bullet == "number":
        etree.SubElement(ppr, qn("a:buFont")).set("typeface", "+mj-lt")
        auto = etree.SubElement(ppr, qn("a:buAutoNum"))
        auto.set("type", "arabicPeriod")
        if start_at != 1:
            auto.set("startAt", str(start_at))
    elif explicit_bullet:
        etree.SubElement(ppr, qn("a:buFont")).set("typeface", theme.bullet_font)
        etree.SubElement(ppr, qn("a:buChar")).set("char", theme.bullets[para.level % 2])


def _starts(paras: tuple[Para, ...]) -> list[int]:
    """``startAt`` of each numbered paragraph: the number of the first item of its run at its level."""
    starts: list[int] = []
    current: dict[int, int] = {}
    for para in paras:
        for level in [lv for lv in current if lv > para.level]:
            del current[level]
        if para.bullet == "number":
            current.setdefault(para.level, para.number)
            starts.append(current[para.level])
        else:
            current.pop(para.level, None)
            starts.append(1)
    return starts


def write_text(text_frame, paras: tuple[Para, ...], fonts: Fonts, notes: bool = False, title: bool = False,
               levels=None, frame=None) -> None:
    """Replace the text of ``text_frame`` by ``paras`` (fitted sizes, fonts, list structure).

    ``levels``: a :class:`~coursepress.writers.deck.reference.Frame` whose level margins and explicit bullet
    characters are written (a text box standing in for a missing placeholder inherits no list style).
    A numbered list starting outside ``startAt``'s range 1–32767 (ECMA-376 ``ST_TextBulletStartAtNum``),
    such as one starting at 0, gets literal numbers ("0. ") instead of ``a:buAutoNum``.
    ``frame``: the placeholder's frame; numbered paragraphs get margins that leave a gap after the number
    (:func:`~.nodes.number_indent_emu`), as do those of ``levels``.
    """
    frame = levels if levels is not None else frame
    text_frame.word_wrap = True
    if not notes:
        text_frame.auto_size = MSO_AUTO_SIZE.NONE
    for extra in text_frame._txBody.findall(qn("a:p"))[1:]:
        text_frame._txBody.remove(extra)
    first = text_frame.paragraphs[0]
    for child in list(first._p):
        first._p.remove(child)
    for i, (para, start) in enumerate(zip(paras, _starts(paras))):
        paragraph = first if i == 0 else text_frame.add_paragraph()
        formula = para.formula
        if formula is not None:
            if notes:     # notes hold text only: the lecturer reads the formula's TeX
                para = replace(para, runs=(Run(formula.tex),), formula=None)
            else:
                spacer(paragraph, formula, para.size_pt, para.before_pt)
                continue
        if para.bullet == "number" and not 1 <= start <= 32767:
            para = replace(para, runs=(Run(f"{para.number}. "),) + tuple(para.runs), bullet="literal")
        if levels is not None and not notes:
            indent = 0 if para.bullet in ("none", "literal") else NOTES_INDENT_EMU
            level = levels.level(para.level)
            margin = level.margin_left_emu if para.level or para.bullet != "none" else 0
            margin, indent = (number_indent_emu(para.number, para.size_pt or level.size_pt, level.margin_left_emu)
                              if para.bullet == "number" else (max(margin, indent), -indent))
            _bullets(paragraph, para, start, margin, indent, True, fonts.theme)
            _spacing(paragraph, para, paras, i, fonts)
        elif notes:
            indent = NOTES_INDENT_EMU if para.bullet != "none" else 0
            _bullets(paragraph, para, start, NOTES_INDENT_EMU * para.level + indent, -indent, True, fonts.theme)
        elif not title:
            inherit: tuple[Optional[int], Optional[int]] = (0 if para.bullet == "none" and para.level == 0 else None,
                                                             0 if para.bullet == "none" else None)
            if para.bullet == "number" and frame is not None:
                level = frame.level(para.level)
                inherit = number_indent_emu(para.number, para.size_pt or level.size_pt, level.margin_left_emu)
            _bullets(paragraph, para, start, inherit[0], inherit[1], False, fonts.theme)
            _spacing(paragraph, para, paras, i, fonts)
        if para.align in ALIGN and not notes:
            paragraph._p.get_or_add_pPr().set("algn", ALIGN[para.align])
        _write_runs(paragraph, para, fonts)


def _spacing(paragraph, para: Para, paras: tuple[Para, ...], i: int, fonts: Fonts) -> None:
    """A code line's spacing in its panel, or a text paragraph's fixed pitch (when the fit fixed one)."""
    if para.style and fonts.code is not None:
        same = lambda other: other.style == para.style and other.group == para.group  # noqa: E731
        code_spacing(paragraph, para, i == 0 or not same(paras[i - 1]),
                     i == len(paras) - 1 or not same(paras[i + 1]), fonts.code)
    elif para.pitch_pt:
        spacing(paragraph._p.get_or_add_pPr(), para.pitch_pt, para.before_pt, None)


# ---------------------------------------------------------------- shapes
def _take_box(placeholder):
    """Remove ``placeholder`` from its slide and return its box (left, top, width, height) in EMU."""
    box = (placeholder.left, placeholder.top, placeholder.width, placeholder.height)
    element = placeholder._element
    element.getparent().remove(element)
    return box


def _describe(shape, name: str, alt: str) -> None:
    c_nv_pr = shape._element.xpath("./*[1]/p:cNvPr")[0]
    c_nv_pr.set("name", name)
    c_nv_pr.set("descr", alt)


def _exact_line(paragraph, line_pt: float) -> None:
    """``a:lnSpc/a:spcPts`` (exact line height, ECMA-376 §21.1.2.2.5) as the first child of ``a:pPr``:
    with each font's own line height, a Latin-only cell's baseline sits higher than a Chinese one's."""
    ppr = paragraph._p.get_or_add_pPr()
    for old in ppr.findall(qn("a:lnSpc")):
        ppr.remove(old)
    for old in ppr.findall(qn("a:spcBef")):
        ppr.remove(old)
    spacing = etree.Element(qn("a:lnSpc"))
    etree.SubElement(spacing, qn("a:spcPts"), val=str(int(round(line_pt * 100))))
    before = etree.Element(qn("a:spcBef"))
    etree.SubElement(before, qn("a:spcPts"), val="0")
    ppr.insert(0, before)
    ppr.insert(0, spacing)


def _one_face(element, fonts: Fonts) -> None:
    """Latin text of a table cell in the East-Asian face too: one face's metrics in every cell of a row,
    so LibreOffice (whose exact line height still follows each line's descent) keeps one baseline, and
    the widths are those the plan measured (the deck measures with Noto Sans CJK SC)."""
    for tag in ("a:latin", "a:cs"):
        for node in element.iter(qn(tag)):
            if node.get("typeface") == fonts.latin:
                node.set("typeface", fonts.east_asian)


def add_table(slide, box, plan: TablePlan, fonts: Fonts, caption: str) -> None:
    left, top, width, _ = box
    rows = 1 + len(plan.rows)
    shape = slide.shapes.add_table(rows, len(plan.header), left, top, width, Emu(sum(plan.row_heights_emu)))
    _describe(shape, "Table", caption)
    table = shape.table
    table.first_row = True
    for c, w in enumerate(plan.col_widths_emu):
        table.columns[c].width = Emu(w)
    for r, h in enumerate(plan.row_heights_emu):
        table.rows[r].height = Emu(h)
    for r, row in enumerate((plan.header,) + plan.rows):
        for c, runs in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Pt(CELL_MARGIN_X_PT)
            cell.margin_top = cell.margin_bottom = Pt(CELL_MARGIN_Y_PT)
            write_text(cell.text_frame, (Para(runs, size_pt=plan.size_pt),), fonts, title=True)
            if plan.line_pt:   # every line the same height in every script: one baseline per row
                for paragraph in cell.text_frame.paragraphs:
                    _exact_line(paragraph, plan.line_pt)
            _one_face(cell._tc, fonts)


def add_picture(slide, plan: PicturePlan, slide_plan: SlidePlan) -> None:
    try:
        if plan.fallback:
            picture = add_svg_picture(slide, plan.data, plan.fallback,
                                      (plan.left_emu, plan.top_emu, plan.width_emu, plan.height_emu))
        else:
            picture = slide.shapes.add_picture(io.BytesIO(plan.data), Emu(plan.left_emu), Emu(plan.top_emu),
                                               Emu(plan.width_emu), Emu(plan.height_emu))
    except Exception as exc:   # PIL/python-pptx refuse a damaged image in several ways
        raise ContentError(slide_plan.pos, f"the image of {plan.name} cannot be read ({exc})",
                           "re-export the image as PNG") from None
    _describe(picture, plan.name, plan.alt)


def _copy_footer(slide, footers: list, footer: str, number: int, fonts: Fonts) -> None:
    """Put the layout's Footer and Slide Number placeholders on the slide (python-pptx leaves them out).

    ``footers``: the layout's footer (``ftr``) and slide number (``sldNum``) placeholder shapes.
    """
    next_id = max(int(x) for x in slide.shapes._spTree.xpath("//p:cNvPr/@id")) + 1
    for ph in footers:
        element = copy.deepcopy(ph._element)
        element.nvSpPr.cNvPr.set("id", str(next_id))
        next_id += 1
        sppr = element.spPr
        for child in list(sppr):
            sppr.remove(child)
        body = element.txBody
        for p in body.findall(qn("a:p")):
            body.remove(p)
        p = etree.SubElement(body, qn("a:p"))
        if ph_type(ph) == "ftr":
            run = etree.SubElement(p, qn("a:r"))
            fonts.apply(etree.SubElement(run, qn("a:rPr")), footer)
            etree.SubElement(run, qn("a:t")).text = footer
        else:
            field = etree.SubElement(p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
            fonts.apply(etree.SubElement(field, qn("a:rPr")), "1")
            etree.SubElement(field, qn("a:t")).text = str(number)
        slide.shapes._spTree.append(element)


# ---------------------------------------------------------------- deck
def render(plan: DeckPlan, reference_path, fonts: Fonts, when: dt.datetime,
           mapping: Optional[Mapping[LayoutRole, str]] = None, formula_art: Optional[FormulaArt] = None) -> tuple[bytes, int]:
    """Build the deck of ``plan`` on the reference deck; returns (PPTX bytes, slide count).

    ``mapping``: course.yaml ``deck.layouts`` (see :func:`coursepress.writers.deck.layouts.resolve`).
    ``formula_art`` draws the display formulas (OMML and fallback picture); needed only if the plan has any.
    """
    apply_pptx_speedups()
    prs = Presentation(str(reference_path))
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):   # a user's master may carry example slides
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    fix_slide_size_type(prs)
    remember_partnames(prs.part.package)
    remember_images(prs.part.package)
    index_relationships(prs.part)       # one relationship per slide: look-ups by index, not by scanning
    choices, _ = resolve(prs, mapping, reference_path)
    for choice in choices.values():
        distinct_placeholder_ids(choice.layout)
    frames = plan.frames or geometry(prs, mapping, reference_path, choices).frames
    for number, slide_plan in enumerate(plan.slides, 1):
        choice = choices[slide_plan.layout]
        slide = add_slide(prs, choice.layout, number)      # the slide list was emptied above
        placeholders = slide_placeholders(slide, choice)
        layout_frames = frames[slide_plan.layout]
        texts = dict(slide_plan.texts)
        if slide_plan.data_frame:
            data = layout_frames[slide_plan.data_frame]
            if slide_plan.data_frame in placeholders:
                _take_box(placeholders.pop(slide_plan.data_frame))
            box = (Emu(data.left_emu), Emu(data.top_emu), Emu(data.width_emu), Emu(data.height_emu))
            if slide_plan.table is not None:
                caption = texts.get("Caption") or texts.get("Right Caption") or texts.get("Left Caption") or ()
                add_table(slide, box, slide_plan.table, fonts, "".join(p.plain for p in caption))
            elif slide_plan.chart is not None:
                _describe(add_chart(slide, box, slide_plan.chart, fonts), "Chart", slide_plan.chart.alt)
        if slide_plan.picture is not None:
            add_picture(slide, slide_plan.picture, slide_plan)
        builds = []
        moved = dict(slide_plan.moved)
        for name, ph in placeholders.items():
            paras = texts.get(name)
            if paras and name in moved:
                ph.left, ph.top, ph.width, ph.height = (Emu(v) for v in moved[name])
            if paras:
                frame = layout_frames.get(name)
                write_text(ph.text_frame, paras, fonts, title=name == "Title", frame=frame,
                           levels=frame if frame is not None and frame.explicit and name != "Title" else None)
                builds.append((ph, clicks(paras)))
                if name != "Title" and slide_plan.code_boxes and fonts.code is not None:
                    add_code_panels(slide, ph, slide_plan.code_boxes, fonts.code)
                for count, formula in enumerate((p.formula for p in paras if p.formula is not None), 1):
                    add_formula(slide, formula, formula_art, plan.formula_name.format(n=count), fonts.theme.math,
                                fonts.east_asian)
            else:
                _take_box(ph)   # an empty placeholder would show its prompt while editing
        for name, paras in texts.items():
            frame = layout_frames.get(name)
            if paras and name not in placeholders and frame is not None and frame.virtual:
                if name in moved:
                    left, top, width, height = moved[name]
                    frame = replace(frame, left_emu=left, top_emu=top, width_emu=width, height_emu=height)
                write_text(text_box(slide, frame).text_frame, paras, fonts, levels=frame)
                for count, formula in enumerate((p.formula for p in paras if p.formula is not None), 1):
                    add_formula(slide, formula, formula_art, plan.formula_name.format(n=count), fonts.theme.math,
                                fonts.east_asian)
        add_steps(slide, builds)
        if slide_plan.footer:
            _copy_footer(slide, choice.footers, plan.footer, number, fonts)
        write_text(slide.notes_slide.notes_text_frame, slide_plan.notes, fonts, notes=True)
    props = prs.core_properties
    props.title, props.author, props.subject = plan.title, plan.author, plan.subject
    props.language, props.last_modified_by, props.revision = plan.language, plan.author, 1
    props.created = props.modified = when.replace(tzinfo=None)
    props.last_printed = when.replace(tzinfo=None)
    return write_package(prs.part.package, when), len(plan.slides)
