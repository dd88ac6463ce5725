"""Multi-line formulas and text inside formulas (a new user's chapter, after issue 11).

tests/cases/multiline-math/lecture.md holds each fault as a small lecture: ``aligned`` with Chinese
in ``\\text{}``, ``align*`` with a continued line (``&= d``), ``cases``, ``pmatrix`` and
``\\text{R \\& D}``. Built for the handout, the deck, the HTML handout and the slides PDF; read back:
the deck's OMML (``m:eqArr`` rows, ``m:aln``, ``m:m``), the HTML's ``<mtable>`` rows, the PDFs'
text, and LibreOffice's drawing of the deck (no "¿" where a relation starts a row).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from lxml import etree
from pptx import Presentation

from coursepress.mathtex import tex_problems, to_mathml
from conftest import REPO, require_soffice, run_build
from readback import NS
from test_math import build, figure_alts, figure_boxes

CASE = REPO / "tests" / "cases" / "multiline-math" / "lecture.md"
TEXS = re.findall(r"\$\$\n(.*?)\n\$\$", CASE.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("multiline")
    shutil.copytree(REPO / "tests" / "projects" / "minimal", root / "p")
    (root / "p/content/lectures/intro.md").unlink()
    shutil.copy(CASE, root / "p/content/lectures/lecture.md")
    for kind in ("pdf", "pptx", "html", "slides"):
        proc = build(root / "p", kind, root / "out", {"XDG_CACHE_HOME": str(root / "cache")})
        assert proc.returncode == 0, proc.stderr
        assert "warning" not in proc.stderr, proc.stderr
    return root / "out"


def _equations(deck: Path) -> list:
    """The m:oMath of every display formula of the deck, in slide order."""
    prs = Presentation(str(deck))
    return [math for slide in prs.slides
            for math in slide.shapes._spTree.iterfind(".//mc:AlternateContent/mc:Choice//m:oMath", NS)]


def _rows(array) -> list[str]:
    return ["".join(e.itertext()) for e in array.findall("m:e", NS)]


def test_every_formula_of_the_case_is_well_formed_mathml_and_passes_the_checks():
    """latex2mathml's own string has <mi>&</mi> and <mtext>a<b</mtext>: ours always parses."""
    assert len(TEXS) == 5
    for tex in TEXS + [r"\text{a<b} \& c", r"\begin{alignat}{2} a &= b & c &= d \end{alignat}"]:
        assert tex_problems(tex, True) == [], tex
        root = etree.fromstring(to_mathml(tex, True).encode())
        # an alignment point is never left as text; a typed \& is an ampersand
        assert all(el.text != "&" for el in root.iter()) or "\\&" in tex, tex
    assert "其中" in to_mathml(TEXS[0], True) and "R\u00a0&amp;\u00a0D" in to_mathml(TEXS[4], True)


def test_deck_aligned_rows_are_equation_arrays(outputs):
    maths = _equations(outputs / "lecture.pptx")
    assert len(maths) == 5
    aligned, align_star, cases, matrix, text = maths
    # aligned: two rows, each aligned at its "=" (m:aln), the Chinese of \text{} kept as normal text
    array = aligned.find(".//m:eqArr", NS)
    rows = _rows(array)
    assert len(rows) == 2 and rows[0].startswith("MultiHead") and "其中" in rows[1]
    assert len(array.findall("m:e/m:r/m:rPr/m:aln", NS)) == 2
    chinese = next(r for r in aligned.iter(f"{{{NS['m']}}}r") if "其中" in (r.findtext("m:t", namespaces=NS) or ""))
    assert chinese.find("m:rPr/m:nor", NS) is not None
    assert chinese.find("a:rPr/a:ea", NS).get("typeface")
    # align*: the continued line "&= d" starts with an empty normal-text operand, then the aligned "="
    second = align_star.findall(".//m:eqArr/m:e", NS)[1]
    first_run, equals = second.findall("m:r", NS)[:2]
    assert first_run.find("m:rPr/m:nor", NS) is not None and not first_run.findtext("m:t", namespaces=NS)
    assert equals.find("m:rPr/m:aln", NS) is not None and equals.findtext("m:t", namespaces=NS) == "="
    # cases: a brace with no closing one around a two-row equation array
    brace = next((d for d in cases.iter(f"{{{NS['m']}}}d") if d.find("m:dPr/m:begChr", NS) is not None), None)
    assert brace is not None and brace.find("m:dPr/m:begChr", NS).get(f"{{{NS['m']}}}val") == "{"
    assert brace.find("m:dPr/m:endChr", NS).get(f"{{{NS['m']}}}val") == ""
    assert _rows(brace.find("m:e/m:eqArr", NS)) == ["x\u2003x>0", "0\u2003otherwise"]
    # pmatrix: a 2 × 2 matrix in parentheses
    rows_m = matrix.findall(".//m:d/m:e/m:m/m:mr", NS)
    assert [["".join(e.itertext()) for e in r.findall("m:e", NS)] for r in rows_m] == [["0.7", "0.3"], ["0.4", "0.6"]]
    # \text{R \& D}: the ampersand, no backslash
    assert "R & D" in "".join(text.itertext())
    assert not any("\\" in "".join(m.itertext()) for m in maths)
    # the inline formula with Chinese in \text{} is slide text: the words, the East Asian face
    prs = Presentation(str(outputs / "lecture.pptx"))
    runs = [r for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs]
    word = next(r for r in runs if "交叉熵" in r.text)
    assert word._r.find("a:rPr/a:ea", NS).get("typeface")


def test_html_multiline_formulas_are_table_rows_without_a_literal_ampersand(outputs):
    page = (outputs / "html" / "lecture.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<math [^>]*display="block".*?</math>', page, re.S)
    assert len(blocks) == 5
    for block, rows in zip(blocks[:4], (2, 2, 2, 2)):
        assert block.count("<mtable") == 1 and block.count("<mtr>") == rows, block
    assert "<mi>&amp;</mi>" not in page and "linebreak" not in page
    assert "<mtext>其中\u00a0</mtext>" in blocks[0]
    assert "<mtext>R\u00a0&amp;\u00a0D</mtext>" in blocks[4]
    assert "<mtext>交叉熵</mtext>" in page


def test_handout_and_slides_show_the_chinese_of_text_and_the_rows(outputs):
    pdf = outputs / "lecture.pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
    assert "其中" in text and "交叉熵" in text
    alts = figure_alts(pdf)
    assert alts[0] == "L=\\text{交叉熵}(y)"
    assert [" ".join(alt.split()) for alt in alts[1:]] == [" ".join(t.split()) for t in TEXS]
    heights = [top - bottom for _page, _left, bottom, _right, top in figure_boxes(pdf)][1:]
    assert heights[0] > 1.6 * heights[4] and heights[1] > 1.6 * heights[4]    # two rows, not one over-wide line
    slides = "".join(page.extract_text() for page in pypdf.PdfReader(str(outputs / "lecture-slides.pdf")).pages)
    assert "其中" in slides and "交叉熵" in slides


def test_check_reports_what_the_deck_conversion_refuses_at_its_line(make_project, monkeypatch):
    """``check`` runs the deck's formula conversion: a formula it cannot convert is an error at its line (the
    display formula's opening ``$$``, as every display-formula error names it)."""
    from coursepress.check import check_project
    from coursepress.errors import ContentErrors
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.deck import omml

    root = make_project(lecture="# 一\n\n文字。\n\n$$\nx = 1\n$$\n\n$$\ny = \\begin{aligned} a &= b \\end{aligned}\n$$\n")
    original = omml.mathml_to_omml

    def refuse(mathml: str, display: bool = True):
        if "mtable" in mathml:
            raise ValueError("cannot convert")
        return original(mathml, display)
    monkeypatch.setattr(omml, "mathml_to_omml", refuse)
    project, course, _problems = load_project(locate(root))
    with pytest.raises(ContentErrors) as caught:
        check_project(project, course, BuildSettings(out_dir=root / "out"))
    errors = [str(e) for e in caught.value.errors]
    assert any(e.startswith("content/lectures/intro.md:9:") and "cannot be converted" in e for e in errors), errors


def test_chinese_outside_text_is_still_an_error(make_project):
    root = make_project(lecture="# 一\n\n$$\n\\text{其中} x = 交叉熵\n$$\n")
    result = run_build("check", "--project", str(root))
    assert result.code == 1 and "intro.md:4:" in result.err and "'交'" in result.err, result.err
    assert "'其'" not in result.err


@pytest.mark.slow
def test_libreoffice_draws_no_error_mark_in_the_equations(outputs, tmp_path):
    """LibreOffice's Math draws "¿" (in red) for a missing operand, as a row starting with "=" was."""
    soffice = require_soffice()
    deck = outputs / "lecture.pptx"
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "lecture.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    prs = Presentation(str(deck))
    doc = pdfium.PdfDocument(str(pdf))
    checked = 0
    for index, slide in enumerate(prs.slides):
        image = doc[index].render(scale=2).to_pil().convert("RGB")
        scale = image.width / prs.slide_width
        for alt in slide.shapes._spTree.findall("mc:AlternateContent", NS):
            off = alt.find("mc:Choice/p:sp/p:spPr/a:xfrm/a:off", NS)
            ext = alt.find("mc:Choice/p:sp/p:spPr/a:xfrm/a:ext", NS)
            x, y = int(off.get("x")), int(off.get("y"))
            box = image.crop(tuple(int(v * scale) for v in (x, y, x + int(ext.get("cx")), y + int(ext.get("cy")))))
            raw = box.tobytes()
            pixels = list(zip(raw[0::3], raw[1::3], raw[2::3]))
            ink = sum(1 for r, g, b in pixels if r + g + b < 300)
            red = sum(1 for r, g, b in pixels if r > 150 and g < 80 and b < 80)
            assert ink > 20 and red == 0, (index + 1, ink, red)
            checked += 1
    doc.close()
    assert checked == 5
