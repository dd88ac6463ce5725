"""Display formulas on slides: native Office Math in a shape of its own, a picture for other viewers.

Each formula is written as PowerPoint writes an equation: an
``mc:AlternateContent`` (ECMA-376 Part 3, markup compatibility) whose
``mc:Choice Requires="a14"`` branch is a text box holding ``a14:m`` →
``m:oMathPara`` (editable in PowerPoint; LibreOffice ≥ 7.4 with its Math
module draws it too, when the formula is alone in its shape), and whose
``mc:Fallback`` is a picture of the same formula (PNG, from the handout's SVG)
for viewers that read no Office Math (WPS, Keynote, older viewers). Both
carry the TeX as their description (alt text).

The text placeholder keeps an empty paragraph of the formula's height where
the formula stands (exact line spacing), so the text after it flows below it.
"""

from __future__ import annotations

import io
from typing import Callable

from lxml import etree
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from ...errors import ContentError, SourcePos, excerpt
from ...units import EMU_PER_PT
from .fit import FORMULA_PAD_PT
from .nodes import Formula

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A14_NS = "http://schemas.microsoft.com/office/drawing/2010/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"

# (TeX, source position) → (m:oMathPara element, PNG bytes)
FormulaArt = Callable[[Formula], tuple[object, bytes]]


def spacer(paragraph, formula: Formula, size_pt: float, before_pt: float = 0.0) -> None:
    """Make ``paragraph`` an empty line exactly as tall as ``formula`` plus its padding, ``before_pt`` below
    the paragraph before it."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "0")
    ppr.set("indent", "0")
    line = etree.Element(qn("a:lnSpc"))
    etree.SubElement(line, qn("a:spcPts")).set("val", str(int(round((formula.height_emu / EMU_PER_PT + 2 * FORMULA_PAD_PT) * 100))))
    before = etree.Element(qn("a:spcBef"))
    etree.SubElement(before, qn("a:spcPts")).set("val", str(int(round(before_pt * 100))))
    ppr.insert(0, before)
    ppr.insert(0, line)
    if ppr.find(qn("a:buNone")) is None:
        etree.SubElement(ppr, qn("a:buNone"))
    end = paragraph._p.get_or_add_endParaRPr()
    if size_pt:
        end.set("sz", str(int(round(size_pt * 100))))


def _xfrm(parent, tag: str, formula: Formula) -> None:
    xfrm = etree.SubElement(parent, tag)
    etree.SubElement(xfrm, qn("a:off"), x=str(formula.left_emu), y=str(formula.top_emu))
    etree.SubElement(xfrm, qn("a:ext"), cx=str(formula.width_emu), cy=str(formula.height_emu))


def _nv(parent, tag: str, shape_id: int, name: str, descr: str, kind: str):
    nv = etree.SubElement(parent, tag)
    etree.SubElement(nv, qn("p:cNvPr"), id=str(shape_id), name=name, descr=descr)
    etree.SubElement(nv, qn(kind), {"txBox": "1"} if kind == "p:cNvSpPr" else {})
    etree.SubElement(nv, qn("p:nvPr"))
    return nv


def _math_shape(formula: Formula, omml, shape_id: int, name: str, math_font: str, east_asian: str):
    sp = etree.Element(qn("p:sp"))
    _nv(sp, qn("p:nvSpPr"), shape_id, name, formula.tex, "p:cNvSpPr")
    sppr = etree.SubElement(sp, qn("p:spPr"))
    _xfrm(sppr, qn("a:xfrm"), formula)
    etree.SubElement(etree.SubElement(sppr, qn("a:prstGeom"), prst="rect"), qn("a:avLst"))
    etree.SubElement(sppr, qn("a:noFill"))
    body = etree.SubElement(sp, qn("p:txBody"))
    etree.SubElement(body, qn("a:bodyPr"), wrap="none", lIns="0", tIns="0", rIns="0", bIns="0", anchor="ctr")
    etree.SubElement(body, qn("a:lstStyle"))
    p = etree.SubElement(body, qn("a:p"))
    etree.SubElement(etree.SubElement(p, qn("a:pPr")), qn("a:buNone"))
    holder = etree.SubElement(p, f"{{{A14_NS}}}m", nsmap={"a14": A14_NS})
    holder.append(omml)
    _office_runs(omml, formula.size_pt, math_font, east_asian)
    etree.SubElement(p, qn("a:endParaRPr"), lang="en-US")
    return sp


def _office_runs(omml, size_pt: float, math_font: str, east_asian: str) -> None:
    """Give each ``m:r`` the DrawingML run properties PowerPoint writes: size and the math font (the
    theme's ``deck.math``, Cambria Math: the face PowerPoint sets equations in) as ``a:latin`` and
    ``a:cs``, ``east_asian`` (the deck's CJK face) as ``a:ea`` for Chinese in ``\\text{…}``."""
    for run in omml.iter(f"{{{M_NS}}}r"):
        rpr = etree.Element(qn("a:rPr"), lang="en-US")
        if size_pt:
            rpr.set("sz", str(int(round(size_pt * 100))))
        etree.SubElement(rpr, qn("a:latin"), typeface=math_font)
        if east_asian:
            etree.SubElement(rpr, qn("a:ea"), typeface=east_asian)
        etree.SubElement(rpr, qn("a:cs"), typeface=math_font)
        math_props = run.find(f"{{{M_NS}}}rPr")
        run.insert(1 if math_props is not None else 0, rpr)


def _picture(formula: Formula, rid: str, shape_id: int, name: str):
    pic = etree.Element(qn("p:pic"))
    nv = etree.SubElement(pic, qn("p:nvPicPr"))
    etree.SubElement(nv, qn("p:cNvPr"), id=str(shape_id), name=name, descr=formula.tex)
    etree.SubElement(etree.SubElement(nv, qn("p:cNvPicPr")), qn("a:picLocks"), noChangeAspect="1")
    etree.SubElement(nv, qn("p:nvPr"))
    fill = etree.SubElement(pic, qn("p:blipFill"))
    etree.SubElement(fill, qn("a:blip"), {qn("r:embed"): rid})
    etree.SubElement(etree.SubElement(fill, qn("a:stretch")), qn("a:fillRect"))
    sppr = etree.SubElement(pic, qn("p:spPr"))
    _xfrm(sppr, qn("a:xfrm"), formula)
    etree.SubElement(etree.SubElement(sppr, qn("a:prstGeom"), prst="rect"), qn("a:avLst"))
    return pic


def formula_omml(formula: Formula, file: str = ""):
    """The ``m:oMathPara`` of display formula ``formula`` (latex2mathml through :mod:`coursepress.mathtree`,
    then :mod:`.omml`): the one conversion the build and ``check`` run.

    Raises:
        ContentError: the formula cannot be converted (at ``formula.pos``, else in ``file``).
    """
    from ...mathtex import to_mathml
    from .omml import mathml_to_omml

    try:
        return mathml_to_omml(to_mathml(formula.tex, True), display=True)
    except Exception as exc:   # latex2mathml or the converter: a formula problem, named at its line
        raise ContentError(formula.pos or SourcePos(file), f"the formula '{excerpt(formula.tex)}' cannot be converted "
                           f"to an equation ({type(exc).__name__}: {exc})",
                           "simplify the TeX or write it with commands LaTeX's amsmath knows") from None


def formula_art(renderer=None) -> FormulaArt:
    """The OMML (:func:`formula_omml`) and the fallback PNG (``renderer``, a
    :class:`~coursepress.mathrender.MathRenderer`; a new one when None) of a display formula."""
    from ...mathrender import MathRenderer

    renderer = renderer or MathRenderer()

    def art(formula: Formula):
        omml = formula_omml(formula)
        png, _width, _height = renderer.png(formula.tex, formula.pos)
        return omml, png
    return art


def add_formula(slide, formula: Formula, art: FormulaArt | None, name: str, math_font: str,
                east_asian: str = "") -> None:
    """Append ``formula`` to ``slide`` as AlternateContent (OMML shape, picture fallback) at its box.

    ``name`` is the shape's name ("formula 1", "formula 2" … counted per slide: the plan's
    ``formula_name``, the catalogue's ``deck.formula_name``),
    ``math_font`` the face of its runs, ``east_asian`` their ``a:ea`` face (Chinese in ``\\text{…}``);
    ``art`` draws it (:func:`formula_art` when None).
    """
    omml, png = (art or formula_art())(formula)
    _part, rid = slide.part.get_or_add_image_part(io.BytesIO(png))
    tree = slide.shapes._spTree
    shape_id = max(int(x) for x in tree.xpath("//p:cNvPr/@id")) + 1
    alternate = etree.SubElement(tree, f"{{{MC_NS}}}AlternateContent", nsmap={"mc": MC_NS})
    choice = etree.SubElement(alternate, f"{{{MC_NS}}}Choice", Requires="a14", nsmap={"a14": A14_NS})
    choice.append(_math_shape(formula, omml, shape_id, name, math_font, east_asian))
    fallback = etree.SubElement(alternate, f"{{{MC_NS}}}Fallback")
    fallback.append(_picture(formula, rid, shape_id, name))
    if formula.number:
        _number_box(slide, formula)


def _number_box(slide, formula: Formula) -> None:
    """The formula's equation number as a text box right-aligned at ``formula.number_right_emu``, on the
    formula's middle, in the body's size and theme font (where the handout prints it: the right margin)."""
    size_pt = formula.number_size_pt or formula.size_pt
    width_emu = int((len(formula.number) + 1) * size_pt * EMU_PER_PT)   # at most 1 em a character: ample
    box = slide.shapes.add_textbox(Emu(formula.number_right_emu - width_emu), Emu(formula.top_emu),
                                   Emu(width_emu), Emu(formula.height_emu))
    frame = box.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    frame.word_wrap = False
    frame.auto_size = MSO_AUTO_SIZE.NONE     # a viewer must not resize the box: its right edge is the margin
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    run = paragraph.add_run()
    run.text = formula.number
    run.font.size = Pt(size_pt)
