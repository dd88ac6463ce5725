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
