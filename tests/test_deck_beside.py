"""Figure beside the bullets (issue 13, item 3): a section with a few bullets and one small picture,
chart or table gets one two-column slide; a long text keeps its own slide. Read back from the PPTX."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image
from pptx import Presentation

from conftest import PROJECTS, run_build

EMU_PER_PT = 12700


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


LECTURE = """\
---
title: 并排
---
# 部分

## 图旁要点

::: slides
- 左栏写要点
- 右栏放图
- 图注在图下
:::

::: notes
这一页讲图和要点的关系。
:::

![流程示意图](../images/flow.png "处理流程"){#fig-flow}

## 两张图

循环网络把整句压进一个向量。

![第一张图](../images/flow.png "结构图")

图中左边是编码器。

![第二张图](../images/flow.png "权重图")

## 宽图

循环网络把整句压进一个向量，长句的信息会丢失。

![宽的结构图](../images/wide.png "编码器与解码器")

两者之间只传一个向量。

## 长文字

::: slides
{long}
:::

![另一张图](../images/flow.png)
"""
LONG = "\n".join(f"- 第{i}点：这一条要点写得比较长，两栏时一行放不下，需要整页的宽度才能读清楚，"
                 "半栏里要折成三四行，远远超过两行的限度" for i in range(3))


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    root = tmp_path_factory.mktemp("beside")
    shutil.copytree(PROJECTS / "minimal", root / "p")
    root = root / "p"
    (root / "content/lectures/intro.md").write_text(LECTURE.replace("{long}", LONG), encoding="utf-8")
    (root / "content/images").mkdir()
    (root / "content/images/flow.png").write_bytes(_png(400, 300))
    (root / "content/images/wide.png").write_bytes(_png(1200, 480))
    out = root / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err and "Traceback" not in result.err, result.err
    return Presentation(str(out / "intro.pptx"))


def _slides(prs, title: str) -> list:
    return [s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text_frame.text == title]


def _texts(slide) -> dict[str, str]:
    return {sh.name: sh.text_frame.text for sh in slide.shapes if sh.has_text_frame}


def test_few_bullets_and_one_picture_share_a_two_column_slide(deck):
    (slide,) = _slides(deck, "图旁要点")
    assert slide.slide_layout.name == "Two Content"
    pictures = [sh for sh in slide.shapes if sh.shape_type == 13]
    assert len(pictures) == 1
    picture = pictures[0]
    left = next(sh for sh in slide.shapes if sh.is_placeholder and sh.text_frame.text.startswith("左栏写要点"))
    assert [p.text for p in left.text_frame.paragraphs] == ["左栏写要点", "右栏放图", "图注在图下"]
    assert picture.left >= left.left + left.width                        # beside the bullets, not over them
    assert picture.left + picture.width <= deck.slide_width
    assert abs(picture.width / picture.height - 4 / 3) < 0.01            # aspect kept
    caption = next(sh for sh in slide.shapes if sh.has_text_frame and "处理流程" in sh.text_frame.text)
    assert caption.text_frame.text.startswith("图 1")                    # numbered as in the handout
    assert caption.top >= picture.top + picture.height                   # below the picture
    assert caption.left >= left.left + left.width
    notes = slide.notes_slide.notes_text_frame.text
    assert "这一页讲图和要点的关系。" in notes and "流程示意图" in notes     # both slides' notes kept
    sizes = {r.font.size.pt for p in left.text_frame.paragraphs for r in p.runs}
    assert min(sizes) >= 20                                                # readable from the back row


def test_each_short_text_takes_the_picture_after_it(deck):
    slides = [s for s in deck.slides if s.shapes.title.text_frame.text.startswith("两张图")]
    assert [s.shapes.title.text_frame.text for s in slides] == ["两张图", "两张图（续）"]
    assert all(s.slide_layout.name == "Two Content" for s in slides)
    shown = [([sh.text_frame.text for sh in s.shapes if sh.has_text_frame and sh.text_frame.text and
               sh != s.shapes.title and "图 " not in sh.text_frame.text and sh.name not in ("Footer", "Slide Number")],
              [sh._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0] for sh in s.shapes if sh.shape_type == 13])
             for s in slides]
    assert shown == [(["循环网络把整句压进一个向量。"], ["第一张图"]), (["图中左边是编码器。"], ["第二张图"])]


def test_a_wide_picture_goes_below_its_short_text(deck):
    (slide,) = [s for s in deck.slides if s.shapes.title.text_frame.text.startswith("宽图")]
    assert slide.slide_layout.name == "Title and Content"
    body = next(sh for sh in slide.shapes if sh.name == "Content")
    (picture,) = [sh for sh in slide.shapes if sh.shape_type == 13]
    texts = [p.text for p in body.text_frame.paragraphs]
    # the text, the picture with its caption under it, then the text written after the picture
    assert texts[0] == "循环网络把整句压进一个向量，长句的信息会丢失。" and texts[1].startswith("图 4")
    assert "编码器与解码器" in texts[1] and texts[2:] == ["两者之间只传一个向量。"]
    assert abs(picture.width / picture.height - 2.5) < 0.01
    assert body.left <= picture.left and picture.left + picture.width <= body.left + body.width
    assert body.top < picture.top and picture.top + picture.height <= body.top + body.height
    # the caption's space before is the picture's height: it sits under the picture, inside the frame
    spacing = [p._p.find("a:pPr/a:spcBef/a:spcPts", {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"})
               for p in body.text_frame.paragraphs]
    assert int(spacing[1].get("val")) / 100 >= picture.height / EMU_PER_PT
    assert "宽的结构图" in slide.notes_slide.notes_text_frame.text


def test_long_bullets_keep_a_slide_of_their_own(deck):
    slides = _slides(deck, "长文字") + _slides(deck, "长文字（续）")   # the picture slide continues the section
    assert len(slides) == len([s for s in deck.slides if s.shapes.title.text_frame.text.startswith("长文字")])
    assert [s.slide_layout.name for s in slides] == ["Title and Content", "Chart"]
    assert sum(sh.shape_type == 13 for sh in slides[1].shapes) == 1
    # a figure without a caption is numbered as in the handout ("图 2" and its alt text)
    caption = next(sh for sh in slides[1].shapes if sh.has_text_frame and "另一张图" in sh.text_frame.text)
    assert caption.text_frame.text == "图 5\u3000另一张图"
