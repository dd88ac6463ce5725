"""Warnings a lecturer reads (new-user test, item 11): few, exact and said once.

- Headings typed with their numbers (第一章 / 1.1 / 一、), as Word and Typora habits have it, are
  stripped (the project numbers headings itself) with one warning per lecture file, not one per
  heading; ``strip_typed_numbers: true`` strips them silently, ``false`` keeps them with that one
  warning.
- A warning quotes the author's TeX exactly, shortened with an ellipsis, never with a ``$`` the
  author did not type there (it read ``…\\mathrm{softma$``).
- ``build.py watch`` prints a file's warnings once, and again only after that file changes.
"""

from __future__ import annotations

import re
import textwrap

from conftest import append_course, problems_of, run_build
from readback import norm, page_texts

TYPED = """\
---
title: 编号
---

# 第一章 概述

正文。

## 1.1 背景

正文。

## 1.2 动机

正文。

# 二、方法

正文。

## 2.1 数据

正文。

## 2023 年回顾

正文。
"""


def _typed_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "typed number" in w]


def test_typed_heading_numbers_are_stripped_with_one_warning_per_file(make_project):
    root = make_project(lecture=TYPED)
    errors, warnings = problems_of(root)
    assert not errors, errors
    typed = _typed_warnings(warnings)
    assert len(typed) == 1, warnings
    assert typed[0].startswith("content/lectures/intro.md:5: 5 headings start with a typed number: "
                               "'第一章' (line 5), '1.1' (line 9), '1.2' (line 13), '二、' (line 17) and 1 more"), typed
    assert "removed" in typed[0]
    assert [w for w in warnings if w not in typed] == [], warnings
    from coursepress.load import load_course

    course, _problems = load_course(root)
    titles = [norm("".join(getattr(c, "text", "") for c in s.heading.children))
              for top in course.lectures[0].sections for s in top.walk()]
    assert titles == ["概述", "背景", "动机", "方法", "数据", norm("2023 年回顾")], titles


def test_strip_typed_numbers_true_is_silent_and_false_keeps_them(make_project):
    quiet = append_course(make_project(lecture=TYPED, name="quiet"), "markdown:\n  strip_typed_numbers: true\n")
    assert _typed_warnings(problems_of(quiet)[1]) == []
    kept = append_course(make_project(lecture=TYPED, name="kept"), "markdown:\n  strip_typed_numbers: false\n")
    typed = _typed_warnings(problems_of(kept)[1])
    assert len(typed) == 1 and "printed twice" in typed[0], typed


def test_the_handout_prints_each_heading_number_once(make_project, tmp_path):
    root = make_project(lecture=TYPED)
    out = tmp_path / "out"
    run = run_build("pdf", "--project", str(root), "--out", str(out))
    assert run.code == 0, run.err
    assert len([line for line in run.err.splitlines() if line.startswith("warning:")]) == 1, run.err
    text = norm(" ".join(page_texts(out / "intro.pdf")))
    assert norm("1.1 背景") in text and norm("1.1 1.1") not in text and "第一章" not in text, text


def test_excerpt_quotes_the_authors_text_exactly():
    from coursepress.errors import excerpt

    tex = r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V"
    short = excerpt(tex)
    assert short.endswith("\u2026") and tex.startswith(short[:-1]) and len(short) <= 41, short
    assert excerpt("x^2") == "x^2"
    assert "$" not in short


LONG_FORMULA = r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V"


def test_formula_warning_quotes_the_tex_as_typed(make_project, tmp_path):
    """The deck's inline-formula warning quotes the start of the TeX, an ellipsis and nothing else."""
    root = make_project(lecture=f"""\
        ---
        title: 公式
        ---

        # 注意力

        自注意力的核心公式是 ${LONG_FORMULA}$，其中 $d_k$ 是键向量的维度。
        """)
    run = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    found = re.findall(r"the formula '([^']*)'", run.err)
    assert found, run.err
    for quoted in found:
        assert quoted.endswith("\u2026") and LONG_FORMULA.startswith(quoted[:-1]), quoted
    assert "softma$" not in run.err and "$" not in "".join(found), run.err


def test_watch_says_a_warning_once_until_its_file_changes(make_project, tmp_path):
    from test_watch import Watcher

    root = make_project(lecture=TYPED)
    (root / "content/lectures/other.md").write_text(textwrap.dedent("""\
        ---
        title: 其他
        ---

        # 其他

        正文。
        """), encoding="utf-8")
    append_course(root, "outputs: [pdf]\n")
    watcher = Watcher(root, tmp_path / "out")
    try:
        status, _out, err = watcher.next_status()
        assert "built" in status, (status, err)
        assert len(_typed_warnings(err)) == 1, err
        other = root / "content/lectures/other.md"
        other.write_text(other.read_text(encoding="utf-8") + "\n再一段。\n", encoding="utf-8")
        status, _out, err = watcher.next_status()
        assert "built" in status, (status, err)
        assert _typed_warnings(err) == [], err                      # intro.md did not change: not repeated
        assert "1 earlier warning(s) still apply" in status, status
        intro = root / "content/lectures/intro.md"
        intro.write_text(intro.read_text(encoding="utf-8") + "\n再一段。\n", encoding="utf-8")
        status, _out, err = watcher.next_status()
        assert "built" in status, (status, err)
        assert len(_typed_warnings(err)) == 1, err                  # intro.md changed: said again
    finally:
        watcher.stop()


def test_a_fix_to_copy_is_never_shortened(make_project):
    """The missing spaced-path warning suggests the bracketed form with the whole path (it was cut to
    40 characters, so copying it gave a wrong path), and quotes the path itself exactly."""
    path = "../images/第三章 大语言模型预训练过程中的训练损失曲线与学习率预热及余弦衰减变化 截图 2024-01-15.png"
    root = make_project(lecture=f"---\ntitle: 图\n---\n\n# 图\n\n![损失曲线与学习率变化的长截图说明文字](  {path})\n\n正文。\n")
    _errors, warnings = problems_of(root)
    found = [w for w in warnings if "holds a space" in w]
    assert len(found) == 1, warnings
    assert f"![损失曲线与学习率变化的长截图说明文字](<{path}>)" in found[0], found[0]
    quoted = re.search(r"image path '([^']*)'", found[0]).group(1)
    assert quoted.endswith("\u2026") and path.startswith(quoted[:-1]), quoted
