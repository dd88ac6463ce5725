"""``watch`` lays the handout out again only on the pages an edit changes (issue 20), and the PDF a round
writes is the one a cold build of the same sources writes (compared byte for byte: both come from this
code and the same libraries, so this is not a golden file)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_build
from test_watch import Watcher

PART = textwrap.dedent("""\
    # 第{n}部分

    {body}

    ## 第{n}部分的小节

    {body}
    """)
SENTENCE = "大语言模型在海量文本上训练，能够理解并生成人类语言，这一段文字只是为了把页面填满而写的。"


def long_lecture(parts: int = 5) -> str:
    """A lecture of ``parts`` parts (each opens a page), each of two screens of paragraphs."""
    body = "\n\n".join(SENTENCE * 4 for _ in range(5))
    front = "---\ntitle: 第一讲 概述\nheader: 测试课程\nfooter: 内部资料\n---\n\n"
    return front + "\n".join(PART.format(n=n, body=body) for n in range(1, parts + 1))


def _handout_bytes(root: Path, layouts: dict | None) -> tuple[bytes, int, str]:
    """Lay out the project's lecture as the handout writer does, with ``layouts`` as watch keeps them;
    (PDF bytes, pages, what was done)."""
    from coursepress.errors import Problems
    from coursepress.imageprep import ImagePreparer
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.handout import lay_out, render_html
    from coursepress.writers.pdfengine import PdfEngine

    project, course, problems = load_project(locate(root, None))
    assert not problems.errors
    lecture = course.lectures[0]
    pictures = ImagePreparer(course.meta.image_settings())
    html = render_html(project, course, lecture, BuildSettings(out_dir=root / "out"), Problems(False), None, pictures)
    engine = PdfEngine(project, course, "handout")
    document, how = lay_out(engine, html, pictures.served, layouts, "pdf:intro")
    return engine.pdf_bytes(document, html), len(document.pages), how


def test_a_one_word_edit_lays_out_one_page_again_and_gives_the_cold_pdf(make_project):
    root = make_project(lecture=long_lecture())
    lecture = root / "content/lectures/intro.md"
    layouts: dict = {}
    _pdf, pages, how = _handout_bytes(root, layouts)
    assert pages >= 8 and how.startswith("laid out in full"), (pages, how)

    text = lecture.read_text(encoding="utf-8")
    at = text.index("# 第3部分")
    lecture.write_text(text[:at] + text[at:].replace("海量文本", "大量文本", 1), encoding="utf-8")
    again, pages_again, how = _handout_bytes(root, layouts)
    made = re.fullmatch(r"(\d+) page\(s\) laid out again", how)
    assert made, how
    assert 1 <= int(made[1]) <= 2, f"a one-word edit laid out {made[1]} of {pages_again} pages again"
    cold, cold_pages, _ = _handout_bytes(root, None)
    assert pages_again == cold_pages and again == cold


def _course_copy(into: Path) -> Path:
    for name in ("content", "templates", "assets"):
        shutil.copytree(REPO / name, into / name, ignore=shutil.ignore_patterns(".build-cache"))
    return into


EDITS = [   # (what, edit of the lecture's text, whether the round may lay out only some pages)
    ("a word in a paragraph", lambda s: s.replace("是一类人工智能模型", "是一类人工智能的模型", 1), True),
    ("a paragraph that gains lines, so page breaks move", lambda s: s.replace(
        "它的目标是**理解并生成人类语言**。",
        "它的目标是**理解并生成人类语言**。" + "这句补充说明让段落多出几行，后面的分页随之移动。" * 8, 1), True),
    ("a heading the contents page lists", lambda s: s.replace(
        "## LLM 的发展历程 {#history}", "## LLM 的发展简史 {#history}", 1), False),
    ("a word again, after a round laid out in full", lambda s: s.replace("是一类人工智能的模型", "是一种人工智能的模型", 1),
     True),
    ("a new figure (every later figure number moves)", lambda s: s.replace(
        "LLM 最引人瞩目的应用是",
        "```{chart}\n:id: fig-added\n:kind: parameters\n:caption: 新加的图\n:filter: family=BERT,GPT\n"
        ":alt: 新加的柱状图\n```\n\nLLM 最引人瞩目的应用是", 1), False),
]


@pytest.mark.slow
def test_every_watch_round_writes_the_pdf_a_cold_build_writes(tmp_path):
    root = _course_copy(tmp_path / "course")
    lecture = root / "content/lectures/llm-intro.md"
    out = tmp_path / "out"
    watcher = Watcher(root, out, "-v")    # -v: the handout's line says how much was laid out again
    try:
        status, _lines, err = watcher.next_status()
        assert "built" in status, (status, err)
        for what, edit, partial in EDITS:
            text = lecture.read_text(encoding="utf-8")
            lecture.write_text(edit(text), encoding="utf-8")
            assert lecture.read_text(encoding="utf-8") != text, what
            status, lines, err = watcher.next_status()
            assert " built in " in status, (what, status, err)
            line = next(line for line in lines if line.split(": ")[0].endswith("llm-intro.pdf"))
            made = re.search(r"(\d+) page\(s\) laid out again", line)
            if partial:
                assert made and int(made[1]) <= 3, (what, line)
            cold = tmp_path / f"cold-{EDITS.index((what, edit, partial))}"
            result = run_build("pdf", "--project", str(root), "--out", str(cold), "--force")
            assert result.code == 0, result.err
            assert (out / "llm-intro.pdf").read_bytes() == (cold / "llm-intro.pdf").read_bytes(), (what, line)
    finally:
        watcher.stop()
    assert not any("Traceback" in line for line in watcher.err), watcher.err


def test_an_edit_above_a_moved_figure_lays_out_its_page_again_and_gives_the_cold_pdf(make_project):
    """The chapter's case: the float pass moved a figure (and so the headings after it, which the contents
    page lists) further on; a one-line edit on the first page lays out only that page again (the kept
    layout holds the moved figure), and the PDF, contents page included, is the cold build's."""
    from test_contents_pages import contents_entries, moved_heads_lecture
    from test_handout_flow import tall_png

    opening = "本讲的例子都来自课程组的实际操作记录。\n\n" + "\n\n".join(SENTENCE * 4 for _ in range(12)) + "\n\n"
    # a part of its own (a part opens a page) before the part whose figure the float pass moves
    lecture_text = moved_heads_lecture().replace("# 第一部分\n", "# 引言\n\n" + opening + "# 第一部分\n", 1)
    root = make_project(lecture=lecture_text, files={"content/lectures/images/tall.png": tall_png()})
    lecture = root / "content/lectures/intro.md"
    layouts: dict = {}
    first, _pages, how = _handout_bytes(root, layouts)
    assert how.startswith("laid out in full") and "pdf:intro" in layouts, how
    assert layouts["pdf:intro"].stable is not None          # the float pass found a hole and moved the figure
    (root / "first.pdf").write_bytes(first)
    moved = contents_entries(root / "first.pdf")
    assert all(printed == linked for _line, _name, printed, linked in moved), moved
    for serial in (1, 2):
        text = lecture.read_text(encoding="utf-8")
        lecture.write_text(re.sub(r"本讲的例子[^\n]*", f"本讲的例子都来自课程组的实际操作记录（修改 {serial}）。", text),
                           encoding="utf-8")
        again, pages_again, how = _handout_bytes(root, layouts)
        made = re.fullmatch(r"(\d+) page\(s\) laid out again", how)
        assert made and 1 <= int(made[1]) <= 2, how
        cold, cold_pages, _ = _handout_bytes(root, None)
        assert pages_again == cold_pages and again == cold, serial
