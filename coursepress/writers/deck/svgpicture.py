"""SVG figures on slides: the SVG itself for PowerPoint 2016+, a PNG rendering for every other viewer.

PowerPoint stores an SVG picture as an ordinary ``p:pic`` whose ``a:blip``
points at a PNG and carries, in its extension list, an ``asvg:svgBlip``
pointing at the SVG part (Office extension ``{96DAC541-7B7A-43D3-8B79-
37D633B846F1}``, [MS-ODRAWXML] §2.3.4.1 / 2016 SVG namespace). Viewers that
know the extension (PowerPoint 2016+, Microsoft 365) draw the SVG; the others
(LibreOffice, WPS, older PowerPoint) draw the PNG. The PNG is rendered with
resvg (resvg-py) from the shipped fonts only, no system font, so it looks the
same on every machine.
"""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.oxml.ns import qn
from pptx.util import Emu

from ...theme import Theme

SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FALLBACK_WIDTH_PX = 1600          # wide enough for a full-width picture on a 13.3 in slide at 120 dpi


def png_fallback(svg: bytes, font_dirs: list[Path], theme: Theme, width_px: int = FALLBACK_WIDTH_PX) -> bytes:
    """``svg`` rendered to PNG ``width_px`` wide on the theme's ``deck.picture_background`` (white), text in
    the fonts under ``font_dirs`` only, generic and unnamed families in the theme's ``sans`` face.

    Raises:
        ValueError: resvg cannot parse or render the SVG.
    """
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width=width_px, background=theme.picture_background,
                                       skip_system_fonts=True, font_dirs=[str(d) for d in font_dirs],
                                       sans_serif_family=theme.sans, font_family=theme.sans))


def add_svg_picture(slide, svg: bytes, png: bytes, box):
    """A picture of ``png`` in ``box`` (left, top, width, height, EMU) whose blip also names the SVG part."""
    left, top, width, height = box
    picture = slide.shapes.add_picture(io.BytesIO(png), Emu(left), Emu(top), Emu(width), Emu(height))
    package = slide.part.package
    part = Part(package.next_partname("/ppt/media/image%d.svg"), "image/svg+xml", package, svg)
    rid = slide.part.relate_to(part, RT.IMAGE)
    blip = picture._element.find(f".//{qn('a:blip')}")
    ext_list = blip.find(qn("a:extLst"))
    if ext_list is None:
        ext_list = etree.SubElement(blip, qn("a:extLst"))
    ext = etree.SubElement(ext_list, qn("a:ext"), uri=SVG_EXT_URI)
    svg_blip = etree.SubElement(ext, f"{{{ASVG}}}svgBlip", nsmap={"asvg": ASVG})
    svg_blip.set(f"{{{R}}}embed", rid)
    return picture
