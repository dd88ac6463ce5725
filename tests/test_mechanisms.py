"""One of each mechanism (issue 10): the CJK class table, the unit module, the build time, the font-facts
cache and the estimate-note marks exist once, and no other module keeps its own copy."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from coursepress import cjk, units

PACKAGE = Path(cjk.__file__).parent


def _sources(*allowed: str) -> list[tuple[str, str]]:
    """(relative path, text) of every .py file under coursepress/ except ``allowed`` (relative paths)."""
    return [(p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))
            if p.relative_to(PACKAGE).as_posix() not in allowed]


# ------------------------------------------------------------------ CJK classes

def test_the_cjk_table_is_sorted_disjoint_and_every_row_is_wide():
    rows = cjk.BLOCKS
    assert all(a.last < b.first for a, b in zip(rows, rows[1:])), "rows overlap or are out of order"
    # Every assigned character of a row is set on the ideographic grid (East Asian Width W or F) but the few
    # the UCD marks otherwise inside those blocks: U+303F (half fill space) and circled numbers 10–80 (A).
    exceptions = {0x303F} | set(range(0x3248, 0x3250))
    narrow = [hex(cp) for row in rows for cp in range(row.first, min(row.last, 0x2FFFF) + 1)
              if unicodedata.category(chr(cp)) != "Cn" and cp not in exceptions
              and unicodedata.east_asian_width(chr(cp)) not in ("W", "F")]
    assert narrow == []
    # ideograph rows are script Han: the ideographs of the UCD names
    for row in rows:
        if row.ideograph:
            named = unicodedata.name(chr(row.first + 0x10 if row.first >= 0x20000 else row.first), "")
            assert "IDEOGRAPH" in named, row


@pytest.mark.parametrize("char, han, grid, wide", [
    ("中", True, True, True), ("\u3400", True, True, True), ("\U00020000", True, True, True), ("豈", True, True, True),
    ("。", False, True, True), ("，", False, True, True), ("あ", False, True, True), ("한", False, True, True),
    ("Ａ", False, True, True), ("\uFF71", False, False, False), ("a", False, False, False),
    ("\u2014", False, False, False), ("\u3000", False, True, False), ("😀", False, False, True),
])
def test_classes(char, han, grid, wide):
    assert (cjk.is_han(char), cjk.is_cjk(char), cjk.is_wide(char)) == (han, grid, wide)


def test_punctuation_classes_follow_their_unicode_categories():
    assert not cjk.OPENING & cjk.CLOSING
    assert {unicodedata.category(c) for c in cjk.OPENING} <= {"Ps", "Pi"}
    assert {unicodedata.category(c) for c in cjk.CLOSING} <= {"Pe", "Pf", "Po"}
    assert cjk.CLOSING <= cjk.NO_LINE_START and cjk.OPENING <= cjk.NO_LINE_END
    assert all(unicodedata.east_asian_width(c) == "A" for c in cjk.AMBIGUOUS)


# a range starting at a CJK block (\u4E00-…), a literal range of ideographs (一-龥), or East Asian Width
_RANGE = re.compile(r"\\u(?:2e80|3000|3040|3400|4e00|f900|ff00|ac00)-|\\U00020000-"
                    r"|[\u3400-\u9fff]-[\u3400-\u9fff]|east_asian_width", re.I)


def test_no_module_keeps_its_own_cjk_ranges():
    """Every CJK test goes through coursepress.cjk (issue 10 counted seven, with different ranges)."""
    offenders = [path for path, text in _sources("cjk.py") if _RANGE.search(text)]
    assert offenders == []


# ------------------------------------------------------------------ units

def test_units_agree_with_the_standards_and_python_pptx():
    from pptx.util import Cm, Inches, Mm, Pt

    assert units.EMU_PER_INCH == Inches(1) == 914400
    assert units.EMU_PER_PT == Pt(1) == 12700
    assert units.EMU_PER_CM == Cm(1) and units.EMU_PER_MM == Mm(1)
    assert units.PT_PER_MM * units.MM_PER_INCH == pytest.approx(72)
    assert units.PX_PER_MM * units.MM_PER_INCH == pytest.approx(96)
    assert units.PT_PER_PX == 0.75
    assert units.px_to_mm(96) == pytest.approx(25.4) and units.emu_to_pt(25400) == 2.0
    assert units.pt_to_emu(1.5) == 19050


_CONVERSION = re.compile(r"(?<![\d.])(?:12700|914400|360000|25\.4)(?![\d.])|\b72 / |/ 96\b|\b96 / ")


def test_no_module_keeps_its_own_unit_conversions():
    offenders = [(path, m.group()) for path, text in _sources("units.py") for m in _CONVERSION.finditer(text)]
    assert offenders == []


# ------------------------------------------------------------------ build time, marks, font facts

def test_build_time_comes_from_source_date_epoch_else_the_course_date(monkeypatch):
    from coursepress.builddate import build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert build_time(dt.date(2024, 5, 1)) == dt.datetime(1970, 1, 2, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert build_time(dt.date(2024, 5, 1)) == dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_time(dt.date(2024, 5, 1)).isoformat() == "2024-05-01T00:00:00+00:00"


def test_source_date_epoch_is_read_in_one_place():
    readers = [path for path, text in _sources("builddate.py", "cli.py", "stamps.py")
               if "SOURCE_DATE_EPOCH\")" in text or "SOURCE_DATE_EPOCH')" in text]
    assert readers == []


def test_note_marks_run_a_to_z_then_numbers():
    from coursepress.numbers import note_mark

    assert [note_mark(i) for i in (0, 1, 25, 26, 27)] == ["a", "b", "z", "27", "28"]
    assert [path for path, text in _sources() if 'chr(ord("a")' in text] == ["numbers.py"]


def test_font_facts_are_read_once_and_a_broken_cache_file_is_a_miss(tmp_path, monkeypatch):
    from coursepress.fonts import font_facts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    font = next((PACKAGE.parent / "assets" / "fonts").glob("DejaVuSansMono*.ttf"))
    reads: list[str] = []

    def read(tt) -> dict:
        reads.append(tt["name"].getDebugName(1))
        return {"upm": tt["head"].unitsPerEm}

    assert font_facts(font, "test-facts", 1, read, lambda d: d["upm"]) == 2048
    assert font_facts(font, "test-facts", 1, read, lambda d: d["upm"]) == 2048
    assert reads == ["DejaVu Sans Mono"]
    cached = next((tmp_path / "cache" / "coursepress" / "test-facts").glob("*.json"))
    cached.write_text('{"other": 1}')
    assert font_facts(font, "test-facts", 1, read, lambda d: d["upm"]) == 2048
    assert len(reads) == 2
    assert font_facts(font, "test-facts", 2, read, lambda d: d["upm"]) == 2048     # a new version: a new key
    assert len(reads) == 3


# ------------------------------------------------------------------ library patches

def test_library_internals_the_patches_replace_or_rely_on_are_unchanged():
    """Fails when an upgrade changes an internal coursepress.patches touches: look at that patch again."""
    from coursepress import patches

    changed = [dotted for dotted, digest in patches.UPSTREAM.items()
               if patches.source_hash(patches.original(dotted)) != digest]
    assert changed == []


_PATCHING = re.compile(r"^\s*[\w.]+\.(?:xpath|zlib|find_library|escapedSplit|_get_matching|_rels_by_reltype|set_text"
                       r"|count_expandable_spaces|next_partname|layout_document|make_all_pages|initialize_page_maker)\s*=(?!=)"
                       r"|\._page_box\b", re.M)


def test_library_internals_are_touched_only_in_the_patches_module():
    offenders = [(path, m.group().strip()) for path, text in _sources("patches.py") for m in _PATCHING.finditer(text)]
    assert offenders == []


def test_importing_the_writers_patches_nothing():
    """Patches are applied by the code that needs them, not process-wide when a module is imported."""
    import subprocess
    import sys

    code = ("import coursepress.writers.deck.writer, coursepress.writers.handout, coursepress.markdown\n"
            "from pptx.oxml import xmlchemy\n"
            "import importlib; t = importlib.import_module('markdown_it.rules_block.table')\n"
            "assert not getattr(xmlchemy.BaseOxmlElement.xpath, 'compiled_cache', False)\n"
            "assert t.escapedSplit.__module__ == 'markdown_it.rules_block.table'\n"
            "from coursepress import patches\n"
            "patches.apply_pptx_speedups(); patches.apply_pptx_speedups()\n"
            "assert getattr(xmlchemy.BaseOxmlElement.xpath, 'compiled_cache', False)\n"
            "assert patches.original('pptx.oxml.xmlchemy.BaseOxmlElement.xpath') is not xmlchemy.BaseOxmlElement.xpath\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------------ sanitising (nh3)

def test_html_blocks_keep_allowed_tags_without_attributes_and_lose_the_rest():
    from coursepress.sanitize import sanitize_html

    out = sanitize_html('<div align="center" onclick="steal()"><b style="color:red">粗</b> a < b &amp; c</div>'
                        '<script>alert(1)</script><style>body{display:none}</style><!-- note -->'
                        '<iframe src="https://example.com">框内</iframe><p>unclosed <em>tail')
    assert out == ('<div><b>粗</b> a &lt; b &amp; c</div>框内<p>unclosed <em>tail</em></p>')


@pytest.mark.parametrize("tag, kept", [
    ("<b>", "<b>"), ("</B>", "</b>"), ('<span class="x" onclick="y">', "<span>"), ("<br/>", "<br>"),
    ("</br>", "<br>"), ("<script>", ""), ('<img src="file:///etc/hostname">', ""), ("<!-- c -->", ""),
    ('<a href="javascript:alert(1)">', ""),
])
def test_inline_tags_are_kept_bare_when_allowed(tag, kept):
    from coursepress.sanitize import sanitize_tag

    assert sanitize_tag(tag) == kept


# ------------------------------------------------------------------ one text measurer

def test_chart_labels_are_measured_with_the_shipped_fonts_advances():
    """Charts (handout and poster) size labels from the chart font's hmtx, read here independently."""
    from fontTools.ttLib import TTFont

    from coursepress.charts import text_width

    font = TTFont(PACKAGE.parent / "assets/fonts/NotoSansCJKsc-Regular.otf", lazy=True)
    cmap, metrics, upm = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
    for text in ("GPT-4 Turbo", "Mistral 7B · Mixtral 8x7B", "通义千问 Qwen2.5", "Café – ×½ ≈ 1,8 万亿"):
        expected = sum(metrics[cmap[ord(c)]][0] for c in text) / upm * 11 * 1.02
        assert text_width(text, 11) == pytest.approx(expected, rel=1e-12), text


def test_font_metrics_are_read_in_one_module():
    readers = [path for path, text in _sources("textmeasure.py", "fonts.py") if '"hmtx"' in text or "ADVANCES" in text]
    assert readers == []


def test_weasyprint_patches_apply_when_part_of_weasyprint_was_imported_first():
    """A module that imports part of WeasyPrint before the engine (the resource gate uses weasyprint.urls)
    must not leave the PDFs without the CJK justification and PNG pass-through patches: a fresh process
    imports weasyprint.urls, then the engine, and every patched internal is replaced."""
    import subprocess
    import sys

    script = ("import weasyprint.urls\n"
              "from pathlib import Path\n"
              "from coursepress.writers.pdfengine import import_weasyprint\n"
              "import_weasyprint(Path('.'))\n"
              "from coursepress import patches\n"
              "print(sorted(k for k in patches._ORIGINALS if k.startswith('weasyprint')))\n")
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    applied = done.stdout.strip()
    for internal in ("weasyprint.layout.inline.count_expandable_spaces", "weasyprint.layout.inline.justify_line",
                     "weasyprint.text.line_break.Layout.set_text", "weasyprint.images.RasterImage._get_png_data"):
        assert internal in applied, (internal, applied)


def test_every_weasyprint_function_the_code_imports_by_its_internal_path_is_hashed():
    """A WeasyPrint function our modules import from its own module (``from weasyprint.css.targets import
    anchor_name_from_token``) is an internal relied on as it is: an upgrade that changes it must fail
    :func:`test_library_internals_the_patches_replace_or_rely_on_are_unchanged` too."""
    import ast
    import importlib
    import inspect

    from coursepress import patches

    unhashed = set()
    for path, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint."):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    found = getattr(module, alias.name, None)
                    if inspect.isfunction(found) and found.__module__.startswith("weasyprint"):
                        dotted = f"{found.__module__}.{found.__qualname__}"
                        if dotted not in patches.UPSTREAM:
                            unhashed.add((path, dotted))
    assert sorted(unhashed) == []
