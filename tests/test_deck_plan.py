"""The slide plan (issue 13, item 1): few continuations, tables with the columns that matter, prose
summarised with every sentence kept, notes in the author's words only. Read back from the PPTX."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import REPO, course_output, run_build
from readback import slide_body as body, slide_notes as notes, slide_title as title
from coursepress.textmeasure import measurer_for

MEASURE = measurer_for(REPO)
INVENTED = ("这一部分讲", "本讲内容：", "总结本讲要点", "本讲：", "表格：", "本讲引用的")


def _build(root: Path | None, out: Path) -> Presentation:
    args = ("pptx", "--out", str(out), "--force") + (("--project", str(root)) if root else ())
    result = run_build(*args)
    assert result.code == 0 and "warning" not in result.err and "Traceback" not in result.err, result.err
    return Presentation(str(next(out.glob("*.pptx"))))


def table_rows(slide) -> list[list[str]]:
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def course(course_build):
    """The real course's deck from the session's shared build."""
    return Presentation(str(course_output(course_build, "llm-intro.pptx")[0]))


def test_course_has_few_continuations_none_for_charts_and_no_invented_notes(course):
    slides = list(course.slides)
    continued = [s for s in slides if title(s).endswith("（续）")]
    assert len(continued) <= 0.10 * len(slides), [title(s) for s in continued]
    assert not any(sh.has_chart for s in continued for sh in s.shapes)
    assert len(slides) <= 39   # 44 before figures beside bullets (3 sections) and the LLaMA columns, 41 before tables on one slide
    assert sum(s.slide_layout.name == "Two Content" for s in slides) >= 3
    for slide in slides:
        assert not any(phrase in notes(slide) for phrase in INVENTED), (title(slide), notes(slide)[:60])


HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def test_course_notes_hold_only_the_authors_words(course):
    """Issue 10: speaker notes hold the lecture's prose, captions and alt texts and the data file's values
    and notes, nothing the tool wrote. Every run of Han characters of a notes paragraph is in the sources;
    a data line ("GPT-4 参数量：…", a value the slide does not show or an estimate's source) is checked
    without its column title, which comes from the catalogue; no paragraph opens with a label (图 1, 表 1,
    脚注 1) or carries the caption's estimate sentence."""
    from coursepress.messages import default_messages

    words = default_messages()
    sources = "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*"))
                      if p.suffix in (".md", ".yaml", ".bib"))
    sources = re.sub(r"\s+", "", sources)
    fields = {words(k) for k in words.table if k.startswith(("columns.", "chart.field."))}
    labels = tuple(words(k, n=n) for k in ("numbering.figure", "numbering.table") for n in range(1, 10)) + ("脚注",)
    checked = 0
    for slide in course.slides:
        if not slide.has_notes_slide:
            continue
        for para in slide.notes_slide.notes_text_frame.paragraphs:
            text = "".join(r.text for r in para.runs)
            data = re.match(r"^(.+?) (\S+)：(.*)$", text)
            if data and data.group(2) in fields:
                text = data.group(1) + " " + data.group(3)
            assert not text.startswith(labels) and words("deck.estimate").strip("（）") not in text, text
            for run in HAN_RUN.findall(text):
                checked += 1
                assert run in sources, (title(slide), run, text[:80])
    assert checked > 100


def test_course_tables_split_at_most_once_with_every_row(course):
    slides = list(course.slides)
    tables: dict[str, list] = {}
    for slide in slides:
        if any(sh.has_table for sh in slide.shapes):
            tables.setdefault(title(slide).removesuffix("（续）"), []).append(slide)
    assert tables
    for name, group in tables.items():
        assert len(group) <= 2, name
        header = table_rows(group[0])[0]
        assert len(header) <= 5 or name == "GLM 系列", (name, header)   # a Markdown table keeps its columns


def test_model_table_columns_rows_and_notes(make_project, tmp_path):
    models = "models:\n" + "".join(
        f"  - name: M{i}\n    family: F\n    organisation: 机构{i}\n    open: true\n    release: 2023-0{1 + i % 9}\n"
        f"    parameters_b: {i + 1}\n    context_k: 4\n    highlights: [第{i}号模型的特点在于长上下文与多语言]\n"
        for i in range(16))
    lecture = textwrap.dedent("""\
        ---
        title: 表格
        ---
        # 部分

        ## 全部模型

        ```{model-table}
        :caption: 全部模型
        :columns: name, organisation, release, parameters, context, highlights
        ```

        ## 两列

        ```{model-table}
        :caption: 两列
        :columns: name, organisation, release, parameters, context, highlights
        :slide-columns: name, highlights
        ```
        """)
    root = make_project(lecture=lecture, models=models)
    prs = _build(root, tmp_path / "out")
    first = [s for s in prs.slides if title(s).startswith("全部模型")]
    assert 1 <= len(first) <= 2                                       # split at most once
    shown = [row for s in first for row in table_rows(s)[1:]]
    assert [r[0] for r in shown] == [f"M{i}" for i in range(16)]      # every row, in order
    assert table_rows(first[0])[0] == ["模型", "机构", "发布时间", "参数量", "上下文"] or \
        len(table_rows(first[0])[0]) == 5
    for slide in first:                                               # the hidden column is in that slide's notes
        for row in table_rows(slide)[1:]:
            i = int(row[0][1:])
            assert f"第{i}号模型的特点" in notes(slide)
        others = {int(r[0][1:]) for s in first if s is not slide for r in table_rows(s)[1:]}
        assert not any(f"第{i}号模型的特点" in notes(slide) for i in others)   # only its own part
    two = [s for s in prs.slides if title(s).startswith("两列")]
    assert [len(r) for s in two for r in table_rows(s)] and all(len(r) == 2 for s in two for r in table_rows(s))


PROSE = [
    "**规模定律：**模型越大，损失越低。这一规律在多个数量级上成立。研究者据此规划算力。",
    "涌现能力是指小模型没有而大模型突然出现的能力。例如多步推理和上下文学习。它的成因仍有争议。",
    "指令微调让模型学会遵循人类指令。",
    "人类反馈强化学习进一步对齐模型的偏好，使回答更有帮助、更诚实、更无害，并减少有害内容的生成。其代价是额外的标注成本。",
    "长上下文让模型一次读入整本书。",
    "检索增强生成把外部知识接入模型。它缓解了幻觉问题。",
    "多模态模型同时处理文本与图像。",
    "智能体把模型与工具调用结合起来。",
]


def sentences(text: str) -> list[str]:
    plain = text.replace("**", "")
    return [s for s in re.findall(r"[^。！？]+[。！？]", plain)]


def test_prose_section_is_summarised_with_every_sentence_kept(make_project, tmp_path):
    lecture = "---\ntitle: 概述\n---\n# 部分\n\n## 要点\n\n" + "\n\n".join(PROSE) + "\n"
    prs = _build(make_project(lecture=lecture), tmp_path / "out")
    slides = [s for s in prs.slides if title(s).removesuffix("（续）") == "要点"]
    assert slides
    frame = next(sh for sh in slides[0].shapes if sh.name == "Content")
    width = (frame.width - 2 * 91440) / 12700
    bullets = []
    for slide in slides:
        paragraphs = [p for sh in slide.shapes if sh.name == "Content" for p in sh.text_frame.paragraphs]
        assert len(paragraphs) <= 6
        for para in paragraphs:
            size = max(r.font.size.pt for r in para.runs)
            assert MEASURE.lines([(r.text, bool(r.font.bold)) for r in para.runs], width - 30, size) <= 2, para.text
            bullets.append(para.text)
        shown = re.sub(r"\s+", "", body(slide) + notes(slide))
        for text in PROSE:                       # a paragraph on this slide: its every sentence here
            lead = sentences(text)[0][:6]
            if lead.replace("：", "")[:4] in re.sub(r"\s+", "", body(slide)):
                for sentence in sentences(text):     # (a bold lead-in is the bullet, its sentence goes on in the notes)
                    for part in re.sub(r"\s+", "", sentence).rstrip("。").split("："):
                        assert part in shown.replace("…", ""), sentence
    assert bullets[0] == "规模定律"                                    # a bold lead-in becomes the bullet
    assert bullets[1] == "涌现能力是指小模型没有而大模型突然出现的能力。"   # else the first sentence
    assert len(bullets) == len(PROSE)


def test_notes_never_say_see_the_formula_below(make_project, tmp_path):
    """An inline formula slide text cannot express: on the slide "（见下式）" points at the formula placed
    below; the notes hold the author's words and the formula's TeX, no such pointer (issue 10)."""
    root = make_project(lecture="""\
        ---
        title: 公式
        ---

        # 损失

        平均值为 $\\frac{a+b}{2}$ 的一半。

        ::: notes
        讲解时说明 $\\frac{a+b}{2}$ 的来历。
        :::
        """)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"), "--force")
    assert result.code == 0 and "Traceback" not in result.err, result.err
    prs = Presentation(str(next((tmp_path / "out").glob("*.pptx"))))
    slide = next(s for s in prs.slides if "平均值" in body(s))
    assert "（见下式）" in body(slide)
    text = notes(slide)
    assert "讲解时说明" in text and "\\frac{a+b}{2}" in text and "见下式" not in text, text
