"""Any reasonable template (issue 13, item 5): layouts found by placeholder type and standard names.

Each template is built from a real one (python-pptx's default, a zh-CN renaming of it, our reference
deck saved by LibreOffice), the deck is read back, and every slide must have its title in a title
placeholder, its table, chart and caption on the slide and nothing outside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from conftest import REPO, run_build
from readback import NS

TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
# PowerPoint's zh-CN names of its built-in layouts, in the order of python-pptx's default template.
ZH_LAYOUTS = ("标题幻灯片", "标题和内容", "节标题", "两栏内容", "比较", "仅标题", "空白", "内容与标题", "图片与标题",
              "标题和竖排文字", "竖排标题与文本")
LECTURE = """\
---
title: 模板测试
---
# 第一部分

## 要点

- 开放权重模型便于私有化部署
- 闭源模型通过 API 提供服务

## 模型对比

```{model-table}
:caption: 模型一览
```

```{chart}
:kind: parameters
:caption: 参数规模
:alt: 条形图：参数规模
```

# 第二部分

## 总结

- 第一点
- 第二点
"""


def _build(root: Path, out: Path, reference: Path, warnings: int = 0):
    result = run_build("pptx", "--project", str(root), "--out", str(out), "--force", "--reference", str(reference))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert result.err.count("warning") == warnings, result.err
    return Presentation(str(out / "intro.pptx")), result


def assert_titles_in_title_placeholders(prs, headings: list[str]) -> None:
    titles = []
    for number, slide in enumerate(prs.slides, 1):
        title = slide.shapes.title
        assert title is not None and title.placeholder_format.type in TITLE_TYPES, f"slide {number}"
        assert title.text_frame.text.strip(), f"slide {number} has an empty title"
        titles.append(title.text_frame.text)
        for shape in slide.shapes:   # nothing outside the slide, no placeholder left showing its prompt
            assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert 0 <= shape.top and shape.top + shape.height <= prs.slide_height, (number, shape.name)
            if shape.is_placeholder and shape.has_text_frame and shape.placeholder_format.type not in (
                    PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
                assert shape.text_frame.text.strip(), (number, shape.name)
    for heading in headings:
        assert any(t.startswith(heading) for t in titles), (heading, titles)


def _data_slides(prs):
    tables = [s for s in prs.slides if any(sh.has_table for sh in s.shapes)]
    charts = [s for s in prs.slides if any(sh.has_chart for sh in s.shapes)]
    return tables, charts


def _texts(slide) -> str:
    return "".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


@pytest.fixture
def project(make_project):
    return make_project(lecture=LECTURE)


HEADINGS = ["模板测试", "第一部分", "要点", "模型对比", "第二部分", "总结"]


def test_python_pptx_default_template(project, tmp_path):
    reference = tmp_path / "default.pptx"
    Presentation().save(str(reference))
    prs, _ = _build(project, tmp_path / "out", reference)
    assert_titles_in_title_placeholders(prs, HEADINGS)
    names = [s.slide_layout.name for s in prs.slides]
    assert names[0] == "Title Slide" and "Section Header" in names and "Title and Content" in names
    tables, charts = _data_slides(prs)
    assert tables and charts
    for slide in tables + charts:   # the template has no caption placeholder: a text box carries it
        assert "模型一览" in _texts(slide) or "参数规模" in _texts(slide)
        assert slide.slide_layout.name == "Title and Content"


def test_template_with_chinese_layout_and_placeholder_names(project, tmp_path):
    prs = Presentation()
    for layout, name in zip(prs.slide_layouts, ZH_LAYOUTS):
        layout._element.cSld.set("name", name)
        for n, ph in enumerate(layout.placeholders, 1):
            ph._element.nvSpPr.cNvPr.set("name", f"占位符 {n}")
    reference = tmp_path / "zh.pptx"
    prs.save(str(reference))
    deck, _ = _build(project, tmp_path / "out", reference)
    assert_titles_in_title_placeholders(deck, HEADINGS)
    names = [s.slide_layout.name for s in deck.slides]
    assert names[0] == "标题幻灯片" and "节标题" in names and "标题和内容" in names
    assert not {"比较", "竖排标题与文本", "标题和竖排文字", "空白"} & set(names)


def test_layouts_mapping_in_course_yaml(make_project, tmp_path):
    prs = Presentation()
    for layout in prs.slide_layouts:   # names no rule knows
        layout._element.cSld.set("name", "Layout " + layout.name.replace(" ", "")[::-1])
    reference = tmp_path / "odd.pptx"
    prs.save(str(reference))
    course = (REPO / "tests/projects/minimal/content/course.yaml").read_text(encoding="utf-8")
    mapped = course + "deck:\n  layouts:\n    section: Layout redaeHnoitceS\n    closing: Layout ylnOeltiT\n"
    root = make_project(lecture=LECTURE, course=mapped)
    deck, _ = _build(root, tmp_path / "out", reference)
    assert_titles_in_title_placeholders(deck, HEADINGS)
    names = [s.slide_layout.name for s in deck.slides]
    assert names[2] == "Layout redaeHnoitceS" and names[-1] == "Layout ylnOeltiT"

    wrong = course + "deck:\n  layouts:\n    section: 节标题\n"
    root = make_project(lecture=LECTURE, course=wrong, name="wrong")
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "o2"), "--reference", str(reference))
    assert result.code == 1 and "Traceback" not in result.err
    assert "'节标题'" in result.err and "'Layout redaeHnoitceS'" in result.err   # what was found


def test_template_without_title_placeholder_lists_what_it_has(project, tmp_path):
    prs = Presentation()
    for layout in prs.slide_layouts:
        for ph in list(layout.placeholders):
            if ph.placeholder_format.type in TITLE_TYPES:
                ph._element.getparent().remove(ph._element)
    reference = tmp_path / "untitled.pptx"
    prs.save(str(reference))
    for command in ("pptx", "check"):
        result = run_build(command, "--project", str(project), "--out", str(tmp_path / "out"), "--reference",
                           str(reference))
        assert result.code == 1 and "Traceback" not in result.err
        assert "no layout with a title placeholder" in result.err
        assert "'Title and Content' [obj 'Content Placeholder 2'" in result.err


def _soffice() -> str | None:
    found = shutil.which("soffice")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) is required when CI=true")
    return found


@pytest.mark.slow
def test_reference_deck_saved_by_libreoffice(project, tmp_path):
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "reference.pptx"
    shutil.copy(REPO / "templates/deck/reference.pptx", source)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "pptx:Impress MS PowerPoint 2007 XML", "--outdir", str(tmp_path / "lo"), str(source)],
                   check=True, capture_output=True, timeout=240)
    saved = tmp_path / "lo/reference.pptx"
    names = {layout.name for layout in Presentation(str(saved)).slide_layouts}
    assert "Title and Content" not in names   # LibreOffice renamed the layouts and their placeholders
    # LibreOffice keeps no section layout: one warning says which layout stands in
    deck, result = _build(project, tmp_path / "out", saved, warnings=1)
    assert "section slides use layout 'Title Slide'" in result.err
    assert_titles_in_title_placeholders(deck, HEADINGS)
    tables, charts = _data_slides(deck)
    assert tables and charts


def test_slide_size_flag_matches_the_size(project, tmp_path):
    prs, _ = _build(project, tmp_path / "out", REPO / "templates/deck/reference.pptx")
    with zipfile.ZipFile(tmp_path / "out/intro.pptx") as z:
        size = etree.fromstring(z.read("ppt/presentation.xml")).find("p:sldSz", NS)
    assert (int(size.get("cx")), int(size.get("cy"))) == (prs.slide_width, prs.slide_height)
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    assert size.get("type") in (None, "custom")   # screen16x9 is 10 × 5.625 in, not 13.333 × 7.5 in
