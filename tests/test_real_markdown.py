"""Issue 12: lecture Markdown as GitHub and Typora authors write it (cases C24 C26 C28 C30 C32 C34).

Headings numbered from the levels used, typed numbers, footnotes, unclosed
fences and containers, pipes in table cells, table captions, data-file typos
and numbers, every problem in one run, at its own line (also when the fault
moves: generated variants insert lines before it).
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from pptx import Presentation

from coursepress.load import load_course
from conftest import CASES, append_course, problems_of, run_build
from readback import norm, outline, page_texts

ZERO_PART = re.compile(r"(?<![\d.])0\.\d|\d\.0(?![\d])")


def lecture_project(make_project, body: str, course_extra: str = "", name: str = "proj", files=None) -> Path:
    root = make_project(lecture=body, files=files, name=name)
    return append_course(root, course_extra) if course_extra else root


def deck_texts(path: Path) -> tuple[list[str], list[str]]:
    """(slide texts, notes texts) of a deck, one string per slide."""
    prs = Presentation(str(path))
    slides, notes = [], []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(c.text for row in shape.table.rows for c in row.cells)
        slides.append("\n".join(parts))
        notes.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    return slides, notes


# ---------------------------------------------------------------- headings (C30)

def c30_project(case_project, prefix: str = "") -> Path:
    """The C30 case; ``prefix`` is inserted right after its front matter (moving every line down)."""
    root = case_project("C30")
    path = root / "content/lectures/lecture.md"
    head, _, rest = path.read_text(encoding="utf-8").partition("---\n\n")
    path.write_text(head + "---\n\n" + prefix + rest, encoding="utf-8")
    return root


def test_c30_numbers_follow_the_levels_used(case_project):
    root = c30_project(case_project)
    out = root / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    result2 = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result2.code == 0, result2.err
    # both faults named at their lines (warnings: the lecture still builds)
    assert re.search(r"lecture\.md:6: a level-2 heading before the lecture's first level-1 heading", result.err)
    assert re.search(r"lecture\.md:18: a level-4 heading right under the heading on line 16", result.err)
    pages = page_texts(out / "lecture.pdf")
    after_cover = "\n".join(pages[1:])
    assert not ZERO_PART.search(after_cover), ZERO_PART.search(after_cover)
    titles = [title for _depth, title, _page in outline(out / "lecture.pdf")]
    assert titles[:4] == ["1.1 预训练", "1.2 微调", "1.2.1 指令微调", "二、对齐"], titles
    assert not any(ZERO_PART.search(t) for t in titles)
    flat = norm(after_cover)
    assert "数据训练，见1.1。" in flat and "强化学习（见2.1.1.1）" in flat
    slides, _notes = deck_texts(out / "lecture.pptx")
    deck = "\n".join(slides)
    assert not ZERO_PART.search(deck) and "第0" not in deck
    agenda = slides[1].splitlines()
    assert "1.1　预训练" in agenda and "1.2　微调" in agenda     # a separator between number and title


@pytest.mark.parametrize("inserted", [0, 2, 5])
def test_c30_reported_lines_move_with_the_fault(case_project, inserted):
    root = c30_project(case_project, prefix="\n" * inserted)
    _errors, warnings = problems_of(root)
    lines = sorted(int(m.group(1)) for w in warnings for m in [re.search(r"lecture\.md:(\d+): a level", w)] if m)
    assert lines == [6 + inserted, 18 + inserted]


def test_lecture_starting_at_level_two_is_numbered_from_one(make_project):
    root = make_project(lecture="## 甲\n\n文字。\n\n### 甲一\n\n文字。\n\n## 乙\n\n文字。\n")
    course, problems = load_course(root)
    numbers = [(h.level, h.number) for h in course.lectures[0].headings()]
    assert numbers == [(1, "一、"), (2, "1.1"), (1, "二、")]
    assert not problems.warnings


def test_lecture_number_in_headings_when_the_course_asks(make_project):
    body = "---\ntitle: 第三讲\norder: 3\n---\n\n# 甲\n\n## 甲一\n\n文字。\n\n# 乙\n\n文字见[](#sec-1-1)。\n"
    root = lecture_project(make_project, body, "markdown:\n  heading_numbers: lecture\n")
    course, _ = load_course(root)
    assert [h.number for h in course.lectures[0].headings()] == ["3.1", "3.1.1", "3.2"]
    paragraph = course.lectures[0].sections[1].blocks[0]
    assert any(getattr(n, "label", "") == "3.1.1" for n in paragraph.children)


def test_typed_heading_numbers_warned_or_stripped(make_project):
    body = "# 一、概述\n\n文字。\n\n## 1.1 BERT\n\n文字。\n\n## 第二章 GPT\n\n## 2024 年回顾\n"
    root = make_project(lecture=body)
    _errors, warnings = problems_of(root)
    typed = [w for w in warnings if "typed number" in w]     # one summary per file (issue 13 follow-up)
    assert len(typed) == 1 and re.search(r"intro\.md:1: 3 headings start with a typed number: '一、' \(line 1\), "
                                         r"'1\.1' \(line 5\), '第二章' \(line 9\);", typed[0]), typed   # "2024 年回顾": a year
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "markdown:\n  strip_typed_numbers: true\n", encoding="utf-8")
    course, problems = load_course(root)
    assert [h.plain for h in course.lectures[0].headings()] == ["概述", "BERT", "GPT", "2024 年回顾"]
    assert not [w for w in problems.warnings if "typed number" in str(w)]


# ---------------------------------------------------------------- footnotes (C24)

def test_c24_one_mark_per_footnote(tmp_path):
    root = tmp_path / "C24"
    shutil.copytree(CASES / "C24", root)
    out = root / "out"
    for kind in ("pdf", "pptx"):
        result = run_build(kind, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "warning" not in result.err, result.err
    pdf = out / "lecture.pdf"
    text = norm("".join(page_texts(pdf)))
    assert "[^" not in text
    assert "统一1，不同机构的说法也可能变化1。" in text and "单位2。" in text
    for note in ("脚注正文从下一行开始（冒号后直接换行并缩进），这是合法写法。", "普通的单行脚注。"):
        assert text.count(norm(note)) == 1, note
    assert "1.脚注正文" in text and "2.普通的单行脚注" in text
    # the repeated mark links to the note, on a page of the document
    reader = pypdf.PdfReader(str(pdf))
    dests = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    assert "fn-1" in dests and 0 <= dests["fn-1"] < len(reader.pages)
    linked = [a.get_object().get("/Dest") for p in reader.pages for a in p.get("/Annots") or []]
    assert "fn-1" in [str(d) for d in linked]
    slides, notes = deck_texts(out / "lecture.pptx")
    assert not any("[^" in s for s in slides + notes)
    body = next(s for s in slides if "统一" in s)
    assert "统一1，不同机构的说法也可能变化1。" in body and "单位2。" in body      # the same marks as the handout
    raised = [r for slide in Presentation(str(out / "lecture.pptx")).slides for shape in slide.shapes
              if shape.has_text_frame for p in shape.text_frame.paragraphs for r in p.runs
              if r._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr") is not None
              and r._r.rPr.get("baseline") == "30000"]
    assert [r.text for r in raised] == ["1", "1", "2"]
    joined = "\n".join(notes)
    assert joined.count("脚注正文从下一行开始") == 1 and joined.count("普通的单行脚注") == 1


@pytest.mark.parametrize("inserted", [0, 3])
def test_undefined_and_unused_footnotes_warned_at_their_lines(make_project, inserted):
    body = "\n" * inserted + "# 一\n\n第一行，\n引用[^无]。\n\n[^多余]: 没有人引用。\n"
    root = make_project(lecture=body)
    errors, warnings = problems_of(root)
    assert not errors
    assert any(f"intro.md:{4 + inserted}: footnote [^无] has no definition" in w for w in warnings), warnings
    assert any(f"intro.md:{6 + inserted}: footnote [^多余] is defined but never referenced" in w for w in warnings)
    result = run_build("check", "--project", str(root), "--strict")
    assert result.code == 1 and f"intro.md:{4 + inserted}: footnote [^无]" in result.err


# ---------------------------------------------------------------- fences and containers

@pytest.mark.parametrize("inserted", [0, 4])
def test_unclosed_fence_reported_at_its_opening_line(make_project, inserted):
    body = "# 一\n\n" + "段落。\n\n" * inserted + "```python\nprint(1)\n\n## 二\n\n正文。\n"
    root = make_project(lecture=body)
    errors, _ = problems_of(root)
    line = 3 + 2 * inserted
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"content/lectures/intro.md:{line}: code block opened with ``` is never closed")
    assert f"probably before line {line + 3}: '## 二'" in errors[0]


def test_forgotten_container_close_blamed_on_the_right_block(make_project):
    body = "# 一\n\n::: note\n注意。\n\n::: tip\n提示。\n:::\n\n正文。\n"
    root = make_project(lecture=body)
    errors, _ = problems_of(root)
    assert len(errors) == 1, errors
    assert errors[0].startswith("content/lectures/intro.md:3: '::: note' is not closed before '::: tip' on line 6")
    assert "add a line ':::' before line 6" in errors[0]


# ---------------------------------------------------------------- tables (C32)

def test_c32_pipes_in_code_and_math_stay_in_their_cell(case_project):
    root = case_project("C32")
    course, problems = load_course(root)
    assert not problems.warnings
    table = course.lectures[0].sections[0].blocks[0]
    rows = {r[0].children[0].text: r for r in table.rows}
    assert all(len(r) == 3 for r in table.rows) and len(table.rows) == 4
    assert [type(n).__name__ for n in rows["统计行数"][1].children] == ["Code"]
    assert rows["统计行数"][1].children[0].text == "cat corpus.txt | wc -l"
    assert rows["统计行数"][2].children[0].text == "管道符把前一个命令的输出交给后一个命令"
    shown = "".join(getattr(n, "text", "") or getattr(n, "tex", "") for n in rows["绝对值"][1].children)
    assert shown in ("|x|", "$|x|$")      # a formula (TeX |x|) where math is read, else the text as written
    assert rows["绝对值"][2].children[0].text == "数学里的绝对值记号"
    assert rows["过滤空行"][1].children[0].text == "grep -v '^$' a.txt | head"
    out = root / "out"
    for kind in ("pdf", "pptx"):
        result = run_build(kind, "--project", str(root), "--out", str(out))
        assert result.code == 0, result.err
    text = norm("".join(page_texts(out / "lecture.pdf")))
    assert "catcorpus.txt|wc-l管道符" in text and "`" not in text
    prs = Presentation(str(out / "lecture.pptx"))
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    cells = [[c.text for c in row.cells] for t in tables for row in t.rows]
    assert ["统计行数", "cat corpus.txt | wc -l", "管道符把前一个命令的输出交给后一个命令"] in cells
    assert all(len(r) == 3 for r in cells)


@pytest.mark.parametrize("inserted", [0, 2])
def test_surplus_cells_are_an_error_at_the_row(make_project, inserted):
    body = "# 一\n\n" + "文字。\n\n" * inserted + "| a | b |\n|---|---|\n| 1 | 2 |\n| x | y | z |\n"
    root = make_project(lecture=body)
    errors, _ = problems_of(root)
    assert errors == [f"content/lectures/intro.md:{6 + 2 * inserted}: table row has 3 cells but the header has 2, "
                      "so the last 1 would be dropped; write a | that belongs inside a cell as \\|, or add a "
                      "column to the header"]


def test_pandoc_table_caption_gives_caption_and_id(make_project):
    body = ("# 一\n\n见[](#tbl-a)与[](#tbl-b)。\n\n| a | b |\n|---|---|\n| 1 | 2 |\n: 第一张 {#tbl-a}\n\n"
            "| c | d |\n|---|---|\n| 3 | 4 |\n\n: 第二张 {#tbl-b}\n")
    root = make_project(lecture=body)
    course, _ = load_course(root)
    blocks = course.lectures[0].sections[0].blocks
    tables = [b for b in blocks if b.kind == "table"]
    assert [(t.ident, t.caption[0].text, len(t.rows)) for t in tables] == [("tbl-a", "第一张", 1), ("tbl-b", "第二张", 1)]
    assert len(blocks) == 3      # the captions are not paragraphs or rows
    assert [n.label for n in blocks[0].children if n.kind == "xref"] == ["表 1", "表 2"]


# ---------------------------------------------------------------- data file (C26, C28), one run

def test_c26_typos_and_gaps_reported_together_with_lecture_errors(tmp_path):
    root = tmp_path / "C26"
    shutil.copytree(CASES / "C26", root)
    lecture = root / "content/lectures/lecture.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n```python\nx = 1\n", encoding="utf-8")
    out = root / "out"
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 1 and "Traceback" not in result.err
    assert not out.exists() or not any(out.iterdir())
    err = result.err
    assert "models.yaml:6:5: unknown field 'contex_length' in model 'Xinghe-72B'; did you mean 'context_k'?" in err
    assert "models.yaml:9:5: unknown field 'organisaton' in model 'Beichen-Pro'; did you mean 'organisation'?" in err
    assert "models.yaml:8:5: required field 'organisation' is missing" in err
    assert re.search(r"models\.yaml:2:5: model 'Xinghe-72B' has no 'context_k'", err)
    assert re.search(r"models\.yaml:8:5: model 'Beichen-Pro' has no 'release'", err)
    assert "lecture.md:13: code block opened with ``` is never closed" in err     # same run
    shutil.copy(CASES / "C26/fixed/content/data/models.yaml", root / "content/data/models.yaml")
    lecture.write_text((CASES / "C26/content/lectures/lecture.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err


def test_undeclared_column_is_an_error_when_columns_are_declared(make_project):
    models = "columns: [license]\nmodels:\n  - name: A\n    organisation: B\n    license: MIT\n    country: CN\n"
    root = make_project(models=models)
    errors, _ = problems_of(root)
    assert len(errors) == 1 and errors[0].startswith("content/data/models.yaml:6:5: unknown field 'country'")
    assert "columns: [country]" in errors[0]


def test_c28_ambiguous_numbers_refused_then_shown_as_meant(tmp_path):
    root = tmp_path / "C28"
    shutil.copytree(CASES / "C28", root)
    out = root / "out"
    result = run_build("poster", "--project", str(root), "--out", str(out))
    assert result.code == 1 and "Traceback" not in result.err
    for line, raw in ((7, "1_000"), (13, "012"), (14, "1:30")):
        assert re.search(rf"models\.yaml:{line}:\d+: model '\w+', field '\w+': '{re.escape(raw)}' ", result.err), raw
    data = root / "content/data/models.yaml"
    fixed = data.read_text(encoding="utf-8").replace("1_000", "1000").replace(" 012", " 12").replace("1:30", "90")
    data.write_text(fixed, encoding="utf-8")
    result = run_build("poster", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    text = norm("".join(page_texts(out / "poster.pdf")))
    assert "3.10" in text and "2.50" in text and "1万亿" in text


# ---------------------------------------------------------------- pictures (C34, WebP, undecodable)

def _png(size=(40, 20), color=(200, 40, 40)) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


BROKEN = {
    "truncated.png": lambda: _png()[:60],
    "garbage.png": lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    "zero.gif": lambda: b"GIF89a\x00\x00\x00\x00\x00\x00\x00;",
    "broken.jpg": lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 30,
}


@pytest.mark.parametrize("kind", ["pdf", "pptx"])
def test_undecodable_images_are_errors_at_their_lines_in_every_output(make_project, kind):
    names = list(BROKEN)
    body = "# 一\n\n正文。\n\n" + "".join(f"文字。\n\n![坏图 {n}](images/{n})\n\n" for n in names)
    root = make_project(lecture=body, files={f"content/lectures/images/{n}": make() for n, make in BROKEN.items()})
    out = root / "out"
    result = run_build(kind, "--project", str(root), "--out", str(out))
    assert result.code == 1 and "Traceback" not in result.err, result.err
    for k, name in enumerate(names):
        line = 7 + 4 * k
        assert re.search(rf"intro\.md:{line}: .*'images/{re.escape(name)}'", result.err), (name, result.err)
    assert not list(out.glob("*.pdf")) and not list(out.glob("*.pptx"))


def test_c34_exif_photo_upright_in_handout_and_deck(case_project):
    root = case_project("C34")
    out = root / "out"
    for kind in ("pdf", "pptx"):
        result = run_build(kind, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "warning" not in result.err, result.err
    from PIL import Image
    reader = pypdf.PdfReader(str(out / "lecture.pdf"))
    images = list({img.data: img for page in reader.pages for img in page.images}.values())  # resources are shared
    assert len(images) == 1
    shown = images[0].image.convert("RGB")
    assert shown.size == (200, 400)
    top, bottom = shown.getpixel((100, 10)), shown.getpixel((100, 390))
    assert top[0] > 200 and top[2] < 80 and bottom[2] > 200 and bottom[0] < 80   # red above blue
    prs = Presentation(str(out / "lecture.pptx"))
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    pic = pictures[0]
    assert abs(pic.width / pic.height - 0.5) < 0.01 and pic.rotation == 0
    blob = Image.open(io.BytesIO(pic.image.blob))
    assert blob.size == (200, 400) and blob.getexif().get(0x0112, 1) == 1
    assert blob.convert("RGB").getpixel((100, 10))[0] > 200


def test_webp_converted_once_into_a_private_cache(make_project, tmp_path, monkeypatch):
    from PIL import Image
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    webp = io.BytesIO()
    Image.new("RGB", (60, 30), (20, 160, 60)).save(webp, "WEBP")
    root = make_project(lecture="# 一\n\n![绿色方块](images/a.webp)\n", files={"content/lectures/images/a.webp": webp.getvalue()})
    course, _ = load_course(root)
    figure = course.lectures[0].sections[0].blocks[0]
    assert figure.image.mime == "image/png" and (figure.image.width_px, figure.image.height_px) == (60, 30)
    cache = tmp_path / "cache/coursepress/images"
    entries = list(cache.iterdir())
    assert len(entries) == 1 and (cache.stat().st_mode & 0o777) == 0o700
    assert entries[0].read_bytes() == figure.image.data
    planted = _png((60, 30), (1, 2, 3))
    entries[0].write_bytes(planted)       # a cache hit is used: the conversion is made once
    assert load_course(root)[0].lectures[0].sections[0].blocks[0].image.data == planted
    entries[0].write_bytes(b"damaged")    # a damaged entry is converted again
    assert load_course(root)[0].lectures[0].sections[0].blocks[0].image.data == figure.image.data
    entries[0].unlink()
    out = root / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    blobs = [s.image.blob for slide in Presentation(str(out / "intro.pptx")).slides for s in slide.shapes
             if s.shape_type == 13]
    assert blobs == [figure.image.data]


@pytest.mark.parametrize("inserted", [0, 2])
def test_image_after_text_becomes_a_figure_and_empty_alt_is_warned(make_project, inserted):
    body = "# 一\n\n" + "\n" * inserted + "如下图所示：\n![](images/a.png)\n图后的说明。\n\n见[](#fig-1)。\n"
    root = make_project(lecture=body, files={"content/lectures/images/a.png": _png()})
    course, problems = load_course(root)
    blocks = course.lectures[0].sections[0].blocks
    assert [b.kind for b in blocks] == ["paragraph", "figure", "paragraph", "paragraph"]
    figure = blocks[1]
    assert figure.pos.line == 4 + inserted and figure.number == 1 and figure.alt == "a"
    assert [str(w) for w in problems.warnings] == [
        f"content/lectures/intro.md:{4 + inserted}: image 'images/a.png' has no alt text; 'a' describes it for now; "
        "describe the image: ![what it shows](path)"]
    assert blocks[3].children[1].label == "图 1"
    result = run_build("check", "--project", str(root), "--strict")
    assert result.code == 1 and f"intro.md:{4 + inserted}: image 'images/a.png' has no alt text" in result.err


def test_html_pictures_mapped_when_raw_html_and_reported_when_not(make_project):
    body = ('# 一\n\n<div align="center"><img src="images/a.png" alt="居中的图"></div>\n\n'
            '第一行<br>第二行\n\n<details>\n<summary>展开</summary>\n\n隐藏的内容。\n\n</details>\n')
    root = make_project(lecture=body, files={"content/lectures/images/a.png": _png()})
    _errors, warnings = problems_of(root)
    reported = sorted((int(re.search(r"intro\.md:(\d+):", w).group(1)), re.search(r"HTML <(\w+)>", w).group(1))
                      for w in warnings)
    assert reported == [(3, "div"), (3, "img"), (5, "br"), (7, "details"), (8, "summary")]
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    course, problems = load_course(root)
    assert not problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    assert [b.kind for b in blocks[:3]] == ["figure", "paragraph", "paragraph"]
    assert blocks[0].alt == "居中的图" and blocks[0].pos.line == 3
    assert any(n.kind == "break" and n.hard for n in blocks[1].children)
    assert blocks[2].children[0].kind == "strong" and blocks[2].children[0].children[0].text == "展开"
    assert "隐藏的内容。" in [getattr(b.children[0], "text", "") for b in blocks if b.kind == "paragraph"]


def test_every_paragraph_too_long_for_a_slide_reported_in_one_run(make_project):
    long = "这是一个非常长的句子，用来测试幻灯片放不下的情况。" * 40
    body = (f"# 一\n\n正文。\n\n::: slides\n短要点。\n\n{long}\n:::\n\n## 二\n\n正文。\n\n"
            f"::: slides\n- 短\n- {long}\n:::\n")
    root = make_project(lecture=body)
    result = run_build("pptx", "--project", str(root), "--out", str(root / "out"))
    assert result.code == 1
    assert re.search(r"intro\.md:8: this paragraph is too long for one slide.*split the paragraph", result.err)
    assert re.search(r"intro\.md:17: this list item is too long for one slide.*split the item", result.err)


# ---------------------------------------------------------------- a chapter written for GitHub

def test_github_style_chapter_builds_with_warnings_and_every_picture(make_project):
    root = make_project(name="github")
    lectures = root / "content/lectures"
    (lectures / "intro.md").unlink()
    for path in (CASES / "github-chapter").iterdir():
        (shutil.copytree if path.is_dir() else shutil.copy)(path, lectures / path.name)
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    out = root / "out"
    for kind in ("pdf", "pptx"):
        result = run_build(kind, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "Traceback" not in result.err, result.err
        lines = [ln for ln in result.err.splitlines() if ln.strip()]
        assert all(ln.startswith("warning: ") for ln in lines), lines
        assert any("lecture.md:5: 2 headings start with a typed number: '3.1' (line 5), '3.2' (line 13)" in ln for ln in lines)
        assert any("lecture.md:16: image 'img/score.png' has no alt text" in ln for ln in lines)
    from PIL import Image
    pictures = sorted((lectures / "img").iterdir())
    reader = pypdf.PdfReader(str(out / "lecture.pdf"))
    shown = {img.data: img.image.size for page in reader.pages for img in page.images}     # resources are shared
    assert sorted(shown.values()) == sorted(Image.open(p).size for p in pictures)      # all five
    text = norm("".join(page_texts(out / "lecture.pdf")))
    assert "cata.txt|wc-l管道把输出交给下一个命令" in text and "x|y已转义的竖线" in text and "表1表格里的竖线" in text
    slides, _notes = deck_texts(out / "lecture.pptx")
    prs = Presentation(str(out / "lecture.pptx"))
    on_slides = sorted(Image.open(io.BytesIO(s.image.blob)).size for slide in prs.slides for s in slide.shapes
                       if s.shape_type == 13)
    assert on_slides == sorted(Image.open(p).size for p in pictures)   # also the one inside a list item
    assert "cat a.txt | wc -l" in "\n".join(slides)


def test_problems_of_a_file_capped_when_reported(make_project):
    body = "# 一\n\n" + "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n\n" * 60
    root = make_project(lecture=body)
    result = run_build("check", "--project", str(root))
    assert result.code == 1
    lines = result.err.splitlines()
    assert sum(ln.startswith("error: content/lectures/intro.md:") and "table row" in ln for ln in lines) == 50
    assert "error: content/lectures/intro.md: 10 more problems not shown; fix the ones above first" in lines
    assert lines[-1] == "60 problems; no output was changed"


def test_inline_img_tags_become_figures_with_raw_html(make_project):
    body = ('# 一\n\n如图：\n<img src="images/a.png" alt="独占一行的图">\n\n'
            '文字中间<img src="images/b.png" alt="行内的图">继续。\n')
    files = {"content/lectures/images/a.png": _png(), "content/lectures/images/b.png": _png((30, 30))}
    root = lecture_project(make_project, body, "markdown:\n  raw_html: true\n", files=files)
    course, problems = load_course(root)
    blocks = course.lectures[0].sections[0].blocks
    assert [(b.kind, getattr(b, "number", 0)) for b in blocks] == [
        ("paragraph", 0), ("figure", 1), ("paragraph", 0), ("figure", 2)]
    assert (blocks[1].alt, blocks[1].pos.line, blocks[3].alt, blocks[3].pos.line) == ("独占一行的图", 4, "行内的图", 6)
    assert [str(w) for w in problems.warnings] == [
        "content/lectures/intro.md:6: picture 'images/b.png' sits inside a line of text; it is shown as a figure "
        "after the paragraph; put the image on a line of its own where it belongs"]


def test_chinese_counter_words_are_matched_whole():
    """"第一部分" is one counter word: alone it is a heading that is only a number (left alone, no warning);
    before a title the whole "第一部分" is the typed number, never "第一部" leaving "分"."""
    from coursepress import model as m
    from coursepress.numbering import typed_number

    warned: list[str] = []
    heading = [m.Text("第一部分")]
    assert typed_number(heading, False, lambda message, hint: warned.append(message)) == heading and not warned
    typed_number([m.Text("第一部分 概述")], False, lambda message, hint: warned.append(message))
    assert warned and "'第一部分'" in warned[0]
    assert typed_number([m.Text("第二部分 总结")], True, lambda *_: None)[0].text == "总结"
