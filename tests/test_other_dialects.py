"""A new user's chapters written for other tools (issue 20, sixth session): MkDocs-Material / d2l,
MyST / Jupyter Book and GitHub-alert admonitions; LaTeX environments, labels and references as
MathJax users write them."""

from __future__ import annotations

import pypdf
import pytest
from pptx import Presentation

from coursepress import model as m
from coursepress.load import load_course
from conftest import problems_of, run_build

ADMONITIONS = '''# 一

!!! note "提示"
    本节的代码可以在 CPU 上运行。

    第二段也在框里。

!!! warning
    旧版本不支持。

??? tip "折叠的技巧"
    折叠内容。

    ```python
    x = 1
    ```

:::{note}
MyST 风格的提示框。
:::

:::{danger} 小心高压
MyST 危险。
:::

> [!IMPORTANT]
> GitHub 风格的重要提示。

> [!CAUTION]
>
> 空行之后的正文。

> 普通引用 [!NOTE] 不是提示。

框外的段落。
'''


def _boxes(blocks) -> list[tuple[str, str, str]]:
    out = []
    for block in blocks:
        if isinstance(block, m.Admonition):
            out.append((block.variant, block.title, " ".join(m.plain_text(b.children) for b in block.blocks
                                                                if isinstance(b, m.Paragraph))))
    return out


def test_mkdocs_myst_and_github_admonitions_are_boxes_with_their_titles_and_bodies(make_project):
    root = make_project(lecture=ADMONITIONS)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    section = course.lectures[0].sections[0]
    assert _boxes(section.blocks) == [
        ("note", "提示", "本节的代码可以在 CPU 上运行。 第二段也在框里。"),
        ("warning", "", "旧版本不支持。"),
        ("tip", "折叠的技巧", "折叠内容。"),
        ("note", "", "MyST 风格的提示框。"),
        ("warning", "小心高压", "MyST 危险。"),
        ("note", "重要", "GitHub 风格的重要提示。"),
        ("warning", "小心", "空行之后的正文。"),
    ]
    folded = next(b for b in section.blocks if isinstance(b, m.Admonition) and b.title == "折叠的技巧")
    assert any(isinstance(b, m.CodeBlock) and b.text.strip() == "x = 1" and b.language == "python"
               for b in folded.blocks)
    quotes = [b for b in section.blocks if isinstance(b, m.BlockQuote)]
    assert [m.plain_text(q.blocks[0].children) for q in quotes] == ["普通引用 [!NOTE] 不是提示。"]
    assert isinstance(section.blocks[-1], m.Paragraph) and m.plain_text(section.blocks[-1].children) == "框外的段落。"


def test_admonitions_print_no_markers_in_the_handout_or_the_deck(make_project, tmp_path):
    root = make_project(lecture=ADMONITIONS)
    out = tmp_path / "out"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out / "intro.pdf").pages)
    for marker in ("!!!", "???", "{note}", "[!IMPORTANT]", "[!CAUTION]", "\"提示\""):
        assert marker not in text
    for words in ("提示", "第二段也在框里", "折叠的技巧", "x = 1", "小心高压", "重要", "GitHub 风格的重要提示", "空行之后的正文"):
        assert words in text, words
    deck = []
    for slide in Presentation(str(out / "intro.pptx")).slides:
        deck += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            deck.append(slide.notes_slide.notes_text_frame.text)
    joined = "\n".join(deck)
    assert "!!!" not in joined and "[!IMPORTANT]" not in joined and "{note}" not in joined
    assert "GitHub 风格的重要提示" in joined and "本节的代码可以在 CPU 上运行" in joined


LATEX = r'''# 一

\begin{align}
\boldsymbol{\alpha} &= \mathrm{softmax}(x) \label{eq:attn} \\
\mathbf{O} &= \boldsymbol{\alpha} \mathbf{V} \nonumber
\end{align}

由式\eqref{eq:attn}可知，又由式 $\eqref{eq:tagged}$ 与第 \ref{sec-two} 节。

\begin{equation}
E = mc^2 \tag{2.1} \label{eq:tagged}
\end{equation}

\begin{gather*}
a = b
\end{gather*}

`\eqref{eq:attn}` 在代码里不变。

## 二 {#sec-two}

正文。
'''


def test_bare_latex_environments_are_display_formulas_with_labels_tags_and_references(make_project):
    root = make_project(lecture=LATEX)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    formulas = [b for b in blocks if isinstance(b, m.MathBlock)]
    assert [(f.number, f.ident) for f in formulas] == [(1, "eq:attn"), (0, "eq:tagged"), (0, "")]
    assert formulas[0].tex.startswith("\\begin{align}") and "\\label" not in formulas[0].tex
    assert "\\nonumber" not in formulas[0].tex and "\\\\" in formulas[0].tex
    assert "\\tag{2.1}" in formulas[1].tex
    refs = [n for n in blocks[1].children if isinstance(n, m.XRef)]
    assert [(r.target, r.label) for r in refs] == [("eq:attn", "(1)"), ("eq:tagged", "(2.1)"), ("sec-two", "1.1")]
    code = next(b for b in blocks if isinstance(b, m.Paragraph) and any(isinstance(n, m.Code) for n in b.children))
    assert any(isinstance(n, m.Code) and n.text == "\\eqref{eq:attn}" for n in code.children)


def test_an_eqref_to_an_unknown_label_is_an_error_at_its_line(make_project):
    root = make_project(lecture="# 一\n\n正文。\n\n见式\\eqref{eq:none}。\n")
    errors, _ = problems_of(root)
    assert len(errors) == 1 and "intro.md:5" in errors[0] and "eq:none" in errors[0] and "eqref:" not in errors[0]


@pytest.mark.parametrize("tex", [r"\begin{align} a &= b \\ c &= d \end{align}"])
def test_align_prints_no_row_numbers_of_its_own(tex):
    from coursepress.mathtree import mathml_string

    mathml = mathml_string(tex, True)
    assert "<mtext>(1)</mtext>" not in mathml and "<mtext>(2)</mtext>" not in mathml
    assert mathml.count("<mtr>") == 2


NOTEBOOK = '''# 一

```python
df["acc"]
```

    \x1b[0;31m---------------------------------------------------------------------------\x1b[0m
    \x1b[0;31mKeyError\x1b[0m                                  Traceback (most recent call last)
    Cell \x1b[0;32mIn[3], line 1\x1b[0m
    \x1b[0;32m----> 1\x1b[0m df[\x1b[38;5;124m"\x1b[39m\x1b[38;5;124macc\x1b[39m\x1b[38;5;124m"\x1b[39m]
    \x1b[0;31mKeyError\x1b[0m: 'acc'

正文 \x1b[1m仍在\x1b[0m。
'''


def test_terminal_colour_codes_of_an_exported_notebook_are_dropped_not_refused(make_project):
    root = make_project(lecture=NOTEBOOK)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    output = blocks[1]
    assert isinstance(output, m.CodeBlock) and "\x1b" not in output.text
    assert output.text.splitlines()[3] == '----> 1 df["acc"]' and output.text.splitlines()[4] == "KeyError: 'acc'"
    assert m.plain_text(blocks[2].children) == "正文 仍在。"


def test_a_lone_escape_character_is_still_an_error_at_its_line(make_project):
    root = make_project(lecture="# 一\n\n正文。\n\n坏字符 \x1b 在这里。\n")
    errors, _ = problems_of(root)
    assert len(errors) == 1 and "intro.md:5:5" in errors[0] and "U+001B" in errors[0]
