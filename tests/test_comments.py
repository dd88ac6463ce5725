"""HTML comments are the author's notes to self: no output prints them (``raw_html`` off, the default, and
on), while comments inside code stay code. Before: with raw HTML off a comment was a paragraph of text,
printed in the handout and on the slides without a warning."""

from __future__ import annotations

import pytest

from conftest import append_course, run_build
from readback import handout_and_deck_text

LECTURE = """\
---
title: 注释
---

# 注释

<!-- 秘密一：这是作者给自己的备注 -->

正文第一段有<!-- 秘密二 -->行内注释，代码 `<!-- 代码一 -->` 保留。
<!--
秘密三
第二行
-->

```html
<!-- 代码二 -->
<p>示例</p>
```

- 列表项
  <!-- 秘密四 -->

正文最后一段。
"""


@pytest.mark.parametrize("raw_html", [False, True])
def test_comments_are_not_printed(make_project, tmp_path, raw_html):
    root = make_project(lecture=LECTURE)
    if raw_html:
        append_course(root, "markdown:\n  raw_html: true\n")
    out = tmp_path / "out"
    run = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    assert "warning" not in run.err, run.err
    handout, slides, notes = handout_and_deck_text(out)
    for text in (handout, slides + notes):
        assert "秘密" not in text and "备注" not in text, text
        assert "代码一" in text and "代码二" in text, text
    assert "正文第一段有行内注释" in handout and "正文最后一段" in handout and "列表项" in handout, handout


def test_editor_contents_mark_is_left_out_with_a_warning(make_project, tmp_path):
    """Typora's ``[TOC]`` (GitLab's ``[[_TOC_]]``) asks the editor for a contents list: printed as "[TOC]" before;
    the handout has its own contents page, so the line is left out, with a warning at its line."""
    lecture = LECTURE.replace("<!-- 秘密一：这是作者给自己的备注 -->", "[TOC]\n\n[[_TOC_]]")
    root = make_project(lecture=lecture)
    out = tmp_path / "out"
    run = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    warnings = [line for line in run.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2 and "intro.md:7:" in warnings[0] and "intro.md:9:" in warnings[1], warnings
    handout, slides, _notes = handout_and_deck_text(out)
    assert "TOC" not in handout and "TOC" not in slides
