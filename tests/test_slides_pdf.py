"""Issue 19, items 1–2: the slides PDF and the slides-with-notes handout, read back and compared with the PPTX.

The real course's deck, slides PDF and notes handouts (notes, 3up, 6up) are built once for the module.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pptx import Presentation

from conftest import REPO
from readback import char_boxes, fonts, links, norm, outline, page_texts, slide_notes as _notes, slide_title as _title

pytestmark = pytest.mark.slow
LAYOUTS = ("notes", "3up", "6up")


def _build(out: Path) -> dict[str, Path]:
    """Build the course's first lecture: deck, slides PDF and the three notes layouts; no warnings."""
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target
    from coursepress.writers.deck import writer as deck
    from coursepress.writers.slides import notes, writer as slides

    project, course, _ = load_project(locate(REPO))
    lecture = course.lectures[0]
    settings = BuildSettings(out_dir=out)
    paths = {}
    for key, module, suffix in (("pptx", deck, ".pptx"), ("slides", slides, slides.SUFFIX)):
        result = module.write(project, course, Target(key, lecture.name, lecture.name + suffix), settings)
        assert result.warnings == [], result.warnings
        paths[key] = result.path
    for layout in LAYOUTS:
        result = notes.write(project, course, Target("notes", lecture.name, lecture.name + notes.SUFFIX),
                             BuildSettings(out_dir=out / layout, notes_layout=layout))
        assert result.warnings == [], result.warnings
        paths[layout] = result.path
    return paths


def _write_slides(root: Path, settings) -> Path:
    """The slides PDF of the first lecture of the project at ``root``, through the writer's one entry point."""
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import Target
    from coursepress.writers.slides import writer as slides

    project, course, _ = load_project(locate(root))
    name = course.lectures[0].name
    return slides.write(project, course, Target("slides", name, name + slides.SUFFIX), settings).path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("slides")
    for layout in LAYOUTS:
        (out / layout).mkdir()
    return _build(out)


def _deck(path: Path):
    return Presentation(str(path))


def test_one_page_per_slide_with_the_same_titles(built):
    prs = _deck(built["pptx"])
    titles = [_title(s) for s in prs.slides]
    texts = page_texts(built["slides"])
    assert len(texts) == len(prs.slides) > 20
    marks = outline(built["slides"])
    assert [title for _depth, title, _page in marks] == titles          # one bookmark per slide, in order
    assert [page for _depth, _title, page in marks] == list(range(len(titles)))
    for number, (title, text) in enumerate(zip(titles, texts), 1):
        assert norm(title) in norm(text), f"slide {number}: title {title!r} not on page {number}"


def _struct_types(path: Path) -> Counter:
    """How many structure elements of each type (/H2, /P, /Figure …) the tagged PDF's structure tree has."""
    reader = pypdf.PdfReader(str(path))
    found: Counter = Counter()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        if "/S" in node:
            found[str(node["/S"])] += 1
        if "/K" in node:
            stack.append(node["/K"])
    return found


def test_each_slide_title_is_a_heading_of_the_tagged_pdf(built):
    slides = len(_deck(built["pptx"]).slides)
    assert _struct_types(built["slides"])["/H2"] == slides


def test_outline_nests_slides_under_their_sections(built):
    prs = _deck(built["pptx"])
    layouts = [s.slide_layout.name for s in prs.slides]
    depths = [depth for depth, _title, _page in outline(built["slides"])]
    for layout, depth in zip(layouts, depths):
        assert depth == (0 if layout in ("Title", "Section", "Closing") else 1), (layout, depth)


def test_every_slide_text_is_on_its_page(built):
    prs = _deck(built["pptx"])
    texts = page_texts(built["slides"])
    for number, (slide, text) in enumerate(zip(prs.slides, texts), 1):
        page = norm(text)
        for shape in slide.shapes:
            for para in shape.text_frame.paragraphs if shape.has_text_frame else ():
                assert norm(para.text) in page, f"slide {number}: {para.text[:40]!r}"
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        assert norm(cell.text) in page, f"slide {number}: table cell {cell.text!r}"


def test_page_labels_are_slide_numbers(built):
    reader = pypdf.PdfReader(str(built["slides"]))
    assert "/PageLabels" in reader.trailer["/Root"]          # stated, not the viewer's default numbering
    assert reader.page_labels == [str(n) for n in range(1, len(reader.pages) + 1)]


def test_pages_have_the_decks_size(built):
    prs = _deck(built["pptx"])
    reader = pypdf.PdfReader(str(built["slides"]))
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(prs.slide_width / 12700, abs=0.5)
        assert float(box.height) == pytest.approx(prs.slide_height / 12700, abs=0.5)


@pytest.mark.parametrize("key", ("slides",) + LAYOUTS)
def test_no_text_outside_the_page_and_fonts_embedded(built, key):
    for page, char, (left, bottom, right, top), width, height in char_boxes(built[key]):
        assert -0.5 <= left and right <= width + 0.5 and -0.5 <= bottom and top <= height + 0.5, (page, char)
    found = fonts(built[key])
    assert found and all(found.values()), found


def test_links_of_the_deck_are_live(make_project, tmp_path):
    root = make_project(files={"content/lectures/intro.md": (
        "---\ntitle: 链接\n---\n\n# 第一部分\n\n## 资源\n\n- 见[课程主页](https://example.org/course)\n"
        "- 论文：[综述](https://arxiv.org/abs/2303.18223)\n")})
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target
    from coursepress.writers.deck import writer as deck
    from coursepress.writers.slides import writer as slides

    project, course, _ = load_project(locate(root))
    settings = BuildSettings(out_dir=tmp_path)
    name = course.lectures[0].name
    prs = Presentation(str(deck.write(project, course, Target("pptx", name, f"{name}.pptx"), settings).path))
    pdf = slides.write(project, course, Target("slides", name, name + slides.SUFFIX), settings).path
    wanted = {(number, run.hyperlink.address) for number, slide in enumerate(prs.slides)
              for shape in slide.shapes if shape.has_text_frame
              for para in shape.text_frame.paragraphs for run in para.runs if run.hyperlink.address}
    assert {address for _n, address in wanted} == {"https://example.org/course", "https://arxiv.org/abs/2303.18223"}
    assert set(links(pdf)) == wanted


def test_notes_handout_has_every_slides_notes(built):
    prs = _deck(built["pptx"])
    text = norm("".join(page_texts(built["notes"])))
    notes = [_notes(s) for s in prs.slides]
    assert sum(bool(n.strip()) for n in notes) > 20
    for number, note in enumerate(notes, 1):
        for line in note.splitlines():
            assert norm(line) in text, f"notes of slide {number}: {line[:40]!r}"


def _images(obj, seen: set) -> int:
    """Raster image XObjects reachable from a page or form's resources (into forms and patterns)."""
    count = 0
    resources = obj.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    for kind in ("/XObject", "/Pattern"):
        for ref in (resources.get(kind) or {}).values():
            key = getattr(ref, "idnum", id(ref))
            if key in seen:
                continue
            seen.add(key)
            x = ref.get_object()
            if x.get("/Subtype") == "/Image":
                count += 1
            else:
                count += _images(x, seen)
    return count


def _course_pictures(prs) -> int:
    """Raster pictures of the deck (the course's own photos), which the drawings may carry as images."""
    return sum(1 for s in prs.slides for shape in s.shapes
               if shape.shape_type == 13 and shape.image.ext.lower() not in ("svg",))


@pytest.mark.parametrize("key", ("slides",) + LAYOUTS)
def test_slide_pictures_are_vector(built, key):
    prs = _deck(built["pptx"])
    reader = pypdf.PdfReader(str(built[key]))
    seen: set = set()
    assert sum(_images(page, seen) for page in reader.pages) <= _course_pictures(prs)
    # the slides' own text is text in every layout (a picture of a slide would have none)
    text = norm("".join(page_texts(built[key])))
    for slide in prs.slides:
        assert norm(_title(slide)) in text


RULE_RGB = (0x9a, 0xa3, 0xad)      # templates/slides/notes.html.j2: the colour of the ruled lines only


def _colours(obj) -> set[tuple[int, int, int]]:
    out = set()
    for getter in (pdfium_c.FPDFPageObj_GetFillColor, pdfium_c.FPDFPageObj_GetStrokeColor):
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if getter(obj.raw, *(ctypes.byref(c) for c in (r, g, b, a))) and a.value:
            out.add((r.value, g.value, b.value))
    return out


def _rules(path: Path) -> list[int]:
    """Per page, the ruled lines: path objects in the rules' colour at least 40 mm wide (WeasyPrint draws
    each line as its box's bottom border, so the object's bounds are the line's box)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        counts = []
        for page in doc:
            n = 0
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=4):
                left, bottom, right, top = obj.get_bounds()
                if right - left > 40 * 72 / 25.4 and RULE_RGB in _colours(obj):
                    n += 1
            counts.append(n)
        return counts
    finally:
        doc.close()


@pytest.mark.parametrize("layout, per_page, ruled", (("3up", 3, True), ("6up", 6, False)))
def test_n_up_pages(built, layout, per_page, ruled):
    count = len(_deck(built["pptx"]).slides)
    marks = outline(built[layout])
    assert [re.sub(r"^\d+\s*", "", t) for _d, t, _p in marks] == [_title(s) for s in _deck(built["pptx"]).slides]
    pages = Counter(page for _d, _t, page in marks)
    assert len(pages) == math.ceil(count / per_page) == len(pypdf.PdfReader(str(built[layout])).pages)
    assert all(n == per_page for page, n in pages.items() if page < len(pages) - 1)
    rules = _rules(built[layout])
    if ruled:
        assert all(n >= 5 * per_page for n in rules[:-1]), rules        # ≥ 5 lines beside each slide
    else:
        assert not any(rules), rules


def _recoloured_reference(path: Path, dk2: str, accent2: str) -> None:
    """Our reference deck with the theme's dk2 (title slide background) and accent2 (accent rule) changed."""
    import zipfile

    source = REPO / "templates/deck/reference.pptx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "ppt/theme/theme1.xml":
                text = data.decode("utf-8")
                text = re.sub(r'(<a:dk2><a:srgbClr val=")[0-9A-Fa-f]{6}', rf"\g<1>{dk2}", text)
                text = re.sub(r'(<a:accent2><a:srgbClr val=")[0-9A-Fa-f]{6}', rf"\g<1>{accent2}", text)
                data = text.encode("utf-8")
            zout.writestr(item, data)


def test_a_users_master_gives_size_and_colours(make_project, tmp_path):
    """python-pptx's own 4:3 template and a recoloured copy of ours: the pages take their size and colours."""
    from coursepress.writers import BuildSettings

    root = make_project()
    default = tmp_path / "default.pptx"
    Presentation().save(str(default))
    pdf = _write_slides(root, BuildSettings(out_dir=tmp_path, reference=default))
    page = pypdf.PdfReader(str(pdf)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((720, 540), abs=0.5)

    recoloured = tmp_path / "red.pptx"
    _recoloured_reference(recoloured, "7A1F1F", "00A000")
    pdf = _write_slides(root, BuildSettings(out_dir=tmp_path, reference=recoloured))
    doc = pdfium.PdfDocument(str(pdf))
    try:
        title = doc[0].render(scale=0.25).to_pil().convert("RGB")
        assert title.getpixel((5, 5)) == (0x7A, 0x1F, 0x1F)              # the title layout's dk2 background
        content = doc[1].render(scale=1).to_pil().convert("RGB")
        # the master's accent rule (x 548640, y 1463040 EMU) in accent2
        assert content.getpixel((int(548640 / 12700) + 5, int(1463040 / 12700) + 2)) == (0x00, 0xA0, 0x00)
    finally:
        doc.close()


def test_charts_show_every_model_of_the_decks_chart(built):
    """A chart is drawn as SVG from the same chart plan: each category (column chart) or series (timeline)
    of the PPTX's native chart is a label on the page, and each column's value label too."""
    from coursepress.messages import default_messages
    from coursepress.writers.slides.chart import value_text

    words = default_messages()

    prs = _deck(built["pptx"])
    texts = page_texts(built["slides"])
    charts = 0
    for number, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            charts += 1
            chart = shape.chart
            page = norm(texts[number])
            if chart.chart_type is not None and "XY" in str(chart.chart_type):
                names = [s.name for s in chart.series]
            else:
                names = list(chart.plots[0].categories)
                for series in chart.plots[0].series:
                    for value in series.values:
                        if value is not None:
                            shown = series.name if series.name == words("chart.unknown") else \
                                value_text(value, chart.value_axis.tick_labels.number_format, False, words)
                            assert norm(shown) in page.replace("≈", ""), (number + 1, shown)
            for name in names:
                assert norm(name) in page, (number + 1, name)
    assert charts >= 3


def _outside_frames(root: Path, pdf: Path) -> list[tuple[int, str]]:
    """Characters of ``pdf`` (the slides PDF of ``root``'s first lecture) outside every placeholder frame,
    table, chart, picture and formula box of their slide's view (± 2 pt)."""
    from coursepress.errors import Problems
    from coursepress.load import load_project
    from coursepress.mathrender import MathRenderer
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.slides.writer import draw_lecture

    project, course, _ = load_project(locate(root))
    drawn = draw_lecture(project, course, BuildSettings(out_dir=pdf.parent), course.lectures[0], Problems(False),
                         MathRenderer())
    height = drawn.look.height_pt
    rects: dict[int, list] = {}
    for index, view in enumerate(drawn.slides):
        boxes = [(b.left_pt, b.top_pt, b.width_pt, b.height_pt) for b in view.boxes]
        boxes += [(i.left_pt, i.top_pt, i.width_pt, i.height_pt) for i in view.images]
        if view.table is not None:
            boxes.append((view.table.left_pt, view.table.top_pt, sum(view.table.col_widths_pt),
                          sum(view.table.row_heights_pt)))
        rects[index] = boxes
    outside = []
    for page, char, (left, bottom, right, top), _w, _h in char_boxes(pdf):
        y_top, y_bottom = height - top, height - bottom
        if not any(x - 2 <= left and right <= x + w + 2 and y - 2 <= y_top and y_bottom <= y + h + 2
                   for x, y, w, h in rects[page]):
            outside.append((page + 1, char))
    return outside


def test_text_stays_inside_the_frames_it_was_fitted_to(built):
    """Nothing the deck fitted runs out of its frame when drawn (the real course)."""
    outside = _outside_frames(REPO, built["slides"])
    assert not outside, outside[:10]


def test_c19_long_title_and_bullets_stay_in_their_frames(case_project, tmp_path):
    """C19: a two-line-plus title and 14 long bullets: fitted and continued by the plan, drawn inside the frames."""
    from coursepress.writers import BuildSettings

    root = case_project("C19")
    pdf = _write_slides(root, BuildSettings(out_dir=tmp_path))
    assert len(page_texts(pdf)) >= 4
    outside = _outside_frames(root, pdf)
    assert not outside, outside[:10]


def test_agenda_entries_link_to_their_slides(built):
    """Each agenda entry naming a later slide links to it (a named destination on that slide's page);
    every section slide is reachable from the agenda."""
    prs = _deck(built["pptx"])
    titles = [_title(s) for s in prs.slides]
    layouts = [s.slide_layout.name for s in prs.slides]
    reader = pypdf.PdfReader(str(built["slides"]))
    destinations = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    agenda = titles.index("目录")
    agenda_text = norm(page_texts(built["slides"])[agenda])
    targets = []
    for annot in reader.pages[agenda].get("/Annots") or []:
        a = annot.get_object()
        name = str(a.get("/Dest") or (a.get("/A") or {}).get("/D") or "")
        if name in destinations:
            targets.append(destinations[name])
    assert targets
    for page in targets:
        assert page > agenda and norm(titles[page]) in agenda_text, titles[page]
    sections = [i for i, layout in enumerate(layouts) if layout == "Section"]
    assert sections and set(sections) <= set(targets)


def test_commands_layout_option_and_course_setting(make_project, tmp_path):
    """``build.py slides`` and ``notes`` build through the registry; ``notes: {layout: 3up}`` in course.yaml
    chooses the layout, ``--layout`` overrides it, and ``--layout`` with another output is a usage error."""
    from conftest import run_build

    root = make_project()
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "notes:\n  layout: 3up\n", encoding="utf-8")
    out = tmp_path / "out"
    for args in (("slides",), ("notes",)):
        result = run_build(*args, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "warning" not in (result.out + result.err).lower(), result.out + result.err
    slides = len(pypdf.PdfReader(str(out / "intro-slides.pdf")).pages)
    pages = Counter(page for _d, _t, page in outline(out / "intro-notes.pdf"))
    assert sum(pages.values()) == slides and max(pages.values()) == 3           # the course's setting: 3up
    result = run_build("notes", "--layout", "6up", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    pages = Counter(page for _d, _t, page in outline(out / "intro-notes.pdf"))
    assert max(pages.values()) == min(6, slides)                               # rebuilt: the option changed
    result = run_build("pdf", "--layout", "3up", "--project", str(root), "--out", str(out))
    assert result.code == 2 and "--layout" in result.err


FIGURE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
              '<rect x="10" y="10" width="180" height="80" fill="#2b5c9e"/>'
              '<text x="20" y="60" font-size="24">编码器</text></svg>')


def test_pictures_at_the_decks_boxes_photos_raster_drawings_vector(make_project, tmp_path):
    """A PNG photo and an SVG drawing: each page shows its picture at the PPTX picture's box (± 1 pt);
    the photo is the one raster image, the SVG stays vector (its text is text)."""
    import io

    from PIL import Image
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from conftest import run_build

    photo = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 120, 40)).save(photo, "PNG")
    lecture = ("---\ntitle: 图\n---\n# 部分\n\n## 照片\n\n![一张照片](photo.png \"照片\")\n\n"
               "## 示意图\n\n![一张示意图](fig.svg \"示意图\")\n")
    root = make_project(lecture=lecture, files={"content/lectures/photo.png": photo.getvalue(),
                                                "content/lectures/fig.svg": FIGURE_SVG})
    out = tmp_path / "out"
    for command in ("pptx", "slides"):
        result = run_build(command, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "warning" not in result.err, result.err
    prs = Presentation(str(out / "intro.pptx"))
    doc = pdfium.PdfDocument(str(out / "intro-slides.pdf"))
    try:
        height = prs.slide_height / 12700
        seen = {}
        for index, slide in enumerate(prs.slides):
            for shape in slide.shapes:
                if shape.shape_type != MSO_SHAPE_TYPE.PICTURE:
                    continue
                alt = shape._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0]
                page = doc[index]
                box = (shape.left / 12700, height - (shape.top + shape.height) / 12700,
                       (shape.left + shape.width) / 12700, height - shape.top / 12700)
                images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4))
                if alt == "一张照片":
                    assert len(images) == 1
                    assert images[0].get_bounds() == pytest.approx(box, abs=1.0)
                else:                       # drawn as paths and text, inside the picture's box
                    text = page.get_textpage()
                    chars = [k for k in range(text.count_chars()) if text.get_text_range(k, 1) in "编码器"]
                    assert images == [] and len(chars) == 3
                    for k in chars:
                        left, bottom, right, top = text.get_charbox(k)
                        assert box[0] <= left and right <= box[2] and box[1] <= bottom and top <= box[3]
                    paths = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=4)
                    blue = [o for o in paths if (0x2b, 0x5c, 0x9e) in _colours(o)]
                    assert blue and all(box[0] - 1 <= o.get_bounds()[0] and o.get_bounds()[2] <= box[2] + 1
                                        for o in blue)
                seen[alt] = index
        assert set(seen) == {"一张照片", "一张示意图"}
    finally:
        doc.close()
