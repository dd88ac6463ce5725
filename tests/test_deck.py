"""The lecture deck read back with python-pptx (and LibreOffice): slides, titles, notes, fonts, geometry, data.

Expected values come from the inputs (YAML read here with PyYAML-independent
ruamel, Markdown case files), never typed into the tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import _nsmap as nsmap
from pptx.util import Emu
from ruamel.yaml import YAML

from conftest import CASES, REPO, course_output, run_build
from readback import NS, slide_notes as notes_of, slide_title as title_of
from coursepress.textmeasure import measurer_for
from coursepress.writers.deck.reference import geometry
from coursepress.messages import default_messages
from coursepress.numbers import format_params

HAN = re.compile(r"[\u3400-\u9fff]")
CONTENT_LAYOUTS = {"Title and Content", "Two Content", "Table", "Chart"}
MEASURE = measurer_for(REPO)
CODE_FACE = "DejaVu Sans Mono"   # code on slides may be set down to 14 pt (issue 11)


def build(root: Path, out: Path, *extra: str):
    """Build the deck of project ``root`` into ``out``; returns (Presentation, path, Run)."""
    result = run_build("pptx", "--project", str(root), "--out", str(out), "--force", *extra)
    assert result.code == 0, result.err
    assert "warning" not in result.err and "Traceback" not in result.err, result.err
    decks = sorted(out.glob("*.pptx"))
    assert len(decks) == 1
    return Presentation(str(decks[0])), decks[0], result


def text_frames(slide):
    """Every shape with a text frame, including table cells (as (shape, frame) pairs)."""
    for shape, frame, _ in sized_frames(slide):
        yield shape, frame


def sized_frames(slide):
    """(shape, text frame, (width, height, insets left/top/right/bottom) in EMU or None for shapes)."""
    for shape in slide.shapes:
        if shape.has_text_frame:
            yield shape, shape.text_frame, None
        if shape.has_table:
            table = shape.table
            for row in table.rows:
                for col, cell in zip(table.columns, row.cells):
                    insets = (cell.margin_left, cell.margin_top, cell.margin_right, cell.margin_bottom)
                    yield shape, cell.text_frame, (col.width, row.height, insets)


def xml_parts(path: Path, prefix: str):
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.startswith(prefix) and name.endswith(".xml"):
                yield name, etree.fromstring(z.read(name))


def han_runs(path: Path):
    """Yield (part name, a:r element, its text) for every run with Han text in slides and notes."""
    for prefix in ("ppt/slides/slide", "ppt/notesSlides/"):
        for name, root in xml_parts(path, prefix):
            for run in root.iter(f"{{{NS['a']}}}r"):
                text = run.findtext("a:t", namespaces=NS) or ""
                if HAN.search(text):
                    yield name, run, text


def yaml_models(root: Path) -> list[dict]:
    return YAML(typ="safe").load((root / "content/data/models.yaml").read_text(encoding="utf-8"))["models"]


@pytest.fixture(scope="module")
def course_deck(course_build):
    """The real course's deck from the session's shared build: (Presentation, path, Run)."""
    path, result = course_output(course_build, "llm-intro.pptx")
    return Presentation(str(path)), path, result


# ---------------------------------------------------------------- the real course
def test_summary_and_every_slide_titled(course_deck):
    prs, path, result = course_deck
    match = re.search(r"llm-intro\.pptx: (\d+) slides, [\d.]+ s", result.out)
    assert match and int(match.group(1)) == len(prs.slides)
    assert prs.slide_width > prs.slide_height
    for number, slide in enumerate(prs.slides, 1):
        assert title_of(slide).strip(), f"slide {number} has no title"


def test_content_slides_have_notes_footer_and_number(course_deck):
    prs, _, _ = course_deck
    course_title = YAML(typ="safe").load((REPO / "content/course.yaml").read_text(encoding="utf-8"))["title"]
    content = [s for s in prs.slides if s.slide_layout.name in CONTENT_LAYOUTS]
    assert len(content) >= 20
    previous = ""
    for slide in content:
        # the first slide of each section carries its notes (continuations only their own part, if any)
        first = title_of(slide) != previous and "（续）" not in title_of(slide) and \
            slide.slide_layout.name == "Title and Content" and title_of(slide) not in ("目录", "参考文献")
        assert notes_of(slide).strip() or not first, f"no notes on '{title_of(slide)}'"
        previous = title_of(slide).removesuffix("（续）")
        names = {shape.name: shape for shape in slide.shapes}
        assert names["Footer"].text_frame.text == course_title
        field = names["Slide Number"]._element.find(".//a:fld", NS)
        assert field.get("type") == "slidenum"
        assert field.findtext("a:t", namespaces=NS) == str(list(prs.slides).index(slide) + 1)


def test_section_slide_per_part_and_slides_text_from_source(course_deck):
    prs, _, _ = course_deck
    source = (REPO / "content/lectures/llm-intro.md").read_text(encoding="utf-8")
    parts = [re.sub(r"\s*\{#[^}]*\}$", "", line[2:]).strip() for line in source.splitlines() if line.startswith("# ")]
    sections = [title_of(s) for s in prs.slides if s.slide_layout.name == "Section"]
    assert sections == parts
    # every ::: slides bullet is on some slide, and no ::: notes text is on a slide body
    bodies = "\n".join(f.text for s in prs.slides for _, f in text_frames(s))
    blocks = [m.group(2) for m in re.finditer(r"^(:{3,}) slides\n(.*?)\n\1$", source, re.S | re.M)]
    assert len(blocks) == source.count(" slides\n")
    for block in blocks:
        block = re.sub(r"^\$\$.*?^\$\$.*?$", "", block, flags=re.S | re.M)    # display formulas: drawn (test_math)
        for line in block.splitlines():
            if line.startswith(":::"):    # the fences of ::: columns, ::: incremental inside it
                continue
            item = re.sub(r"\*\*|^- ", "", line.strip()).strip()
            for text in re.split(r"\$[^$]+\$", item):     # inline formulas are typeset, the text around them kept
                assert text.strip() in bodies, text
    for block in re.findall(r"::: notes\n(.*?)\n:::", source, re.S):
        first = block.strip().splitlines()[0][:30]
        assert first not in bodies
        assert first in "\n".join(notes_of(s) for s in prs.slides)


def test_every_chinese_run_has_east_asian_font(course_deck):
    _, path, _ = course_deck
    checked = 0
    for name, run, text in han_runs(path):
        rpr = run.find("a:rPr", NS)
        assert rpr is not None and rpr.find("a:ea", NS) is not None, f"{name}: '{text}' has no a:ea"
        assert rpr.find("a:latin", NS) is not None
        assert rpr.get("lang") == "zh-CN", f"{name}: '{text}'"
        checked += 1
    assert checked > 100


def _frame_fits(slide, shape, frame, box, frames) -> tuple[float, float]:
    """(measured text height, available height) in pt for one text frame on ``slide``."""
    level_styles = frames.get(slide.slide_layout.name, {}).get(shape.name)
    if box is None:
        body_pr = frame._txBody.find("a:bodyPr", NS)
        ins = [int(body_pr.get(k, d)) for k, d in (("lIns", 91440), ("tIns", 45720), ("rIns", 91440), ("bIns", 45720))]
        width, height = shape.width, shape.height
    else:   # a table cell: no placeholder styles, only the explicit run sizes
        width, height, ins = box
        level_styles = None
    total = 0.0
    for para in frame.paragraphs:
        runs = para.runs
        sizes = [r.font.size.pt for r in runs if r.font.size is not None]
        if not runs:
            continue
        lvl = level_styles.level(para.level) if level_styles else None
        assert sizes or lvl, f"run without a size on '{title_of(slide)}' {shape.name}"
        size = max(sizes) if sizes else lvl.size_pt
        ppr = para._p.find("a:pPr", NS)
        mar = ppr.get("marL") if ppr is not None and ppr.get("marL") is not None else (lvl.margin_left_emu if lvl else 0)
        spacing = lvl.line_spacing if lvl else 1.0
        before = lvl.space_before_pt * size / lvl.size_pt if lvl else 0.0
        mar_r = int(ppr.get("marR", 0)) if ppr is not None else 0
        lines = MEASURE.lines([(r.text, bool(r.font.bold)) for r in runs],
                              (width - ins[0] - ins[2] - int(mar) - mar_r) / 12700, size)
        pitch = size * MEASURE.line_em * spacing
        after = 0.0
        if ppr is not None and ppr.find("a:lnSpc/a:spcPts", NS) is not None:   # exact spacing (frames with code)
            pitch = int(ppr.find("a:lnSpc/a:spcPts", NS).get("val")) / 100
            before = int(ppr.find("a:spcBef/a:spcPts", NS).get("val")) / 100
            after_el = ppr.find("a:spcAft/a:spcPts", NS)
            after = int(after_el.get("val")) / 100 if after_el is not None else 0.0
            if all(r._r.find("a:rPr/a:latin", NS).get("typeface") == CODE_FACE for r in runs):
                lines = 1 + len(para._p.findall("a:br", NS))    # code lines are wrapped by the writer
        total += before + lines * pitch + after
    return total, (height - ins[1] - ins[3]) / 12700


def assert_geometry_and_fit(prs, reference: Path):
    frames = geometry(Presentation(str(reference))).frames
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (number, shape.name)
        for shape, frame, box in sized_frames(slide):
            need, have = _frame_fits(slide, shape, frame, box, frames)
            assert need <= have + 0.5, f"slide {number} '{title_of(slide)}' {shape.name}: {need:.1f} > {have:.1f} pt"


def test_shapes_inside_slide_and_text_fits(course_deck):
    prs, _, _ = course_deck
    assert_geometry_and_fit(prs, REPO / "templates/deck/reference.pptx")


def test_sizes_never_below_minimum_and_no_autofit(course_deck):
    prs, path, _ = course_deck
    for slide in prs.slides:
        for shape, frame in text_frames(slide):
            if shape.name in ("Footer", "Slide Number") or shape.name.endswith("Caption"):
                continue
            for para in frame.paragraphs:
                for run in para.runs:
                    floor = 28 if shape.name == "Title" else 14 if run.font.name == CODE_FACE or shape.name == "Table" else 18
                    assert run.font.size.pt >= floor, (title_of(slide), shape.name, run.text)
    for name, root in xml_parts(path, "ppt/slides/slide"):
        assert root.find(".//a:normAutofit", NS) is None and root.find(".//a:spAutoFit", NS) is None, name


def test_deck_is_reproducible_and_needs_no_weasyprint(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _, path_a, _ = build(REPO, first)
    _, path_b, _ = build(REPO, second)
    assert path_a.read_bytes() == path_b.read_bytes()
    code = ("import sys; from pathlib import Path; from coursepress.load import load_course; "
            "from coursepress.load import load_project; from coursepress.project import locate; "
            "from coursepress.writers import BuildSettings, writer; "
            f"p, c, _ = load_project(locate(Path({str(REPO)!r}))); w = writer('pptx'); "
            f"w.write(p, c, w.target(c.lectures[0].name), BuildSettings(out_dir=Path({str(tmp_path / 'c')!r}))); "
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_speed_ups_leave_the_deck_byte_identical(monkeypatch):
    """The deck writer's python-pptx shortcuts (compiled XPath, remembered part names) change no byte:
    the course deck rendered in-process with python-pptx's own code paths is the same file."""
    from pptx.oxml import xmlchemy

    from coursepress.writers.deck import pptx_writer
    from coursepress.errors import Problems
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.builddate import build_time
    from coursepress.writers.deck.writer import _plan

    project, course, _ = load_project(locate(REPO))
    path, plan, fonts = _plan(project, course, BuildSettings(out_dir=REPO / "dist"), course.lectures[0], Problems())
    fast, _ = pptx_writer.render(plan, path, fonts, build_time(course.meta.date))
    assert getattr(xmlchemy.BaseOxmlElement.xpath, "compiled_cache", False)
    monkeypatch.setattr(xmlchemy.BaseOxmlElement, "xpath",
                        lambda self, xpath_str: etree.ElementBase.xpath(self, xpath_str, namespaces=nsmap))
    monkeypatch.setattr(pptx_writer, "remember_partnames", lambda package: None)
    plain, _ = pptx_writer.render(plan, path, fonts, build_time(course.meta.date))
    assert fast == plain


def _charts(prs):
    """(slide title without （续）, chart) for every chart slide, in order."""
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                yield title_of(slide).removesuffix("（续）"), shape.chart


# ---------------------------------------------------------------- data: tables and charts equal the YAML
def test_native_table_and_chart_equal_yaml(make_project, tmp_path):
    root = make_project()
    prs, _, _ = build(root, tmp_path / "out")
    models = yaml_models(root)
    tables = [s.shapes for s in prs.slides if s.slide_layout.name == "Table"]
    assert tables
    table = next(sh for sh in tables[0] if sh.has_table).table
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert [r[0] for r in rows[1:]] == [m["name"] for m in models]
    params = rows[0].index("参数量")
    for row, model in zip(rows[1:], models):
        value = model["parameters_b"]
        estimated = "parameters_b" in (model.get("estimated") or {})
        assert row[params].replace("\u00a0", " ") == ("≈" if estimated else "") + format_params(value, default_messages())   # NBSP keeps the unit
    chart_slide = next(s for s in prs.slides if s.slide_layout.name == "Chart")
    shape = next(sh for sh in chart_slide.shapes if sh.has_chart)
    chart = shape.chart
    categories = list(chart.plots[0].categories)
    values: dict[str, float] = {}
    for series in chart.series:
        for name, value in zip(categories, series.values):
            if value is not None:
                values[name] = value
    # in 亿 (10^8) like the handout and poster: parameters_b are billions, 1 billion = 10 亿
    assert values == pytest.approx({m["name"]: 10 * float(max(m["parameters_b"]) if isinstance(m["parameters_b"], list)
                                                          else m["parameters_b"]) for m in models})
    assert "亿" in chart.value_axis.tick_labels.number_format        # the axis labels name the unit
    assert chart.value_axis.axis_title.text_frame.text == "参数量（对数坐标）"   # one title in every output
    assert chart.part.chart_workbook.xlsx_part is not None          # "Edit Data" has a workbook
    assert chart._chartSpace.find(".//c:valAx/c:scaling/c:logBase", NS) is not None
    assert shape._element.xpath("./p:nvGraphicFramePr/p:cNvPr/@descr")[0]  # alt text


def test_long_table_splits_with_header_repeated(make_project, tmp_path):
    entries = "".join(
        f"  - name: Model-{i}\n    organisation: 机构{i}\n    open: {'true' if i % 2 else 'false'}\n"
        f"    release: 2023-0{1 + i % 9}\n    parameters_b: {i + 1}\n    context_k: 4\n"
        f"    highlights: [这是一条相当长的特点描述用来撑高表格行, 第二条特点]\n" for i in range(14))
    root = make_project(models="as_of: 2024-01-15\nmodels:\n" + entries)
    prs, _, _ = build(root, tmp_path / "out")
    slides = [s for s in prs.slides if s.slide_layout.name == "Table"]
    assert len(slides) >= 2
    header, names = None, []
    for index, slide in enumerate(slides):
        table = next(sh for sh in slide.shapes if sh.has_table).table
        rows = [[c.text for c in row.cells] for row in table.rows]
        header = header or rows[0]
        assert rows[0] == header
        assert title_of(slide).endswith("（续）") == (index > 0)
        names.extend(r[0] for r in rows[1:])
    assert names == [m["name"] for m in yaml_models(root)]
    assert_geometry_and_fit(prs, REPO / "templates/deck/reference.pptx")


# ---------------------------------------------------------------- cases
def test_c07_east_asian_font_on_every_run(case_project, tmp_path):
    root = case_project("C07")
    front = YAML(typ="safe").load((CASES / "C07/lecture.md").read_text(encoding="utf-8").split("---")[1])
    _, path, _ = build(root, tmp_path / "out")
    found = {"slide": 0, "table": 0, "notes": 0}
    for name, run, text in han_runs(path):
        rpr = run.find("a:rPr", NS)
        assert rpr.find("a:ea", NS).get("typeface") == front["pptx_font_cjk"], text
        kind = "notes" if "notes" in name else ("table" if run.xpath("ancestor::a:tc", namespaces=NS) else "slide")
        # table cells set Latin in the East-Asian face too (one baseline per row, see pptx_writer._one_face)
        latin = (front["pptx_font_latin"], front["pptx_font_cjk"]) if kind == "table" else (front["pptx_font_latin"],)
        assert rpr.find("a:latin", NS).get("typeface") in latin, text
        assert rpr.get("lang") == "zh-CN"
        found[kind] += 1
    assert all(found.values()), found


def test_c19_overflow_continues_and_fits(case_project, tmp_path):
    root = case_project("C19")
    prs, path, _ = build(root, tmp_path / "out")
    source = (CASES / "C19/lecture.md").read_text(encoding="utf-8")
    bullets = [line[2:] for line in source.splitlines() if line.startswith("- ")]
    heading = next(line[3:] for line in source.splitlines() if line.startswith("## "))
    slides = [s for s in prs.slides if title_of(s).startswith(heading)]
    assert len(slides) >= 2
    assert all(title_of(s).endswith("（续）") for s in slides[1:])
    shown = [p.text for s in slides for sh in s.shapes if sh.name == "Content" for p in sh.text_frame.paragraphs]
    assert shown == bullets
    assert_geometry_and_fit(prs, REPO / "templates/deck/reference.pptx")
    for s in slides:
        for run in s.shapes.title.text_frame.paragraphs[0].runs:
            assert run.font.size.pt >= 28
    for name, el in xml_parts(path, "ppt/slides/slide"):
        assert el.find(".//a:normAutofit", NS) is None, name


def _package_problems(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        types = etree.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types if d.tag.endswith("Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in types if o.tag.endswith("Override")}
        for name in names:
            if name.endswith("/") or name == "[Content_Types].xml":
                continue
            ext = name.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
            ctype = overrides.get("/" + name) or defaults.get(ext)
            if ctype is None:
                problems.append(f"{name}: no content type")
            if name.startswith("ppt/media/"):
                data = z.read(name)
                if data.startswith(b"\x89PNG") and (ext != "png" or ctype != "image/png"):
                    problems.append(f"{name}: PNG stored as {ext} {ctype}")
        for rels in (n for n in names if n.endswith(".rels")):
            base = PurePosixPath(rels).parent.parent
            ids = []
            for rel in etree.fromstring(z.read(rels)):
                ids.append(rel.get("Id"))
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                resolved = PurePosixPath(target.lstrip("/")) if target.startswith("/") else base / target
                parts = []
                for piece in resolved.parts:
                    if piece == "..":
                        parts.pop()
                    elif piece != ".":
                        parts.append(piece)
                if "/".join(parts) not in names:
                    problems.append(f"{rels}: target {target} missing")
            if len(ids) != len(set(ids)):
                problems.append(f"{rels}: duplicate relationship ids")
    return problems


def test_c21_data_uri_and_extensionless_images(case_project, tmp_path):
    root = case_project("C21")
    prs, path, _ = build(root, tmp_path / "out")
    source = (CASES / "C21/lecture.md").read_text(encoding="utf-8")
    alts = re.findall(r"!\[([^\]]+)\]\(([^)]+)\)", source)
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == len(alts)
    for picture, (alt, target) in zip(pictures, alts):
        descr = picture._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0]
        assert descr == alt and target not in descr
        assert picture.image.content_type == "image/png" and picture.image.ext == "png"
    assert _package_problems(path) == []
    if shutil.which("soffice"):
        pdf = _to_pdf(path, tmp_path / "pdf")
        assert _pdf_pages(pdf) == len(prs.slides)


def test_c22_notes_keep_list_numbering_and_nesting(case_project, tmp_path):
    root = case_project("C22")
    prs, path, _ = build(root, tmp_path / "out")
    source = (CASES / "C22/lecture.md").read_text(encoding="utf-8")
    notes_src = re.search(r"::: notes\n(.*?)\n:::", source, re.S).group(1)
    expected = []   # (text, level, kind) from the Markdown list markers
    for line in notes_src.splitlines():
        if not line.strip():
            continue
        indent = (len(line) - len(line.lstrip())) // 3
        match = re.match(r"\s*(?:(\d+)\.|(-))\s+(.*)", line)
        if match:
            expected.append((match.group(3), indent, "number" if match.group(1) else "bullet"))
        else:
            expected.append((line.strip(), 0, "none"))
    heading = re.search(r"^## (.+)$", source, re.M).group(1)
    slide = next(s for s in prs.slides if title_of(s) == heading)
    paras = slide.notes_slide.notes_text_frame.paragraphs
    got = []
    numbers = []
    for para in paras:
        ppr = para._p.find("a:pPr", NS)
        auto = ppr.find("a:buAutoNum", NS) if ppr is not None else None
        kind = "number" if auto is not None else ("bullet" if ppr is not None and ppr.find("a:buChar", NS) is not None
                                                  else "none")
        got.append((para.text, para.level, kind))
        if auto is not None:
            numbers.append(int(auto.get("startAt", "1")))
    assert got == expected
    assert len(set(numbers)) == 1 and numbers[0] == 1   # one run numbered from 1: PowerPoint counts 1, 2, 3
    body = "\n".join(f.text for _, f in text_frames(slide))
    assert notes_src.splitlines()[0] not in body
    everything = "\n".join(f.text for s in prs.slides for _, f in text_frames(s)) + \
        "\n".join(notes_of(s) for s in prs.slides)
    assert ":::" not in everything and "notes" not in everything


# ---------------------------------------------------------------- the reference deck
def _edit_reference(target: Path, edit) -> Path:
    prs = Presentation(str(REPO / "templates/deck/reference.pptx"))
    edit(prs)
    prs.save(str(target))
    return target


def _layout(prs, name):
    return next(layout for layout in prs.slide_layouts if layout.name == name)


def test_user_reference_deck_positions_are_followed(make_project, tmp_path):
    def edit(prs):
        layout = _layout(prs, "Title and Content")
        shapes = {ph.name: ph for ph in layout.placeholders}
        width = prs.slide_width
        shapes["Content"].left, shapes["Content"].width = Emu(width // 2), Emu(width // 2 - Emu(457200))
        shapes["Title"].left, shapes["Title"].width = Emu(457200), Emu(width // 2 - Emu(914400))

    reference = _edit_reference(tmp_path / "mine.pptx", edit)
    lines = "\n".join(f"- 第{i}点：开放权重模型便于私有化部署，但需要自行承担推理硬件成本" for i in range(8))
    root = make_project(lecture=f"---\ntitle: 自定义母版\n---\n# 部分\n\n## 要点\n\n::: slides\n{lines}\n:::\n\n"
                        "::: notes\n讲稿。\n:::\n")
    prs, _, _ = build(root, tmp_path / "out", "--reference", str(reference))
    mine = {ph.name: ph for ph in _layout(Presentation(str(reference)), "Title and Content").placeholders}
    content = [s for s in prs.slides if s.slide_layout.name == "Title and Content"]
    assert len(content) >= 2   # the narrower frame needs a continuation slide
    for slide in content:
        body = next(sh for sh in slide.shapes if sh.name == "Content")
        assert (body.left, body.width) == (mine["Content"].left, mine["Content"].width)
        assert slide.shapes.title.left == mine["Title"].left
    assert_geometry_and_fit(prs, reference)


@pytest.mark.parametrize("what", ["layout", "placeholder"])
def test_reference_renamed_layout_or_placeholder_is_found_by_type(make_project, tmp_path, what):
    """Layouts and placeholders are found by placeholder type: renaming them changes nothing."""
    def edit(prs):
        layout = _layout(prs, "Chart")
        if what == "layout":
            layout._element.cSld.set("name", "Diagram")
        else:
            next(ph for ph in layout.placeholders if ph.name == "Caption")._element.nvSpPr.cNvPr.set("name", "Note")

    reference = _edit_reference(tmp_path / "renamed.pptx", edit)
    root = make_project()
    prs, _, _ = build(root, tmp_path / "out", "--reference", str(reference))
    chart = next(s for s in prs.slides if any(sh.has_chart for sh in s.shapes))
    assert chart.slide_layout.name == ("Diagram" if what == "layout" else "Chart")
    caption = next(sh for sh in chart.shapes if sh.is_placeholder and sh.placeholder_format.idx == 14)
    assert "参数规模" in caption.text_frame.text


def test_empty_slides_block_and_unreadable_image_are_reported(make_project, tmp_path):
    root = make_project(lecture="---\ntitle: 坏输入\n---\n# 部分\n\n## 一节\n\n::: slides\n:::\n")
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "o1"))
    assert result.code == 1 and "intro.md:8" in result.err and "Traceback" not in result.err
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10" + b"garbage" * 4
    root = make_project(lecture="---\ntitle: 坏图片\n---\n# 部分\n\n## 一节\n\n![坏图](images/bad.png)\n",
                        files={"content/images/bad.png": broken}, name="img")
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "o2"))
    assert result.code == 1 and "intro.md:8" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "o2" / "intro.pptx").exists()


# ---------------------------------------------------------------- LibreOffice
def _to_pdf(path: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = out / (path.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    return pdf


def _pdf_pages(pdf: Path) -> int:
    import pypdf
    return len(pypdf.PdfReader(str(pdf)).pages)


@pytest.mark.slow          # the whole course through the office suite
@pytest.mark.skipif(shutil.which("soffice") is None and os.environ.get("CI") != "true",
                    reason="LibreOffice (soffice) is not installed; CI installs libreoffice-impress (and fails without it)")
def test_libreoffice_opens_deck_one_page_per_slide_nothing_outside(course_deck, tmp_path):
    from readback import char_boxes

    prs, path, _ = course_deck
    pdf = _to_pdf(path, tmp_path)
    assert _pdf_pages(pdf) == len(prs.slides)
    chars = 0
    for page, char, (left, bottom, right, top), width, height in char_boxes(pdf):
        chars += 1
        assert left >= -0.5 and bottom >= -0.5 and right <= width + 0.5 and top <= height + 0.5, (page, char)
    assert chars > 1000
    # dates in table cells stay on one line (pdftotext joins "2023-11-" / "07" into "2023-1107")
    checked = 0
    for number, slide in enumerate(prs.slides, 1):
        cells = [c.text for sh in slide.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
        dates = {d for cell in cells for d in re.findall(r"\d{4}-\d{2}-\d{2}", cell)}
        if not dates:
            continue
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True).stdout.replace(" ", "")   # spaced-out glyph runs
        for date in dates:
            checked += 1
            assert date in text, f"slide {number}: the date {date} is broken across lines in a table"
    assert checked


# ---------------------------------------------------------------- glyphs and build.py check
GLYPH_LECTURE = """\
---
title: 字形
---

# 字形

- 罕见字𠀀出现在幻灯片上
- 表情😀也在

::: notes
讲者备注里的象形文字𓀀没有字体。
:::
"""


def test_slide_text_uses_shipped_fallback_fonts_and_warns_for_uncovered(make_project, tmp_path):
    root = make_project(lecture=GLYPH_LECTURE)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"), "--force")
    assert result.code == 0, result.err
    line = GLYPH_LECTURE.splitlines().index("讲者备注里的象形文字𓀀没有字体。") + 1
    warnings = [w for w in result.err.splitlines() if "warning" in w]
    assert len(warnings) == 1 and "U+13000" in warnings[0] and f"content/lectures/intro.md:{line}" in warnings[0], \
        result.err
    faces = {}
    for name, root_el in xml_parts(next((tmp_path / "out").glob("*.pptx")), "ppt/slides/slide"):
        for run in root_el.iter(f"{{{NS['a']}}}r"):
            text = run.findtext("a:t", namespaces=NS) or ""
            rpr = run.find("a:rPr", NS)
            faces[text] = (rpr.find("a:latin", NS).get("typeface"), rpr.find("a:ea", NS).get("typeface"))
    assert faces["𠀀"] == ("HanaMin Ext Fallback", "HanaMin Ext Fallback")
    assert faces["😀"] == ("Noto Emoji", "Noto Emoji")
    assert faces["罕见字"][1] == "Noto Sans CJK SC"
    strict = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "strict"), "--force", "--strict")
    assert strict.code != 0 and "U+13000" in strict.err and not list((tmp_path / "strict").glob("*.pptx"))


TALL_ROW_LECTURE = """\
---
title: 表格
---

# 表格

| 项目 | 说明 |
| --- | --- |
| 一 | 短 |
| 二 | 短 |
| 三 | {long} |
"""


def test_check_finds_table_row_too_tall_for_a_slide(make_project, tmp_path):
    lecture = TALL_ROW_LECTURE.format(long="这一格的说明文字非常长，" * 120)
    root = make_project(lecture=lecture)
    line = lecture.splitlines().index("| 项目 | 说明 |") + 1
    check = run_build("check", "--project", str(root))
    assert check.code != 0, check.out + check.err
    assert f"content/lectures/intro.md:{line}" in check.err and "row 3" in check.err, check.err
    assert "taller than the slide's table area" in check.err
    build_ = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"), "--force")
    assert build_.code != 0 and f"content/lectures/intro.md:{line}" in build_.err and "row 3" in build_.err


def test_check_plans_every_deck_without_writing(make_project, tmp_path):
    root = make_project()
    check = run_build("check", "--project", str(root))
    assert check.code == 0 and "warning" not in check.err, check.err
    assert not list(root.rglob("*.pptx")) or all("templates" in str(p) for p in root.rglob("*.pptx"))


def test_long_caption_is_shortened_on_the_slide_and_kept_whole_in_the_notes(make_project, tmp_path):
    caption = "参数规模" + "，这是一个非常长的图注用来检验图注占位符放不下时的处理" * 6
    lecture = f"""---
title: 长图注
---

# 部分

```{{chart}}
:id: fig-long
:kind: parameters
:caption: {caption}
:alt: 条形图：参数规模
```
"""
    root = make_project(lecture=lecture)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    prs = Presentation(str(tmp_path / "out/intro.pptx"))
    slide = next(s for s in prs.slides if s.has_notes_slide and caption in s.notes_slide.notes_text_frame.text)
    shown = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "…" in shown and caption not in shown
