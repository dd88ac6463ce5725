"""Files saved by Windows editors (Notepad, Typora on Windows): a UTF-8 byte-order mark first and CRLF line
ends. The lecture's front matter must still be its front matter: with the mark kept, markdown-it read
``---`` / ``title: …`` / ``---`` as a heading, the running header printed "--- title: …", the lecture's
title was lost and a heading warning named line 1."""

from __future__ import annotations

import pypdf
from pptx import Presentation

from conftest import run_build

LECTURE = """---
title: 视窗讲义
subtitle: 记事本保存
---

# 第一部分

正文第一段。

## 小节

正文第二段。
"""


def _windows(text: str) -> bytes:
    return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")


def test_byte_order_mark_and_crlf_keep_the_front_matter(make_project, tmp_path):
    root = make_project()
    (root / "content/lectures/intro.md").write_bytes(_windows(LECTURE))
    course = root / "content/course.yaml"
    course.write_bytes(_windows(course.read_text(encoding="utf-8")))
    out = tmp_path / "out"
    run = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    assert "warning" not in run.err, run.err
    reader = pypdf.PdfReader(out / "intro.pdf")
    assert reader.metadata.title.startswith("视窗讲义 · "), reader.metadata
    text = "".join(page.extract_text() for page in reader.pages)
    assert "title:" not in text and "---" not in text and "\ufeff" not in text, text
    assert "记事本保存" in text and "一、第一部分" in text and "1.1 小节" in text, text
    deck = Presentation(str(out / "intro.pptx"))
    assert deck.slides[0].shapes.title.text == "视窗讲义"
    assert not any("title:" in shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                   if shape.has_text_frame)


def test_typora_settings_in_front_matter_are_not_ours(make_project, tmp_path):
    """Typora writes its own settings into a lecture's front matter (``typora-copy-images-to`` when images are
    pasted): they are left to Typora, not an "unknown key" error; any other unknown key still is."""
    lecture = LECTURE.replace("subtitle: 记事本保存\n", "subtitle: 记事本保存\ntypora-copy-images-to: ./assets\n"
                                                         "typora-root-url: ./\n")
    root = make_project(lecture=lecture)
    out = tmp_path / "out"
    run = run_build("pdf", "--project", str(root), "--out", str(out))
    assert run.code == 0 and "warning" not in run.err, run.err
    (root / "content/lectures/intro.md").write_text(lecture.replace("typora-root-url", "typoraroot"), encoding="utf-8")
    run = run_build("pdf", "--project", str(root), "--out", str(out))
    assert run.code == 1 and "intro.md:5:1: unknown key 'typoraroot'" in run.err, run.err
