"""Tables fill their slide (issue 13, items 1 and 3): a table that fits one slide at 14 pt or more is not
split; a longer one is split once, rows spread evenly (no continuation less than half full), every row
on some slide; no cell text under 14 pt; the caption right below the table. Read back from the PPTX."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import course_output, run_build
from readback import slide_title as title

EMU_PER_PT = 12700


def _tables(prs) -> list[tuple[object, object]]:
    """(slide, table shape) of every table of ``prs``."""
    return [(slide, shape) for slide in prs.slides for shape in slide.shapes if shape.has_table]


def _sizes_pt(shape) -> set[float]:
    return {run.font.size.pt for row in shape.table.rows for cell in row.cells
            for para in cell.text_frame.paragraphs for run in para.runs if run.font.size is not None}


def _caption(slide, table):
    """The text shape right below ``table`` holding its caption (the longest text below it)."""
    below = [sh for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text.strip()
             and sh.top >= table.top and sh.name not in ("Footer", "Slide Number") and sh is not table
             and table.left - EMU_PER_PT <= sh.left < table.left + table.width
             and not (sh.is_placeholder and sh.placeholder_format.type is not None and "TITLE" in str(sh.placeholder_format.type))]
    return min(below, key=lambda sh: sh.top)


@pytest.fixture(scope="module")
def course(course_build):
    return Presentation(str(course_output(course_build, "llm-intro.pptx")[0]))


def test_course_tables_each_on_one_slide_at_14_pt_or_more(course):
    tables = _tables(course)
    captions = [shape._element.xpath("./p:nvGraphicFramePr/p:cNvPr/@descr")[0] for _, shape in tables]
    assert len(tables) >= 3
    assert len(set(captions)) == len(captions), captions          # no table on two slides
    assert not any(title(slide).endswith("（续）") for slide, _ in tables)
    rows = {c: len(shape.table.rows) - 1 for c, (_, shape) in zip(captions, tables)}
    assert sorted(rows.values())[-2:] == [12, 13], rows              # the closed and the open model tables whole
    for slide, shape in tables:
        assert min(_sizes_pt(shape)) >= 14, title(slide)
        assert shape.top + shape.height <= course.slide_height


LONG = 14     # rows: one more than a slide holds at 14 pt; filled greedily at 18 pt the second slide would hold 4


def test_long_table_is_split_once_evenly_with_every_row_and_its_caption_below(make_project, tmp_path):
    rows = "".join(f"| 模型{i:02d} | {i * 10} 亿 | 2023-{1 + i % 12:02d} |\n" for i in range(LONG))
    lecture = textwrap.dedent("""\
        ---
        title: 表
        ---
        # 部分

        ## 长表

        | 模型 | 参数量 | 发布时间 |
        |---|---|---|
        """) + rows + "\n: 全部模型的参数量 {#tbl-long}\n"
    root = make_project(lecture=lecture)
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    prs = Presentation(str(out / "intro.pptx"))
    tables = _tables(prs)
    assert len(tables) == 2                                          # split once
    shown = [row.cells[0].text for _, shape in tables for row in list(shape.table.rows)[1:]]
    assert shown == [f"模型{i:02d}" for i in range(LONG)]             # every row, in order, once
    heights = [sum(r.height for r in shape.table.rows) for _, shape in tables]
    assert min(heights) >= 0.5 * max(heights)                        # no continuation less than half full
    for slide, shape in tables:
        assert min(_sizes_pt(shape)) >= 14
        caption = _caption(slide, shape)
        assert "全部模型的参数量" in caption.text_frame.text
        gap_pt = (caption.top - (shape.top + shape.height)) / EMU_PER_PT
        assert 0 <= gap_pt <= 12, gap_pt                              # tied to the table, not at a fixed place


def test_caption_follows_a_table_in_a_column(make_project, tmp_path):
    lecture = textwrap.dedent("""\
        ---
        title: 表
        ---
        # 部分

        ## 两栏

        :::: columns
        ::: column
        - 左边的要点
        - 第二个要点
        :::
        ::: column
        | 模型 | 参数量 |
        |---|---|
        | 甲 | 70 亿 |
        | 乙 | 130 亿 |

        : 两个模型 {#tbl-two}
        :::
        ::::
        """)
    root = make_project(lecture=lecture)
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    prs = Presentation(str(out / "intro.pptx"))
    (slide, table), = _tables(prs)
    assert slide.slide_layout.name == "Two Content"
    caption = _caption(slide, table)
    assert "两个模型" in caption.text_frame.text
    gap_pt = (caption.top - (table.top + table.height)) / EMU_PER_PT
    assert 0 <= gap_pt <= 12, gap_pt


def test_short_columns_keep_their_width_beside_a_long_one(make_project, tmp_path):
    """Column widths from the measured content: a column of short names keeps its one-line width and the
    prose column beside it takes the rest (shares in proportion to what columns lack would wrap the names)."""
    from conftest import REPO
    from coursepress.textmeasure import measurer_for

    prose = "这一列是很长的说明文字，会换行。" * 6
    rows = "".join(f"| GPT-4 Turbo {i} | {prose} |\n" for i in range(3))
    lecture = "---\ntitle: 表\n---\n# 部分\n\n## 宽窄\n\n| 模型名称 | 说明 |\n|---|---|\n" + rows
    root = make_project(lecture=lecture)
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    (_slide, shape), = _tables(Presentation(str(out / "intro.pptx")))
    size = min(_sizes_pt(shape))
    first = shape.table.columns[0].width / EMU_PER_PT - 2 * 5.76
    assert first * 0.97 >= measurer_for(REPO).width_pt("GPT-4 Turbo 0", size), first   # the names on one line
    assert shape.table.columns[1].width > 3 * shape.table.columns[0].width
