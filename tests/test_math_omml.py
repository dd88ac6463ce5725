"""MathML → OMML against the OMML PowerPoint itself writes for the same formulas.

The expected strings are PowerPoint 365's equation XML (typed in its equation
editor, saved, read back from ppt/slides/slideN.xml) reduced to structure:
the run properties (``a:rPr`` with Cambria Math, ``m:ctrlPr``) and property
elements PowerPoint fills with defaults only (``m:mPr`` column specs, empty
``m:fPr``/``m:dPr``) are dropped, letters compared as typed (PowerPoint stores
italic letters as Unicode math italic, e.g. 𝑥 for x).
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from coursepress.writers.deck.mathruns import SUBSCRIPT, SUPERSCRIPT, inline_runs
from coursepress.writers.deck.omml import M_NS, mathml_to_omml
from coursepress.mathtex import tex_problems, to_mathml

_EMPTY_PR = re.compile(r"<m:(fPr|dPr|accPr|naryPr|radPr|mPr|sSubPr|sSupPr|sSubSupPr|barPr|eqArrPr)/>")


def structure(tex: str) -> str:
    """The OMML of ``tex`` (display) as compact XML with the m: prefix and no namespace declarations."""
    para = mathml_to_omml(to_mathml(tex, True), display=True)
    text = etree.tostring(para.find(f"{{{M_NS}}}oMath"), encoding="unicode").replace(f' xmlns:m="{M_NS}"', "")
    text = _EMPTY_PR.sub("", text)
    return text.removeprefix("<m:oMath>").removesuffix("</m:oMath>")


def r(text: str, style: str = "") -> str:
    props = f'<m:rPr><m:sty m:val="{style}"/></m:rPr>' if style else ""
    return f"<m:r>{props}<m:t>{text}</m:t></m:r>"


# PowerPoint's equations, reduced as described in the module docstring
POWERPOINT = {
    r"\frac{a}{b}": f"<m:f><m:num>{r('a')}</m:num><m:den>{r('b')}</m:den></m:f>",
    r"x_i^2": f"<m:sSubSup><m:e>{r('x')}</m:e><m:sub>{r('i')}</m:sub><m:sup>{r('2')}</m:sup></m:sSubSup>",
    r"d_k": f"<m:sSub><m:e>{r('d')}</m:e><m:sub>{r('k')}</m:sub></m:sSub>",
    r"e^{x}": f"<m:sSup><m:e>{r('e')}</m:e><m:sup>{r('x')}</m:sup></m:sSup>",
    r"\sqrt{x}": f'<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/><m:e>{r("x")}</m:e></m:rad>',
    r"\sqrt[3]{x}": f"<m:rad><m:deg>{r('3')}</m:deg><m:e>{r('x')}</m:e></m:rad>",
    r"\sum_{i=1}^{n} x_i": ('<m:nary><m:naryPr><m:chr m:val="∑"/><m:limLoc m:val="undOvr"/></m:naryPr>'
                            f"<m:sub>{r('i=1')}</m:sub><m:sup>{r('n')}</m:sup>"
                            f"<m:e><m:sSub><m:e>{r('x')}</m:e><m:sub>{r('i')}</m:sub></m:sSub></m:e></m:nary>"),
    r"\int_0^1 x\,dx": ('<m:nary><m:naryPr><m:limLoc m:val="subSup"/></m:naryPr>'
                        f"<m:sub>{r('0')}</m:sub><m:sup>{r('1')}</m:sup><m:e>{r('x dx')}</m:e></m:nary>"),
    r"\hat{x}": f"<m:acc><m:e>{r('x')}</m:e></m:acc>",
    r"\tilde{x}": f'<m:acc><m:accPr><m:chr m:val="\u0303"/></m:accPr><m:e>{r("x")}</m:e></m:acc>',
    r"\bar{x}": f'<m:bar><m:barPr><m:pos m:val="top"/></m:barPr><m:e>{r("x")}</m:e></m:bar>',
    r"\left(\frac{a}{b}\right)": f"<m:d><m:e><m:f><m:num>{r('a')}</m:num><m:den>{r('b')}</m:den></m:f></m:e></m:d>",
    r"\left[x\right]": f'<m:d><m:dPr><m:begChr m:val="["/><m:endChr m:val="]"/></m:dPr><m:e>{r("x")}</m:e></m:d>',
    r"\begin{pmatrix}a & b \\ c & d\end{pmatrix}":
        (f"<m:d><m:e><m:m><m:mr><m:e>{r('a')}</m:e><m:e>{r('b')}</m:e></m:mr>"
         f"<m:mr><m:e>{r('c')}</m:e><m:e>{r('d')}</m:e></m:mr></m:m></m:e></m:d>"),
    r"\mathrm{softmax}(z)_i": (f"{r('softmax', 'p')}<m:sSub><m:e><m:d><m:e>{r('z')}</m:e></m:d></m:e>"
                               f"<m:sub>{r('i')}</m:sub></m:sSub>"),
}


@pytest.mark.parametrize("tex", list(POWERPOINT))
def test_omml_matches_powerpoint(tex):
    assert not tex_problems(tex, display=True)
    assert structure(tex) == POWERPOINT[tex]


def test_display_lines_become_an_equation_array():
    tex = "a = 1 \\\\\nb = 2"
    assert structure(tex) == f"<m:eqArr><m:e>{r('a=1')}</m:e><m:e>{r('b=2')}</m:e></m:eqArr>"
    para = mathml_to_omml(to_mathml(tex, True))
    assert etree.QName(para).localname == "oMathPara" and len(para.findall(f"{{{M_NS}}}oMath")) == 1


@pytest.mark.parametrize("tex, runs", [
    ("d_k", [("d", 0, True), ("k", SUBSCRIPT, True)]),
    ("x^2", [("x", 0, True), ("2", SUPERSCRIPT, False)]),
    ("O(n^2)", [("O", 0, True), ("(", 0, False), ("n", 0, True), ("2", SUPERSCRIPT, False), (")", 0, False)]),
    (r"\theta^*", [("θ", 0, True), ("∗", SUPERSCRIPT, False)]),
    (r"\hat{y}", [("y\u0302", 0, True)]),
    (r"\frac{1}{n}", [("1", 0, False), ("/", 0, False), ("n", 0, True)]),
    (r"\frac{a+b}{2}", None),
    (r"\sqrt{d_k}", None),
    (r"e^{x_i}", None),
])
def test_inline_formulas_as_runs(tex, runs):
    assert inline_runs(tex) == (None if runs is None else [(*run, False) for run in runs])


@pytest.mark.parametrize("tex, runs", [
    (r"\mathbf{q}^\top \mathbf{k}", [("q", 0, False, True), ("⊤", SUPERSCRIPT, False, False), ("k", 0, False, True)]),
    (r"\boldsymbol{\alpha}_i", [("α", 0, True, True), ("i", SUBSCRIPT, True, False)]),
    (r"\mathbb{R}^d", [("ℝ", 0, False, False), ("d", SUPERSCRIPT, True, False)]),
    (r"\mathbb{E}[x]", [("𝔼[", 0, False, False), ("x", 0, True, False), ("]", 0, False, False)]),
    (r"\mathcal{Q}", [("𝒬", 0, False, False)]),
    (r"\mathscr{L}", [("ℒ", 0, False, False)]),         # latex2mathml: a plain L with mathvariant="script"
    (r"\mathbb{1}", [("𝟙", 0, False, False)]),
    (r"\mathfrak{C}", [("ℭ", 0, False, False)]),        # a hole of the block: BLACK-LETTER CAPITAL C
])
def test_bold_letters_are_bold_runs_of_plain_letters_other_alphabets_stay_upright(tex, runs):
    """latex2mathml writes \\mathbf{q} as U+1D42A, a blank box in every shipped text face: bold plain letters.
    \\mathbb, \\mathcal, \\mathfrak letters keep their character, upright (the deck sets them in the equation face)."""
    assert inline_runs(tex) == runs
