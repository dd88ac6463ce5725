"""Tables on slides (issue 13, item 3): one baseline per row whatever the script, numbers kept with
their units. Rendered by LibreOffice and read back with pdfium (glyph origins = baselines)."""

from __future__ import annotations

import ctypes
import os
import subprocess
import zipfile

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from lxml import etree

from conftest import REPO, require_soffice, run_build
from readback import NS

ROWS = [("GPT-4", "1750 亿", "闭源，通过 API 提供"),
        ("Qwen-7B", "70 亿", "open weights"),
        ("文心一言", "2600 亿", "ERNIE Bot")]
LECTURE = "---\ntitle: 表\n---\n# 部分\n\n## 对比\n\n| 模型 | 参数量 | 说明 |\n|---|---|---|\n" + \
    "".join(f"| {a} | {b} | {c} |\n" for a, b, c in ROWS)
A = f"{{{NS['a']}}}"


def _deck(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0 and "warning" not in result.err, result.err
    return tmp_path / "out/intro.pptx"


def test_cells_have_one_line_height_and_units_stay_with_numbers(make_project, tmp_path):
    path = _deck(make_project, tmp_path)
    with zipfile.ZipFile(path) as z:
        slides = [etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("ppt/slides/slide")]
    cells = [tc for s in slides for tc in s.iter(f"{A}tc")]
    assert len(cells) == 3 * (len(ROWS) + 1)
    heights = {p.find(f"{A}pPr/{A}lnSpc/{A}spcPts").get("val") for tc in cells for p in tc.iter(f"{A}p")}
    assert len(heights) == 1                                   # an exact line height, the same everywhere
    texts = ["".join(t.text for t in tc.iter(f"{A}t")) for tc in cells]
    for _, number, _ in ROWS:
        assert number.replace(" ", "\u00a0") in texts              # no break between number and unit


def _origins(pdf) -> tuple[str, list[tuple[float, float]]]:
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[[i for i in range(len(doc)) if "GPT-4" in doc[i].get_textpage().get_text_range()][0]]
    textpage = page.get_textpage()
    text, origins = "", []
    for k in range(textpage.count_chars()):
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, k, ctypes.byref(x), ctypes.byref(y))
        text += textpage.get_text_range(k, 1)
        origins.append((x.value, y.value))
    return text, origins


@pytest.mark.slow
def test_libreoffice_sets_each_row_on_one_baseline(make_project, tmp_path):
    soffice = require_soffice()
    path = _deck(make_project, tmp_path)
    # the machine's fonts plus the shipped ones, as on a lecturer's machine with our fonts installed:
    # the theme's Latin face (Calibri) resolves to another face than the Chinese one (Noto Sans CJK SC)
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                    f'<dir>{REPO / "assets/fonts"}</dir>\n<cachedir>{tmp_path / "fc"}</cachedir>\n</fontconfig>\n')
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=240,
                   env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    text, origins = _origins(tmp_path / "intro.pdf")
    for row in ROWS:
        baselines = []
        for cell in row:
            k = text.index(cell.split(" ")[0].split("，")[0])
            baselines.append(origins[k][1])
            number = cell.split(" ")[0]
            if number.isdigit():              # the unit is on the number's line
                unit = text.index(cell.split(" ")[1], k)
                assert abs(origins[unit][1] - origins[k][1]) <= 1.0, cell
        assert max(baselines) - min(baselines) <= 1.0, (row, baselines)
