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
