"""A code block continued on the next slide (issue 13, item 4): no slide shows a block's imports alone;
a block that would leave only a few lines under the slide's text starts on the next slide."""

from __future__ import annotations

from pptx import Presentation

from conftest import run_build

BODY = "\n".join(f"    total = total + step_{i}(value)  # 第{i}步" for i in range(24))
LECTURE = f"""\
---
title: 代码
---
# 部分

## 代码分页

- 第一点：先介绍要点
- 第二点：再看代码
- 第三点：注意导入
- 第四点：注意函数
- 第五点：注意返回值

```python
import math
import random


def run(value):
    total = 0
{BODY}
    return total
```
"""
MONO = "DejaVu Sans Mono"


def test_code_pieces_never_hold_only_the_imports(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0 and "warning" not in result.err, result.err
    prs = Presentation(str(tmp_path / "out/intro.pptx"))
    pieces = []
    for slide in prs.slides:
        body = next((sh for sh in slide.shapes if sh.name == "Content"), None)
        if body is None:
            continue
        code = [p.text for p in body.text_frame.paragraphs if p.runs and all(r.font.name == MONO for r in p.runs)]
        if code:
            pieces.append([line for line in code if line.strip()])
    assert len(pieces) >= 2                                   # the block is longer than a slide
    assert pieces[0][:3] == ["import math", "import random", "def run(value):"]   # not the imports alone
    assert all(len(piece) >= 6 for piece in pieces)
    shown = [line for piece in pieces for line in piece]
    expected = [line for line in LECTURE.split("```python\n")[1].split("```")[0].splitlines() if line.strip()]
    assert shown == expected                                  # every line once, in order
