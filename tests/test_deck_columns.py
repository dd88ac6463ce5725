"""Author control (issue 13, item 7): ``:::: columns`` / ``::: column`` → the two-column layout, ``. . .``
pauses → native build animations (``p:timing``); print outputs show the columns one after the other and
no pause. Read back from the PPTX and the handout PDF."""

from __future__ import annotations

import shutil

import pytest
from pptx import Presentation

from conftest import PROJECTS, run_build
from readback import NS, page_texts

P = f"{{{NS['p']}}}"

LECTURE = """\
---
title: 分栏
---
# 部分

## 两栏对比

:::: columns
::: column
**闭源模型**

- 通过 API 使用
- 参数量多未公开
:::
::: column
**开源模型**

- 可自行部署

. . .

- 可以微调
- 部署门槛低
:::
::::

## 逐步显示

先说结论。

. . .

再说理由。

## 放不下的两栏

:::: columns
::: column
{long}
:::
::: column
- 右栏很短
:::
::::
"""
LONG = "\n".join(f"- 第{i}条：这一栏写得很长很长，半个页面的宽度放不下这么多要点，只好分开显示" for i in range(9))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("columns") / "p"
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "content/lectures/intro.md").write_text(LECTURE.replace("{long}", LONG), encoding="utf-8")
    out = root / "out"
    results = [run_build(target, "--project", str(root), "--out", str(out)) for target in ("pptx", "pdf")]
    return root, out, results


def _slide(prs, title: str):
    return next(s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text_frame.text == title)


def _clicks(slide) -> list[list[tuple[int, int]]]:
    """Per click, the (shape id, paragraph index) pairs it shows."""
    timing = slide._element.find(f"{P}timing")
    if timing is None:
        return []
    main = timing.find(f".//{P}cTn[@nodeType='mainSeq']/{P}childTnLst")
    out = []
    for click in main.findall(f"{P}par"):
        out.append([(int(t.get("spid")), int(t.find(f"{P}txEl/{P}pRg").get("st")))
                    for t in click.iter(f"{P}spTgt")])
    built = {int(b.get("spid")) for b in timing.iter(f"{P}bldP")}
    assert {spid for click in out for spid, _ in click} == built   # every animated shape is a build shape
    return out


def test_columns_make_one_two_column_slide_with_a_pause(built):
    root, out, results = built
    assert results[0].code == 0, results[0].err
    prs = Presentation(str(out / "intro.pptx"))
    slide = _slide(prs, "两栏对比")
    assert slide.slide_layout.name == "Two Content"
    bodies = sorted((sh for sh in slide.shapes if sh.is_placeholder and sh != slide.shapes.title
                     and sh.has_text_frame and sh.placeholder_format.type not in (13, 15)), key=lambda sh: sh.left)
    left, right = bodies
    assert [p.text for p in left.text_frame.paragraphs] == ["闭源模型", "通过 API 使用", "参数量多未公开"]
    assert [p.text for p in right.text_frame.paragraphs] == ["开源模型", "可自行部署", "可以微调", "部署门槛低"]
    assert left.left + left.width <= right.left                      # side by side
    # the pause: one click shows both items after it, in the right column only
    assert _clicks(slide) == [[(right.shape_id, 2), (right.shape_id, 3)]]
    effects = [c.get("nodeType") for c in slide._element.iter(f"{P}cTn") if c.get("presetClass") == "entr"]
    assert effects == ["clickEffect", "withEffect"]


def test_pause_in_prose_and_print_outputs_ignore_columns_and_pauses(built):
    root, out, results = built
    prs = Presentation(str(out / "intro.pptx"))
    slide = _slide(prs, "逐步显示")
    body = next(sh for sh in slide.shapes if sh.name == "Content")
    assert [p.text for p in body.text_frame.paragraphs] == ["先说结论。", "再说理由。"]
    assert _clicks(slide) == [[(body.shape_id, 1)]]
    assert results[1].code == 0 and "warning" not in results[1].err, results[1].err
    handout = "".join(page_texts(out / "intro.pdf")).replace(" ", "")
    for words in ("闭源模型", "参数量多未公开", "开源模型", "部署门槛低", "先说结论。", "再说理由。", "右栏很短"):
        assert words.replace(" ", "") in handout
    pause = handout[handout.index("先说结论。"):handout.index("再说理由。")]
    assert pause == "先说结论。" or pause.strip() == "先说结论。", pause              # the pause vanished
    assert ":::" not in handout and "．．．" not in handout
    assert handout.index("参数量多未公开") < handout.index("开源模型")   # one column after the other


def test_columns_too_long_for_one_slide_are_shown_whole_with_a_warning(built):
    root, out, results = built
    line = LECTURE.replace("{long}", LONG).splitlines().index("## 放不下的两栏") + 3
    warnings = [w for w in results[0].err.splitlines() if "warning" in w]
    assert len(warnings) == 1 and f"intro.md:{line}" in warnings[0] and "columns" in warnings[0], results[0].err
    prs = Presentation(str(out / "intro.pptx"))
    slides = [s for s in prs.slides if s.shapes.title.text_frame.text.startswith("放不下的两栏")]
    text = "\n".join(sh.text_frame.text for s in slides for sh in s.shapes
                     if sh.has_text_frame and sh != s.shapes.title)
    for i in range(9):
        assert f"第{i}条" in text
    assert "右栏很短" in text
    assert all(s.slide_layout.name == "Title and Content" for s in slides)


@pytest.mark.parametrize("source, message", [
    ("::: column\n- 单独一栏\n:::\n", "outside ':::: columns'"),
    (":::: columns\n::: column\n- 一\n:::\n::: column\n- 二\n:::\n::: column\n- 三\n:::\n::::\n", "exactly two"),
])
def test_misused_columns_are_errors_at_their_line(make_project, tmp_path, source, message):
    root = make_project(lecture="---\ntitle: 错\n---\n# 部分\n\n## 一节\n\n" + source)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 1 and "intro.md:8" in result.err and message in result.err, result.err
    assert "Traceback" not in result.err
