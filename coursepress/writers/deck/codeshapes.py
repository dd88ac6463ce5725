"""Code on slides, the shapes and spacing: coloured runs, fixed line pitch, the panel behind a block.

The panels are rectangles drawn behind the body placeholder at the offsets the
fitter measured (:meth:`coursepress.writers.deck.fit.Fitter.code_panels`); the text of
such a frame gets an exact line pitch (``a:spcPts``), so every viewer puts the
lines where the panels expect them.
"""

from __future__ import annotations

from typing import Optional

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from ...code import CodeTheme
from .code import PANEL_GAP_PT
from ...units import EMU_PER_PT
from .nodes import CodeBox, Para



def colour_run(rpr, hex_colour: str) -> None:
    """``a:solidFill`` of ``#rrggbb`` as the first child of ``rpr`` (before the fonts, in schema order)."""
    fill = etree.Element(qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", hex_colour.lstrip("#").upper())
    rpr.insert(0, fill)


def spacing(ppr, line_pt: float, before_pt: float, after_pt: Optional[float]) -> None:
    """Exact line pitch and space before (and after, unless None) of a paragraph, in pt:
    ``a:lnSpc``/``a:spcBef``/``a:spcAft`` with ``a:spcPts``, first in ``a:pPr`` (schema order)."""
    for tag in ("a:lnSpc", "a:spcBef", "a:spcAft"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    values = [("a:lnSpc", line_pt), ("a:spcBef", before_pt)] + ([("a:spcAft", after_pt)] if after_pt is not None else [])
    for index, (tag, points) in enumerate(values):
        element = etree.Element(qn(tag))
        etree.SubElement(element, qn("a:spcPts")).set("val", str(int(round(points * 100))))
        ppr.insert(index, element)


def code_spacing(paragraph, para: Para, first: bool, last: bool, theme: CodeTheme) -> None:
    """A code line: inside the panel's margins, at the theme's fixed pitch, with the panel's pad before
    the block's first line (unless it opens the frame) and after its last."""
    pad = theme.slide_pad_pt
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(pad * EMU_PER_PT)))
    ppr.set("marR", str(int(pad * EMU_PER_PT)))
    ppr.set("indent", "0")
    opens_frame = paragraph._p.getprevious() is None
    spacing(ppr, para.size_pt * theme.slide_line, pad + PANEL_GAP_PT if first and not opens_frame else 0.0,
            pad if last else 0.0)


def add_code_panels(slide, body, boxes: tuple[CodeBox, ...], theme: CodeTheme) -> None:
    """Panels behind the code blocks of ``body`` (a placeholder): code filled, output framed dashed.

    Each panel spans the frame's text width and the block's fitted height, and
    is put just before ``body`` in the shape tree so it is drawn behind the text.
    """
    frame_top = body.top + body.text_frame.margin_top
    for index, box in enumerate(boxes):
        colours = theme.code if box.style == "code" else theme.output
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, body.left + body.text_frame.margin_left,
                                       Emu(frame_top + int(box.top_pt * EMU_PER_PT)),
                                       Emu(body.width - body.text_frame.margin_left - body.text_frame.margin_right),
                                       Emu(int(box.height_pt * EMU_PER_PT)))
        shape._element.xpath("./*[1]/p:cNvPr")[0].set("name", f"Code panel {index + 1}")
        shape.shadow.inherit = False
        if colours.get("background"):
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor.from_string(colours["background"].lstrip("#").upper())
        else:
            shape.fill.background()
        if box.style == "output" and colours.get("border"):
            shape.line.color.rgb = RGBColor.from_string(colours["border"].lstrip("#").upper())
            shape.line.width = Pt(0.75)
            shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        else:
            shape.line.fill.background()
        shape.text_frame.text = ""
        body._element.addprevious(shape._element)
