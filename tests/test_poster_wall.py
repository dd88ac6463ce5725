"""The poster for the classroom wall (issue 17): legible sizes per sheet, findings, colours, course choices.

Sizes are read back from the PDF (pypdfium2: each character's font size × the
text matrix scale), colours from the poster theme and the page content.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from conftest import REPO, run_build
from readback import norm, page_texts, render

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
    again = run_build("all", "--project", str(root), "--out", str(out), "--size", "A4")
    assert again.code == 0 and again.out.count(": up to date") == 2, again.out     # the outputs listed, no more
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
    from coursepress.writers.poster.writer import plan

    texts = [f"{key}{text}" for key, text in plan(course, Problems()).notes]
    texts += [f"{r.authors or ''}{r.title}{r.year or ''}{r.url or ''}" for r in course.meta.references]
    words = (REPO / "templates/poster/catalogue.zh-CN.html.j2").read_text(encoding="utf-8")
    return norm("".join(texts)) + norm(words)


WALL = [("A2", "--landscape"), ("A2", "--portrait"), ("A3", "--landscape"), ("A3", "--portrait"),
        ("A1", "--landscape"), ("A1", "--portrait"), ("A0", "--landscape"), ("A0", "--portrait")]


@pytest.mark.parametrize("size,orientation", [pytest.param(*w, marks=[] if w == WALL[0] else [pytest.mark.slow])
                                              for w in WALL])
def test_no_text_below_the_minimum_for_the_sheet(course_poster, size, orientation):
    """Body and chart text ≥ 14 pt on A2 (fine print ≥ 11 pt), × √2 per ISO size; read from the PDF."""
    course = load_course(REPO)[0]
    pdf, result = course_poster("--size", size, orientation)
    assert result.code == 0, result.err
    assert result.err == ""
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


# ── message: title, subtitle and findings come from the course, the words from the catalogue ─────────

GROWTH_MODELS = """\
as_of: 2024-01-15
models:
  - name: Old-1B
    organisation: 甲实验室
    open: true
    release: 2019-05
    parameters_b: 1
    context_k: 2
  - name: Small-7B
    organisation: 乙研究所
    open: true
    release: 2023-02
    parameters_b: 7
    context_k: 4
  - name: Big-Pro
    organisation: 丙公司
    open: false
    release: 2023-09
    parameters_b: {big}
    context_k: 64
  - name: Mid-Pro
    organisation: 丁公司
    open: false
    release: 2023-10
    parameters_b: 70
    context_k: 32
  - name: Other-Pro
    organisation: 戊公司
    open: false
    release: 2023-11
    parameters_b: 90
    context_k: 8
"""


def _poster_text(root: Path, out: Path) -> str:
    result = run_build("poster", "--project", str(root), "--out", str(out), "--size", "A3")
    assert result.code == 0, result.err
    assert result.err == ""
    return norm(page_texts(out / "poster.pdf")[0])


def test_title_and_subtitle_come_from_course_yaml(make_project, tmp_path):
    root = make_project(course=MINIMAL_COURSE + "poster:\n  title: 教室墙上的模型图\n  subtitle: 规模与开放程度一览\n")
    pdf = tmp_path / "out" / "poster.pdf"
    text = _poster_text(root, pdf.parent)
    assert "教室墙上的模型图" in text and "规模与开放程度一览" in text
    assert "主要大语言模型对比一览" not in text        # the catalogue's default title only without one
    sizes = {c: s for c, s, _ in glyph_sizes(pdf)}
    assert sizes["教"] == max(sizes.values()), "the title is the largest text of the poster"
    plain = make_project(name="plain")
    assert "主要大语言模型对比一览" in _poster_text(plain, tmp_path / "plain")


def test_findings_are_computed_from_the_data(make_project, tmp_path):
    """The headline figures follow the data (nothing typed into course.yaml) and are printed large."""
    text = _poster_text(make_project(models=GROWTH_MODELS.format(big=300)), tmp_path / "a")
    # 1 → 300 (×300) billions between 2019 and 2023; context 2K → 64K (×32); open 2 of 5 in 2023 → 1/4.
    assert "300倍" in text and "Old-1B" in text and "10亿" in text and "3000亿" in text
    assert "2019—2023年" in text
    assert "32倍" in text
    assert "1/4" in text
    changed = _poster_text(make_project(models=GROWTH_MODELS.format(big=500), name="changed"), tmp_path / "b")
    assert "500倍" in changed and "5000亿" in changed and "300倍" not in changed


def test_findings_wording_comes_from_the_catalogue(make_project, tmp_path):
    """A project's own catalogue changes the words, not the numbers (templates/ overrides the tool's)."""
    catalogue = (REPO / "templates/poster/catalogue.zh-CN.html.j2").read_text(encoding="utf-8")
    assert "参数规模</p>" in catalogue
    ours = catalogue.replace("参数规模</p>", "规模增长了多少</p>").replace('"chart_timeline": "发布时间线"',
                                                                       '"chart_timeline": "谁先谁后"')
    root = make_project(models=GROWTH_MODELS.format(big=300),
                        files={"templates/poster/catalogue.zh-CN.html.j2": ours})
    text = _poster_text(root, tmp_path / "out")
    assert "规模增长了多少" in text and "谁先谁后" in text and "300倍" in text


# ── colour: categorical colours stay apart in greyscale ─────────────────────────────────────────────

def _lightness(hex_colour: str) -> float:
    """CIE L* of an sRGB colour (D65): the lightness a greyscale print keeps."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    y = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


def test_categorical_colours_survive_greyscale(course_poster):
    """ΔL* ≥ 20 between closed, open-weights and not-stated; and the poster really paints with them."""
    import itertools

    from coursepress.templating import environment

    theme = environment(REPO).get_template("poster/theme.j2").module
    colours = {key: theme.colours[key] for key in theme.categories}
    assert len(colours) == 3
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        assert abs(_lightness(ca) - _lightness(cb)) >= 20, (a, ca, b, cb)
    pdf, result = course_poster("--size", "A3")
    assert result.code == 0, result.err
    content = b"".join(pypdf.PdfReader(pdf).pages[0].get_contents().get_data().split(b"\n"))
    stream = pypdf.PdfReader(pdf)
    painted = set()
    for page in stream.pages:
        data = page.get_contents().get_data().decode("latin-1")
        for xobject in (page["/Resources"].get("/XObject") or {}).values():
            data += xobject.get_object().get_data().decode("latin-1")
        for match in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) rg", data):
            painted.add("#" + "".join(f"{round(float(v) * 255):02x}" for v in match.groups()))
    assert content
    for key in ("closed", "open"):                   # the course has no model of unstated openness
        assert colours[key] in painted, (key, colours[key])


# ── layout: no empty quadrant ────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("orientation", ["--landscape", "--portrait"])
def test_no_empty_quadrant(course_poster, orientation):
    """Each quarter of the A2 sheet carries content (text, bars, rules): at least 15 % of its pixels are not
    white at 0.2 × scale (an empty quarter, as under a short table, is a few per cent)."""
    pdf, result = course_poster("--size", "A2", orientation)
    assert result.code == 0, result.err
    image = render(pdf, 0, scale=0.2)
    w, h = image.size
    for x0, y0 in ((0, 0), (w // 2, 0), (0, h // 2), (w // 2, h // 2)):
        quarter = image.crop((x0, y0, x0 + w // 2, y0 + h // 2))
        inked = sum(quarter.histogram()[:245]) / (quarter.width * quarter.height)
        assert inked >= 0.15, f"quarter at {(x0, y0)} is {inked:.1%} ink"


def test_poster_timeline_leaders_cross_no_label():
    """A leader rises from its dot to its own label; no label of a lower lane spans it; one lane: no overlap."""
    from coursepress.writers.poster.chart import timeline

    course = load_course(REPO)[0]
    for width in (500.0, 780.0, 1000.0):
        spec = timeline(course.data.models, width)
        labelled = [p for p in spec.points if p.label]
        assert sum(len(p.label.split(" · ")) for p in labelled) == len(spec.points)   # every model named once
        for p in labelled:
            assert 0 <= p.label_left and p.label_left + p.label_w <= width + 0.01, p.label
            for q in labelled:
                if q is not p and q.label_y > p.label_y:
                    assert not q.label_left - 1 <= p.x <= q.label_left + q.label_w + 1, (p.label, q.label)
                if q is not p and q.label_y == p.label_y:
                    assert p.label_left + p.label_w <= q.label_left or q.label_left + q.label_w <= p.label_left


# ── details: numbers keep their units, rules run unbroken ───────────────────────────────────────────

UNIT_BREAK = re.compile(r"\d[ \u2005\u00a0]*[\r\n]+\s*(万亿|亿|百万|K\b|倍|tokens)|\d{4}-[\r\n]|\d{4}-\d{2}-[\r\n]")


@pytest.mark.parametrize("size,orientation", [("A2", "--landscape"), ("A3", "--portrait")])
def test_numbers_stay_with_their_units_and_rules_are_unbroken(course_poster, size, orientation):
    """No line ends between a number and its unit (1750 | 亿) or inside a date; the rules under the masthead
    and the findings run across the whole content width without a gap."""
    pdf, result = course_poster("--size", size, orientation)
    assert result.code == 0, result.err
    text = page_texts(pdf)[0]
    assert re.search(r"\d[ \u2005]?亿", text), "the poster is expected to print sizes in 亿"
    assert not UNIT_BREAK.search(text), UNIT_BREAK.search(text)
    image = render(pdf, 0, scale=1.0)                     # 1 px = 1 pt
    short = {"A2": 420, "A3": 297}[size]
    margin = round(12 * short / 297, 1) * 72 / 25.4        # the poster's margin: 12 mm on A3, linear in the sheet
    content = image.width - 2 * margin
    pixels = image.load()
    full_rows = []
    for y in range(image.height - 1):
        run = longest = 0
        for x in range(image.width):
            # a 1 pt rule may straddle two pixel rows: their ink together counts
            ink = (255 - pixels[x, y]) + max(255 - pixels[x, y + 1], 0) * (pixels[x, y] > 160)
            run = run + 1 if ink > 95 else 0
            longest = max(longest, run)
        if longest >= content - 2:
            full_rows.append(y)
    bands = [y for i, y in enumerate(full_rows) if i == 0 or y - full_rows[i - 1] > 1]
    assert len(bands) >= 2, f"{len(bands)} unbroken full-width rule(s) found"


def test_findings_hold_only_what_the_data_supports():
    """One model: no finding at all (no growth, no share); official figures first, estimates only as a
    fallback and then marked ≈; at most four findings."""
    from coursepress.schema import ModelData
    from coursepress.messages import default_messages
    from coursepress.writers.poster.findings import MAX_FINDINGS, findings

    words = default_messages()

    def data(*models):
        return ModelData.model_validate({"models": [dict(m, organisation="甲") for m in models]}).models

    assert findings(data({"name": "A", "open": True, "release": "2023-01", "parameters_b": 7}), words) == ()
    pair = data({"name": "A", "open": True, "release": "2020-01", "parameters_b": 1},
                {"name": "B", "open": False, "release": "2023-01", "parameters_b": 100,
                 "estimated": {"parameters_b": "报道值"}},
                {"name": "C", "open": False, "release": "2022-01", "parameters_b": 50})
    growth = {f.key: f.values for f in findings(pair, words)}["parameters_growth"]
    assert (growth["to_model"], growth["to_value"], growth["factor"]) == ("C", "500 亿", "50")   # B is an estimate
    guessed = data({"name": "A", "open": True, "release": "2020-01", "parameters_b": 1,
                    "estimated": {"parameters_b": "估计"}},
                   {"name": "B", "open": False, "release": "2023-01", "parameters_b": 100,
                    "estimated": {"parameters_b": "报道值"}})
    growth = {f.key: f.values for f in findings(guessed, words)}["parameters_growth"]
    assert growth["to_value"] == "≈1000 亿" and growth["estimated"]
    assert len(findings(load_course(REPO)[0].data.models, words)) <= MAX_FINDINGS
