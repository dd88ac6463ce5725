"""Cases from ../shared/cases that concern the handout (C02 C03 C05 C06 C08 C09 C12 C13 C15 C16 C23 C25)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pypdf
from fontTools.ttLib import TTFont

from coursepress.errors import Problems
from coursepress.load import load_course, load_project
from coursepress.project import locate
from coursepress.writers import BuildSettings
from coursepress.writers.handout import render_html
from readback import char_boxes, fonts, image_sizes, links, norm, outline, page_texts
from conftest import CASES, plain_html, run_build

MM = 72 / 25.4


def build_pdf(root: Path, *extra: str) -> tuple[Path, object]:
    out = root / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out), *extra)
    assert "Traceback" not in result.err
    return out, result


def only_pdf(out: Path) -> Path:
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 1, pdfs
    return pdfs[0]


def embedded_fonts(path: Path) -> list[TTFont]:
    """The embedded font programs of the PDF, loaded with fontTools."""
    reader = pypdf.PdfReader(str(path))
    out, seen = [], set()
    for page in reader.pages:
        for f in (page["/Resources"].get_object().get("/Font") or {}).values():
            f = f.get_object()
            for d in f.get("/DescendantFonts") or [f]:
                desc = d.get_object().get("/FontDescriptor")
                if not desc:
                    continue
                desc = desc.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in desc and id(desc[key]) not in seen:
                        seen.add(id(desc[key]))
                        data = desc[key].get_object().get_data()
                        try:
                            out.append((str(d.get_object()["/BaseFont"]), TTFont(io.BytesIO(data))))
                        except Exception:
                            out.append((str(d.get_object()["/BaseFont"]), None))
    return out


RARE = "𠮷 𪚥 𰻞 堃 喆 昇 龘 䶮 鿏 ㎡ ℃ Ⅻ ①②③ 〇".split()


def test_c02_rare_characters_extracted_or_reported(case_project):
    root = case_project("C02")
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    text = "".join(page_texts(only_pdf(out)))
    uncovered = set(re.findall(r"'(.)' \(U\+([0-9A-F]+)", result.err))
    for chars in RARE:
        for ch in chars:
            if ch in {u[0] for u in uncovered}:
                continue
            assert ch in text, f"{ch} U+{ord(ch):04X} missing from the PDF text"
    # a character no shipped font has is reported with its code point and line, and fails under --strict
    for ch, cp in uncovered:
        assert re.search(rf"lecture\.md:\d+: no shipped font has '{re.escape(ch)}' \(U\+{cp}", result.err)
    if uncovered:
        out2, strict = build_pdf(root, "--strict", "--out", str(root / "strict"))
        assert strict.code == 1 and not list((root / "strict").glob("*.pdf"))


def test_coverage_check_names_character_and_line(make_project):
    # U+E000 (private use) is in no shipped font: reported, and an error under --strict
    root = make_project(lecture="---\ntitle: 测试\n---\n\n# 标题\n\n第一段。\n\n缺字：\ue000。\n")
    out, result = build_pdf(root)
    assert result.code == 0
    assert "content/lectures/intro.md:9: no shipped font has" in result.err and "U+E000" in result.err
    out, strict = build_pdf(root, "--strict", "--force", "--out", str(root / "s"))
    assert strict.code == 1 and "U+E000" in strict.err


def test_c03_bold_and_emphasis_use_other_faces(case_project):
    root = case_project("C03")
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    pdf = only_pdf(out)
    weights = {}
    for name, font in embedded_fonts(pdf):
        if font is not None and "OS/2" in font:
            weights[name.split("+")[-1]] = font["OS/2"].usWeightClass
    # body in 宋体 (Serif), <strong> and headings in bold 黑体, <em> in regular 黑体: three faces
    assert any("Serif" in n and w < 600 for n, w in weights.items()), weights
    assert any("Sans" in n and w >= 600 for n, w in weights.items()), weights
    assert any("Sans" in n and w < 600 for n, w in weights.items()), weights
    project, course, _ = load_project(locate(root))
    html = render_html(project, course, course.lectures[0], BuildSettings(root / "out"), Problems())
    assert "<strong>加粗的中文文字</strong>" in html and "<em>倾斜的中文文字</em>" in html
    assert "<strong><em>又粗又斜</em></strong>" in html or "<em><strong>又粗又斜</strong></em>" in html


def test_c05_only_bundled_fonts_with_isolated_fontconfig(case_project, tmp_path):
    root = case_project("C05")
    style = (CASES / "C05" / "style.yaml").read_text(encoding="utf-8")
    course = (root / "content/course.yaml").read_text(encoding="utf-8")
    (root / "content/course.yaml").write_text(course + style, encoding="utf-8")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{Path(__file__).parent.parent / "assets/fonts"}</dir>'
                    f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>')
    env_before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(conf)
    try:
        out, result = build_pdf(root)
    finally:
        if env_before is None:
            os.environ.pop("FONTCONFIG_FILE")
        else:
            os.environ["FONTCONFIG_FILE"] = env_before
    assert result.code == 0, result.err
    assert "course.yaml" in result.err and "Source Serif 4" in result.err      # told the font is not shipped
    pdf = only_pdf(out)
    for name in fonts(pdf):
        assert name.replace("-", " ").removesuffix(" Bold") in {
            "Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans Mono", "Noto Emoji", "HanaMin Ext Fallback"}, name
    text = norm("".join(page_texts(pdf)))
    assert norm("统计词元数量（示意代码，注释为中文）") in text and norm("中文注释同样需要字形") in text
    for _, font in embedded_fonts(pdf):
        assert font is None or ".notdef" not in font.getGlyphOrder()[1:]


def test_c06_emphasis_next_to_cjk_punctuation(case_project):
    root = case_project("C06")
    project, course, _ = load_project(locate(root))
    html = render_html(project, course, course.lectures[0], BuildSettings(root / "out"), Problems())
    html = plain_html(html)
    for label in ("比较模型时要看的几个方面：", "参数规模：", "上下文长度（Context）：", "是否开放权重？", "“2024年”"):
        assert f"<strong>{label}</strong>" in html.replace("\u2005", "").replace(" ", "").replace("年", "年") or \
            f"<strong>{label.replace('2024年', '2024 年')}</strong>" in html, label
    assert "<em>提醒：</em>" in html
    assert "对照组（应当正常）：<strong>参数规模</strong>：" in html
    out, result = build_pdf(root)
    assert result.code == 0
    assert "*" not in "".join(page_texts(only_pdf(out)))


def test_c08_long_cell_split_across_pages_with_header(case_project):
    root = case_project("C08")
    lecture = root / "content/lectures/lecture.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n```{model-table}\n:columns: name, organisation, "
                       "parameters, context, notes\n```\n", encoding="utf-8")
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    pdf = only_pdf(out)
    pages = page_texts(pdf)
    header = norm("".join(c for c in ("模型", "机构", "参数量", "上下文", "备注")))
    # drop each page's running header/footer (its last two lines) and the repeated table header
    body = [norm("\n".join(p.splitlines()[:-2])) for p in pages]
    text = "".join(b[len(header):] if b.startswith(header) else b for b in body)
    for n in range(1, 91):
        assert text.count(norm(f"第 {n} 条：")) == 1, n
    assert norm("这一行位于超长行之后") in text
    table_pages = [p for p in pages if "条：" in p]
    assert len(table_pages) >= 2
    for p in table_pages:
        assert "备注" in p and "模型" in p      # header row repeated
    for page, char, (l, b, r, t), w, h in char_boxes(pdf):
        assert l >= -0.5 and r <= w + 0.5 and b >= -0.5 and t <= h + 0.5


def test_c09_wide_table_stays_inside_margins(case_project):
    root = case_project("C09")
    (root / "content/lectures/intro.md").write_text(
        "---\ntitle: 宽表\n---\n\n# 对比\n\n```{model-table}\n:columns: name, organisation, open, parameters_b_x\n```\n"
        .replace(":columns: name, organisation, open, parameters_b_x",
                 ":columns: name, organisation, open, parameters, context, release, license, modalities, weights_repo, api_endpoint"),
        encoding="utf-8")
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    pdf = only_pdf(out)
    text = norm("".join(page_texts(pdf)))
    assert norm("Xinghe-Community-License-Agreement-v3.1-with-Acceptable-Use-Policy") in text
    for page, char, (l, b, r, t), w, h in char_boxes(pdf):
        assert l >= 15 * MM - 0.5 and r <= w - 15 * MM + 0.5, (page, char, l, r, w)


def test_c12_outline_clean_and_nested(case_project):
    root = case_project("C12")
    out, result = build_pdf(root)
    assert result.code == 0
    items = outline(only_pdf(out))
    titles = [t for _, t, _ in items]
    assert len(titles) == len(set(titles))
    for depth, title, _ in items:
        assert title == title.strip() and "\n" not in title and "<" not in title and "*" not in title
    lecture = (CASES / "C12" / "lecture.md").read_text(encoding="utf-8")
    levels = [len(m.group(1)) for m in re.finditer(r"^(#+) ", lecture, re.M)]
    assert [d + 1 for d, _, _ in items if not _ == "参考文献"][:len(levels)] == levels


def test_c13_header_footer_and_page_label(case_project):
    root = case_project("C13")
    out, result = build_pdf(root)
    assert result.code == 0
    pdf = only_pdf(out)
    pages = page_texts(pdf)
    total = len(pages)
    for i, text in enumerate(pages[2:], start=3):
        assert norm(f"第 {i} 页 / 共 {total} 页") in norm(text)
        assert "内部教学资料" in text
        assert "人工智能通识课" in text
        assert "目录" not in text.splitlines()[-2:]      # the running header is not the TOC's
    for page, char, (l, b, r, t), w, h in char_boxes(pdf):
        if page >= 2:
            assert t <= h - 6 * MM and b >= 6 * MM        # header/footer inside the margin boxes
            in_band = t > h - 24 * MM or b < 22 * MM
            if in_band:
                assert t <= h - 24 * MM + 3 * MM + 12 or b < 22 * MM


def test_c15_images_resolved_from_any_cwd_and_missing_reported(case_project, tmp_path):
    root = case_project("C15")
    lecture = root / "content/lectures/lecture.md"
    original = lecture.read_text(encoding="utf-8")
    out, result = build_pdf(root)
    assert result.code == 1
    assert "lecture.md:13" in result.err and "img/missing.png" in result.err
    assert "lecture.md:9" in result.err and "/img/flow.png" in result.err      # absolute: refused, by rule
    assert not (out / "lecture.pdf").exists()
    fixed = "\n".join(l for l in original.splitlines() if "missing.png" not in l and "/img/flow.png" not in l)
    lecture.write_text(fixed, encoding="utf-8")
    result = run_build("pdf", "--project", str(root), "--out", str(out), cwd=tmp_path)
    assert result.code == 0, result.err
    assert (60, 30) in image_sizes(out / "lecture.pdf")


def test_c16_emoji_kept_as_text(case_project):
    root = case_project("C16")
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    pdf = only_pdf(out)
    text = "".join(page_texts(pdf))
    for seq in ("🚀", "✅", "❌", "🔒", "🎯", "❤"):
        assert seq in text, seq
    assert "https://example.com/12345" in text.replace("\u2005", "")
    assert image_sizes(pdf) == []          # vector emoji, no bitmaps


def test_c23_raw_html_is_inert(case_project):
    root = case_project("C23")
    project, course, problems = load_project(locate(root))
    html = render_html(project, course, course.lectures[0], BuildSettings(root / "out"), Problems())
    body = plain_html(html).split("<main>", 1)[1]
    for tag in ("<style", "<script", "<iframe", "<link", "<img src=\"file"):
        assert tag not in body, tag
    assert not re.search(r"<[^>]*\son\w+=", body)     # escaped text may show it, a real tag may not
    out, result = build_pdf(root)
    assert result.code == 0
    pdf = only_pdf(out)
    page = pypdf.PdfReader(str(pdf)).pages[0]
    assert abs(float(page.mediabox.width) - 210 * MM) < 1
    assert norm("正常段落：这一段必须出现在讲义中。") in norm("".join(page_texts(pdf)))
    assert all(not uri.startswith(("javascript:", "file:")) for _, uri in links(pdf))
    assert "javascript:alert(1)" in result.err       # the removed link is reported


def test_c23_raw_html_when_enabled_is_sanitised(case_project):
    root = case_project("C23")
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "markdown:\n  raw_html: true\n", encoding="utf-8")
    project, course, _ = load_project(locate(root))
    html = render_html(project, course, course.lectures[0], BuildSettings(root / "out"), Problems())
    body = plain_html(html).split("<main>", 1)[1]
    for tag in ("<style", "<script", "<iframe", "<link", "<img", "onclick"):
        assert tag not in body, tag
    assert re.search(r'<p data-line="\d+">带事件属性的段落</p>', body)    # kept, without its onclick


def test_c25_data_strings_escaped(case_project):
    root = case_project("C25")
    (root / "content/lectures/intro.md").write_text(
        "---\ntitle: 转义\n---\n\n# 表\n\n```{model-table}\n:columns: name, organisation, context, notes\n```\n",
        encoding="utf-8")
    project, course, _ = load_project(locate(root))
    html = render_html(project, course, course.lectures[0], BuildSettings(root / "out"), Problems()).replace("\u2005", " ")
    assert "Xinghe &lt;mini&gt;" in html and "R&amp;D" in html and "&lt;b&gt;不应变粗&lt;/b&gt;" in html
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert table.count("<tr>") == len(course.data.models)
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    text = norm("".join(page_texts(only_pdf(out))))
    for literal in ("Xinghe<mini>", "R&D", "<128", "<b>不应变粗</b>"):
        assert norm(literal) in text, literal


def test_forty_columns_fit_a_landscape_page_with_every_cell(make_project):
    """A notebook-wide table (40 columns, headers longer than a fixed column is wide) builds: its headers
    wrap like its cells instead of running past the page edge, and every header and value is printed."""
    columns = 40
    heads = [f"feature_{i:02d}" for i in range(columns)]
    values = [[f"{(i * j) % 997 / 7:.4f}" for j in range(columns)] for i in range(6)]
    table = ("| " + " | ".join(heads) + " |\n|" + "---|" * columns + "\n"
             + "".join("| " + " | ".join(row) + " |\n" for row in values))
    root = make_project(lecture="---\ntitle: 宽\n---\n\n# 表\n\n正文。\n\n" + table + "\n表后的文字。\n")
    out, result = build_pdf(root)
    assert result.code == 0, result.err
    text = re.sub(r"\s+", "", "".join(page_texts(only_pdf(out))))
    for cell in heads + [v for row in values for v in row]:
        assert cell in text, cell
    assert "表后的文字" in text


def test_content_past_the_page_edge_is_an_error_with_its_line(make_project):
    columns = 150     # more columns than even a landscape page can hold one character each
    table = ("| " + " | ".join(f"列{i}" for i in range(columns)) + " |\n|" + "---|" * columns + "\n"
             + "| " + " | ".join(f"值{i}" for i in range(columns)) + " |\n")
    root = make_project(lecture="---\ntitle: 宽\n---\n\n# 表\n\n正文。\n\n" + table)
    out, result = build_pdf(root)
    assert result.code == 1
    assert "content/lectures/intro.md:9:" in result.err and "past the page edge" in result.err
    assert not (out / "intro.pdf").exists()
