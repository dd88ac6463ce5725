"""The HTML handout's subset fonts hold what a browser draws, and its links survive file names with spaces.

A new user's chapter (issue 19 follow-up): ``\\sqrt{d_k}`` showed as "d_k" because STIX Two Math's subset
had no radical U+221A (MathML draws it; it is not in the formula's text), code indentation came out about
1.5 characters wide because no subset held U+0020 SPACE (each space fell back to a proportional font),
and ``index.html`` linked to ``href="my lecture.html"`` unescaped.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import run_build

LECTURE = """\
---
title: 注意力
---

# 缩放点积

注意力 $\\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right) V$，另见 $\\sqrt[3]{x}$。

```python
def f(x):
    if x:
        return x
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A project with one lecture named ``my lecture`` (a space in its file name), built as HTML."""
    import shutil

    from conftest import PROJECTS

    root = tmp_path_factory.mktemp("html-fonts") / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "content/lectures/intro.md").unlink()
    (root / "content/lectures/my lecture.md").write_text(LECTURE, encoding="utf-8")
    result = run_build("html", "--project", str(root), "--out", str(root / "dist"), "--force")
    assert result.code == 0, result.err
    assert "warning" not in result.err, result.err
    return root / "dist/html"


def _faces(site: Path) -> list[tuple[str, str, str]]:
    """(family, file name, unicode-range or "") of every @font-face of the site's stylesheet."""
    css = (site / "assets/site.css").read_text(encoding="utf-8")
    return re.findall(r'@font-face \{ font-family: "([^"]+)";[^}]*url\("fonts/([^"]+)"\)[^}]*?'
                      r'(?:unicode-range: (U\+[0-9A-F]+-[0-9A-F]+);)? \}', css)


def _cmap(path: Path) -> dict[int, str]:
    from fontTools.ttLib import TTFont

    return TTFont(str(path)).getBestCmap()


def test_math_font_keeps_the_radical_and_its_variants(site):
    """STIX Two Math's subset has U+221A (drawn by <msqrt>/<mroot>, absent from the formula text), the
    italic letters a one-letter <mi> becomes, and its MATH table with the radical's size variants."""
    from fontTools.ttLib import TTFont

    page = (site / "my lecture.html").read_text(encoding="utf-8")
    assert "<msqrt>" in page and "<mroot>" in page
    font = TTFont(str(site / "assets/fonts/stix-two-math-400.woff2"))
    cmap = font.getBestCmap()
    assert 0x221A in cmap                                   # the radical
    assert 0x1D444 in cmap and 0x1D458 in cmap              # mathematical italic Q and k (math-auto)
    assert "MATH" in font
    variants = font["MATH"].table.MathVariants
    vertical = dict(zip(variants.VertGlyphCoverage.glyphs, variants.VertGlyphConstruction))
    for char in "\u221a(":                                   # the radical and a \\left( fence stretch
        sizes = [r.VariantGlyph for r in vertical[cmap[ord(char)]].MathGlyphVariantRecord]
        assert len(sizes) > 1 and all(g in font.getGlyphOrder() for g in sizes), char


def test_code_font_has_space_and_ascii_and_indents_by_whole_characters(site):
    """The font `pre` uses first (DejaVu Sans Mono) holds U+0020, U+00A0 and all printable ASCII; a space
    advances as far as a letter, so a 4-space indent is 4 characters wide."""
    mono = [name for family, name, _range in _faces(site) if family == "DejaVu Sans Mono"]
    assert mono
    cmap: dict[int, str] = {}
    for name in mono:
        cmap.update(_cmap(site / "assets/fonts" / name))
    assert all(c in cmap for c in range(0x20, 0x7F)) and 0xA0 in cmap
    from fontTools.ttLib import TTFont

    font = TTFont(str(site / "assets/fonts" / mono[0]))
    widths = font["hmtx"].metrics
    assert widths[font.getBestCmap()[0x20]][0] == widths[font.getBestCmap()[ord("m")]][0]


def test_every_main_face_keeps_the_space(site):
    """Body and heading faces keep U+0020 too, so no space falls back to another font."""
    by_family: dict[str, set[int]] = {}
    for family, name, _range in _faces(site):
        by_family.setdefault(family, set()).update(_cmap(site / "assets/fonts" / name))
    for family in ("Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans Mono"):
        assert 0x20 in by_family[family] and 0xA0 in by_family[family], family


def test_links_to_a_page_whose_name_has_a_space_are_quoted(site):
    """index.html links to ``my%20lecture.html``, which names the page file ``my lecture.html``."""
    html = (site / "index.html").read_text(encoding="utf-8")
    hrefs = [unescape(h) for h in re.findall(r'<a [^>]*href="([^"#]+)(?:#[^"]*)?"', html)]
    assert hrefs and all(" " not in h for h in hrefs)
    assert "my%20lecture.html" in hrefs
    assert all((site / unquote(h)).is_file() for h in hrefs)


@pytest.mark.slow
def test_code_indentation_is_whole_characters_in_chromium(site):
    """In Chromium, the 8-space indent of ``return x`` is 8 × the width of one character of the code font."""
    from browser import Browser

    browser = Browser()
    try:
        browser.open((site / "my lecture.html").as_uri(), 1280, 800)
        widths = browser.js("""
            const pre = document.querySelector('pre');
            const probe = (text) => { const s = document.createElement('span'); s.textContent = text;
                s.style.whiteSpace = 'pre'; pre.appendChild(s); const w = s.getBoundingClientRect().width;
                s.remove(); return w; };
            return [probe('        '), probe('mmmmmmmm'), probe('m')];""")
    finally:
        browser.quit()
    spaces, letters, one = widths
    assert one > 0 and abs(spaces - letters) < 0.5 and abs(spaces - 8 * one) < 0.5
