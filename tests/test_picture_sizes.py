"""Pictures as a new user's Typora/GitHub chapter places them (issue 12/19 follow-up).

``<img width=…>``, ``width="60%"`` and Typora's ``style="zoom:…"`` set the picture's size in the handout,
the HTML handout and the deck (never enlarging a picture past its natural size at 96 px per inch
unless pixels are asked for); ``<p align="center">`` centres its text; a Typora image path with a raw
space (``![…](../images/训练曲线 截图.png)``) is a picture when the file exists, and a warning at its
line with the fix when it does not.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from conftest import PROJECTS, run_build

LECTURE = """\
---
title: 图片尺寸
---

# 图片

<img src="../images/small.png" width="300" alt="小图放大到三百像素">

<img src="../images/big.png" width="60%" alt="大图占栏宽六成">

<p align="center"><img src="../images/big.png" style="zoom:25%" alt="大图缩放四分之一"></p>

<p align="center">图注：居中的一行说明文字</p>

![自然尺寸的小图](../images/small.png)

![训练曲线](../images/训练曲线 截图.png)

正文继续。
"""
MISSING = "\n![不存在的图](../images/没有 这张.png)\n"


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _project(root: Path, lecture: str) -> Path:
    """tests/projects/minimal at ``root`` with ``lecture`` as its lecture and three pictures."""
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "content/lectures/intro.md").write_text(lecture, encoding="utf-8")
    images = root / "content/images"
    images.mkdir()
    for name, size in (("small.png", (200, 100)), ("big.png", (1200, 600)), ("训练曲线 截图.png", (400, 200))):
        (images / name).write_bytes(_png(*size))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The project built as handout, HTML and deck (raw HTML on), with no warning."""
    root = _project(tmp_path_factory.mktemp("picture-sizes") / "proj", LECTURE)
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    for target in ("pdf", "html", "pptx"):
        result = run_build(target, "--project", str(root), "--out", str(root / "dist"), "--force")
        assert result.code == 0, result.err
        assert "warning" not in result.err, result.err
    return root / "dist"


# widths in pt the five figures are shown at in a 430-pt column: 300 px; 60 % of the column (258 pt,
# below the natural 900 pt); zoom 25 % of 900 pt; natural 150 pt (not enlarged); natural 300 pt
EXPECTED_PT = [225.0, 258.0, 225.0, 150.0, 300.0]


def test_handout_pictures_have_the_asked_sizes(built):
    """In the PDF the five pictures are drawn at the asked widths, in order."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(built / "intro.pdf"))
    widths = []
    try:
        for page in doc:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                left, _bottom, right, _top = obj.get_bounds()
                widths.append(right - left)
    finally:
        doc.close()
    assert len(widths) == len(EXPECTED_PT), widths
    assert all(abs(w - e) < 1.0 for w, e in zip(widths, EXPECTED_PT)), widths


def test_html_pictures_have_the_asked_sizes_and_centred_text(built):
    """The HTML page gives each picture the same width, and the <p align=center> text is centred."""
    page = (built / "html/intro.html").read_text(encoding="utf-8")
    widths = [float(w) for w in re.findall(r'<img src="assets/images/[^"]+" alt="[^"]*" style="width: ([\d.]+)pt[;"]', page)]
    assert widths == pytest.approx(EXPECTED_PT, abs=0.5)
    centred = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r'<p [^>]*style="text-align: center[^"]*"[^>]*>(.*?)</p>', page)]
    assert centred == ["图注：居中的一行说明文字"]
    assert page.count("训练曲线") >= 1 and "![训练曲线]" not in page


def test_deck_pictures_follow_the_asked_sizes(built):
    """On the slides the asked pictures keep their ratios to one another: the 300-px picture and the zoomed
    one come out the same width, the 60 % one wider; a picture without a size fills its frame as before."""
    from pptx import Presentation

    deck = Presentation(str(built / "intro.pptx"))
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 5
    asked = [p.width for p in pictures[:3]]
    assert abs(asked[0] - asked[2]) < 12700 and asked[1] > asked[0]
    assert abs(asked[0] - 225 * 12700) < 12700            # 300 px at 0.75 pt per px
    assert pictures[3].width > asked[0]                    # no size asked: the frame, as before


def test_spaced_typora_path_is_a_picture(built):
    """``![训练曲线](../images/训练曲线 截图.png)`` is a figure in the handout, not literal Markdown."""
    from readback import page_texts

    text = "".join(page_texts(built / "intro.pdf"))
    assert "![" not in text and "截图.png" not in text
    assert "训练曲线" in text


def test_spaced_path_of_a_missing_file_is_a_warning_at_its_line(tmp_path):
    """A raw-space path whose file is not there is reported at its own line with the pointy-bracket fix."""
    root = _project(tmp_path / "proj", LECTURE + MISSING)
    result = run_build("check", "--project", str(root))
    line = (LECTURE + MISSING).splitlines().index("![不存在的图](../images/没有 这张.png)") + 1
    assert f"intro.md:{line}" in result.err and "warning" in result.err, result.err
    assert "![不存在的图](<../images/没有 这张.png>)" in result.err


def test_a_size_that_cannot_be_read_is_a_warning_at_its_line(tmp_path):
    """``width="wide"`` is reported at the picture's line with what to write; the picture keeps its own size."""
    lecture = LECTURE.replace('width="300"', 'width="wide"')
    root = _project(tmp_path / "proj", lecture)
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    result = run_build("check", "--project", str(root))
    line = lecture.splitlines().index('<img src="../images/small.png" width="wide" alt="小图放大到三百像素">') + 1
    assert result.code == 0, result.err
    assert f'intro.md:{line}: picture size width="wide" cannot be read' in result.err, result.err
    assert 'style="zoom:50%"' in result.err
