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
    assert "\\tag" not in formulas[1].tex and formulas[1].tag == "(2.1)" and formulas[1].shown_number == "(2.1)"
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


FOOTNOTES = '''# 一

代码中的脚注示例[^code]。后面的句子。

两段的脚注[^two]。

[^code]: 可以调用软最大：

    ```python
    import torch
    ```

    - 第一项

[^two]: 第一段。

    第二段。
'''


def _line_of(chars, text: str) -> tuple[int, float]:
    """(page, baseline bottom in pt) of the first place ``text`` is printed in ``chars`` (loose_chars)."""
    joined = "".join(c[1] for c in chars)
    at = joined.index(text)
    return chars[at][0], chars[at][4]


def test_a_footnote_keeps_its_code_lists_and_paragraphs_in_the_note(make_project, tmp_path):
    from readback import loose_chars

    root = make_project(lecture=FOOTNOTES)
    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    chars = loose_chars(out / "intro.pdf")
    body = _line_of(chars, "示例")
    assert _line_of(chars, "。后面的句子") == body          # the body sentence was cut after the call
    note, code, item = _line_of(chars, "可以调用"), _line_of(chars, "importtorch"), _line_of(chars, "第一项")
    first, second = _line_of(chars, "第一段"), _line_of(chars, "第二段")
    assert body[0] == note[0] == code[0] == item[0]
    assert body[1] > note[1] > code[1] > item[1]              # PDF y grows upwards: the note is under the text
    assert _line_of(chars, "两段的脚注")[1] > first[1] > second[1] and first[1] < note[1]


DATAFRAME = '''# 一

前面一段。

<div>
<style scoped>
    .dataframe tbody tr th:only-of-type {
        vertical-align: middle;
    }

    .dataframe thead th {
        text-align: right;
    }
</style>
<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
      <th></th>
      <th>step</th>
      <th>loss</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <th>0</th>
      <td>1</td>
      <td>2.31</td>
    </tr>
    <tr>
      <th>1</th>
      <td>2</td>
      <td>1.87</td>
    </tr>
  </tbody>
</table>
<p>2 rows × 2 columns</p>
</div>

<table>
  <caption>参数对比</caption>
  <tr><th rowspan="2">模型</th><th colspan="2">参数量</th></tr>
  <tr><th>编码器</th><th>解码器</th></tr>
  <tr><td>BERT<br>base</td><td align="right">110M</td><td>—</td></tr>
  <tr><td>T5</td><td colspan="2">220M（合计）</td></tr>
</table>

后面一段。
'''


def test_a_style_after_a_tag_on_its_line_stays_in_its_html_block(make_project):
    """``<div><style scoped>`` on one line: the CSS after the first blank line was printed as text (second
    reading, issue 20)."""
    root = make_project(lecture=DATAFRAME.replace("<div>\n<style scoped>", "<div><style scoped>"))
    (root / "content/course.yaml").write_text((root / "content/course.yaml").read_text(encoding="utf-8")
                                              + "markdown:\n  raw_html: true\n", encoding="utf-8")
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    texts = [m.plain_text(b.children) for b in blocks if isinstance(b, m.Paragraph)]
    assert texts == ["前面一段。", "2 rows × 2 columns", "参数对比", "后面一段。"]
    assert not any(isinstance(b, m.CodeBlock) for b in blocks)
    assert [_cells(t)[1] for t in blocks if isinstance(t, m.Table)][0] == ["0", "1", "2.31"]


def _cells(table: m.Table) -> list[list[str]]:
    def text(cell: m.Cell) -> str:
        return "".join("/" if isinstance(n, m.Break) else m.plain_text((n,)) for n in cell.children)
    return [[text(c) for c in table.header]] + [[text(c) for c in row] for row in table.rows]


def test_html_tables_of_a_notebook_and_of_github_are_tables_with_spans_filled(make_project, tmp_path):
    root = make_project(lecture=DATAFRAME)
    (root / "content/course.yaml").write_text((root / "content/course.yaml").read_text(encoding="utf-8")
                                              + "markdown:\n  raw_html: true\n", encoding="utf-8")
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    assert not any(isinstance(b, m.CodeBlock) for b in blocks)          # the CSS was a code block
    tables = [b for b in blocks if isinstance(b, m.Table)]
    assert [_cells(t) for t in tables] == [
        [["", "step", "loss"], ["0", "1", "2.31"], ["1", "2", "1.87"]],
        [["模型", "参数量/编码器", "解码器"], ["BERT/base", "110M", "—"], ["T5", "220M（合计）", ""]],
    ]
    assert [t.pos.line for t in tables] == [15, 39]
    assert tables[1].rows[0][1].align == "right" and tables[0].header[1].align == "right"
    texts = [m.plain_text(b.children) for b in blocks if isinstance(b, m.Paragraph)]
    assert texts == ["前面一段。", "2 rows × 2 columns", "参数对比", "后面一段。"]
    out = tmp_path / "out"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    deck_tables = [[[c.text for c in r.cells] for r in shape.table.rows]
                   for slide in Presentation(str(out / "intro.pptx")).slides for shape in slide.shapes if shape.has_table]
    assert deck_tables[0] == [["", "step", "loss"], ["0", "1", "2.31"], ["1", "2", "1.87"]]
    assert deck_tables[1][2] == ["T5", "220M（合计）", ""]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out / "intro.pdf").pages)
    assert "vertical-align" not in text and "2.31" in text and "220M（合计）" in text


UNSAFE = '''# 一

正文。

<div class="x">
<b>重要的文字</b>在块里。
</div>

<p>段落标签里的文字。</p>

<ul><li>列表一</li><li>列表二 <sup>2</sup></li></ul>

<script>alert("脚本")</script>

<a href="javascript:alert(1)">坏链接</a> 和 <img src="https://example.com/a.png" alt="远程图"> 和 <img src="file:///etc/passwd" alt="本地图">

<iframe src="https://example.com/frame">框内文字</iframe>

<style>body { display: none }</style>
'''


def test_html_blocks_reach_the_deck_and_nothing_unsafe_reaches_any_output(make_project, tmp_path):
    root = make_project(lecture=UNSAFE)
    (root / "content/course.yaml").write_text((root / "content/course.yaml").read_text(encoding="utf-8")
                                              + "markdown:\n  raw_html: true\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning")]
    assert len(warnings) == 2 and all("intro.md:15:" in w and "never fetch" in w for w in warnings), warnings
    assert "example.com/a.png" in warnings[0] and "file:///etc/passwd" in warnings[1]
    reader = pypdf.PdfReader(out / "intro.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    for words in ("重要的文字", "在块里", "段落标签里的文字", "列表一", "列表二", "坏链接", "远程图", "本地图", "框内文字"):
        assert words in text, words
    for unsafe in ("alert", "脚本", "display", "passwd"):
        assert unsafe not in text, unsafe
    actions = [str(annot.get_object().get("/A", {}).get("/URI", "")) for page in reader.pages
               for annot in page.get("/Annots") or []]
    assert not any(a.startswith(("javascript", "file")) for a in actions), actions
    assert b"/Launch" not in (out / "intro.pdf").read_bytes() and b"/JavaScript" not in (out / "intro.pdf").read_bytes()
    deck = []
    for slide in Presentation(str(out / "intro.pptx")).slides:
        deck += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            deck.append(slide.notes_slide.notes_text_frame.text)
        for rel in slide.part.rels.values():
            assert not rel.is_external or rel.target_ref.startswith("http"), rel.target_ref
            assert "javascript" not in rel.target_ref.lower()
    joined = "\n".join(deck)
    for words in ("重要的文字", "在块里", "段落标签里的文字", "列表一", "列表二", "远程图", "本地图", "框内文字"):
        assert words in joined, words
    assert "alert" not in joined and "display" not in joined


def test_html_printed_as_text_is_reported_once_per_tag_and_line_with_what_to_write(make_project):
    body = ('# 一\n\n这是<mark>重点</mark>和<b>粗体</b>，<font color="red">红字</font>。\n\n'
            '<table>\n<tr><td>格</td></tr>\n</table>\n\n`<b>代码里的标签</b>` 不算。\n')
    root = make_project(lecture=body)
    errors, warnings = problems_of(root)
    assert not errors
    found = sorted((int(w.split(":")[1]), w.split("HTML <")[1].split(">")[0]) for w in warnings)
    assert found == [(3, "b"), (3, "font"), (3, "mark"), (5, "table")], warnings
    assert all("raw_html: true" in w for w in warnings)
    assert "**bold**" in next(w for w in warnings if "<mark>" in w)


def test_emoji_shortcodes_are_emoji_everywhere_but_in_code(make_project, tmp_path):
    body = ("# 一\n\n本节介绍注意力机制:sparkles:，核心 :rocket:，赞 :+1:，完成 :white_check_mark:。\n\n"
            "时间 10:30:00，未知 :not_an_emoji_name:，代码 `:x:`。\n")
    root = make_project(lecture=body)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    first, second = course.lectures[0].sections[0].blocks
    assert m.plain_text(first.children) == "本节介绍注意力机制✨，核心 🚀，赞 👍，完成 ✅。"
    assert m.plain_text(second.children) == "时间 10:30:00，未知 :not_an_emoji_name:，代码 :x:。"
    assert any(isinstance(n, m.Code) and n.text == ":x:" for n in second.children)
    out = tmp_path / "out"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err     # no glyph is missing
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out / "intro.pdf").pages)
    assert ":sparkles:" not in text and ":rocket:" not in text


def test_emoji_shortcodes_leave_roles_and_web_addresses_alone(make_project):
    """``:label:`x``` in a sentence is d2lbook's role written as text, not 🏷️ and ``x``; ``:smile:`` inside a bare
    web address is part of it (second reading, issue 20)."""
    body = ("# 一\n\n写 :label:`fig_a` 的行，网址 https://example.com/:smile:/x 与 www.example.com/:tada: 照抄，"
            "网址后:smile:是表情。\n")
    root = make_project(lecture=body)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    (para,) = course.lectures[0].sections[0].blocks
    assert m.plain_text(para.children) == ("写 :label:fig_a 的行，网址 https://example.com/:smile:/x 与 "
                                           "www.example.com/:tada: 照抄，网址后😄是表情。")


def test_definition_lists_are_a_bold_term_and_its_definitions(make_project):
    body = ("# 一\n\n术语\n: 注意力是一种加权平均。\n\n多头注意力\n:   并行计算多组注意力。\n\n"
            "    ```python\n    heads = 8\n    ```\n\n| 表 | 头 |\n|---|---|\n| 格 | 子 |\n\n: 带题注的表 {#tbl-x}\n\n见[](#tbl-x)。\n")
    root = make_project(lecture=body)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    kinds = [(type(b).__name__, m.plain_text(b.children) if isinstance(b, m.Paragraph) else "") for b in blocks]
    assert kinds[:5] == [("Paragraph", "术语"), ("Paragraph", "注意力是一种加权平均。"), ("Paragraph", "多头注意力"),
                         ("Paragraph", "并行计算多组注意力。"), ("CodeBlock", "")]
    assert isinstance(blocks[0].children[0], m.Strong) and isinstance(blocks[2].children[0], m.Strong)
    assert blocks[0].pos.line == 3 and blocks[3].pos.line == 7
    table = next(b for b in blocks if isinstance(b, m.Table))
    assert table.number == 1 and m.plain_text(table.caption) == "带题注的表"      # a Pandoc caption is no definition


def test_double_dollars_inside_a_line_are_a_display_formula_between_the_paragraph_pieces(make_project):
    body = ("# 一\n\n评分函数为 $$a(q, k) = \\frac{q^\\top k}{\\sqrt{d}}.$$ 这个函数很常用，$x$ 是行内的。\n\n"
            "坏的 $$\\foo{x}$$ 公式。\n")
    root = make_project(lecture=body)
    errors, _ = problems_of(root)
    assert len(errors) == 1 and "intro.md:5:6:" in errors[0] and "\\foo" in errors[0], errors
    (root / "content/lectures/intro.md").write_text(body.replace("\\foo", "\\sqrt"), encoding="utf-8")
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "MathBlock", "Paragraph", "Paragraph", "MathBlock",
                                                  "Paragraph"]
    assert m.plain_text(blocks[0].children) == "评分函数为"
    assert blocks[1].tex == "a(q, k) = \\frac{q^\\top k}{\\sqrt{d}}." and blocks[1].pos.line == 3
    assert any(isinstance(n, m.Math) and n.tex == "x" for n in blocks[2].children)
    assert [b.continued for b in blocks if isinstance(b, m.Paragraph)] == [False, True, False, True]


def test_the_rest_of_a_paragraph_after_its_display_formula_has_no_first_line_indent(make_project, tmp_path):
    from readback import loose_chars

    root = make_project(lecture="# 一\n\n评分函数为 $$a = b$$ 这个函数很常用。\n\n另一段。\n")
    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    chars = loose_chars(out / "intro.pdf")
    left = {text: chars["".join(c[1] for c in chars).index(text)][2] for text in ("评分", "这个", "另一")}
    assert left["评分"] == pytest.approx(left["另一"], abs=0.5)          # a paragraph's first line: indented
    assert left["这个"] < left["评分"] - 15                             # its rest after the formula: not


MYST = '''# 一

```{note}
反引号形式的提示框。
```

```{warning} 标题
:class: dropdown
带标题的警告，第二行。

- 列表项
```

```{code-cell} python
print(1)
```

```{math}
:label: eq-x
E = mc^2
```

见[](#eq-x)与 {eq}`eq-x`，代码 `{eq}` 不变。

```{admonition} 自定义
> [!TIP]
> 嵌套的提示。
```
'''


def test_myst_backtick_directives_are_boxes_code_and_numbered_formulas(make_project):
    root = make_project(lecture=MYST)
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    blocks = course.lectures[0].sections[0].blocks
    assert _boxes(blocks) == [("note", "", "反引号形式的提示框。"), ("warning", "标题", "带标题的警告，第二行。"),
                              ("note", "自定义", "")]
    warning = blocks[1]
    assert isinstance(warning.blocks[1], m.ListBlock) and warning.blocks[1].pos.line == 11
    assert warning.blocks[0].pos.line == 9           # after the option line
    code = blocks[2]
    assert isinstance(code, m.CodeBlock) and code.language == "python" and code.text == "print(1)\n"
    formula = blocks[3]
    assert isinstance(formula, m.MathBlock) and formula.tex == "E = mc^2" and (formula.number, formula.ident) == (1, "eq-x")
    assert [n.label for n in blocks[4].children if isinstance(n, m.XRef)] == ["式 (1)", "(1)"]
    assert [n.text for n in blocks[4].children if isinstance(n, m.Code)] == ["{eq}"]
    nested = blocks[5].blocks[0]
    assert isinstance(nested, m.Admonition) and nested.variant == "tip"


def _data_uri() -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (20, 120, 200)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_notebook_picture_described_only_as_png_is_a_picture_without_alt_text(make_project):
    uri = _data_uri()
    root = make_project(lecture=f"# 一\n\n![png]({uri})\n\n![]({uri})\n\n![损失曲线]({uri})\n")
    course, problems = load_course(root)
    figures = [b for b in course.lectures[0].sections[0].blocks if isinstance(b, m.Figure)]
    assert [(f.alt, f.pos.line) for f in figures] == [("图片", 3), ("图片", 5), ("损失曲线", 7)]
    assert sorted(int(str(w).split(":")[1]) for w in problems.warnings if "has no alt text" in str(w)) == [3, 5]


def test_an_empty_box_is_reported_as_its_author_wrote_it(make_project):
    body = '# 一\n\n!!! note "提示"\n没有缩进的正文。\n\n> [!WARNING]\n\n```{tip}\n```\n\n::: note\n:::\n'
    errors, _ = problems_of(make_project(lecture=body))
    assert len(errors) == 4, errors
    assert "intro.md:3: '!!! note' block is empty" in errors[0] and "indent its text four spaces" in errors[0]
    assert "intro.md:6: '> [!WARNING]' block is empty" in errors[1] and "'> …'" in errors[1]
    assert "intro.md:8: '```{tip}' block is empty" in errors[2]
    assert "intro.md:11: '::: note' block is empty" in errors[3]


D2LBOOK = '''# 注意力

## 评分函数
:label:`sec_score`

![注意力汇聚](images/a.png)
:label:`fig_attention`

$$a(q, k) = q^\\top k$$
:eqlabel:`eq_dot`

| 层 | 复杂度 |
|---|---|
| 自注意力 | 高 |
:label:`tab_cost`

如 :numref:`fig_attention` 所示，由 :eqref:`eq_dot` 可知，见 :numref:`tab_cost` 与 :ref:`sec_score`。

```python
:label:`not_a_label`
```
'''


def test_d2lbook_labels_and_roles_are_ids_and_numbered_references(make_project):
    import base64

    png = base64.b64decode(_data_uri().split(",", 1)[1])
    root = make_project(lecture=D2LBOOK, files={"content/lectures/images/a.png": png})
    course, problems = load_course(root)
    assert not problems.warnings, problems.warnings
    section = course.lectures[0].sections[0]
    sub = section.subsections[0]
    assert sub.heading.ident == "sec_score"
    figure, formula, table, text, code = sub.blocks
    assert isinstance(figure, m.Figure) and (figure.ident, figure.number) == ("fig_attention", 1)
    assert isinstance(formula, m.MathBlock) and (formula.ident, formula.number) == ("eq_dot", 1)
    assert isinstance(table, m.Table) and (table.ident, table.number) == ("tab_cost", 1)
    assert [n.label for n in text.children if isinstance(n, m.XRef)] == ["图 1", "(1)", "表 1", "1.1"]
    assert ":label:" not in m.plain_text(text.children) and ":numref:" not in m.plain_text(text.children)
    assert isinstance(code, m.CodeBlock) and code.text == ":label:`not_a_label`\n"
