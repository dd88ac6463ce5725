"""The poster for the classroom wall (issue 17): legible sizes per sheet, findings, colours, course choices.

Sizes are read back from the PDF (pypdfium2: each character's font size × the
text matrix scale), colours from the poster theme and the page content.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from conftest import REPO, run_build
from pdfread import norm

from coursepress.load import load_course

MINIMAL_COURSE = (REPO / "tests/projects/minimal/content/course.yaml").read_text(encoding="utf-8")


def test_course_without_models_builds_the_rest_and_says_why(make_project, tmp_path):
    root = make_project(models="models: []\n", lecture="---\ntitle: 无数据的一讲\n---\n\n# 引言\n\n本讲不用模型数据。\n")
    out = tmp_path / "out"
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    assert result.err == ""
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["intro.pdf", "intro.pptx"]
    assert "poster.pdf: skipped" in result.out and "lists no models" in result.out


def test_outputs_list_chooses_what_all_builds(make_project, tmp_path):
    root = make_project(course=MINIMAL_COURSE + "outputs: [pdf, poster]\n")
    out = tmp_path / "out"
    result = run_build("all", "--project", str(root), "--out", str(out), "--size", "A4")
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["intro.pdf", "poster.pdf"]
    single = run_build("pptx", "--project", str(root), "--out", str(out))      # a named output is built anyway
    assert single.code == 0 and (out / "intro.pptx").exists()
    bad = make_project(course=MINIMAL_COURSE + "outputs: [pdf, handout]\n", name="bad")
    wrong = run_build("check", "--project", str(bad))
    assert wrong.code == 1 and "course.yaml" in wrong.err and "outputs" in wrong.err


# ── legibility: every glyph's size read back from the PDF ────────────────────────────────────────────

def _key(font_name: str) -> str:
    """A font name compared without case or punctuation (NotoSansCJKsc-Bold = Noto-Sans-CJK-SC-Bold)."""
    return "".join(c for c in font_name.lower() if c.isalnum())


def _em_heights() -> dict[str, float]:
    """PostScript name → (hhea ascent − descent) / em of each shipped font: pdfium's loose character
    box is that many font sizes high, whatever matrices (text, CTM, form XObject) scale the glyph."""
    from fontTools.ttLib import TTFont

    out = {}
    for path in (REPO / "assets/fonts").glob("*.[ot]tf"):
        font = TTFont(path, lazy=True)
        out[_key(font["name"].getDebugName(6))] = (font["hhea"].ascent - font["hhea"].descent) / font["head"].unitsPerEm
    return out


def glyph_sizes(pdf: Path) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """(character, font size in pt as printed, tight box) of every visible character of page 1."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    heights = _em_heights()
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        textpage = doc[0].get_textpage()
        buffer = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        for k in range(textpage.count_chars()):
            char = textpage.get_text_range(k, 1)
            if not char.strip():
                continue
            raw.FPDFText_GetFontInfo(textpage.raw, k, buffer, 256, ctypes.byref(flags))
            name = buffer.value.decode("utf-8", "replace").split("+", 1)[-1]
            em = heights.get(_key(name)) or heights.get(_key(name) + "regular")
            assert em, f"character {char!r} in a font that is not shipped: {name}"
            _, bottom, _, top = textpage.get_charbox(k, loose=True)
            out.append((char, (top - bottom) / em, textpage.get_charbox(k)))
    finally:
        doc.close()
    return out


def fine_print(course) -> str:
    """Everything the poster may print in fine print: estimate notes, the '—' note, references."""
    from coursepress.errors import Problems
    from coursepress.writers.poster import plan

    texts = [f"{key}{text}" for key, text in plan(course, Problems()).notes]
    texts += [f"{r.authors or ''}{r.title}{r.year or ''}{r.url or ''}" for r in course.meta.references]
    words = (REPO / "templates/poster/catalogue.zh-CN.html.j2").read_text(encoding="utf-8")
    return norm("".join(texts)) + norm(words)


WALL = [("A2", "--landscape"), ("A2", "--portrait"), ("A3", "--landscape"), ("A3", "--portrait"),
        ("A1", "--landscape"), ("A1", "--portrait"), ("A0", "--landscape"), ("A0", "--portrait")]


@pytest.mark.parametrize("size,orientation", [pytest.param(*w, marks=[] if w == WALL[0] else [pytest.mark.slow])
                                              for w in WALL])
def test_no_text_below_the_minimum_for_the_sheet(tmp_path, size, orientation):
    """Body and chart text ≥ 14 pt on A2 (fine print ≥ 11 pt), × √2 per ISO size; read from the PDF."""
    course = load_course(REPO)[0]
    result = run_build("poster", "--out", str(tmp_path), "--size", size, orientation)
    assert result.code == 0, result.err
    assert result.err == ""
    pdf = tmp_path / "poster.pdf"
    assert len(pypdf.PdfReader(pdf).pages) == 1
    step = {"A3": 0.5, "A2": 1, "A1": 2, "A0": 4}[size] ** 0.5
    body, fine = 14 * step, 11 * step
    glyphs = glyph_sizes(pdf)
    smallest = min(glyphs, key=lambda g: g[1])
    assert smallest[1] >= fine - 0.05, smallest
    small = [g for g in glyphs if g[1] < body - 0.05]
    allowed = fine_print(course)
    assert len(small) <= len(allowed), "more small text than the fine print holds"
    assert set(norm("".join(c for c, _, _ in small))) <= set(allowed), "text other than fine print is small"
    # Every model's name is printed at body size or larger at least twice (table and chart) when it has a size.
    text = "".join(c for c, _, _ in glyphs)
    large = "".join(c if s >= body - 0.05 else "\0" for c, s, _ in glyphs)
    for model in course.data.models:
        name = norm(model.name)
        assert norm(text).count(name) >= 1, model.name
        assert norm(large).count(name) >= (2 if model.sizes_b else 1), model.name
    for year in range(min(m.release.year for m in course.data.models if m.release), 2024):
        assert str(year) in large, f"timeline year {year} printed small"
    assert_no_overlapping_text(glyphs)


def assert_no_overlapping_text(glyphs) -> None:
    """No two characters' tight boxes overlap by more than 0.6 pt either way (labels drawn over labels)."""
    cells: dict[tuple[int, int], list] = {}
    for index, (char, _, (left, bottom, right, top)) in enumerate(glyphs):
        for gx in range(int(left // 40), int(right // 40) + 1):
            for gy in range(int(bottom // 40), int(top // 40) + 1):
                cells.setdefault((gx, gy), []).append(index)
    for members in cells.values():
        for i in members:
            for j in members:
                if i < j:
                    a, b = glyphs[i][2], glyphs[j][2]
                    dx = min(a[2], b[2]) - max(a[0], b[0])
                    dy = min(a[3], b[3]) - max(a[1], b[1])
                    assert dx <= 0.6 or dy <= 0.6, f"{glyphs[i][0]!r} and {glyphs[j][0]!r} overlap"
