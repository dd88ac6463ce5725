"""What the author set carries to the slides (issue 13, leftovers of the new-user test): a paragraph the
author centred (``<p align="center">``) is centred on its slide (``a:pPr/@algn="ctr"``), with or without
``::: slides``; a picture inside a table cell gets the width its ``<img width>`` asks for on its picture
slide. Read back from the PPTX."""

from __future__ import annotations

import io

from PIL import Image
from pptx import Presentation

from conftest import run_build
from readback import NS, slide_title as title

EMU_PER_PT = 12700
A = f"{{{NS['a']}}}"
LECTURE = """\
---
title: 对齐
---
# 部分

## 散文

<p align="center">居中的一句话。</p>

普通的一段话，不居中。

## 要点

::: slides
<p align="center">幻灯片上居中的结论</p>

- 普通要点
:::

## 表格

| 图标 | 名称 |
|---|---|
| <img src="images/icon.png" alt="小图标" width="120"> | 有宽度的图标 |
| ![大图标](images/icon.png) | 没有宽度的图标 |
"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _deck(make_project, tmp_path) -> Presentation:
    root = make_project(lecture=LECTURE, files={"content/lectures/images/icon.png": _png()})
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err and "Traceback" not in result.err, result.err
    return Presentation(str(out / "intro.pptx"))


def _align(prs, text: str) -> str:
    """``algn`` of the slide paragraph holding ``text`` ("" when it has none)."""
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for para in shape.text_frame.paragraphs:
                if text in "".join(r.text for r in para.runs):
                    ppr = para._p.find(f"{A}pPr")
                    return ppr.get("algn", "") if ppr is not None else ""
    raise AssertionError(f"'{text}' is on no slide")


def test_centred_paragraphs_are_centred_on_slides_and_cell_pictures_keep_their_width(make_project, tmp_path):
    prs = _deck(make_project, tmp_path)
    assert _align(prs, "居中的一句话") == "ctr"
    assert _align(prs, "普通的一段话") == ""
    assert _align(prs, "幻灯片上居中的结论") == "ctr"
    assert _align(prs, "普通要点") == ""
    pictures = [(title(slide), shape) for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 2
    sized, natural = (shape for _, shape in pictures)
    assert abs(sized.width / EMU_PER_PT - 120 * 0.75) < 1            # width="120": 120 CSS px = 90 pt
    assert abs(sized.width / sized.height - 2.0) < 0.02              # aspect kept
    assert natural.width / EMU_PER_PT > 200                          # no width: as large as the frame allows


def test_handout_sets_a_cell_picture_at_its_width(make_project, tmp_path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    root = make_project(lecture=LECTURE, files={"content/lectures/images/icon.png": _png()})
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0 and "warning" not in result.err, result.err
    doc = pdfium.PdfDocument(str(tmp_path / "out/intro.pdf"))
    widths = sorted(round(right - left, 1) for page in doc
                    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
                    for left, _bottom, right, _top in [obj.get_bounds()])
    assert len(widths) == 2
    assert abs(widths[0] - 90.0) < 1 and widths[1] > 120, widths    # width="120": 90 pt; the other at most 30 mm high
