"""The course book (``build.py book``): every lecture in one PDF, one contents, one outline, continuous pages."""

from __future__ import annotations

import re

import pypdf

from conftest import run_build
from readback import outline, page_texts

SECOND = """---
title: 第二讲 模型训练
order: 2
---

# 预训练 {#pretrain}

预训练让模型从海量文本中学习语言规律，见[](#pretrain)。

## 数据

训练数据包括网页、书籍和代码。[^src]

[^src]: 第二讲自己的脚注。

# 微调 {#finetune}

指令微调让模型学会听从指令。
"""


def _book(make_project, tmp_path):
    root = make_project(files={"content/lectures/second.md": SECOND})
    result = run_build("book", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert "book.pdf" in result.out
    return root, tmp_path / "out" / "book.pdf"


def test_book_holds_every_lecture_with_one_outline_and_continuous_pages(make_project, tmp_path):
    root, pdf = _book(make_project, tmp_path)
    entries = outline(pdf)
    tops = [title for depth, title, _ in entries if depth == 0]
    first_title = re.search(r"^title: (.+)$", (root / "content/lectures/intro.md").read_text(encoding="utf-8"),
                            re.M).group(1).strip()
    assert tops == [first_title, "第二讲 模型训练"]
    assert any(depth == 1 and title.endswith("预训练") for depth, title, _ in entries)   # parts one level down
    pages = [t.replace(" ", "") for t in page_texts(pdf)]
    total = len(pages)
    numbered = [int(m.group(1)) for t in pages for m in [re.search(r"第(\d+)页/共" + str(total) + "页", t)] if m]
    assert numbered == sorted(numbered) and numbered[-1] == total and len(set(numbered)) == len(numbered)
    contents = next(t for t in pages if "目录" in t)
    assert first_title.replace(" ", "") in contents and "第二讲模型训练" in contents and "预训练" in contents
    text = "".join(pages)
    assert "第二讲自己的脚注" in text and "预训练让模型从海量文本中学习语言规律" in text


def test_book_links_stay_inside_their_lecture(make_project, tmp_path):
    """Every internal link of the book resolves to a named destination, and the cross-reference in the
    second lecture goes to the second lecture's heading (ids are prefixed per lecture)."""
    _, pdf = _book(make_project, tmp_path)
    reader = pypdf.PdfReader(str(pdf))
    names = reader.named_destinations
    internal = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            dest = a.get("/Dest")
            if dest is not None:
                internal.append(str(dest))
    assert internal, "no internal links"
    assert all(d in names for d in internal if not d.startswith("[")), [d for d in internal if d not in names]
    assert "second--pretrain" in names and "intro--pretrain" not in names


def test_book_is_rebuilt_when_any_lecture_changes(make_project, tmp_path):
    root, pdf = _book(make_project, tmp_path)
    again = run_build("book", "--project", str(root), "--out", str(tmp_path / "out"))
    assert "up to date" in again.out
    lecture = root / "content/lectures/second.md"
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("指令微调", "监督微调"), encoding="utf-8")
    third = run_build("book", "--project", str(root), "--out", str(tmp_path / "out"))
    assert third.code == 0 and "up to date" not in third.out
    assert "监督微调" in "".join(page_texts(pdf))


def test_book_is_built_by_all_only_when_outputs_lists_it(make_project, tmp_path):
    root = make_project()
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "outputs: [pdf, book]\n", encoding="utf-8")
    result = run_build("all", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["book.pdf",
                                                                                                  "intro.pdf"]
