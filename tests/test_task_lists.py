"""GFM task lists (``- [ ] to do``, ``- [x] done``; GitHub and Typora draw check boxes): a ballot box in every
output, U+2610 open and U+2612 done, as Pandoc's ``task_lists`` writes them where no check box exists.
Before, "[ ]" and "[x]" were printed as text. Only a mark at the start of an item, followed by a space, is one."""

from __future__ import annotations

from conftest import run_build
from readback import handout_and_deck_text

OPEN, DONE = "\u2610", "\u2612"
LECTURE = """\
---
title: 任务
---

# 任务

- [ ] 复现实验
- [x] 阅读论文
  - [X] 读摘要
1. [ ] 写报告
- [ ]没有空格不是任务
- 句中的 [x] 不是任务
"""


def test_task_marks_are_ballot_boxes(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    out = tmp_path / "out"
    run = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    assert "warning" not in run.err, run.err
    handout, slides, _notes = handout_and_deck_text(out)
    for text in (handout, slides):
        for item in (f"{OPEN} 复现实验", f"{DONE} 阅读论文", f"{DONE} 读摘要", f"{OPEN} 写报告"):
            assert item in text, (item, text)
        assert "[ ]没有空格不是任务" in text and "句中的 [x] 不是任务" in text, text
        assert text.count("[") == 2, text
