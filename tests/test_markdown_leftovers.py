"""Issue 12 leftovers: HTML inline formatting on slides, HTML-block figure lines, pictures in table
cells and headings, undeclared data columns."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
import pypdf
from pptx import Presentation

from coursepress.load import load_course
from conftest import append_course, problems_of, run_build

RAW_HTML = "markdown:\n  raw_html: true\n"


def _png(size: tuple[int, int] = (40, 20), colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


with_course = append_course


def test_sup_sub_u_kbd_keep_their_formatting_on_slides_and_in_the_handout(make_project):
    body = "# 一\n\n::: slides\n- 面积 10<sup>3</sup> 平方米，H<sub>2</sub>O，<u>重点</u>，按 <kbd>Ctrl</kbd> 键\n:::\n"
    root = with_course(make_project(lecture=body), RAW_HTML)
    out = root / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and not result.err.strip(), result.err
    runs = {}
    for slide in Presentation(str(out / "intro.pptx")).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    for run in para.runs:
                        runs.setdefault(run.text.strip(), run._r)
    assert runs["3"].rPr.get("baseline") == "30000"
    assert runs["2"].rPr.get("baseline") == "-25000"
    assert runs["重点"].rPr.get("u") == "sng"
    latin = runs["Ctrl"].rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}latin")
    assert latin is not None and "Mono" in latin.get("typeface")
    assert all(runs[k].rPr.get("baseline") is None and runs[k].rPr.get("u") is None for k in runs if "面积" in k)
    course, _ = load_course(root)
    html = course.lectures[0].sections[0].blocks[0]
    styled = [n for item in html.blocks[0].items for p in item.blocks for n in p.children if n.kind == "styled"]
    assert [(n.style, n.children[0].text) for n in styled] == [("sup", "3"), ("sub", "2"), ("u", "重点"), ("kbd", "Ctrl")]


HTML_FIGURES = ('<div align="center"><img src="nope1.png" alt="甲"></div>\n\n'
                '<p align="center">\n  <img src="nope2.png" alt="乙">\n</p>\n\n'
                '<center>\n\n<img src="nope3.png">\n\n</center>\n\n'
                '<div align=center>\n  <img src="images/a.png" alt="">\n  <img src="nope4.png" alt="丁">\n</div>\n')


@pytest.mark.parametrize("inserted", ["", "\n\n\n", "前面一段。\n\n另一段\n跨两行。\n\n"])
def test_html_block_figures_report_the_line_of_their_own_img_tag(make_project, inserted):
    body = "# 一\n\n" + inserted + HTML_FIGURES
    root = with_course(make_project(lecture=body, files={"content/lectures/images/a.png": PNG}), RAW_HTML)
    errors, warnings = problems_of(root)
    shift = inserted.count("\n")
    missing = sorted((int(re.search(r"intro\.md:(\d+):", e).group(1)), re.search(r"'(nope\d)\.png'", e).group(1))
                     for e in errors)
    assert missing == [(3 + shift, "nope1"), (6 + shift, "nope2"), (11 + shift, "nope3"), (17 + shift, "nope4")]
    no_alt = sorted(int(re.search(r"intro\.md:(\d+):", w).group(1)) for w in warnings if "has no alt text" in w)
    assert no_alt == [11 + shift, 16 + shift]


def test_undeclared_column_without_columns_is_warned_once_and_an_error_under_strict(make_project):
    models = ("models:\n  - name: A\n    organisation: B\n    license: MIT\n"
              "  - name: C\n    organisation: D\n    license: Apache-2.0\n    contex_length: 8\n")
    root = make_project(models=models)
    errors, warnings = problems_of(root)
    assert errors == ["content/data/models.yaml:8:5: unknown field 'contex_length' in model 'C'; "
                      "did you mean 'context_k'?"]
    models = models.replace("    contex_length: 8\n", "")
    (root / "content/data/models.yaml").write_text(models, encoding="utf-8")
    errors, warnings = problems_of(root)
    told = [w for w in warnings if "license" in w]
    assert not errors and len(told) == 1
    assert told[0].startswith("content/data/models.yaml:4:5: 'license' is not a field of a model, so it is kept "
                              "as an extra column 'license'; declare it at the top of the file (columns: [license])")
    strict = run_build("check", "--project", str(root), "--strict")
    assert strict.code == 1 and "models.yaml:4:5: 'license' is not a field" in strict.err
    (root / "content/data/models.yaml").write_text("columns: [license]\n" + models, encoding="utf-8")
    errors, warnings = problems_of(root)
    assert not errors and not [w for w in warnings if "license" in w]


def test_pictures_in_headings_and_table_cells_inline_in_the_handout_on_slides_in_the_deck(make_project):
    body = ("# 第一部分 ![部分图标](images/icon.png)\n\n正文。\n\n| 名称 | 图 |\n|---|---|\n"
            "| 甲 | ![甲的截图](images/a.png) |\n| 乙 | <img src=\"images/b.png\" alt=\"乙的截图\"> |\n\n"
            "## 小节\n\n文字。\n")
    files = {"content/lectures/images/icon.png": _png((30, 30), (120, 40, 160)),
             "content/lectures/images/a.png": _png((200, 120), (40, 140, 60)),
             "content/lectures/images/b.png": _png((160, 90), (40, 90, 160))}
    root = with_course(make_project(lecture=body, files=files), RAW_HTML)
    out = root / "out"
    for kind in ("pdf", "pptx"):
        result = run_build(kind, "--project", str(root), "--out", str(out))
        assert result.code == 0 and not result.err.strip(), result.err
    reader = pypdf.PdfReader(str(out / "intro.pdf"))
    shown = sorted({img.image.size for page in reader.pages for img in page.images})
    assert shown == [(30, 30), (160, 90), (200, 120)]
    assert [title for title in reader.outline if not isinstance(title, list)][0].title == "一、第一部分"
    slides = Presentation(str(out / "intro.pptx")).slides
    pictures = [(shape.image.size, "".join(s.text_frame.text for s in slide.placeholders
                                           if s.placeholder_format.type == 2 or s.name == "Caption"))
                for slide in slides for shape in slide.shapes if shape.shape_type == 13]
    assert sorted(size for size, _ in pictures) == [(30, 30), (160, 90), (200, 120)]
    assert [caption for _, caption in pictures] == ["部分图标", "甲的截图", "乙的截图"]   # heading first, then the cells
    titles = [slide.shapes.title.text for slide in slides if slide.shapes.title is not None]
    assert "第一部分" in titles and not any(t.endswith(" ") for t in titles)


def test_lecture_number_on_cover_header_contents_and_title_slide_when_the_course_asks(make_project):
    body = "---\ntitle: 注意力机制\norder: 3\n---\n\n# 为什么\n\n文字。\n\n## 计算\n\n文字。\n"
    root = make_project(lecture=body)
    plain = root / "plain"
    assert run_build("all", "--project", str(root), "--out", str(plain)).code == 0
    with_course(root, "markdown:\n  heading_numbers: lecture\noutputs: [pdf, pptx, book]\n")
    out = root / "out"
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 0 and not result.err.strip(), result.err
    pages = [p.extract_text() for p in pypdf.PdfReader(str(out / "intro.pdf")).pages]
    assert "第三讲" in pages[0]                                          # the cover
    body_pages = [p for p in pages[2:] if "为什么" in p or "计算" in p]
    assert body_pages and all("第三讲" in p for p in body_pages)        # the running header
    assert "3.1" in "".join(pages[2:]) and "3.1.1" in "".join(pages[2:])
    title_slide = Presentation(str(out / "intro.pptx")).slides[0]
    assert "第三讲" in "\n".join(s.text_frame.text for s in title_slide.shapes if s.has_text_frame)
    book = pypdf.PdfReader(str(out / "book.pdf"))
    assert any("第三讲" in p.extract_text() for p in book.pages[:3])               # the book's contents
    assert any("第三讲" in item.title for item in book.outline if not isinstance(item, list))
    assert not any("第三讲" in p.extract_text() for p in pypdf.PdfReader(str(plain / "intro.pdf")).pages)


def test_typora_style_chapter_builds_with_warnings_and_every_picture(make_project):
    """A chapter as Typora writes it (pictures in lecture.assets/, <img style="zoom">, <p align=center>, a logo
    in the title heading, pictures in table cells, <sup>/<kbd>/<u>), built with front matter added only."""
    import shutil

    from PIL import Image

    from conftest import CASES

    root = with_course(make_project(name="typora"), RAW_HTML)
    lectures = root / "content/lectures"
    (lectures / "intro.md").unlink()
    shutil.copytree(CASES / "typora-chapter/lecture.assets", lectures / "lecture.assets")
    text = (CASES / "typora-chapter/lecture.md").read_text(encoding="utf-8")
    (lectures / "lecture.md").write_text("---\ntitle: 预训练语言模型\n---\n" + text, encoding="utf-8")
    out = root / "out"
    for kind in ("pdf", "pptx"):
        result = run_build(kind, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "Traceback" not in result.err, result.err
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert all(line.startswith("warning: ") for line in lines), lines
        assert any("lecture.md:4: image 'lecture.assets/logo.png' has no alt text" in line for line in lines)
    def shape(size: tuple[int, int]) -> float:        # pictures are prepared at print size: compare shapes
        return round(size[0] / size[1], 1)

    pictures = sorted(shape(Image.open(p).size) for p in (lectures / "lecture.assets").iterdir())
    reader = pypdf.PdfReader(str(out / "lecture.pdf"))
    shown = {img.data: img.image.size for page in reader.pages for img in page.images}    # resources are shared
    assert sorted(map(shape, shown.values())) == pictures                                   # all five, once
    deck = Presentation(str(out / "lecture.pptx"))
    on_slides = sorted(shape(Image.open(io.BytesIO(s.image.blob)).size) for slide in deck.slides for s in slide.shapes
                       if s.shape_type == 13)
    assert on_slides == pictures
