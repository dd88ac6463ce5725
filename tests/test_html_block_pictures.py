"""Pictures in HTML blocks that also hold other markup (``raw_html`` on): a ``<figure>`` with its
``<figcaption>``, a centred paragraph with a ``<sup>`` caption, a picture after a DataFrame table. The
sanitiser keeps no ``<img>``, so each was in no output and nothing said so (issue 20, sixth session,
second reading)."""

from __future__ import annotations

import io

import pypdf
import pytest
from pptx import Presentation

from conftest import run_build
from readback import handout_and_deck_text, norm

BODY = '''# 一

<figure>
<img src="images/a.png" alt="红色方块">
<figcaption>方块的说明</figcaption>
</figure>

<p align="center"><img src="images/b.png" alt="绿色方块"><br><sup>上标的说明</sup></p>

<div>
<table><tr><th>列</th></tr><tr><td>值</td></tr></table>
<p>表后的文字 <img src="images/c.png" alt="蓝色方块"></p>
</div>

见[](#fig-3)。

<p>脚本里的 <script>var s = '<img src="images/zzz.png">';</script>不是图。</p>
'''


def _png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


SIZES = {"a": (200, 100), "b": (120, 90), "c": (90, 150)}


@pytest.mark.slow
def test_pictures_in_html_blocks_with_other_markup_are_figures(make_project):
    files = {f"content/lectures/images/{name}.png": _png(size, (40 * k, 200 - 40 * k, 90))
             for k, (name, size) in enumerate(SIZES.items())}
    root = make_project(lecture=BODY, files=files)
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    out = root / "dist"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err     # zzz.png (in a script) is not read

    from PIL import Image
    reader = pypdf.PdfReader(str(out / "intro.pdf"))
    shown = sorted({img.data: img.image.size for page in reader.pages for img in page.images}.values())
    assert shown == sorted(SIZES.values())
    prs = Presentation(str(out / "intro.pptx"))
    on_slides = sorted(Image.open(io.BytesIO(s.image.blob)).size for slide in prs.slides for s in slide.shapes
                       if s.shape_type == 13)
    assert on_slides == sorted(SIZES.values())

    handout, slides, notes = (norm(text) for text in handout_and_deck_text(out))
    for words in ("方块的说明", "上标的说明", "表后的文字", "不是图", "见图3"):
        assert words in handout, words
        assert words in slides + notes, words
    for number in ("图1红色方块", "图2绿色方块", "图3蓝色方块"):
        assert number in handout, number


GRID = '''# 一

<table>
<tr><th>模型</th><th>示意</th></tr>
<tr><td>甲</td><td><img src="images/a.png" alt="甲的图"> 说明</td></tr>
<tr><td>乙</td><td>
<img src="images/b.png" alt="乙的图"></td></tr>
</table>
'''


@pytest.mark.slow
def test_pictures_in_html_table_cells_are_kept(make_project):
    """A README's table of pictures (``<td><img …></td>``): each cell kept only its text, so the pictures were
    in no output. Now each is a picture in its cell, as in a Markdown table, at its own line."""
    from coursepress import model as m
    from coursepress.load import load_course

    files = {f"content/lectures/images/{name}.png": _png(size, (90, 90, 90)) for name, size in SIZES.items()}
    root = make_project(lecture=GRID, files=files)
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    (table,) = course.lectures[0].sections[0].blocks
    cells = [[c.children for c in row] for row in table.rows]
    pictures = [(n.alt, n.line) for row in cells for children in row for n in children if isinstance(n, m.Picture)]
    assert pictures == [("甲的图", 5), ("乙的图", 7)]
    assert m.plain_text(table.rows[0][1].children).strip() == "说明"

    from PIL import Image
    out = root / "dist"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    reader = pypdf.PdfReader(str(out / "intro.pdf"))
    wanted = sorted([SIZES["a"], SIZES["b"]])
    assert sorted({img.data: img.image.size for page in reader.pages for img in page.images}.values()) == wanted
    prs = Presentation(str(out / "intro.pptx"))
    assert sorted(Image.open(io.BytesIO(s.image.blob)).size for slide in prs.slides for s in slide.shapes
                  if s.shape_type == 13) == wanted
