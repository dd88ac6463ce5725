"""LaTeX's math delimiters ``\\(…\\)`` and ``\\[…\\]`` (MathJax, Jupyter, answers copied from a chatbot): read as
formulas, as ``$…$`` and ``$$…$$`` are. Before, Markdown's escapes ate the backslashes and printed "(x^2)"
and "[ E = mc^2 ]" as text, with no warning. An escaped bracket that opens a line (``\\[1\\] …``) and escaped
parentheses around Chinese prose stay text."""

from __future__ import annotations

import pypdf

from conftest import run_build

LECTURE = r"""---
title: 公式写法
---

# 公式

损失函数 \(L(\theta) = -\log p\) 越小越好，其中 \( \theta \) 是参数。

\[
\frac{\partial L}{\partial \theta} = 0
\]

\[E = mc^2\]

\[1\] 这一行以转义的方括号开头，是正文，\(注：括号也是转义的\)。
"""


def test_latex_delimiters_are_formulas(make_project, tmp_path):
    from coursepress import model as m
    from coursepress.load import load_course

    root = make_project(lecture=LECTURE)
    course, _problems = load_course(root)
    section = course.lectures[0].sections[0]
    blocks = section.blocks
    inline = [node.tex for node in blocks[0].children if isinstance(node, m.Math)]
    display = [b.tex for b in blocks if isinstance(b, m.MathBlock)]
    assert inline == [r"L(\theta) = -\log p", r"\theta"], blocks[0]
    assert display == [r"\frac{\partial L}{\partial \theta} = 0", "E = mc^2"], blocks
    assert m.plain_text(blocks[-1].children) == "[1] 这一行以转义的方括号开头，是正文，(注：括号也是转义的)。", blocks[-1]

    out = tmp_path / "out"
    run = run_build("pdf", "--project", str(root), "--out", str(out))
    assert run.code == 0 and "warning" not in run.err, run.err
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out / "intro.pdf").pages)
    assert "\\" not in text and "mc^2" not in text and "(L(" not in text, text
    assert "[1] 这一行以转义的方括号开头" in text, text
