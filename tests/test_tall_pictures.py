"""Tall pictures fit the page (new-user test, item 1: a 600 × 1400 px phone screenshot ran 229 pt
below the handout page's edge and its caption "图 8" sat alone on the next page).

Every kind of picture a chapter may hold (a raster figure, an SVG figure, a figure in a list item,
an ``<img width>``-sized figure, a centred HTML picture, a picture in a table cell) is read back
from the handout and the course book PDFs: each image's placed box lies inside the page box, its
aspect ratio is the source's, and each figure's caption is on its picture's page. The slides PDF
(pictures at the deck plan's boxes) is held to the same page box.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from conftest import PROJECTS, run_build
from readback import image_sizes, norm

LECTURE = """\
---
title: 长图
---

# 手机截图

开头一段正文。

![手机端对话界面](../images/tall.png)

![竖长的示意图](../images/tall.svg)

1. 列表里的一步：

   ![列表中的长截图](../images/tall.png)

2. 下一步。

<img src="../images/tall.png" width="600" alt="按宽度六百像素的长图">

<p align="center"><img src="../images/tall.png" width="500" alt="居中的长图"></p>

| 步骤 | 截图 |
|---|---|
| 登录 | ![表格里的长图](../images/tall.png) |

正文结束。
"""
TALL_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="500" height="1500" viewBox="0 0 500 1500">
<rect x="0" y="0" width="500" height="1500" fill="#3060a0"/><circle cx="250" cy="750" r="200" fill="#ffffff"/></svg>
"""
TALL = (1200, 2800)    # natural 900 × 2100 pt: the column would print it 430 × 1003 pt


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def tall_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tall") / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "\nmarkdown:\n  raw_html: true\n", encoding="utf-8")
    (root / "content/lectures/intro.md").write_text(LECTURE, encoding="utf-8")
    images = root / "content/images"
    images.mkdir()
    (images / "tall.png").write_bytes(_png(*TALL))
    (images / "tall.svg").write_text(TALL_SVG, encoding="utf-8")
    return root


def _placed(pdf: Path) -> list[tuple[int, tuple[float, float, float, float], tuple[float, float, float, float]]]:
    """(page index, box (left, bottom, right, top) pt, page box) of every image, form or path drawn
    (WeasyPrint draws an SVG as paths)."""
    found = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(doc)):
            page = doc[index]
            box = (0.0, 0.0, float(page.get_width()), float(page.get_height()))
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM,
                                                pdfium_c.FPDF_PAGEOBJ_PATH],
                                        max_depth=1):
                found.append((index, tuple(float(v) for v in obj.get_bounds()), box))
    finally:
        doc.close()
    return found


def _page_texts(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [norm(doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()


def _check(pdf: Path, figures: int) -> None:
    placed = _placed(pdf)
    for index, (left, bottom, right, top), (pl, pb, pr, pt) in placed:
        assert pl - 0.5 <= left and right <= pr + 0.5 and pb - 0.5 <= bottom and top <= pt + 0.5, \
            f"page {index + 1}: picture at {(left, bottom, right, top)} outside the page {(pl, pb, pr, pt)}"
    rasters = [(i, b) for i, b, _ in placed if abs((b[3] - b[1]) / (b[2] - b[0]) - TALL[1] / TALL[0]) < 0.02]
    assert len(rasters) >= 4, placed                       # every tall PNG kept its aspect ratio
    tall = [(i, b) for i, b, _ in placed if b[3] - b[1] > 400]
    assert len(tall) >= figures, tall                       # each figure drawn large, not dropped
    texts = _page_texts(pdf)
    image_pages = sorted({i for i, _b in tall})
    for number in range(1, figures + 1):
        label = norm(f"图 {number}")
        pages = [i for i, t in enumerate(texts) if label in t]
        assert pages, f"caption {label} not found"
        assert pages[0] in image_pages, f"caption {label} on page {pages[0] + 1}, pictures on {image_pages}"


@pytest.mark.slow
def test_tall_pictures_fit_the_handout_page(tall_project: Path) -> None:
    out = tall_project / "dist-pdf"
    run = run_build("pdf", "--project", str(tall_project), "--out", str(out))
    assert run.code == 0, run.err
    assert "warning" not in run.err.lower(), run.err
    pdf = next(out.glob("*.pdf"))
    _check(pdf, 5)
    # embedded at 200 dpi of the capped size: ≈ 285 pt wide is ≈ 792 px, not the 1194 px of the 430 pt
    # column (nor the source's 1200); prepared so, or resampled after layout (writers/pdfimages.py)
    widths = [w for w, h in image_sizes(pdf) if abs(h / w - TALL[1] / TALL[0]) < 0.02]
    assert widths and max(widths) <= 800, image_sizes(pdf)


@pytest.mark.slow
def test_tall_pictures_fit_the_book_page(tall_project: Path) -> None:
    out = tall_project / "dist-book"
    run = run_build("book", "--project", str(tall_project), "--out", str(out))
    assert run.code == 0, run.err
    _check(next(out.glob("*.pdf")), 5)


@pytest.mark.slow
def test_tall_pictures_fit_the_slides_and_notes_pages(tall_project: Path) -> None:
    out = tall_project / "dist-slides"
    run = run_build("slides", "notes", "--project", str(tall_project), "--out", str(out))
    assert run.code == 0, run.err
    assert len(list(out.glob("*.pdf"))) == 2
    for pdf in out.glob("*.pdf"):
        for index, (left, bottom, right, top), (pl, pb, pr, pt) in _placed(pdf):
            assert pl - 0.5 <= left and right <= pr + 0.5 and pb - 0.5 <= bottom and top <= pt + 0.5, (index, pdf)


@pytest.mark.slow
def test_tall_pictures_fit_the_browser_window(tall_project: Path) -> None:
    """The HTML handout caps a picture's width so its height is at most 85 % of the viewport."""
    import re

    out = tall_project / "dist-html"
    run = run_build("html", "--project", str(tall_project), "--out", str(out))
    assert run.code == 0, run.err
    page = next(p for p in (out / "html").glob("*.html") if "tall" in p.read_text(encoding="utf-8")
                or "intro" in p.name)
    caps = re.findall(r'<img[^>]*style="width: [\d.]+pt; max-width: min\(100%, ([\d.]+)vh\)"',
                      page.read_text(encoding="utf-8"))
    assert len(caps) >= 5, caps
    assert sum(abs(float(c) - 85 * TALL[0] / TALL[1]) < 0.05 for c in caps) >= 4, caps   # the tall PNGs


def test_tall_pictures_are_prepared_for_their_capped_size(tall_project: Path, tmp_path: Path) -> None:
    """The image preparation is asked for the capped width (its URL names the prepared pixels), so no
    more pixels are made than the page shows: ≈ 285 pt at 200 dpi ≈ 792 px, not the column's 1194."""
    import re

    from coursepress.errors import Problems
    from coursepress.load import load_course
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.handout import render_html

    course, _problems = load_course(tall_project)
    html = render_html(locate(tall_project, None), course, course.lectures[0], BuildSettings(out_dir=tmp_path),
                       Problems(False))
    sizes = [(int(w), int(h)) for w, h in re.findall(r'src="coursepress-image:[0-9a-f]+-(\d+)x(\d+)-', html)]
    tall = [(w, h) for w, h in sizes if abs(h / w - TALL[1] / TALL[0]) < 0.02 and h > 400]
    assert len(tall) >= 4 and max(w for w, _h in tall) <= 800, sizes
