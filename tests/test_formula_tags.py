"""A ``\\tag{…}`` gives a display formula its number where automatic numbers sit (issue 20, new-user
trial): at the right margin of the handout and of the slide, not beside the formula; ``\\tag*{x}`` prints
``x`` bare, and the tag's text is text (it may be Chinese, as amsmath sets it in text mode)."""

from __future__ import annotations

from pptx import Presentation

from conftest import run_build
from readback import loose_chars

LECTURE = r"""---
title: 编号
---

# 公式

自动编号的公式：

$$
E = mc^2
$$ {#eq-energy}

带标签的公式：

$$
a^2 + b^2 = c^2 \tag{勾股}
$$

\begin{equation}
F = ma \label{eq-force} \tag*{[N]}
\end{equation}

见 $\eqref{eq-energy}$ 与 $\eqref{eq-force}$。
"""


def _line_of(chars, text: str):
    """(page, left, right, bottom) of the first run of characters spelling ``text`` on one baseline."""
    for k in range(len(chars) - len(text) + 1):
        run = chars[k:k + len(text)]
        if "".join(c[1] for c in run) == text and len({(c[0], c[4]) for c in run}) == 1:
            return run[0][0], run[0][2], run[-1][3], run[0][4]
    raise AssertionError(f"{text!r} not found")


def test_a_tag_sits_at_the_right_margin_where_numbers_sit(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    out = tmp_path / "out"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    assert "warning" not in result.err, result.err

    chars = loose_chars(out / "intro.pdf")
    number = _line_of(chars, "(1)")
    tag = _line_of(chars, "(勾股)")
    starred = _line_of(chars, "[N]")
    assert "tag" not in "".join(c[1] for c in chars)
    for label in (tag, starred):
        assert label[0] == number[0]
        assert abs(label[2] - number[2]) < 1.0, (label, number)       # the same right edge: the margin
    # the formulas are drawn, not text: before, a tag was drawn inside its formula and was no text at all
    text = "".join(c[1] for c in chars)
    assert "见(1)与([N])" in text, text[-40:]      # amsmath's \eqref brackets a \tag*'s text

    deck = Presentation(str(out / "intro.pptx"))
    boxes = {}
    for slide in deck.slides:
        body = next((shape for shape in slide.placeholders if shape.placeholder_format.idx == 1), None)
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text in ("(1)", "(勾股)", "[N]"):
                boxes[shape.text_frame.text] = (shape, body)
    assert set(boxes) == {"(1)", "(勾股)", "[N]"}, list(boxes)
    edges = {text: shape.left + shape.width for text, (shape, _body) in boxes.items()}
    assert len(set(edges.values())) == 1, edges
    for text, (shape, body) in boxes.items():    # at the right of the body's text area (inside its inset)
        assert body is not None and 0 <= body.left + body.width - edges[text] < 200000, (text, edges)
    omml = "".join(slide.shapes._spTree.xml for slide in deck.slides)
    assert "勾股" not in omml.replace(">(勾股)<", "") and "tag" not in omml
