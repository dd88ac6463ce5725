"""The real course's handout, read back: pages, outline, TOC, fonts, metadata, links, layout."""

from __future__ import annotations

import re

import pypdf
import pytest
from fontTools.ttLib import TTFont

from coursepress.load import load_course
from coursepress.numbers import estimate_note
from readback import char_boxes, fonts, links, norm, outline, page_texts, render
from conftest import REPO, course_output, run_build


@pytest.fixture(scope="session")
def handout(course_build):
    """The real course's handout from the session's shared build: (path, Run)."""
    return course_output(course_build, "llm-intro.pdf")


@pytest.fixture(scope="session")
def course():
    return load_course(REPO)[0]


def test_build_reports_path_pages_and_time(handout):
    path, result = handout
    assert re.search(r"llm-intro\.pdf: \d+ pages, [\d.]+ s", result.out)
    assert result.err.strip() == ""          # no stray warnings on the real course
    assert len(pypdf.PdfReader(str(path)).pages) >= 10


def test_every_heading_in_text_and_outline(handout, course):
    path, _ = handout
    text = norm("".join(page_texts(path)))
    titles = [norm(t) for _, t, _ in outline(path)]
    for h in course.lectures[0].headings():
        assert norm(h.plain) in text, h.plain
        number = h.number if h.level <= course.meta.handout.number_depth else ""   # deeper heads are unnumbered
        assert norm(f"{number}{h.plain}") in titles, h.plain
    assert len(titles) == len(set(titles))


def test_toc_page_numbers_match_heading_pages(handout):
    path, _ = handout
    pages = page_texts(path)
    toc = next(p for p in pages if "目录" in p and "......" in norm(p))
    checked = 0
    for _depth, title, page in outline(path):
        for line in toc.splitlines():
            line_n = norm(line)
            if line_n.startswith(norm(title)) and re.search(r"\d+$", line_n):
                assert int(re.search(r"(\d+)$", line_n).group(1)) == page + 1, title
                assert norm(title.split(" ", 1)[-1]) in norm(pages[page]), title
                checked += 1
                break
    assert checked >= 10


def test_fonts_embedded_and_shipped(handout):
    path, _ = handout
    shipped = set()
    for f in (REPO / "assets" / "fonts").iterdir():
        if f.suffix in (".otf", ".ttf"):
            shipped.add(TTFont(f, lazy=True)["name"].getDebugName(1))
    used = fonts(path)
    assert used
    for name, embedded in used.items():
        assert embedded, name
        family = name.replace("-", " ").removesuffix(" Bold")   # WeasyPrint names fonts "Family-Style"
        assert family in shipped, f"{name} is not one of the shipped fonts {shipped}"
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= set(used)   # body, emphasis, bold


def test_metadata_and_language(handout, course):
    path, _ = handout
    reader = pypdf.PdfReader(str(path))
    meta = reader.metadata
    assert course.lectures[0].title in meta.title
    assert meta.author == course.meta.author
    assert meta.subject
    assert str(reader.trailer["/Root"]["/Lang"]) == "zh-CN"
    assert "/StructTreeRoot" in reader.trailer["/Root"]          # tagged PDF
    assert meta.creation_date.date() == course.meta.date


def test_reference_links_are_links(handout, course):
    path, _ = handout
    uris = {uri for _, uri in links(path)}
    for ref in course.meta.references:
        assert ref.url in uris


def test_figure_captions_numbered(handout):
    path, _ = handout
    text = "".join(page_texts(path))
    numbers = [int(n) for n in re.findall(r"图\s*(\d+)\s", text)]
    assert numbers and set(range(1, max(numbers) + 1)) <= set(numbers)
    assert re.search(r"表\s*1\s", text)


def test_estimated_values_marked(handout, course):
    path, _ = handout
    text = norm("".join(page_texts(path)))
    estimated = [(m, c) for m in course.data.models for c in ("parameters", "context") if estimate_note(m, c)]
    assert estimated
    for model, column in estimated:
        if any(model in t.models for s in course.lectures[0].sections for sec in s.walk() for t in sec.blocks
               if t.kind == "model_table" and column in t.columns):
            assert norm(estimate_note(model, column)) in text, model.name
    assert "≈" in text


def test_pages_not_blank(handout):
    path, _ = handout
    for i in range(len(pypdf.PdfReader(str(path)).pages)):
        image = render(path, i, 0.5)
        dark = sum(image.histogram()[:160])
        assert dark > 50, f"page {i + 1} is blank ({dark} dark pixels)"


def test_body_text_inside_page_and_clear_of_header_footer(handout):
    path, _ = handout
    mm = 72 / 25.4
    for page, char, (left, bottom, right, top), width, height in char_boxes(path):
        assert left >= -0.5 and right <= width + 0.5 and bottom >= -0.5 and top <= height + 0.5, (page, char)
        in_header = top > height - 24 * mm + 1
        in_footer = bottom < 22 * mm - 1
        if in_header or in_footer:     # only running header/footer text lives there, inside the margins
            assert top <= height - 8 * mm and bottom >= 8 * mm, (page, char)


def test_slides_and_notes_not_in_handout_but_handout_only_is(make_project):
    lecture = """---
title: 容器
---

# 部分

正文段落。

::: slides
- 只在幻灯片上的要点
:::

::: notes
只给讲者看的备注。
:::

::: handout
只在讲义中的补充说明。
:::

::: warning
注意安全。
:::
"""
    root = make_project(lecture=lecture)
    result = run_build("pdf", "--project", str(root), "--out", str(root / "out"))
    assert result.code == 0, result.err
    text = norm("".join(page_texts(root / "out/intro.pdf")))
    assert norm("正文段落。") in text and norm("只在讲义中的补充说明。") in text
    assert norm("只在幻灯片上的要点") not in text and norm("只给讲者看的备注") not in text
    assert norm("警告注意安全。") in text       # admonition with its default title
    assert ":::" not in text
