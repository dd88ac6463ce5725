"""Letters of mathematical alphabets in inline formulas on slides (issue 20, sixth session).

``\\mathbb{E}[X]``, ``\\mathbb{R}^n`` and ``\\mathcal{L}`` are ordinary inline mathematics: they stay in
their paragraph's text on the slide, and the runs holding 𝔼, ℝ, ℒ name the theme's equation face
(``deck.math``) in ``a:latin``, ``a:ea`` and ``a:cs`` (no shipped text face has them).
"""

from __future__ import annotations

from pptx import Presentation

from conftest import REPO, run_build
from readback import NS
from coursepress.mathalpha import MATH_LETTER_EM, is_math_letter
from coursepress.textmeasure import measurer_for
from coursepress.theme import default_theme

LECTURE = r"""# 期望与损失

## 定义

损失的期望 $\mathbb{E}[X]$ 写在句中。

向量 $x \in \mathbb{R}^n$ 是 $n$ 维的。

训练目标 $\mathcal{L}$ 越小越好。
"""


def test_double_struck_and_script_letters_stay_in_their_sentence_in_the_equation_face(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out), "--force")
    assert result.code == 0, result.err
    assert "warning" not in result.err and "Traceback" not in result.err, result.err
    prs = Presentation(str(next(out.glob("*.pptx"))))
    paragraphs = {}
    for slide in prs.slides:
        assert not slide.shapes._spTree.findall(".//mc:AlternateContent", NS)     # no display formula
        for p in slide.shapes._spTree.iter(f"{{{NS['a']}}}p"):
            runs = p.findall("a:r", NS)
            text = "".join(r.findtext("a:t", "", NS) for r in runs)
            paragraphs[text] = runs
    for sentence in ("损失的期望 𝔼[X] 写在句中。", "向量 x ∈ ℝn 是 n 维的。", "训练目标 ℒ 越小越好。"):
        assert sentence in paragraphs, sorted(paragraphs)
        runs = paragraphs[sentence]
        math = [r for r in runs if any(is_math_letter(c) for c in r.findtext("a:t", "", NS))]
        assert math, sentence
        for run in runs:
            faces = {tag: run.find(f"a:rPr/a:{tag}", NS).get("typeface") for tag in ("latin", "ea", "cs")}
            letters = run.findtext("a:t", "", NS)
            if run in math:
                assert letters.strip() in ("𝔼", "ℝ", "ℒ"), letters      # only the letter takes the face
                assert set(faces.values()) == {default_theme().math}, faces
                assert run.find("a:rPr", NS).get("i") != "1"      # upright: the letter carries its style
            else:
                assert default_theme().math not in faces.values(), (letters, faces)


def test_the_fit_measure_gives_math_letters_a_conservative_width():
    """The equation face is not shipped: the deck's measure counts each letter at least MATH_LETTER_EM wide
    (ℝ was 0.83 em, DejaVu Sans's, in the viewers' widths; script capitals are ≈ 0.9 em in STIX Two Math)."""
    measurer = measurer_for(REPO)
    for metrics in (measurer.regular, measurer.bold):
        for char in "𝔼ℝℒ𝒩𝟙":
            assert metrics.advance_em(char) >= MATH_LETTER_EM, char
