"""The pure layers, in process and without a build: Markdown → document model (:mod:`coursepress.load`)
and document model → slide plan (the deck writer's planner), on a small lecture written as
GitHub authors write. Fast (no subprocess, no PDF or PPTX written): the everyday run checks
the model and the plan here and leaves the files to the build tests."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from coursepress import model as m
from coursepress.errors import Problems
from coursepress.load import load_course
from coursepress.writers import BuildSettings

LECTURE = """\
---
title: 纯层测试
---

## 背景

大模型的规模在增长[^a]。第二次引用同一脚注[^a]，第三处引用另一个[^b]。

下面是一张示意图：
![训练流程示意](images/flow.png)

| 模型 | 参数 |
|---|---|
| 甲 | 70 亿 |
| 乙 | 130 亿 |
| 丙 | 700 亿 |

### 细节

1. 第一步
2. 第二步

## 方法

方法一句话。方法第二句话。

[^a]: 第一个脚注。
[^b]: 第二个脚注。
"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), (200, 60, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(course, problems, lecture) of the small lecture, loaded in process."""
    from conftest import PROJECTS
    import shutil

    root = tmp_path_factory.mktemp("pure") / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "content/lectures/intro.md").write_text(LECTURE, encoding="utf-8")
    (root / "content/lectures/images").mkdir(exist_ok=True)
    (root / "content/lectures/images/flow.png").write_bytes(_png())
    course, problems = load_course(root)
    return course, problems, course.lectures[0]


def _text(children) -> str:
    out = []
    for child in children:
        if isinstance(child, m.Text):
            out.append(child.text)
        elif hasattr(child, "children"):
            out.append(_text(child.children))
    return "".join(out)


def _blocks(lecture: m.Lecture):
    for block in lecture.preamble:
        yield block
    for top in lecture.sections:
        for section in top.walk():
            yield section.heading
            yield from section.blocks


def test_markdown_to_model_numbers_headings_from_the_levels_used(loaded):
    course, problems, lecture = loaded
    assert not problems.errors, [str(e) for e in problems.errors]
    headings = [(b.level, b.number, _text(b.children)) for b in _blocks(lecture) if isinstance(b, m.Heading)]
    # the lecture starts at "##": numbered as the first level (一、 in this course's style), 1.1 below it, never 0.1
    assert [(n, t) for _level, n, t in headings] == [("一、", "背景"), ("1.1", "细节"), ("二、", "方法")]
    assert [lvl for lvl, _n, _t in headings] == [1, 2, 1]


def test_markdown_to_model_footnotes_one_mark_per_note(loaded):
    _course, _problems, lecture = loaded
    para = next(b for b in _blocks(lecture) if isinstance(b, m.Paragraph) and "规模" in _text(b.children))
    refs = [c for c in para.children if isinstance(c, m.FootnoteRef)]
    assert [r.number for r in refs] == [1, 1, 2]
    assert [r.first for r in refs] == [True, False, True]
    assert [_text(f.blocks[0].children) for f in lecture.footnotes] == ["第一个脚注。", "第二个脚注。"]


def test_markdown_to_model_image_after_text_is_a_figure_and_table_rows_kept(loaded):
    _course, _problems, lecture = loaded
    blocks = list(_blocks(lecture))
    figures = [b for b in blocks if isinstance(b, m.Figure)]
    pictures = [c for b in blocks if isinstance(b, m.Paragraph) for c in b.children if isinstance(c, m.Picture)]
    # GitHub renders an image on the line after text: it must reach the model (as a figure or a picture)
    assert len(figures) + len(pictures) == 1
    alt = figures[0].alt if figures else pictures[0].alt
    assert alt == "训练流程示意"
    table = next(b for b in blocks if isinstance(b, m.Table))
    assert [_text(c.children) for c in table.header] == ["模型", "参数"]
    assert [[_text(c.children) for c in row] for row in table.rows] == [["甲", "70 亿"], ["乙", "130 亿"],
                                                                       ["丙", "700 亿"]]
    ordered = next(b for b in blocks if isinstance(b, m.ListBlock))
    assert ordered.ordered and ordered.start == 1 and len(ordered.items) == 2


def _plan_of(course, lecture, tmp_path):
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers.deck.writer import _plan

    project = load_project(locate(lecture.source.parents[2]))[0]     # its paths and font faces
    problems = Problems()
    _path, plan, _fonts = _plan(project, course, BuildSettings(out_dir=tmp_path), lecture, problems)
    return plan, problems


def _plain(paras) -> str:
    return "".join(para.plain for para in paras)


def test_model_to_slide_plan_keeps_every_sentence_and_row(loaded, tmp_path):
    course, _problems, lecture = loaded
    plan, problems = _plan_of(course, lecture, tmp_path)
    assert not problems.errors, [str(e) for e in problems.errors]
    slides = plan.slides
    texts = []
    for slide in slides:
        texts.extend(_plain(paras) for _name, paras in slide.texts)
        texts.append(_plain(slide.notes))
        if slide.table is not None:
            texts.extend("".join(run.text for run in cell) for row in slide.table.rows for cell in row)
    everything = re.sub(r"\s+", "", "".join(texts))
    for sentence in ("大模型的规模在增长", "第二次引用同一脚注", "方法一句话。", "方法第二句话。", "第一步", "第二步"):
        assert sentence in everything, sentence
    for cell in ("甲", "乙", "丙", "700亿"):
        assert cell in everything, cell
    titles = [slide.title for slide in slides]
    assert any("背景" in t for t in titles) and any("方法" in t for t in titles), titles
    assert sum(slide.picture is not None for slide in slides) == 1, "the figure after text must be on one slide"
