"""Prose that holds inline code, summarised on slides (a new user's trial of a programming lecture).

Every sentence must be on a slide or in that slide's notes (docs/content-format.md, "The deck"). Before
the fix, the notes of a bullet were dropped when the bullet held inline code (``model.fit()``): the
notes were paired with bullets skipping any paragraph with a code run, meant for code-block lines only;
and a "!" or "." inside the code (``a!b``) ended the bullet's sentence in the middle of the code.
"""

from __future__ import annotations

import re

from pptx import Presentation

from conftest import run_build
from readback import slide_body, slide_notes

SENTENCES = ["先用 `model.fit()` 训练模型。", "训练大约需要十分钟。",
             "表达式 `a!=b` 判断两者不等，结果是布尔值。", "这一句在第二段的后面。",
             "最后一段没有代码。", "最后一段的第二句。"]
LECTURE = f"""\
---
title: 代码与正文
---

# 部分

## 训练

{SENTENCES[0]}{SENTENCES[1]}

{SENTENCES[2]}{SENTENCES[3]}

```python
model.fit(x, y)
print(model.score(x, y))
```

{SENTENCES[4]}{SENTENCES[5]}
"""


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("`", ""))


def test_every_sentence_with_inline_code_reaches_the_deck(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    out = tmp_path / "out"
    run = run_build("pptx", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    deck = Presentation(str(out / "intro.pptx"))
    slides = [(_plain(slide_body(slide)), _plain(slide_notes(slide))) for slide in deck.slides]
    for sentence in map(_plain, SENTENCES):
        assert any(sentence in body or sentence in notes for body, notes in slides), (sentence, slides)
    bullets = "".join(body for body, _notes in slides)
    assert _plain(SENTENCES[2]) in bullets, bullets      # the "!" inside `a!=b` ends no sentence


def test_wrap_mark_names_the_monospace_face_for_east_asian_text(make_project, tmp_path):
    """The ↪ that marks a wrapped code line (U+21AA, which the East-Asian face lacks) names the monospace face
    in a:ea as in a:latin: LibreOffice sets an arrow from a:ea, and took another installed face for it (Noto
    Emoji's boxed arrow) when a:ea named Noto Sans CJK SC."""
    from pptx.oxml.ns import qn

    long_line = "result = compute(" + ", ".join(f"argument_{i}" for i in range(30)) + ")  # 一个很长的中文注释"
    root = make_project(lecture=f"---\ntitle: 长代码\n---\n\n# 部分\n\n## 代码\n\n```python\n{long_line}\n```\n")
    out = tmp_path / "out"
    run = run_build("pptx", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    deck = Presentation(str(out / "intro.pptx"))
    marks = [r for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for r in p.runs if "\u21aa" in r.text]
    assert marks, "no wrapped code line"
    for mark in marks:
        rpr = mark._r.find(qn("a:rPr"))
        latin, east_asian = rpr.find(qn("a:latin")).get("typeface"), rpr.find(qn("a:ea")).get("typeface")
        assert east_asian == latin == "DejaVu Sans Mono", (mark.text, latin, east_asian)
