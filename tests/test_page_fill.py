"""Holes before figures filled while the pages are made (issue 20, coursepress.writers.pagefill): a chapter of
many tall figures has no hole before any of them, every paragraph once and in order, every picture once; a
single hole is filled without laying the pages out again after the first layout. Read back from the PDF."""

from __future__ import annotations

import random
import re
from pathlib import Path

from test_handout_flow import build_pdf, chars, holes_before_figures, page_report, paragraph, tall_png

FIGURES = 10


def many_figures() -> str:
    """Two parts of paragraphs of 2–7 lines with a tall figure after every 3–6 of them (fixed seed)."""
    rng = random.Random(16)
    body = ["---\ntitle: 多图\n---\n"]
    mark = 0
    for figure in range(1, FIGURES + 1):
        if figure in (1, FIGURES // 2 + 1):
            body.append(f"# 第{figure}部分\n")
        for _ in range(rng.randrange(3, 7)):
            body.append(paragraph(mark, rng.randrange(2, 8)) + "\n")
            mark += 1
        body.append(f'![图{figure}](images/tall.png "第{figure}张高图")\n')
    body.append(paragraph(mark) + "\n")
    return "\n".join(body)


def test_a_chapter_of_tall_figures_has_no_hole_before_any(make_project):
    lecture = many_figures()
    root = make_project(lecture=lecture, files={"content/lectures/images/tall.png": tall_png(300, 520)})
    pdf = build_pdf(root)
    assert holes_before_figures(pdf) == []
    assert sum(len(page["pictures"]) for page in page_report(pdf)) == FIGURES      # each picture once
    text = "".join(c[1] for c in chars(pdf))
    marks = [int(k) for k in re.findall(r"段(\d+)：", text)]
    assert marks == list(range(len(re.findall(r"段\d+：", lecture))))            # every paragraph, once, in order
    captions = [int(k) for k in re.findall(r"第(\d+)张高图", text)]
    assert captions == list(range(1, FIGURES + 1))                               # figures keep their order


def test_a_hole_is_filled_in_the_first_layout(make_project, monkeypatch):
    """The figure that does not fit is moved while the pages are made: no page is laid out again after."""
    from test_handout_flow import flow_lecture

    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target, handout, pageflow

    root = make_project(lecture=flow_lecture(12, 8, False), files={"content/lectures/images/tall.png": tall_png()})
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    rounds: list = []
    upstream = pageflow._relayout
    monkeypatch.setattr(pageflow, "_relayout", lambda *args: rounds.append(args) or upstream(*args))
    project, course, _problems = load_project(locate(root))
    out = root / "out"
    result = handout.write(project, course, Target("pdf", "intro", "intro.pdf"), BuildSettings(out_dir=out))
    assert result.warnings == []
    assert rounds == []
    pdf = Path(result.path)
    assert holes_before_figures(pdf) == []
    assert sum(len(page["pictures"]) for page in page_report(pdf)) == 1


def test_the_page_with_the_hole_is_the_only_page_made_twice(make_project, tmp_path):
    """Counted by wrapping WeasyPrint's page maker in a build process (test_handout_speed): one layout, in
    which the page that would end with a hole is made again right after it was made, and every other page
    once (the contents page again for its page numbers)."""
    from test_handout_speed import layouts_of, lecture, marks

    root = make_project(lecture=lecture([(12, True, 8), (16, False, 0)]),
                        files={"content/lectures/images/tall.png": tall_png()})
    made, pdf = layouts_of(root, tmp_path)
    assert len(made) == 1, made
    first = made[0][:next((k for k in range(1, len(made[0])) if made[0][k] < made[0][k - 1]), len(made[0]))]
    assert sorted(set(first)) == list(range(len(set(first))))          # the pages in order (then the contents)
    assert len(first) == len(set(first)) + 1, made[0]                     # one page made twice …
    assert [page for page, following in zip(first, first[1:]) if page == following] != []   # … right after
    assert holes_before_figures(pdf) == []
    from readback import page_texts

    texts = page_texts(pdf)
    assert marks("".join(texts[1:])) == list(range(36))
    assert "".join(texts).count("一张很高的图") == 1


def figure_then_table(before: int, rows: int) -> str:
    """``before`` paragraphs, a figure, a wide table right after it (no text between), six paragraphs."""
    body = ["---\ntitle: 图和表\n---\n", "# 第一部分\n", "## 图和表\n"]
    body += [paragraph(k) + "\n" for k in range(before)]
    body.append('![高图](images/tall.png "一张图")\n')
    body.append("| 模型 | 机构 | 发布时间 | 参数量 | 上下文长度 | 许可证 | 说明 |\n|---|---|---|---|---|---|---|\n" + "\n".join(
        f"| 行{i}号 | 某某实验室 {i} | 2023-0{i % 9 + 1} | {i * 7}B | {i * 4}K tokens | Apache-2.0 "
        f"| 一段较长的说明文字，用于测试表格在页面之间如何断开 {i} |" for i in range(rows)) + "\n")
    body += [paragraph(k) + "\n" for k in range(before, before + 6)]
    return "\n".join(body)


def test_a_figure_followed_by_a_table_leaves_no_hole(make_project):
    """A new user's chapter (issue 20): a picture, then a wide table right after it, left ≈ 13 lines empty at
    the foot of the page (the picture could pass no text to fill it). The table now runs up into the
    hole and splits at the page break with its header repeated; the picture follows it. Every row once,
    in order, every paragraph once, in order."""
    rows = 14
    root = make_project(lecture=figure_then_table(5, rows),
                        files={"content/lectures/images/tall.png": tall_png(300, 400)})
    pdf = build_pdf(root)
    assert holes_before_figures(pdf) == []
    assert sum(len(page["pictures"]) for page in page_report(pdf)) == 1
    text = "".join(c[1] for c in chars(pdf))
    assert [int(k) for k in re.findall(r"行(\d+)号", text)] == list(range(rows))
    assert [int(k) for k in re.findall(r"段(\d+)：", text)] == list(range(11))
    from readback import page_texts

    pages = [page for page in page_texts(pdf) if "上下文长度" in page]
    assert len(pages) == 2, pages               # the table splits, its header row on both pages
    assert text.count("一张图") == 1


def test_holes_are_measured_in_lines_of_body_text():
    """The line pitch that sizes a hole is the body's (10.5 pt × 1.72 = 24.08 px), not the first paragraph's
    laid out, which is the cover's (14 pt, line height normal: 21.7 px). Laid out by WeasyPrint, read by
    pageholes.find_holes and by pagefill while the pages are made."""
    import weasyprint

    from coursepress.writers.pagefill import Filled, filling
    from coursepress.writers.pageholes import find_holes

    html = ("<html><head><style>html { font-size: 10.5pt; line-height: 1.72 } @page { size: A5; margin: 15mm }"
            ".cover { break-after: page } .cover p { font: 14pt serif }</style></head><body>"
            "<section class='cover'><p>课程</p><p>第一讲</p></section><main>"
            + "<p>" + "字" * 200 + "</p>" + "<figure><div style='height: 100mm'></div></figure>"
            + "<figure><div style='height: 60mm'></div></figure></main></body></html>")
    done = Filled()
    with filling(done):
        pages = [page._page_box for page in weasyprint.HTML(string=html).render().pages]
    holes = find_holes(pages)
    assert holes and all(abs(hole.line_px - 10.5 * 4 / 3 * 1.72) < 0.01 for hole in holes), holes
    assert done.pitch_px is not None and abs(done.pitch_px - 10.5 * 4 / 3 * 1.72) < 0.01
