"""Math (issue 11, the math half): syntax, errors, handout drawings, deck equations, C38.

Reads outputs back: the handout's PDF structure tree (Figure /Alt = the TeX), its
text and character positions; the deck's slide XML (runs, mc:AlternateContent,
m:oMath, the fallback picture).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from pptx import Presentation

from coursepress import model as m
from coursepress.errors import SourcePos
from coursepress.load import load_course
from coursepress.mathrender import MathRenderer
from conftest import CASES, REPO, require_soffice, run_build
from readback import NS

C38_INLINE = [r"\theta^*", r"\pi^*", r"A*B*C", r"\{x \mid x > 0\}"]
C38_DISPLAY = "L(\\theta) = -\\sum_{t=1}^{n} \\log P(w_t \\mid w_{<t}; \\theta) \\\\\n\\theta^* = \\arg\\min_\\theta L(\\theta)"
# formulas with parts below the baseline: subscripts, fractions, big operators, descending letters
DESCENDS = re.compile(r"_|\\frac|\\sum|\\sqrt|\\begin|\\mathbb|\||[gjpqy(),;\[\]{}]|\\(beta|gamma|eta|mu|rho|phi|psi|chi|xi|zeta)")
TEX_SOURCE = re.compile(r"\$|\\[A-Za-z{}\\]")      # a dollar, a command, \{ \} or \\


# ---------------------------------------------------------------- helpers
def _lecture(make_project, text: str):
    root = make_project(lecture=text)
    course, problems = load_course(root)
    return course.lectures[0], problems


def _inlines(nodes):
    for node in nodes:
        yield node
        yield from _inlines(getattr(node, "children", ()))


def _blocks(lecture: m.Lecture):
    out = list(lecture.preamble)
    for top in lecture.sections:
        for section in top.walk():
            out.extend(section.blocks)
    return out


def figure_alts(pdf: Path) -> list[str]:
    """The /Alt of every Figure element of the PDF's structure tree, in document order."""
    reader = pypdf.PdfReader(str(pdf))
    alts: list[str] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
                if hasattr(kid, "get_object"):
                    walk(kid)
    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def figure_boxes(pdf: Path) -> list[tuple[int, float, float, float, float]]:
    """(page, left, bottom, right, top) in pt of each marked Figure (one per drawn formula), in order."""
    boxes = []
    doc = pdfium.PdfDocument(str(pdf))
    for index in range(len(doc)):
        groups: dict[int, list] = defaultdict(list)
        for obj in doc[index].get_objects(max_depth=1):
            marks = []
            for k in range(pdfium_raw.FPDFPageObj_CountMarks(obj.raw)):
                mark = pdfium_raw.FPDFPageObj_GetMark(obj.raw, k)
                buffer, length = (ctypes.c_ushort * 64)(), ctypes.c_ulong()
                pdfium_raw.FPDFPageObjMark_GetName(mark, buffer, 128, ctypes.byref(length))
                marks.append(bytes(buffer)[:length.value].decode("utf-16-le").rstrip("\x00"))
            if "Figure" in marks:
                groups[pdfium_raw.FPDFPageObj_GetMarkedContentID(obj.raw)].append(obj.get_bounds())
        for mcid in sorted(groups):
            b = groups[mcid]
            boxes.append((index, min(x[0] for x in b), min(x[1] for x in b), max(x[2] for x in b), max(x[3] for x in b)))
    doc.close()
    return boxes


def text_baselines(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, char, x, baseline y, font size, top) of every non-space character (pt, PDF coordinates)."""
    out = []
    doc = pdfium.PdfDocument(str(pdf))
    for index in range(len(doc)):
        text = doc[index].get_textpage()
        for k in range(text.count_chars()):
            char = text.get_text_range(k, 1)
            if not char.strip():
                continue
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_raw.FPDFText_GetCharOrigin(text.raw, k, ctypes.byref(x), ctypes.byref(y))
            size = pdfium_raw.FPDFText_GetFontSize(text.raw, k)
            out.append((index, char, x.value, y.value, size, text.get_charbox(k)[3]))
    doc.close()
    return out


def slide_shapes_text(prs) -> str:
    """All text on the slides (not the notes), runs joined."""
    return "\n".join("".join(t.text or "" for t in slide.shapes._spTree.iter(f"{{{NS['a']}}}t"))
                     for slide in prs.slides)


def build(root: Path, kind: str, out: Path, env: dict | None = None, *extra: str):
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), kind, "--project", str(root), "--out", str(out),
                           *extra], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


# ---------------------------------------------------------------- syntax
def test_c38_tex_reaches_the_model_byte_for_byte(make_project):
    """C38: stars, \\{ and \\\\ inside $…$ are not Markdown; the prose between formulas is not emphasis."""
    text = (CASES / "C38" / "lecture.md").read_text(encoding="utf-8")
    lecture, problems = _lecture(make_project, text)
    assert not problems.warnings
    blocks = _blocks(lecture)
    maths = [n for b in blocks if isinstance(b, m.Paragraph) for n in _inlines(b.children) if isinstance(n, m.Math)]
    assert [x.tex for x in maths] == C38_INLINE
    assert not [n for b in blocks if isinstance(b, m.Paragraph) for n in _inlines(b.children)
                if isinstance(n, (m.Emph, m.Strong))]
    assert [(x.line, x.column) for x in maths] == [(7, 14), (7, 33), (8, 14), (9, 9)]   # where the TeX starts
    display = [b for b in blocks if isinstance(b, m.MathBlock)]
    assert [d.tex for d in display] == [C38_DISPLAY] and display[0].pos.line == 11


def test_dollar_rules_next_to_chinese(make_project):
    lecture, problems = _lecture(make_project, (
        "# 部分\n\n"
        "价格 $5 和 $10，\\$3 也是钱。记作$x_1$，紧挨汉字$y$。\n"
        "文字紧接着一行公式\n"
        "$$\n\\alpha + \\beta\n$$\n\n"
        "最后一段。\n"))
    assert not problems.warnings, [str(w) for w in problems.warnings]
    blocks = _blocks(lecture)
    first = blocks[0]
    assert isinstance(first, m.Paragraph)
    assert m.plain_text(first.children).startswith("价格 $5 和 $10，$3 也是钱。记作x_1，紧挨汉字y。")
    assert [n.tex for n in _inlines(first.children) if isinstance(n, m.Math)] == ["x_1", "y"]
    # the $$ line right after a paragraph line still opens a display formula
    assert isinstance(blocks[1], m.MathBlock) and blocks[1].tex == "\\alpha + \\beta"
    assert isinstance(blocks[2], m.Paragraph) and m.plain_text(blocks[2].children) == "最后一段。"


def test_bars_inside_formulas_do_not_split_table_cells(make_project):
    lecture, problems = _lecture(make_project, (
        "# 部分\n\n| 记号 | 含义 |\n|---|---|\n| $p(x|y)$ | 条件概率 |\n| $\\|x\\|$ | 范数 |\n"
        "| $5 | $10 |\n| a\\|b | c |\n"))
    assert not problems.warnings, [str(w) for w in problems.warnings]
    table = next(b for b in _blocks(lecture) if isinstance(b, m.Table))
    assert [len(row) for row in table.rows] == [2, 2, 2, 2]
    first = [[n.tex for n in _inlines(cell.children) if isinstance(n, m.Math)] for cell in table.rows[0]]
    assert first == [["p(x|y)"], []]
    assert [n.tex for n in _inlines(table.rows[1][0].children) if isinstance(n, m.Math)] == ["\\|x\\|"]
    assert [m.plain_text(c.children) for c in table.rows[2]] == ["$5", "$10"]       # prices: two cells
    assert m.plain_text(table.rows[3][0].children) == "a|b"                          # GFM's escaped bar


def test_equation_numbers_and_cross_references(make_project):
    lecture, problems = _lecture(make_project, (
        "# 部分\n\n见[](#eq-b)与[](#eq-a)。\n\n$$ a = 1 $$ {#eq-a}\n\n$$\nb = 2\n$$\n\n"
        "$$\nc = 3\n$$ {#eq-b}\n\n```math {#eq-c}\nd = 4\n```\n\n再见[](#eq-c)。\n"))
    assert not problems.warnings
    blocks = _blocks(lecture)
    xrefs = [n.label for b in blocks if isinstance(b, m.Paragraph) for n in b.children if isinstance(n, m.XRef)]
    assert xrefs == ["式 (2)", "式 (1)", "式 (3)"]
    display = [(b.tex, b.number, b.ident) for b in blocks if isinstance(b, m.MathBlock)]
    assert display == [("a = 1", 1, "eq-a"), ("b = 2", 0, ""), ("c = 3", 2, "eq-b"), ("d = 4", 3, "eq-c")]


# ---------------------------------------------------------------- bad input
def test_bad_tex_is_reported_at_its_column_and_check_finds_it(make_project, tmp_path):
    root = make_project(lecture=(
        "# 部分\n\n"                                   # 1–2
        "文字 $\\foo{x}$ 和 $\\frac{a}{b$ 结束。\n\n"     # 3
        "- 列表 $\\alpha \\betta$\n\n"                  # 5
        "$$\na = \\sqrtt{b}\n$$\n\n"                   # 7–9
        "价格是 $x + y 没有闭合。\n\n"                    # 11
        "$$\nx = 1\n"))                               # 13–14
    for kind in ("check", "pdf"):
        result = run_build(kind, "--project", str(root), "--out", str(tmp_path / "out"))
        assert result.code == 1 and "Traceback" not in result.err
        err = result.err
        assert "intro.md:3:5: in formula '\\foo{x}': unknown TeX command '\\foo'" in err
        assert "intro.md:3:25:" in err and "'{' is never closed" in err
        assert "intro.md:5:14:" in err and "'\\betta'" in err
        assert "intro.md:8:5:" in err and "'\\sqrtt'" in err
        assert "intro.md:13: '$$' opens a display formula that is never closed" in err
    assert not (tmp_path / "out" / "intro.pdf").exists()


def test_lone_dollar_is_a_warning_and_printed(make_project, tmp_path):
    root = make_project(lecture="# 部分\n\n价格是 $x + y 没有闭合，$5 不警告。\n")
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert result.err.count("never closed") == 1 and "intro.md:3:5:" in result.err
    text = "".join("".join(page.extract_text() for page in pypdf.PdfReader(str(tmp_path / "out" / "intro.pdf")).pages).split())
    assert "价格是$x+y没有闭合，$5不警告。" in text
    strict = run_build("pdf", "--strict", "--project", str(root), "--out", str(tmp_path / "out2"))
    assert strict.code == 1 and "intro.md:3:5:" in strict.err


# ---------------------------------------------------------------- C38 in both outputs
@pytest.fixture(scope="module")
def c38_outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("c38")
    shutil.copytree(REPO / "tests" / "projects" / "minimal", root / "p")
    (root / "p/content/lectures/intro.md").unlink()
    shutil.copy(CASES / "C38" / "lecture.md", root / "p/content/lectures/lecture.md")
    proc = build(root / "p", "all", root / "out")
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr
    return root / "out"


def test_c38_handout_typesets_math_and_keeps_tex_as_alt_text(c38_outputs):
    pdf = c38_outputs / "lecture.pdf"
    reader = pypdf.PdfReader(str(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert not TEX_SOURCE.search(text), TEX_SOURCE.search(text)
    flat = "".join(text.split())
    for prose in ("训练得到的最优参数记作", "对应的策略记作", "两个矩阵逐元素相乘写作", "正数集合写作"):
        assert prose in flat
    # the TeX survives byte for byte as the accessible text of each drawing (*, \\, \{, |, _)
    assert figure_alts(pdf) == C38_INLINE + [C38_DISPLAY]
    # the prose between formulas is set in the body face, upright: one font for all of it
    faces = set()
    doc = pdfium.PdfDocument(str(pdf))
    for index in range(len(doc)):
        page_text = doc[index].get_textpage()
        whole = page_text.get_text_range(0, page_text.count_chars())
        for prose in ("对应的策略记作", "两个矩阵逐元素相乘写作", "正数集合写"):
            start = whole.find(prose)
            for k in range(start, start + len(prose) if start >= 0 else start):
                buffer = ctypes.create_string_buffer(256)
                flags = ctypes.c_int()
                pdfium_raw.FPDFText_GetFontInfo(page_text.raw, k, buffer, 256, ctypes.byref(flags))
                faces.add((buffer.value.decode(), flags.value & 0x40))     # 0x40: italic flag
    doc.close()
    assert len(faces) == 1 and "Serif" in next(iter(faces))[0] and next(iter(faces))[1] == 0, faces


def test_c38_deck_has_no_tex_and_a_native_equation_with_picture_fallback(c38_outputs):
    prs = Presentation(str(c38_outputs / "lecture.pptx"))
    # prose is summarised on the slides, the rest is in the notes: every formula is in one of them
    text = slide_shapes_text(prs) + "\n" + "\n".join(s.notes_slide.notes_text_frame.text for s in prs.slides)
    assert not TEX_SOURCE.search(text), TEX_SOURCE.search(text)
    for shown in ("θ∗", "π∗", "A∗B∗C", "{x ∣ x > 0}", "对应的策略记作"):
        assert shown in text
    equations = [(slide, alt) for slide in prs.slides
                 for alt in slide.shapes._spTree.findall("mc:AlternateContent", NS)]
    assert len(equations) == 1
    slide, alt = equations[0]
    choice = alt.find("mc:Choice", NS)
    assert choice.get("Requires") == "a14"
    assert choice.find(".//m:oMathPara/m:oMath", NS) is not None
    # two lines (\\) as two rows of an equation array; θ and the arg min are there
    assert len(choice.findall(".//m:eqArr/m:e", NS)) == 2
    omml_text = "".join(choice.find(".//m:oMath", NS).itertext())
    assert "θ" in omml_text and "arg" in omml_text and "min" in omml_text
    pictures = alt.findall("mc:Fallback/p:pic", NS)
    assert len(pictures) == 1
    rid = pictures[0].find(".//a:blip", NS).get(f"{{{NS['r']}}}embed")
    blob = slide.part.related_part(rid).blob
    assert blob.startswith(b"\x89PNG")
    assert pictures[0].find(".//p:cNvPr", NS).get("descr") == C38_DISPLAY
    # the superscripts are real superscripts
    runs = [r for r in slide.shapes._spTree.iter(f"{{{NS['a']}}}r")]
    assert any(r.findtext("a:t", namespaces=NS) == "∗" and r.find("a:rPr", NS).get("baseline") == "30000"
               for s in prs.slides for r in s.shapes._spTree.iter(f"{{{NS['a']}}}r"))
    assert runs is not None


# ---------------------------------------------------------------- a lecture of 150 inline and 20 display formulas
@pytest.fixture(scope="module")
def m150(tmp_path_factory):
    """tests/cases/M150 (≈150 inline, 20 display formulas, 13 numbered) built with a private formula cache."""
    base = tmp_path_factory.mktemp("m150")
    shutil.copytree(REPO / "tests" / "projects" / "minimal", base / "p")
    (base / "p/content/lectures/intro.md").unlink()
    shutil.copy(CASES / "M150" / "lecture.md", base / "p/content/lectures/lecture.md")
    env = {"XDG_CACHE_HOME": str(base / "cache")}
    proc = build(base / "p", "all", base / "out", env)
    assert proc.returncode == 0, proc.stderr
    return base, proc, env


def _m150_model(base: Path):
    course, _ = load_course(base / "p")
    lecture = course.lectures[0]
    inline, display = [], []
    for block in _blocks(lecture):
        if isinstance(block, m.MathBlock):
            display.append(block)
        elif isinstance(block, m.Paragraph):
            inline.extend(n for n in _inlines(block.children) if isinstance(n, m.Math))
    return lecture, inline, display


@pytest.mark.slow
def test_m150_handout_every_formula_drawn_numbered_and_referenced(m150):
    base, _proc, _env = m150
    lecture, inline, display = _m150_model(base)
    assert len(inline) >= 150 and len(display) == 20
    pdf = base / "out" / "lecture.pdf"
    reader = pypdf.PdfReader(str(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert not TEX_SOURCE.search(text), TEX_SOURCE.search(text)
    # every formula is drawn once, in document order, with its TeX as alt text
    order = []
    for block in _blocks(lecture):
        if isinstance(block, m.MathBlock):
            order.append(block.tex)
        elif isinstance(block, m.Paragraph):
            order.extend(n.tex for n in _inlines(block.children) if isinstance(n, m.Math))
    assert figure_alts(pdf) == order
    numbered = [b for b in display if b.number]
    assert [b.number for b in numbered] == list(range(1, 14))
    lines = text.splitlines()
    for block in numbered:      # the number at the right margin, and every cross-reference printed
        assert f"({block.number})" in [line.strip() for line in lines]
        assert f"如式({block.number})所示" in "".join(text.split())


@pytest.mark.slow
def test_m150_inline_formulas_sit_on_the_baseline(m150):
    base, _proc, _env = m150
    _lecture, inline, display = _m150_model(base)
    pdf = base / "out" / "lecture.pdf"
    alts = figure_alts(pdf)
    boxes = figure_boxes(pdf)
    assert len(boxes) == len(alts)
    chars = text_baselines(pdf)          # formulas are drawn as paths: every text character is prose
    display_tex = {b.tex for b in display}
    renderer = MathRenderer(folder=None)
    # the body size: the advance from one Han character to the next on a line (CJK glyphs are 1 em wide)
    han = [c for c in chars if "\u4e00" <= c[1] <= "\u9fff"]
    steps = [b[2] - a[2] for a, b in zip(han, han[1:]) if a[0] == b[0] and a[3] == b[3] and 0 < b[2] - a[2] < 20]
    body_em = sorted(steps)[len(steps) // 2]
    assert 10 <= body_em <= 11          # 10.5 pt
    checked = 0
    for tex, (page, left, bottom, right, top) in zip(alts, boxes):
        if tex in display_tex:
            continue
        # the characters of the same line: their baseline lies inside the formula's box height
        line = [c for c in chars if c[0] == page and bottom - 2 <= c[3] <= top + 2]
        assert line, (tex, page, bottom, top)
        near = min(line, key=lambda c: min(abs(c[2] - right), abs(c[2] - left)))
        baseline, em = near[3], body_em
        if not DESCENDS.search(tex):     # nothing below the baseline: the box bottom is on it
            assert abs(bottom - baseline) <= 0.3 * em, (tex, bottom, baseline, em)
        # the formula's own baseline (its box bottom + its depth below the baseline) is the line's
        depth_pt = renderer.svg(tex, False, SourcePos("x")).depth_em * em
        assert abs(bottom + depth_pt - baseline) <= 0.1 * em, (tex, bottom, depth_pt, baseline)
        assert bottom < baseline + 0.05 * em < top, (tex, bottom, baseline, top)     # the baseline runs through it
        checked += 1
    assert checked == len(inline)


@pytest.mark.slow
def test_m150_deck_equations_native_with_fallback(m150):
    base, proc, _env = m150
    _lecture, inline, display = _m150_model(base)
    prs = Presentation(str(base / "out" / "lecture.pptx"))
    assert not TEX_SOURCE.search(slide_shapes_text(prs))
    displaced = proc.stderr.count("cannot be written as slide text")
    equations = [(slide, alt) for slide in prs.slides for alt in slide.shapes._spTree.findall("mc:AlternateContent", NS)]
    assert len(equations) == len(display) + displaced
    assert displaced <= 5, proc.stderr
    for slide, alt in equations:
        assert alt.find("mc:Choice[@Requires='a14']//m:oMathPara/m:oMath", NS) is not None
        blip = alt.find("mc:Fallback/p:pic/p:blipFill/a:blip", NS)
        assert slide.part.related_part(blip.get(f"{{{NS['r']}}}embed")).blob.startswith(b"\x89PNG")
        # the picture and the equation share one box inside the slide
        off = alt.find("mc:Fallback/p:pic/p:spPr/a:xfrm/a:off", NS)
        ext = alt.find("mc:Fallback/p:pic/p:spPr/a:xfrm/a:ext", NS)
        assert int(off.get("x")) >= 0 and int(off.get("x")) + int(ext.get("cx")) <= prs.slide_width
        assert int(off.get("y")) >= 0 and int(off.get("y")) + int(ext.get("cy")) <= prs.slide_height


@pytest.mark.slow
def test_m150_rebuild_after_prose_edit_renders_no_formula(m150):
    base, _proc, env = m150
    folder = base / "cache" / "coursepress" / "math"
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700
    drawn = sorted(p.name for p in folder.iterdir())
    assert len(drawn) > 50
    lecture = base / "p/content/lectures/lecture.md"
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("这是后文反复用到的量", "这是后文常用的量"),
                       encoding="utf-8")
    proc = build(base / "p", "pdf", base / "out", env, "-v")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"formulas: 0 rendered, \d+ from cache", proc.stdout), proc.stdout
    assert sorted(p.name for p in folder.iterdir()) == drawn


@pytest.mark.slow
def test_m150_libreoffice_draws_every_equation(m150, tmp_path):
    soffice = require_soffice()
    base, _proc, _env = m150
    deck = base / "out" / "lecture.pptx"
    prs = Presentation(str(deck))
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "lecture.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) == len(prs.slides)
    checked = 0
    for index, slide in enumerate(prs.slides):
        alts = slide.shapes._spTree.findall("mc:AlternateContent", NS)
        if not alts:
            continue
        image = doc[index].render(scale=1).to_pil().convert("L")
        scale = image.width / prs.slide_width
        for alt in alts:
            off = alt.find("mc:Choice/p:sp/p:spPr/a:xfrm/a:off", NS)
            ext = alt.find("mc:Choice/p:sp/p:spPr/a:xfrm/a:ext", NS)
            box = [int(int(v) * scale) for v in (off.get("x"), off.get("y"),
                                                 int(off.get("x")) + int(ext.get("cx")),
                                                 int(off.get("y")) + int(ext.get("cy")))]
            ink = sum(image.crop(box).point(lambda v: 255 if v < 128 else 0).histogram()[255:])
            assert ink > 20, (index + 1, box)
            checked += 1
    doc.close()
    assert checked >= 20


@pytest.mark.parametrize("pad", [0, 2])
def test_chinese_in_an_inline_formula_with_commands_is_an_error_not_raw_tex(make_project, pad):
    """``$L=\\hat{y}交叉熵(y)$`` is a formula (it has TeX commands): its Chinese outside ``\\text{}`` is an error
    at its column, never dollars and raw TeX printed with "no problems"; ``$5 和 $10`` stays prose without
    a word. (Chinese inside ``\\text{…}`` is typeset: tests/test_math_multiline.py.)"""
    lecture = ("---\ntitle: 测\n---\n\n# 一\n\n" + "\n" * pad
               + "损失函数为 $L=\\hat{y}交叉熵(y,\\hat{y})$。价格 $5 和 $10 不是公式。\n")
    root = make_project(lecture=lecture)
    result = run_build("check", "--project", str(root))
    assert result.code == 1, result.out
    assert f"content/lectures/intro.md:{7 + pad}:17:" in result.err and "交" in result.err
    assert "$5" not in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("pad", [0, 3])
def test_an_unclosed_display_formula_is_reported_at_its_own_dollars(make_project, pad):
    """A ``$$`` whose closing line was forgotten ends at the next blank line: the error names its own line,
    not the next formula's ``$$`` paragraphs later, and the prose after it is not read as TeX."""
    lecture = ("---\ntitle: 测\n---\n\n# 一\n\n" + "\n" * pad + "$$\nQ K^T\n\n注意力的解释在这里。\n\n"
               "$$\nx^2\n$$\n")
    result = run_build("check", "--project", str(make_project(lecture=lecture)))
    assert result.code == 1
    assert re.findall(r"intro\.md:(\d+)", result.err) == [str(7 + pad)], result.err
    assert "never closed" in result.err and "注" not in result.err
