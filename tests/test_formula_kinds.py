"""Formulas lecturers of machine learning write, drawn in the handout (a new user's trial, issue 20).

Each formula sits between "：" and "。" on a line of its own paragraph; the test finds those two
characters in the PDF and measures the ink between them on the rendered page, so a formula drawn blank
or missing a symbol shows as too little ink:

- ``\\text{其中}`` alone: its drawing was 0 pt high (the Chinese are laid out as empty quads and ziamath's
  box ends at the ink), so nothing showed;
- ``\\mathop{\\mathbb{E}}_{x}``: latex2mathml writes an ``mo`` holding elements, which ziamath dropped (only
  the subscript showed);
- ``\\operatorname*{arg\\,max}_x``: latex2mathml printed the star (and set the name in italics).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from readback import char_boxes, render

FORMULAS = {        # the formula, and one drawn as it should look (half of it for the first)
    "text": (r"\text{其中}", r"\text{其}"),
    "mathop": (r"\mathop{\mathbb{E}}_{x}", r"\mathbb{E}_{x}"),
    "operatorname": (r"\operatorname*{arg\,max}_x", r"\mathrm{arg\,max}_x"),
}
SCALE = 4           # render at 288 dpi


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    from conftest import PROJECTS
    import shutil

    root = tmp_path_factory.mktemp("formulas") / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    lines = [f"{name}{k}：${tex}$。" for name, pair in FORMULAS.items() for k, tex in enumerate(pair)]
    (root / "content/lectures/intro.md").write_text("---\ntitle: 公式\n---\n\n# 公式\n\n" + "\n\n".join(lines) + "\n",
                                                    encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "pdf", "--project", str(root)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    return root / "dist/intro.pdf"


def _ink(pdf, label: str) -> tuple[int, int]:
    """Dark pixels between the "：" after ``label`` and the next "。", over the line's height, and the width
    of the box that holds them (px at :data:`SCALE`)."""
    chars = list(char_boxes(pdf))
    text = "".join(c for _p, c, _b, _w, _h in chars)
    start = text.index(label + "：") + len(label)
    end = text.index("。", start)
    page, _c, colon, _w, height = chars[start]
    _p, _c, stop, _w, _h = chars[end]
    image = render(pdf, page, SCALE)
    top, bottom = height - max(colon[3], stop[3]) - 6, height - min(colon[1], stop[1]) + 6
    box = (round(colon[2] * SCALE), round(top * SCALE), round(stop[0] * SCALE), round(bottom * SCALE))
    dark = image.crop(box).point(lambda value: 255 if value < 128 else 0)
    found = dark.getbbox()
    return sum(dark.histogram()[255:]), (found[2] - found[0]) if found else 0


def test_chinese_text_alone_is_drawn(handout):
    (whole, _), (half, _) = _ink(handout, "text0"), _ink(handout, "text1")
    assert half > 0 and whole > 1.5 * half, (whole, half)


@pytest.mark.parametrize("name", ["mathop", "operatorname"])
def test_formula_looks_as_its_plain_spelling(handout, name):
    (ink, width), (want_ink, want_width) = _ink(handout, f"{name}0"), _ink(handout, f"{name}1")
    assert want_ink > 0 and abs(ink - want_ink) <= 0.1 * want_ink, (name, ink, want_ink)
    assert abs(width - want_width) <= 0.05 * want_width, (name, width, want_width)
