"""The one-page model-comparison poster (issues 4 and 17) and its cases C08, C09, C16, C18, C25, C27.

The real course poster is built once per size and read back with pypdf and
pypdfium2: page count and size, text, estimate marks, fonts, images, boxes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from conftest import REPO, run_build
from readback import char_boxes, fonts, image_sizes, norm, page_texts, render

from coursepress.load import load_course
from coursepress.messages import default_messages
from coursepress.numbers import format_context, format_params
from coursepress.schema import quantity, raw_values
from coursepress.writers.poster.writer import MAX_MODELS
from coursepress.writers.poster.fit import ISO_A_MM

MM = 72 / 25.4
SIZES = {"A3": ["--size", "A3"], "A2": ["--size", "A2", "--landscape"], "A0": ["--size", "A0"]}


@pytest.fixture(scope="session")
def course():
    return load_course(REPO)[0]


@pytest.fixture(scope="session")
def posters(course_poster):
    """The real course poster at A3, A2 landscape and A0, plus A2 with --print: {name: (pdf, run)}."""
    built = {}
    for name, args in {**SIZES, "print": ["--size", "A2", "--print"]}.items():
        pdf, result = course_poster(*args)
        assert result.code == 0, result.err
        assert result.err == "", f"unexpected warnings: {result.err}"
        built[name] = (pdf, result)
    return built


def _values(model, field: str) -> list[str]:
    def fmt(value: float) -> str:
        return format_params(value, default_messages()) if field == "parameters_b" else format_context(value)

    out = []
    for value in raw_values(getattr(model, field)):
        qualifier, number = quantity(value)
        out.append(qualifier + fmt(number))
    return out


@pytest.mark.parametrize("name", list(SIZES))
def test_one_page_of_the_right_size(posters, name):
    pdf, run = posters[name]
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    short, long = ISO_A_MM[name]
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(long * MM, abs=1)      # the course default is landscape
    assert float(box.height) == pytest.approx(short * MM, abs=1)
    assert re.search(rf"poster\.pdf: {name} landscape \({long:g} × {short:g} mm\), 1 page.*\d+\.\d\d s", run.out)


@pytest.mark.parametrize("name", list(SIZES))
def test_every_model_and_number_in_text(posters, course, name):
    text = norm(page_texts(posters[name][0])[0])
    for model in course.data.models:
        assert norm(model.name) in text
        assert norm(model.organisation) in text
        for field in ("parameters_b", "context_k"):
            for value in _values(model, field):
                assert norm(value) in text, (model.name, field, value)
        if model.release:
            assert model.release.iso in text
    assert norm(course.meta.title) in text
    assert f"{course.data.as_of.year}年{course.data.as_of.month}月{course.data.as_of.day}日" in text
    for ref in course.meta.references:
        assert norm(ref.title) in text


def test_estimates_marked_with_notes(posters, course):
    text = norm(page_texts(posters["A2"][0])[0])
    estimated = [m for m in course.data.models if m.estimated]
    assert estimated, "the course data is expected to have estimated values"
    for model in estimated:
        for field, note in model.estimated.items():
            if field in ("parameters_b", "context_k"):
                assert norm("≈" + _values(model, field)[0]) in text, (model.name, field)
            assert norm(f"{model.name}：{note}") in text


def test_fonts_embedded_no_raster_images(posters):
    for pdf, _ in posters.values():
        found = fonts(pdf)
        assert found and all(found.values()), found
        assert any("Noto-Sans-CJK-SC" in f for f in found)
        assert not any("Color" in f for f in found)      # (no emoji on the course poster: no ✅/❌ column)
        assert image_sizes(pdf) == []


def test_tagged_with_title_and_language(posters, course):
    reader = pypdf.PdfReader(posters["A2"][0])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == course.meta.language
    assert root["/MarkInfo"]["/Marked"]
    assert course.meta.title in reader.metadata.title


def test_print_bleed_and_crop_marks(posters):
    """--print: TrimBox = the sheet, BleedBox 3 mm outside it, MediaBox 7 mm further for the crop marks,
    whose ink lies outside the BleedBox (the printer keeps the bleed; marks in it would print)."""
    from coursepress.writers.poster.fit import MARK_ROOM_MM

    pdf = posters["print"][0]
    page = pypdf.PdfReader(pdf).pages[0]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert float(trim.width) == pytest.approx(594 * MM, abs=1)
    for outer, inner, extra in ((bleed, trim, 3), (media, trim, 3 + MARK_ROOM_MM)):
        assert float(inner.left) - float(outer.left) == pytest.approx(extra * MM, abs=0.2)
        assert float(inner.bottom) - float(outer.bottom) == pytest.approx(extra * MM, abs=0.2)
        assert float(outer.right) - float(inner.right) == pytest.approx(extra * MM, abs=0.2)
        assert float(outer.top) - float(inner.top) == pytest.approx(extra * MM, abs=0.2)
    image = render(pdf, 0, scale=3.0)
    px = image.width / float(media.width)                     # pixels per pt
    to_mark, to_bleed = (float(bleed.left) - float(media.left)) * px, (float(trim.left) - float(media.left)) * px
    w, h = image.width, image.height
    for flip_x in (False, True):
        for flip_y in (False, True):
            def box(x0, y0, x1, y1):
                xs = sorted((w - x0, w - x1) if flip_x else (x0, x1))
                ys = sorted((h - y0, h - y1) if flip_y else (y0, y1))
                return image.crop((int(xs[0]), int(ys[0]), int(xs[1]), int(ys[1]))).getextrema()[0]
            assert box(0, 0, to_mark - 1, to_bleed + 3) < 160, "no crop mark outside the bleed"
            # The bleed band (between BleedBox and TrimBox) along both edges of the corner is blank.
            assert box(to_mark + 1, to_mark + 1, to_bleed + 60, to_bleed - 1) == 255, "ink in the bleed"
            assert box(to_mark + 1, to_mark + 1, to_bleed - 1, to_bleed + 60) == 255, "ink in the bleed"
    screen = pypdf.PdfReader(posters["A2"][0]).pages[0]
    assert list(screen.trimbox) == list(screen.mediabox) == list(screen.bleedbox)
    assert render(posters["A2"][0], 0, scale=3.0).crop((0, 0, int(to_bleed), int(to_bleed))).getextrema()[0] == 255


@pytest.mark.parametrize("name", list(SIZES))
def test_not_blank_and_nothing_cut(posters, name):
    pdf = posters[name][0]
    image = render(pdf, 0, scale=0.25)
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    assert dark > 0.03, "page looks blank"
    margin = 12 * (ISO_A_MM[name][0] / 297) ** 0.5 * MM * 0.9
    for _, char, (left, bottom, right, top), width, height in char_boxes(pdf):
        assert left >= margin - 0.5 and right <= width - margin + 0.5, char
        assert bottom >= margin - 0.5 and top <= height - margin + 0.5, char
    assert_fills_the_page(pdf, ISO_A_MM[name][0])


def assert_fills_the_page(pdf: Path, short_mm: float, share: float = 0.96) -> None:
    """The text runs from the top margin to within (1 − ``share``) of the usable height of the bottom one."""
    margin = 12 * (short_mm / 297) ** 0.5 * MM
    boxes = [box for _, _, box, _, _ in char_boxes(pdf)]
    height = pypdf.PdfReader(pdf).pages[0].mediabox.height
    usable = float(height) - 2 * margin
    lowest, highest = min(b[1] for b in boxes), max(b[3] for b in boxes)
    assert highest >= float(height) - margin - 0.03 * usable, "the content does not start at the top margin"
    assert lowest <= margin + (1 - share) * usable, \
        f"{(lowest - margin) / MM:.0f} mm of the usable height left empty at the bottom"


def test_cell_text_equals_yaml(posters, course):
    """Every model name and organisation is found whole (not cut) and lies fully inside the page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(posters["A3"][0]))
    page = doc[0]
    width, height = page.get_size()
    textpage = page.get_textpage()
    for model in course.data.models:
        searcher = textpage.search(model.name, match_case=True)
        hit = searcher.get_next()
        assert hit, model.name
        start, count = hit
        assert textpage.get_text_range(start, count) == model.name
        for k in range(start, start + count):
            left, bottom, right, top = textpage.get_charbox(k)
            assert 0 < left and right < width and 0 < bottom and top < height
    doc.close()


SYNTHETIC = """\
  - name: Synth-{i:02d}
    organisation: 合成实验室第{i}组
    open: {open}
    release: 2023-{month:02d}
    parameters_b: {params}
    context_k: {ctx}
    highlights: [长文本推理与代码生成, 多语言对话能力, 工具调用与检索增强]
"""


def _synthetic_models(count: int) -> str:
    return "".join(SYNTHETIC.format(i=i, open=str(i % 2 == 0).lower(), month=i % 12 + 1, params=i + 1, ctx=(i % 8 + 1) * 4)
                   for i in range(count))


def test_too_many_models_for_the_size_is_a_clear_error(make_project, tmp_path):
    base = (REPO / "tests/projects/minimal/content/data/models.yaml").read_text(encoding="utf-8")
    root = make_project(models=base + _synthetic_models(40))
    result = run_build("poster", "--project", str(root), "--out", str(tmp_path / "out"), "--size", "A4")
    assert result.code == 1
    assert "overflows A4" in result.err and "mm" in result.err
    assert "a larger sheet does not help" in result.err and "fewer models" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out" / "poster.pdf").exists()


def test_row_limit_c18(make_project, tmp_path):
    base = (REPO / "tests/projects/minimal/content/data/models.yaml").read_text(encoding="utf-8")
    root = make_project(models=base + _synthetic_models(MAX_MODELS + 10))
    result = run_build("poster", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 1
    assert f"poster holds at most {MAX_MODELS} models" in result.err
    assert "Traceback" not in result.err


MISSING_CONTEXT = """\
as_of: 2024-01-15
models:
  - name: Gamma-3B
    organisation: 丙研究所
    open: true
    release: 2023-05
    parameters_b: 3
    highlights: [端侧部署]
  - name: Delta-Max
    organisation: 丁公司
    open: false
    release: 2023-08
    parameters_b: null
    context_k: 64
    highlights: [长上下文]
"""


def test_missing_value_dash_and_warning(make_project, tmp_path):
    root = make_project(models=MISSING_CONTEXT)
    result = run_build("poster", "--project", str(root), "--out", str(tmp_path / "out"), "--size", "A3")
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.err           # null (not published) is not warned about
    assert "Gamma-3B" in warnings[0] and "context_k" in warnings[0] and "models.yaml:3" in warnings[0]
    text = page_texts(tmp_path / "out" / "poster.pdf")[0]
    assert "—" in text
    strict = run_build("poster", "--project", str(root), "--out", str(tmp_path / "strict"), "--size", "A3", "--strict")
    assert strict.code == 1 and "Gamma-3B" in strict.err and "context_k" in strict.err
    assert not (tmp_path / "strict" / "poster.pdf").exists()


def _case_poster(case_project, tmp_path, case: str, header: str = "") -> tuple[Path, object]:
    root = case_project(case, header)
    out = tmp_path / f"out-{case}"
    result = run_build("poster", "--project", str(root), "--out", str(out), "--size", "A3")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return out / "poster.pdf", result


def test_c08_long_notes_not_on_poster(case_project, tmp_path):
    pdf, _ = _case_poster(case_project, tmp_path, "C08")
    assert len(pypdf.PdfReader(pdf).pages) == 1
    text = norm(page_texts(pdf)[0])
    assert "Xinghe-72B-长备注" in text and "第1条" not in text


def test_c09_long_tokens_wrap_inside_the_page(case_project, tmp_path):
    pdf, _ = _case_poster(case_project, tmp_path, "C09")
    assert len(pypdf.PdfReader(pdf).pages) == 1
    text = norm(page_texts(pdf)[0])
    for value in ("Xinghe-405B-Instruct-FP8-Dynamic", "星河研究院（联合多所高校与企业实验室共同研发）",
                  "Xinghe-Community-License-Agreement-v3.1-with-Acceptable-Use-Policy",
                  "example-org/Xinghe-405B-Instruct-FP8-dynamic-quantized-checkpoint-shards",
                  "https://api.example.com/v1/chat/completions?model=xinghe-405b-instruct-fp8",
                  "https://api.example.com/v1beta/models/beichen-pro:generateContent"):
        assert norm(value) in text, value
    margin = 12 * MM
    for _, char, (left, _b, right, _t), width, _h in char_boxes(pdf):
        assert left >= margin - 0.5 and right <= width - margin + 0.5, char


def test_c16_emoji_cells(case_project, tmp_path):
    pdf, result = _case_poster(case_project, tmp_path, "C16", "columns: [open_icon]\n")
    assert "no shipped font" not in result.err
    text = page_texts(pdf)[0]
    assert "✅" in text and "❌" in text
    assert any("Noto-Emoji" in f for f in fonts(pdf))
    assert image_sizes(pdf) == []


def test_c25_markup_in_data_is_text(case_project, tmp_path):
    from coursepress.errors import Problems
    from coursepress.writers import BuildSettings
    from coursepress.writers.poster.writer import plan, render_html
    from coursepress.writers.poster.fit import Layout, sheet_for

    from coursepress.load import load_project
    from coursepress.project import locate

    root = case_project("C25")
    project, course, _ = load_project(locate(root))
    content = plan(course, Problems())
    html = render_html(project, course, sheet_for(course, BuildSettings(tmp_path)), Layout(9, 1), content, Problems()).replace("\u2005", " ")   # CJK/Latin gaps are U+2005
    assert "Xinghe &lt;mini&gt;" in html and "星河 R&amp;D 中心" in html
    assert html.count('<tr class="model">') == len(course.data.models)
    pdf = tmp_path / "out" / "poster.pdf"
    result = run_build("poster", "--project", str(root), "--out", str(pdf.parent), "--size", "A3")
    assert result.code == 0, result.err
    text = page_texts(pdf)[0].replace("\u2005", " ")
    assert "Xinghe <mini>" in text and "星河 R&D 中心" in text


def test_c27_strings_as_written(case_project, tmp_path):
    pdf, _ = _case_poster(case_project, tmp_path, "C27")
    words = set(re.findall(r"[A-Za-z0-9-]+", page_texts(pdf)[0]))
    assert {"NO", "off", "On", "Yes", "Fjord-13B"} <= words
    assert "False" not in words and "True" not in words


def test_landscape_and_portrait_exclude_each_other(tmp_path):
    result = run_build("poster", "--out", str(tmp_path / "out"), "--landscape", "--portrait")
    assert result.code == 2
    assert "--portrait: not allowed with argument --landscape" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("width", [420.0, 640.0, 900.0])
def test_timeline_leaders_cross_no_label(course, width):
    """A leader rises from its dot to its own label; no label of a lower lane may span it (handout and poster)."""
    from coursepress.charts import make_chart

    spec = make_chart(course.data.models, "timeline", width, words=course.words)
    labelled = [p for p in spec.points if p.label]
    assert len(labelled) == len({p.x for p in labelled})
    for p in labelled:
        assert 0 <= p.label_left and p.label_left + p.label_w <= width + 0.01, p.label
        for q in labelled:
            if q is not p and q.label_y > p.label_y:      # q's label lies on p's leader's way up
                assert not q.label_left - 1 <= p.x <= q.label_left + q.label_w + 1, (p.label, q.label)
            if q is not p and q.label_y == p.label_y:     # one lane: no overlap
                assert p.label_left + p.label_w <= q.label_left or q.label_left + q.label_w <= p.label_left
    lanes = {p.label_y for p in labelled}
    assert len(lanes) <= (10 if width >= 640 else 14), "label stack too tall"


def test_overflow_advice_fits_the_sheet(course):
    """Never a larger size (the minimum text grows with the sheet, issue 17), and the message says so; the
    other orientation only where it gives room in the short direction."""
    from coursepress.writers import BuildSettings
    from coursepress.writers.poster.fit import Layout, Measure, overflow_message, sheet_for

    def message(size, landscape, height_mm, overrun_mm, columns=()):
        sheet = sheet_for(course, BuildSettings(Path("/unused"), poster_size=size, poster_landscape=landscape))
        return overflow_message(sheet, [(Layout(25.5, 1), Measure(height_mm, overrun_mm, 10.0))], 28,
                                tuple(columns))

    wide_a0 = message("A0", False, 500, 4, ["license"])
    assert "4 mm wider than A0 portrait" in wide_a0 and "--size" not in wide_a0
    assert "--landscape" in wide_a0 and "license" in wide_a0
    wide_a2 = message("A2", True, 300, 2)
    assert "--size" not in wide_a2 and "--portrait" not in wide_a2 and "--landscape" not in wide_a2
    assert "a larger sheet does not help" in wide_a2 and "14.0 pt on A2" in wide_a2
    tall_a0 = message("A0", True, 900, 0)
    assert "overflows A0 landscape" in tall_a0 and "--size" not in tall_a0
    assert "--portrait" in tall_a0 and "fewer models" in tall_a0
    tall_a0p = message("A0", False, 1300, 0)
    assert "--landscape" not in tall_a0p and "--size" not in tall_a0p and "fewer models" in tall_a0p


@pytest.mark.parametrize("size", ["A2", "A1", "A0"])
def test_portrait_fits_the_course(course_poster, size):
    """The course fits every portrait size from A2 to A0: charts under the table, the timeline across."""
    pdf, result = course_poster("--size", size, "--portrait")
    assert result.code == 0, result.err
    assert result.err == ""
    box = pypdf.PdfReader(pdf).pages[0].mediabox
    short, long = ISO_A_MM[size]
    assert (float(box.width), float(box.height)) == (pytest.approx(short * MM, abs=1), pytest.approx(long * MM, abs=1))
    assert len(pypdf.PdfReader(pdf).pages) == 1
    margin = 12 * (short / 297) ** 0.5 * MM * 0.9
    for _, char, (left, bottom, right, top), width, height in char_boxes(pdf):
        assert left >= margin - 0.5 and right <= width - margin + 0.5, char
        assert bottom >= margin - 0.5 and top <= height - margin + 0.5, char
    assert_fills_the_page(pdf, short)


@pytest.mark.parametrize("name", ["A3", "A2"])
def test_reference_urls_stay_whole(posters, course, name):
    """A URL that fits a line of the references is never broken inside (it moves to the next line instead)."""
    text = pypdf.PdfReader(posters[name][0]).pages[0].extract_text()
    urls = [ref.url for ref in course.meta.references if ref.url]
    assert urls
    for url in urls:
        assert url in text, url
