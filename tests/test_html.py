"""The HTML handout (``build.py html`` → dist/html/): its files read back without a browser.

Numbers and titles are compared with the PDF handout built from the same source; formulas, footnotes,
fonts and the folder's self-containment are read from the files. The browser checks (page width,
requests, accessibility) are in test_html_browser.py.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from conftest import run_build
from htmlsite import course_html, html_site  # noqa: F401  (fixtures)
from readback import norm, outline, page_texts

LECTURES = ("01-basics", "02-more")


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_index_lists_every_lecture_and_sets_language(html_site):
    index = html_site.page("index.html")
    assert '<html lang="zh-CN">' in index
    for name in LECTURES:
        assert f'href="{name}.html"' in index
        assert (html_site.html / f"{name}.html").is_file()
        assert '<html lang="zh-CN">' in html_site.page(f"{name}.html")
    assert "第一讲 基础" in index and "第二讲 延伸" in index


def test_numbers_and_titles_equal_the_pdf(html_site):
    """Every heading (number and text), figure and table caption (图 n / 表 n) and cross-reference label of
    the HTML is the PDF handout's, in the same order."""
    for name in LECTURES:
        html = html_site.page(f"{name}.html")
        pdf = html_site.out / f"{name}.pdf"
        headings = [unescape(h) for h in re.findall(r'<h[2-6] id="[^"]+"[^>]*data-bookmark="([^"]*)"', html)]
        pdf_headings = [title for _depth, title, _page in outline(pdf)]
        assert headings and headings == pdf_headings[:len(headings)]
        assert pdf_headings[len(headings):] in ([], ["参考文献"])        # the PDF's outline adds its references
        captions = [norm(text_of(c)) for c in re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)]
        assert captions and all(re.match(r"[图表]\d+", c) for c in captions)
        pdf_text = norm("".join(page_texts(pdf)))
        where = [pdf_text.find(c) for c in captions]
        assert -1 not in where, [c for c, w in zip(captions, where) if w < 0]
        assert where == sorted(where)                                 # the same order
        labels = re.findall(r'<a class="xref" href="#[^"]+">([^<]+)</a>', html)
        assert labels and all(norm(unescape(label)) in pdf_text for label in labels)
        numbers = re.findall(r'<span class="eq-side eq-number">\((\d+)\)</span>', html)
        assert all(f"({n})" in pdf_text for n in numbers)
    assert re.search(r'class="xref" href="#eq-attention">式 \(1\)<', html_site.page("01-basics.html"))


def test_every_formula_is_mathml_with_its_tex(html_site):
    html = html_site.page("01-basics.html")
    formulas = re.findall(r"<math\b.*?</math>", html, re.S)
    assert len(formulas) == 5                       # $Q$ $K$ $V$ and two display formulas
    assert 'class="math' not in html                # no drawn formula
    for formula in formulas:
        tex = re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', formula, re.S)
        assert tex and re.search(r'alttext="[^"]+"', formula)
    assert r"\mathrm{softmax}" in unescape(html)
    assert sum('display="block"' in f for f in formulas) == 2


def test_mathml_keeps_no_markup_from_the_tex():
    from coursepress.errors import SourcePos
    from coursepress.writers.html.mathml import mathml

    markup = str(mathml(r"\text{<b onclick=x>bold</b> & <script>}", False, SourcePos("x.md", 1)).mathml)
    assert "<b" not in markup and "<script" not in markup and "&lt;script&gt;" in markup
    linked = str(mathml(r"\href{https://example.org}{x} < y", True, SourcePos("x.md", 1)).mathml)
    body = linked.split("<semantics>")[1].split("<annotation")[0]
    assert "href" not in body and "example.org" not in body
    assert "<mo>&lt;</mo>" in linked


def test_footnotes_link_both_ways(html_site):
    html = html_site.page("01-basics.html")
    calls = re.findall(r'<sup class="fnref"><a (?:id="(fnref-\d+)" )?href="#(fn-\d+)"', html)
    assert [target for _id, target in calls] == ["fn-1", "fn-2", "fn-2"]       # the second note is cited twice
    assert [ident for ident, _t in calls] == ["fnref-1", "fnref-2", ""]
    for number in (1, 2):
        note = re.search(rf'<li id="fn-{number}"[^>]*>(.*?)</li>', html, re.S)
        assert note and f'href="#fnref-{number}"' in note.group(1)
    assert 'class="footnote"' not in html           # no paper footnote left in the text


def test_wide_content_sits_in_scroll_containers(html_site):
    html = html_site.page("01-basics.html")
    assert html.count("<table>") == html.count('<div class="scroll" tabindex="0"><table>') == 2
    assert html.count('<pre class="code') == html.count('<div class="scroll code-scroll" tabindex="0"><pre') == 1


def test_folder_is_self_contained(html_site):
    """Every file a page or the stylesheet names is in the folder; nothing names another host or folder."""
    site = html_site.html
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html
        assert "default-src 'none'" in unescape(html)          # the browser is told too
        for url in re.findall(r'<(?:link|img)\b[^>]*(?:href|src)="([^"]+)"', html):
            assert not re.match(r"[a-z]+:|//|/", url) and ".." not in url, url
            assert (site / url).is_file(), url
    css = (site / "assets/site.css").read_text(encoding="utf-8")
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert fonts
    for url in fonts:
        assert not re.match(r"[a-z]+:|//|/", url) and (site / "assets" / url).is_file()
    images = list((site / "assets/images").iterdir())
    assert len(images) == 1                         # the picture both lectures show, copied once


def test_fonts_are_small_subsets_with_licences(html_site):
    """The main faces come in slices of the code space, each holding only used characters of its
    unicode-range; the formulas' font is STIX Two Math; every file is named in the licence notes."""
    from fontTools.ttLib import TTFont

    fonts = html_site.html / "assets/fonts"
    files = sorted(p.name for p in fonts.glob("*.woff2"))
    assert "stix-two-math-400.woff2" in files
    for name in files:
        data = (fonts / name).read_bytes()
        assert data[:4] == b"wOF2" and len(data) < 300_000, name
    css = (html_site.html / "assets/site.css").read_text(encoding="utf-8")
    faces = re.findall(r'@font-face \{ font-family: "([^"]+)"; font-weight: (\d+);[^}]*url\("fonts/([^"]+)"\)[^}]*?'
                       r'(?:unicode-range: U\+([0-9A-F]+)-([0-9A-F]+);)? \}', css)
    assert sorted(name for *_fw, name, _a, _b in faces) == files
    serif = {}
    for family, weight, name, first, last in faces:
        cmap = TTFont(str(fonts / name)).getBestCmap()
        if first:
            assert all(int(first, 16) <= c <= int(last, 16) for c in cmap if c > 0x20), name
        if family == "Noto Serif CJK SC":
            serif.update(cmap)
    assert len([f for f in faces if f[0] == "Noto Serif CJK SC"]) >= 3           # sliced …
    assert all(first for family, _w, _n, first, _l in faces if family.startswith("Noto"))   # … each for its range
    assert ord("注") in serif and ord("龘") not in serif      # a character the pages show, and one they do not
    licences = (fonts / "LICENSES.txt").read_text(encoding="utf-8")
    assert all(name in licences for name in files) and "Open Font License" in licences
    assert (fonts / "OFL.txt").is_file()


def test_rebuild_replaces_the_whole_folder_and_keeps_hand_edits(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    assert run_build("html", "--project", str(root), "--out", str(out)).code == 0
    result = run_build("html", "--project", str(root), "--out", str(out), "--force")     # not edited: replaced
    assert result.code == 0 and not list(out.glob("html.edited-*")), result.err
    stray = out / "html" / "my-notes.html"
    stray.write_text("a page of my own", encoding="utf-8")
    result = run_build("html", "--project", str(root), "--out", str(out), "--force")
    assert result.code == 0, result.err
    assert not stray.exists() and (out / "html/intro.html").is_file()
    kept = list(out.glob("html.edited-*"))
    assert len(kept) == 1 and (kept[0] / "my-notes.html").read_text(encoding="utf-8") == "a page of my own"
    assert "was edited since it was built" in result.err
    page = out / "html/intro.html"
    page.write_text(page.read_text(encoding="utf-8").replace("第一讲", "第 1 讲"), encoding="utf-8")
    assert run_build("html", "--project", str(root), "--out", str(out), "--force").code == 0
    assert len(list(out.glob("html.edited-*"))) == 2 and "第 1 讲" not in page.read_text(encoding="utf-8")
    assert not list(out.glob(".coursepress-staging-*"))
    state = json.loads((out / ".coursepress-state.json").read_text(encoding="utf-8"))
    assert "html:-" in state
    result = run_build("html", "--project", str(root), "--out", str(out))
    assert "up to date" in result.out


def test_a_file_in_the_folders_place_stops_the_build(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    out.mkdir()
    (out / "html").write_text("not a folder", encoding="utf-8")
    result = run_build("html", "--project", str(root), "--out", str(out))
    assert result.code == 1 and "html" in result.err and "taken by a file" in result.err
    assert (out / "html").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("stopped_after_aside", [False, True])
def test_folder_commit_is_finished_after_a_stop(tmp_path, stopped_after_aside):
    """A commit cut short (power loss) between the two renames of a folder output is finished by the next
    build from the journal: the new folder ends up in place, the old one nowhere."""
    from coursepress.commit import JOURNAL_FILE, STAGE_PREFIX, recover, remove_abandoned_stages

    out = tmp_path / "out"
    stage = out / f"{STAGE_PREFIX}0123"
    (stage / "html").mkdir(parents=True)
    (stage / "html" / "index.html").write_text("new", encoding="utf-8")
    (out / "html").mkdir()
    (out / "html" / "index.html").write_text("old", encoding="utf-8")
    if stopped_after_aside:
        (out / "html").rename(stage / ".replaced-html")
    journal = {"moves": [[f"{STAGE_PREFIX}0123/html", "html"]], "state": {"html:-": "x"}}
    (out / JOURNAL_FILE).write_text(json.dumps(journal), encoding="utf-8")
    assert recover(out)
    assert (out / "html" / "index.html").read_text(encoding="utf-8") == "new"
    remove_abandoned_stages(out)
    assert sorted(p.name for p in out.iterdir()) == [".coursepress-state.json", "html"]


def test_lecture_named_index_is_refused(make_project, tmp_path):
    root = make_project()
    (root / "content/lectures/intro.md").rename(root / "content/lectures/index.md")
    result = run_build("html", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 1
    assert "content/lectures/index.md" in result.err and "index.html" in result.err
    assert not (tmp_path / "out" / "html").exists()


def test_the_course_numbers_equal_its_pdf(course_html):
    """The real course (deep headings, many figures and tables): every heading, caption and cross-reference
    of its HTML page is in its PDF handout, in the same order."""
    out, html_dir = course_html
    html = (html_dir / "llm-intro.html").read_text(encoding="utf-8")
    pdf = out / "llm-intro.pdf"
    headings = [unescape(h) for h in re.findall(r'<h[2-6] id="[^"]+"[^>]*data-bookmark="([^"]*)"', html)]
    pdf_headings = [title for _depth, title, _page in outline(pdf)]
    assert len(headings) > 10 and all(h in pdf_headings for h in headings)
    assert [h for h in pdf_headings if h in headings] == headings
    pdf_text = norm("".join(page_texts(pdf)))
    captions = [norm(text_of(c)) for c in re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)]
    where = [pdf_text.find(c) for c in captions]
    assert len(captions) > 5 and -1 not in where and where == sorted(where)
    labels = re.findall(r'<a class="xref" href="#[^"]+">([^<]+)</a>', html)
    assert labels and all(norm(unescape(label)) in pdf_text for label in labels)


def test_check_reports_a_lecture_named_index_when_html_is_built(make_project):
    root = make_project()
    (root / "content/lectures/intro.md").rename(root / "content/lectures/index.md")
    assert run_build("check", "--project", str(root)).code == 0          # no HTML handout: nothing to refuse
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "outputs: [pdf, html]\n", encoding="utf-8")
    result = run_build("check", "--project", str(root))
    assert result.code == 1 and "content/lectures/index.md" in result.err and "index.html" in result.err


@pytest.mark.slow
def test_a_new_character_cuts_only_its_slice_again(tmp_path, monkeypatch):
    """A save that brings one new character re-cuts one slice file per main face; every other file is
    the cached one, byte for byte (so watch rebuilds the site in seconds, not a whole CJK subset)."""
    from conftest import PROJECTS
    from coursepress.fonts import shipped_faces
    from coursepress.writers.html.webfonts import site_fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    faces = shipped_faces(PROJECTS / "minimal")
    main = ("Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans Mono")
    first = {f.name: f.data for f in site_fonts(faces, main, "大语言模型 LLM，注意力", "")}
    cache = tmp_path / "cache/coursepress/webfonts"
    before = set(cache.iterdir())
    second = {f.name: f.data for f in site_fonts(faces, main, "大语言模型 LLM，注意力鑫", "")}   # 鑫 U+946B
    assert set(second) - set(first) == {"noto-serif-cjk-sc-400-8e00.woff2", "noto-sans-cjk-sc-400-8e00.woff2",
                                        "noto-sans-cjk-sc-700-8e00.woff2"}
    assert all(second[name] == data for name, data in first.items())
    assert len(set(cache.iterdir()) - before) == 3
