"""Pictures wherever the author put them (issue 13, item 4): in list items and boxes, and SVG figures as
SVG with a PNG fallback (``asvg:svgBlip``). Read back from the PPTX package."""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from conftest import run_build
from readback import NS

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
       '<rect x="10" y="10" width="180" height="80" fill="#2b5c9e"/><text x="20" y="60" font-size="24">编码器</text>'
       '</svg>')
LECTURE = """\
---
title: 图
---
# 部分

## 架构

- 第一点：结构如下

  ![列表项里的示意图](fig.svg)

- 第二点

::: note
框里的图：

![提示框里的示意图](fig.svg)
:::

## SVG

![独立的示意图](fig.svg "示意图")
"""
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
A = NS["a"]
R = NS["r"]


def _deck(make_project, tmp_path):
    root = make_project(lecture=LECTURE, files={"content/lectures/fig.svg": SVG})
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    return Presentation(str(out / "intro.pptx")), out / "intro.pptx"


def _pictures(slide):
    return [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_pictures_in_list_items_and_boxes_get_slides_after_their_text(make_project, tmp_path):
    prs, _ = _deck(make_project, tmp_path)
    slides = list(prs.slides)
    titles = [s.shapes.title.text_frame.text for s in slides]
    alts = [sh._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0] for s in slides for sh in _pictures(s)]
    assert alts == ["列表项里的示意图", "提示框里的示意图", "独立的示意图"]
    text = titles.index("架构")
    # on the item's slide (beside its text, issue 13 item 3) or on a slide right after it
    shown = next(i for i in (text, text + 1) if _pictures(slides[i]))
    assert titles[shown] == "架构" and "列表项里的示意图" in [
        sh._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0] for sh in _pictures(slides[shown])]


def test_svg_figure_is_svg_with_a_png_fallback(make_project, tmp_path):
    prs, path = _deck(make_project, tmp_path)
    with zipfile.ZipFile(path) as z:
        types = etree.fromstring(z.read("[Content_Types].xml"))
        checked = 0
        for slide in prs.slides:
            for picture in _pictures(slide):
                blip = picture._element.find(f".//{{{A}}}blip")
                svg_blip = blip.find(f".//{{{ASVG}}}svgBlip")
                assert svg_blip is not None
                svg_part = slide.part.related_part(svg_blip.get(f"{{{R}}}embed"))
                png_part = slide.part.related_part(blip.get(f"{{{R}}}embed"))
                assert svg_part.content_type == "image/svg+xml" and svg_part.blob.decode() == SVG
                assert png_part.content_type == "image/png"
                png = Image.open(io.BytesIO(png_part.blob))
                assert abs(png.width / png.height - 2.0) < 0.02                     # the SVG's aspect
                assert abs(picture.width / picture.height - 2.0) < 0.02
                assert len(png.convert("RGB").getcolors(1 << 16) or ()) > 2          # drawn, not blank
                name = str(svg_part.partname)
                assert any(o.get("PartName") == name and o.get("ContentType") == "image/svg+xml"
                           for o in types) or any(d.get("Extension") == "svg" for d in types)
                checked += 1
    assert checked == 3
