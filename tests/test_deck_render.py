"""The course deck as LibreOffice draws it (issue 13, items 1, 2 and 6): once with the shipped fonts
installed and once with the machine's fonts only (where Calibri and Noto Sans CJK SC are substituted):
one page per slide, no character outside its page, and every chart label drawn (point names of
timelines, value labels of column charts)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import REPO, course_output, require_soffice
from coursepress.numbers import format_context, format_params
from coursepress.messages import default_messages
from readback import NS, char_boxes, page_texts

C = f"{{{NS['c']}}}"
EMU_PER_PT = 12700


@pytest.fixture(scope="module")
def deck(course_build):
    """The real course's deck from the session's shared build."""
    return course_output(course_build, "llm-intro.pptx")[0]


def _font_config(tmp: Path, shipped: bool) -> Path:
    """A fontconfig file: the system's font folders, plus the shipped fonts if ``shipped``."""
    dirs = "".join(f"<dir>{d}</dir>" for d in ("/usr/share/fonts", "/usr/local/share/fonts") if Path(d).is_dir())
    if shipped:
        dirs += f"<dir>{REPO / 'assets/fonts'}</dir>"
    conf = tmp / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{tmp / "cache"}</cachedir></fontconfig>')
    return conf


@pytest.mark.slow
@pytest.mark.parametrize("shipped", [True, False], ids=["shipped-fonts", "system-fonts-only"])
def test_libreoffice_draws_every_slide_inside_and_every_chart_label(deck, tmp_path, shipped):
    soffice = require_soffice()
    env = dict(os.environ, FONTCONFIG_FILE=str(_font_config(tmp_path, shipped)))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(deck)], check=True, capture_output=True, timeout=300, env=env)
    pdf = tmp_path / "llm-intro.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert ("NotoSansCJK" in fonts) == shipped, fonts          # the configuration really was what it says
    prs = Presentation(str(deck))
    texts = [t.replace(" ", "").replace("\r", "").replace("\n", "") for t in page_texts(pdf)]
    assert len(texts) == len(prs.slides)
    outside = [(page + 1, char) for page, char, (left, bottom, right, top), width, height in char_boxes(pdf)
               if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5]
    assert not outside
    # text the plan fitted stays in its frames: nothing between the lowest text frame and the footer
    band = {}
    for index, slide in enumerate(prs.slides):
        shapes = [sh for sh in slide.shapes if sh.has_text_frame]
        feet = [sh.top / EMU_PER_PT for sh in shapes if sh.name in ("Footer", "Slide Number")]
        frames = [(sh.top + sh.height) / EMU_PER_PT for sh in shapes if sh.name not in ("Footer", "Slide Number")]
        band[index] = (max(frames, default=0.0) + 2, min(feet, default=prs.slide_height / EMU_PER_PT))
    below = [(page + 1, char) for page, char, (_l, bottom, _r, _t), _w, height in char_boxes(pdf)
             if band[page][0] < height - bottom < band[page][1]]
    assert not below
    # every table keeps the height the plan gave it: below its last row, down to the footer, only its caption
    checked = 0
    for index, slide in enumerate(prs.slides):
        table = next((sh for sh in slide.shapes if sh.has_table), None)
        if table is None:
            continue
        bottom = (table.top + sum(row.height for row in table.table.rows)) / EMU_PER_PT
        caption = [sh for sh in slide.shapes if sh.has_text_frame and sh.top / EMU_PER_PT >= bottom - 1
                   and sh.left >= table.left - EMU_PER_PT and sh.name not in ("Footer", "Slide Number")]
        right = (table.left + table.width) / EMU_PER_PT
        under = "".join(char for page, char, (left, low, _r, _t), _w, height in char_boxes(pdf)
                        if page == index and height - low > bottom + 1 and table.left / EMU_PER_PT - 1 < left < right
                        and height - low < band[index][1])
        expected = "".join("".join(sh.text_frame.text.split()) for sh in caption)
        assert sorted(under) == sorted(expected), (index + 1, under[:60])   # drawing order differs by font
        checked += 1
    assert checked >= 3
    charts = 0
    for number, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            chart = shape.chart
            if "XY" in str(chart.chart_type):     # a timeline: each point labelled with its series' name
                labels = [s.name for s in chart.series]
            else:   # columns: the value labels (the slanted names are drawn as outlines, not text)
                params = "亿" in chart._chartSpace.find(f".//{C}valAx/{C}numFmt").get("formatCode")
                labels = [format_params(v / 10, default_messages()) if params else format_context(v)
                          for s in chart.series for v in s.values if v is not None]
            missing = [n for n in labels if n.replace(" ", "") not in texts[number]]
            assert not missing, (number + 1, missing)
            charts += 1
    assert charts >= 4
