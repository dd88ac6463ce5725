"""Charts whole and honest (issue 13, item 2; case C20), read back from the course deck's chart XML.

The models a chart must show come from the course's directives as loaded (the selection every output
shares), the expected order from :func:`coursepress.charts.series` (the handout's order); nothing is
typed here.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation

from conftest import CASES, REPO, course_output, run_build
from coursepress import model as m
from coursepress.charts import series
from coursepress.load import load_course
from readback import NS, page_texts

C = f"{{{NS['c']}}}"
A = f"{{{NS['a']}}}"


def directives(root: Path) -> list[m.Chart]:
    course, _ = load_course(root)
    return [b for lec in course.lectures for part in lec.sections for sec in part.walk() for b in sec.blocks
            if isinstance(b, m.Chart)]


def chart_slides(prs):
    return [(slide, shape.chart) for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def chart_xml(path: Path) -> list[tuple[str, etree._Element]]:
    with zipfile.ZipFile(path) as z:
        return [(n, etree.fromstring(z.read(n))) for n in sorted(z.namelist())
                if re.match(r"ppt/charts/chart\d+\.xml$", n)]


@pytest.fixture(scope="module")
def course(course_build):
    """The real course's deck from the session's shared build: (Presentation, path)."""
    path, _ = course_output(course_build, "llm-intro.pptx")
    return Presentation(str(path)), path


def _names(chart) -> list[str]:
    if chart.chart_type is not None and "XY" in str(chart.chart_type):
        return [s.name for s in chart.series]
    return list(chart.plots[0].categories)


def test_one_slide_per_chart_with_every_selected_model_in_handout_order(course):
    prs, _ = course
    blocks = directives(REPO)
    slides = chart_slides(prs)
    assert len(slides) == len(blocks)                       # never continued
    for (slide, chart), block in zip(slides, blocks):
        kind = block.chart if block.chart in ("parameters", "context") else "timeline"
        expected = [model.name for model, _ in series(block.models, kind, keep_missing=True)]
        names = _names(chart)
        assert [n.split("（")[0] for n in names] == expected, slide.shapes.title.text
        if kind != "timeline":
            assert {model.name for model in block.models} == set(expected)   # every selected model
        title = slide.shapes.title.text_frame.text
        assert "（续）" not in title
        if slide.slide_layout.name == "Two Content":   # beside its section's bullets: the caption says it
            caption = m.plain_text(block.caption)
            assert any(sh.has_text_frame and caption in sh.text_frame.text for sh in slide.shapes), title
        else:
            assert str(len(names)) in title   # says what it shows: how many models


def test_dates_are_a_scatter_never_bars_and_labels_are_never_typed_text(course):
    prs, path = course
    kinds = {block.chart for block in directives(REPO)}
    assert {"timeline", "family"} <= kinds
    for (slide, chart), block in zip(chart_slides(prs), directives(REPO)):
        space = chart._chartSpace
        if block.chart in ("timeline", "family"):
            assert space.find(f".//{C}scatterChart") is not None and space.find(f".//{C}barChart") is None
            axis_format = space.find(f".//{C}valAx/{C}numFmt").get("formatCode")
            assert "yyyy" in axis_format
    labels = 0
    for name, root in chart_xml(path):
        assert root.find(f".//{C}dLbl/{C}tx") is None, name           # no typed label text
        for dlbls in root.iter(f"{C}dLbls"):
            shows = {flag: dlbls.find(f"{C}{flag}").get("val") == "1" for flag in ("showVal", "showSerName")}
            assert any(shows.values()), name
            if shows["showVal"]:
                assert "亿" in dlbls.find(f"{C}numFmt").get("formatCode") or \
                    "K" in dlbls.find(f"{C}numFmt").get("formatCode"), name
            labels += 1
    assert labels


def test_sizes_log_axes_legend_and_estimates(course):
    prs, path = course
    estimates = 0
    slants = []
    for name, root in chart_xml(path):
        for rpr in root.iter(f"{A}defRPr", f"{A}rPr"):
            if rpr.get("sz"):
                assert int(rpr.get("sz")) >= 1200, name              # readable from the back row
    for slide, chart in chart_slides(prs):
        space = chart._chartSpace
        scaling = space.find(f".//{C}valAx/{C}scaling")
        if scaling.find(f"{C}logBase") is None:
            continue
        values = [v for s in chart.series for v in s.values if v is not None]
        low = float(scaling.find(f"{C}min").get("val"))
        assert low == 10.0 ** math.floor(math.log10(min(values)))    # a power of ten, not 0.1 below it
        assert max(values) < float(scaling.find(f"{C}max").get("val"))
        cat_ax = space.find(f".//{C}catAx")   # every name drawn, level or slanted (never LibreOffice's choice)
        assert cat_ax.find(f"{C}tickLblSkip").get("val") == "1"
        slants.append(cat_ax.find(f"{C}txPr/{A}bodyPr").get("rot"))
        hidden = {int(e.find(f"{C}idx").get("val")) for e in space.iter(f"{C}legendEntry")
                  if e.find(f"{C}delete").get("val") == "1"}
        keyed = [s.name for i, s in enumerate(chart.series) if i not in hidden]
        assert keyed == [n for n in ("闭源", "开放权重") if n in keyed]   # the handout's legend
        assert all(s.name == "未公开" for i, s in enumerate(chart.series) if i in hidden)
        assert "亿" in space.find(f".//{C}valAx/{C}numFmt").get("formatCode") or \
            "K" in space.find(f".//{C}valAx/{C}numFmt").get("formatCode")          # axis numbers with units
        for ser in space.iter(f"{C}ser"):
            hatched = {d.find(f"{C}idx").get("val") for d in ser.findall(f"{C}dPt")
                       if d.find(f".//{A}pattFill") is not None}
            marked = {d.find(f"{C}idx").get("val") for d in ser.findall(f"{C}dLbls/{C}dLbl")
                      if '"≈"' in d.find(f"{C}numFmt").get("formatCode")}
            assert hatched == marked
            estimates += len(marked)
    assert estimates   # the course has estimated values: each hatched and marked ≈ by its format
    # names level where they fit (the 10-model chart), slanted 45° only where they do not (28 models)
    assert set(slants) == {None, "-2700000"}, slants


def excel_format(code: str, value: float) -> str:
    """``value`` shown through the Excel number format ``code``, for the subset the deck writes: up to two
    sections chosen by a ``[<N]``, ``[>N]``, ``[<=N]``, ``[>=N]`` or ``[=N]`` condition and a last one for
    the rest, ``General``, digit placeholders ``0``, quoted and ``\\``-escaped literals, and trailing commas
    (each divides by 1000; ECMA-376 Part 1 §18.8.31)."""
    tests = {"<": float.__lt__, ">": float.__gt__, "<=": float.__le__, ">=": float.__ge__, "=": float.__eq__}
    sections = code.split(";")
    section = sections[-1]
    for candidate in sections:
        condition = re.match(r"\[(<=|>=|<|>|=)([\d.]+)\]", candidate)
        if condition is None or tests[condition.group(1)](float(value), float(condition.group(2))):
            section = candidate
            break
    section = re.sub(r"^\[[^\]]*\]", "", section)
    tokens = re.findall(r'"[^"]*"|\\.|General|0|,|.', section)
    number = [i for i, t in enumerate(tokens) if t in ("0", "General")]
    scale = sum(1 for t in tokens[number[-1] + 1:] if t == ",") if number else 0
    shown = value / 1000 ** scale
    digits = list(str(int(round(shown))))
    out = []
    slots = sum(1 for t in tokens if t == "0")
    seen = 0
    for index, token in enumerate(tokens):
        if token == "General":
            out.append(f"{shown:.10g}")
        elif token == "0":
            seen += 1
            take = len(digits) - (slots - seen) if seen == 1 else 1
            out.append("".join(digits[:max(take, 0)]) or "0")
            digits = digits[max(take, 0):]
        elif token == ",":
            continue
        else:
            out.append(token.strip('"').removeprefix("\\"))
    return "".join(out)


def test_parameter_labels_and_axis_read_the_chinese_way(course):
    """Data labels show what the handout shows (175 → "1750 亿", 1800 → "1.8 万亿"), through the number
    format alone; axis numbers from 10000 亿 on read 万亿, never "10000 亿"."""
    from coursepress.messages import default_messages
    from coursepress.numbers import format_params

    prs, _ = course
    checked = big = 0
    for (slide, chart), block in zip(chart_slides(prs), directives(REPO)):
        if block.chart != "parameters":
            continue
        space = chart._chartSpace
        axis = space.find(f".//{C}valAx/{C}numFmt").get("formatCode")
        scaling = space.find(f".//{C}valAx/{C}scaling")
        low, high = (float(scaling.find(f"{C}{k}").get("val")) for k in ("min", "max"))
        for power in range(round(math.log10(low)), math.floor(math.log10(high)) + 1):
            tick = excel_format(axis, 10.0 ** power)
            assert "亿" in tick and not re.search(r"\d{5}", tick) and ".0 " not in tick, tick   # 1 万亿, not 1.0
            big += "万亿" in tick
        for ser in space.iter(f"{C}ser"):
            if ser.find(f"{C}dLbls/{C}showSerName").get("val") == "1":
                continue        # the unknown marker: its label is its series' name
            own = {d.find(f"{C}idx").get("val"): d.find(f"{C}numFmt").get("formatCode")
                   for d in ser.findall(f"{C}dLbls/{C}dLbl")}
            common = ser.find(f"{C}dLbls/{C}numFmt").get("formatCode")
            for point in ser.findall(f"{C}val//{C}pt"):
                value = float(point.findtext(f"{C}v"))
                code = own.get(point.get("idx"), common)
                expected = ("≈" if '"≈"' in code else "") + format_params(value / 10, default_messages())
                assert excel_format(code, value) == expected, (code, value)
                checked += 1
    assert checked and big


# ---------------------------------------------------------------- C20: unknown values keep their place
def test_c20_unknown_values(tmp_path):
    root = tmp_path / "C20"
    shutil.copytree(CASES / "C20/content", root / "content")
    out = root / "dist"
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 1 and "Traceback" not in result.err
    assert "models.yaml:6" in result.err and "models.yaml:7" in result.err
    assert not out.exists() or not any(out.glob("*.pptx"))
    shutil.copy(CASES / "C20/fixed/content/data/models.yaml", root / "content/data/models.yaml")
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "Traceback" not in result.err, result.err
    names = [line.split("name:")[1].split(",")[0].strip()
             for line in (root / "content/data/models.yaml").read_text(encoding="utf-8").splitlines()
             if "name:" in line]
    prs = Presentation(str(out / "lecture.pptx"))
    (slide, chart), = chart_slides(prs)
    categories = list(chart.plots[0].categories)
    assert [c.split("（")[0] for c in categories][:len(names)] and sorted(c.split("（")[0] for c in categories) \
        == sorted(names)
    for name, root_xml in chart_xml(out / "lecture.pptx"):
        count = root_xml.find(f".//{C}cat//{C}ptCount").get("val")
        for val in root_xml.iter(f"{C}val"):
            assert val.find(f".//{C}ptCount").get("val") == count
            for v in val.iter(f"{C}v"):
                assert math.isfinite(float(v.text)), v.text
    with zipfile.ZipFile(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob)) as book:
        cells = [el.text for n in book.namelist() if n.endswith(".xml") and ("sheet" in n or "sharedStrings" in n)
                 for el in etree.fromstring(book.read(n)).iter() if etree.QName(el).localname in ("v", "t")]
    # no placeholder for a missing value; the word 未公开 only as the name of the series that marks them
    assert cells and not {"None", "nan", "NaN", "null"} & set(cells) and cells.count("未公开") == 1
    assert categories == [c.split("（")[0] for c in categories]     # the names alone, nothing appended
    marker, = [s for s in chart.series if s.name == "未公开"]
    unknown = [categories[i] for i, v in enumerate(marker.values) if v is not None]
    lines = (root / "content/data/models.yaml").read_text(encoding="utf-8").splitlines()
    missing = [line for line in lines if re.search(r"parameters_b:\s*(null|~)\s*,", line)]
    assert len(unknown) == len(missing) >= 2 and all(name in " ".join(missing) for name in unknown)   # in the deck ...
    assert all(v is None for s in chart.series if s.name != marker.name for i, v in enumerate(s.values)
               if categories[i] in unknown)                         # no column, and labelled by the series name
    dlbls = marker._element.find(f"{C}dLbls")
    assert dlbls.find(f"{C}showSerName").get("val") == "1" and dlbls.find(f"{C}showVal").get("val") == "0"
    for pdf in ("lecture.pdf", "poster.pdf"):                        # ... the handout and the poster
        text = "".join(page_texts(out / pdf))
        assert text.count("未公开") >= len(missing) and all(n in text for n in names), pdf   # a row each


def test_chart_without_any_value_is_a_warning_and_no_chart(make_project, tmp_path):
    """Bad input (issue 13): a chart whose models all lack the value gets no slide, not an empty chart; the
    build warns at the directive's line and the chart's caption and description stay in the notes."""
    source = (Path(__file__).parent / "projects/minimal/content/data/models.yaml").read_text(encoding="utf-8")
    models = re.sub(r"\n    parameters_b: [^\n]*", "", source).replace("      parameters_b:", "      context_k:")
    root = make_project(models=models)
    line = next(i for i, text in enumerate((root / "content/lectures/intro.md").read_text(encoding="utf-8")
                                           .splitlines(), 1) if text.startswith("```{chart}"))
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    warnings = [w for w in result.err.splitlines() if "warning" in w]
    assert len(warnings) == 1 and f"intro.md:{line}" in warnings[0] and "no chart" in warnings[0], result.err
    prs = Presentation(str(out / "intro.pptx"))
    assert not chart_slides(prs)
    notes = "".join(s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide)
    assert "参数规模" in notes and "条形图：两个模型的参数规模" in notes
    strict = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "strict"), "--strict")
    assert strict.code == 1 and "no chart" in strict.err and "Traceback" not in strict.err
