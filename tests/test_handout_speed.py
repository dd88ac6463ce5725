"""Issue 20: work the handout no longer does twice. The page-float pass lays out again only the pages a
figure move changes (counted by wrapping WeasyPrint's page maker in a build process), and builds run
with Python's cyclic garbage collector paused. No timing: the tests count layouts and read the PDF."""

from __future__ import annotations

import gc
import os
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pypdfium2 as pdfium

from conftest import REPO
from readback import page_texts
from test_handout_flow import FILLER, holes_before_figures, paragraph, tall_png

# Runs a build in this process with WeasyPrint's layout_document and remake_page wrapped; prints, per
# layout, the (0-based) pages made in it.
COUNTING = textwrap.dedent("""\
    import json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import weasyprint.document as document_module
    import weasyprint.layout as layout_module
    import weasyprint.layout.page as page_module

    made = []
    real_remake, real_layout = page_module.remake_page, layout_module.layout_document

    def remake_page(index, *args):
        made[-1].append(index)
        return real_remake(index, *args)

    def layout_document(*args, **kwargs):
        made.append([])
        return real_layout(*args, **kwargs)

    setattr(page_module, "remake_page", remake_page)
    for holder in (layout_module, document_module):
        setattr(holder, "layout_document", layout_document)
    from coursepress.cli import main
    code = main(sys.argv[2:], default_root=Path.cwd())
    print(json.dumps(made))
    sys.exit(code)
    """)


def layouts_of(root: Path, tmp_path: Path) -> tuple[list[list[int]], Path]:
    """Build ``root``'s handout with the counting wrapper; (pages made per layout, the PDF)."""
    script = tmp_path / "counting.py"
    script.write_text(COUNTING, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, str(script), str(REPO), "pdf", "--project", str(root), "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), next(out.glob("*.pdf"))


def lecture(parts: list[tuple[int, bool | str, int]]) -> str:
    """A lecture of parts (level-1 heads: each starts a page); each part: ``before`` paragraphs, a tall
    figure if asked (``"list"``: in the second item of a three-item list), ``after`` paragraphs. Paragraph
    k is marked 段k."""
    body, k = ["---\ntitle: 版面\n---\n"], 0
    for number, (before, figure, after) in enumerate(parts, 1):
        body += [f"# 第{number}部分\n", "## 一节\n"]
        body += [paragraph(k + i) + "\n" for i in range(before)]
        k += before
        if figure == "list":
            body += [f"1. 列表项：{FILLER}\n2. 如下图所示：\n   ![高图](images/tall.png \"一张很高的图\")\n"
                     f"3. 列表项：{FILLER * 2}\n"]
        elif figure:
            body += [f"如[](#fig-{number})所示：\n", f'![高图](images/tall.png "一张很高的图"){{#fig-{number}}}\n']
        body += [paragraph(k + i) + "\n" for i in range(after)]
        k += after
    return "\n".join(body)


def marks(text: str) -> list[int]:
    return [int(k) for k in re.findall(r"段\s*(\d+)：", text)]


def test_a_handout_without_holes_is_laid_out_once(make_project, tmp_path):
    root = make_project(lecture=lecture([(20, False, 0), (12, False, 0)]))
    made, pdf = layouts_of(root, tmp_path)
    assert len(made) == 1                                  # no second layout when no figure leaves a hole
    pages = len(page_texts(pdf))
    assert sorted(set(made[0])) == list(range(pages))      # every page made (the contents page again for numbers)


BEFORE_LIST = 12          # paragraphs before the list: measured to leave a hole before its figure


def test_moving_a_figure_lays_out_again_only_the_pages_it_changes(make_project, tmp_path):
    # part 1 leaves a hole before its figure, which sits in a list item (pagefill leaves those to the float
    # pass's re-layout); parts 2 and 3 start on their own pages, so their pages end where they did and are kept
    root = make_project(lecture=lecture([(BEFORE_LIST, "list", 8), (16, False, 0), (16, False, 0)]),
                        files={"content/lectures/images/tall.png": tall_png()})
    made, pdf = layouts_of(root, tmp_path)
    texts = page_texts(pdf)
    assert len(made) == 2, made                           # the first layout and one re-layout
    later = [n for n, text in enumerate(texts) if any(k >= 20 for k in marks(text))]   # pages of parts 2 and 3
    assert len(later) >= 4
    again = set(made[1])
    assert again and not again & set(later), (made[1], later)
    assert max(again) < min(later)
    # and the result is the one a full re-layout gives: no hole, every paragraph once and in order
    assert holes_before_figures(pdf) == []
    found = marks("".join(texts[1:]))                     # page 1: the cover and contents carry no marks
    assert found == list(range(BEFORE_LIST + 8 + 32)), found
    assert "".join(texts).count("一张很高的图") == 1


def test_outputs_are_built_with_the_cyclic_collector_paused(monkeypatch):
    from coursepress import pipeline

    seen = []

    class Probe:
        def write(self, *args):
            seen.append(gc.isenabled())
            return "written"

    monkeypatch.setattr(pipeline, "writer", lambda kind: Probe())
    assert gc.isenabled()
    assert pipeline.run_job(None, None, type("T", (), {"kind": "pdf"})(), None) == "written"   # type: ignore[arg-type]
    assert seen == [False] and gc.isenabled()            # paused inside, on again after


def test_a_paused_collector_is_on_again_after_an_error_and_frozen_objects_are_kept():
    from coursepress.collector import collector_paused

    before = gc.get_freeze_count()
    try:
        with collector_paused():
            raise ValueError("a writer failed")
    except ValueError:
        pass
    assert gc.isenabled() and gc.get_freeze_count() == before
    try:
        with collector_paused(keep_garbage=True):
            kept = [[n] for n in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


# ---------------------------------------------------------------- font subsets kept between builds

MARK = b"coursepress-test-kept-subset"


def build_with_cache(root: Path, cache: Path) -> Path:
    out = root / "out"
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "pdf", "--force", "--project", str(root),
                           "--out", str(out)], capture_output=True, text=True, cwd=REPO, timeout=600,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    return next(out.glob("*.pdf"))


def embedded_fonts(pdf: Path) -> dict[str, bytes]:
    """Base font name → the font file embedded for it (FontFile2 or FontFile3 of the CID font)."""
    from pypdf import PdfReader

    found = {}
    for page in PdfReader(str(pdf)).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            for key in ("/FontFile2", "/FontFile3"):
                if key in descriptor:
                    found[str(font["/BaseFont"])] = descriptor[key].get_object().get_data()
    return found


def has_outline(font_file: bytes, shipped: Path, char: str) -> bool:
    """Whether the embedded ``font_file`` (a subset of ``shipped``, glyph ids kept) draws ``char``."""
    import io

    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    name = TTFont(str(shipped)).getBestCmap()[ord(char)]
    gid = TTFont(str(shipped)).getGlyphID(name)
    subset = TTFont(io.BytesIO(font_file))
    glyphs = subset.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[subset.getGlyphName(gid)].draw(pen)
    return pen.bounds is not None


def rendered(pdf: Path) -> list[bytes]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[n].render(scale=0.5).to_pil().tobytes() for n in range(len(doc))]
    finally:
        doc.close()


def test_font_subsets_are_kept_between_builds_and_hold_every_glyph_used(make_project, tmp_path):
    root, cache = make_project(), tmp_path / "cache"
    first = build_with_cache(root, cache)
    first_pages, first_text = rendered(first), page_texts(first)
    kept = sorted((cache / "coursepress/subsets").glob("*.font"))
    assert len(kept) >= 2                                     # the serif and the sans CJK faces at least
    for path in kept:                                         # mark each kept subset (trailing bytes: fonts ignore them)
        path.write_bytes(path.read_bytes() + MARK)
    second = build_with_cache(root, cache)
    fonts = embedded_fonts(second)
    assert fonts and all(data.endswith(MARK) for data in fonts.values())    # every subset came from the cache
    assert sorted((cache / "coursepress/subsets").glob("*.font")) == kept
    assert rendered(second) == first_pages and page_texts(second) == first_text
    # a character the handout did not have yet: a new subset, and the glyph is in it
    lecture = root / "content/lectures/intro.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n鑫字是新的。\n", encoding="utf-8")
    third = build_with_cache(root, cache)
    assert len(list((cache / "coursepress/subsets").glob("*.font"))) > len(kept)
    assert "鑫" in "".join(page_texts(third))
    serif = [data for name, data in embedded_fonts(third).items() if "Serif" in name]
    assert serif and not serif[0].endswith(MARK)
    assert has_outline(serif[0], REPO / "assets/fonts/NotoSerifCJKsc-Regular.otf", "鑫")
    assert has_outline(serif[0], REPO / "assets/fonts/NotoSerifCJKsc-Regular.otf", "模")


def test_a_fonts_file_digest_starts_on_a_thread_when_the_font_is_made(monkeypatch):
    """Issue 20: the subset cache's file key is hashed on a thread from the moment WeasyPrint makes the
    ``Font`` (during drawing), and the key is the same as hashing when the subset is asked for; a font
    whose bytes were replaced since is hashed again."""
    import hashlib
    import threading

    from coursepress.writers import fontfile, subsetcache
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(REPO)
    where: list[str] = []
    real = subsetcache.file_key

    def keyed(content, index):
        where.append(threading.current_thread().name)
        return real(content, index)

    monkeypatch.setattr(subsetcache, "file_key", keyed)
    started: list = []
    real_digest = subsetcache.FileDigest

    class Recorded(real_digest):
        def __init__(self, content, index):
            super().__init__(content, index)
            started.append((self, content, index))

    monkeypatch.setattr(subsetcache, "FileDigest", Recorded)
    document = weasyprint.HTML(string="<p style='font-family: \"Noto Serif CJK SC\"'>中文字体</p>").render()
    document.write_pdf()
    assert started and "coursepress-font-digest" in where
    digest, whole, index = started[0]
    assert digest.value() == hashlib.sha256(whole + f"#{index}".encode()).hexdigest()[:24]

    font = type("Font", (), {})()      # a font as subset_key sees it: its bytes, index and started digest
    font.file_content, font.index, font.missing = whole, index, {}
    vars(font)[fontfile.CONTENT] = None               # let go of (fontfile): still the whole file it was made with
    vars(font)[subsetcache.DIGEST] = digest
    where.clear()
    assert subsetcache.subset_key(font, {1: "a"}, False, "e")[0] == digest.value() and where == []
    assert subsetcache.DIGEST not in vars(font)
    vars(font)[subsetcache.DIGEST] = digest
    font.file_content = vars(font)[fontfile.CONTENT] = whole[:-1] + b"\x00"    # other bytes: hashed again, here
    where.clear()
    assert subsetcache.subset_key(font, {1: "a"}, False, "e")[0] == real(font.file_content, font.index)
    assert where == [threading.current_thread().name]


def test_a_font_holds_no_copy_of_its_whole_file_while_the_pages_are_drawn(monkeypatch):
    """Issue 20, sixth session: WeasyPrint copies the whole file of each font it draws with when the font is
    first used (10-16 MB per CJK face) and keeps it until the font is subset after the last page. The
    font lets go of it once its digest is started (coursepress.writers.fontfile); the whole file is read
    back from the font's HarfBuzz face, the same bytes, only when something asks for it."""
    from weasyprint.pdf import fonts

    from coursepress.writers import fontfile
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(REPO)
    made: list = []
    real_init = fonts.Font.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append((self, vars(self).get(fontfile.CONTENT, b"")))     # what the font holds once made

    monkeypatch.setattr(fonts.Font, "__init__", init)
    weasyprint.HTML(string="<p style='font-family: \"Noto Serif CJK SC\"'>中文字体</p>").render().write_pdf()
    cjk = [font for font, held in made if "CJK" in font.family]
    assert cjk and all(held is None for font, held in made if "CJK" in font.family)
    font = cjk[0]
    whole = fonts.get_hb_object_data(font.hb_face)
    assert whole[:4] == b"OTTO" and len(whole) > 1 << 20
    fontfile.let_go(font)
    assert fontfile.holds_whole(font) and font.file_content == whole and fontfile.holds_whole(font)
    font.file_content = b"subset"
    assert not fontfile.holds_whole(font) and fontfile.replaced(font, None)
