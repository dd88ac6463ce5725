"""``::: incremental``: list items appear one click at a time in the deck (native build animations,
``p:timing``), and are printed as usual in the handout."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
from lxml import etree
from pptx import Presentation

from conftest import require_soffice, run_build
from readback import NS, page_texts

LECTURE = """\
---
title: 逐步
---
# 部分

## 三个要点

:::: slides
先看总览：

::: incremental
- 第一点
- 第二点
- 第三点
:::
::::

## 直接写

::: incremental
- 甲项
- 乙项
:::
"""
P = f"{{{NS['p']}}}"


@pytest.fixture
def built(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    out = tmp_path / "out"
    for target in ("pptx", "pdf"):
        result = run_build(target, "--project", str(root), "--out", str(out))
        assert result.code == 0 and "warning" not in result.err, result.err
    return out


def _steps(slide) -> tuple[list[str], list[str]]:
    """(texts of the paragraphs that appear on clicks, in click order; texts of those that do not)."""
    timing = slide._element.find(f"{P}timing")
    body = next(sh for sh in slide.shapes if sh.name == "Content")
    paragraphs = [p.text for p in body.text_frame.paragraphs]
    if timing is None:
        return [], paragraphs
    assert slide._element.index(timing) == slide._element.index(slide._element.find(f"{P}clrMapOvr")) + 1
    build = timing.find(f"{P}bldLst/{P}bldP")
    assert build.get("build") == "p" and build.get("spid") == str(body.shape_id)
    ranges = timing.findall(f".//{P}pRg")
    assert all(r.getparent().getparent().get("spid") == str(body.shape_id) for r in ranges)
    clicked = [int(r.get("st")) for r in ranges]
    return [paragraphs[i] for i in clicked], [t for i, t in enumerate(paragraphs) if i not in clicked]


def test_incremental_items_appear_one_click_each(built):
    prs = Presentation(str(built / "intro.pptx"))
    slides = {s.shapes.title.text_frame.text: s for s in prs.slides}
    assert _steps(slides["三个要点"]) == (["第一点", "第二点", "第三点"], ["先看总览："])
    assert _steps(slides["直接写"]) == (["甲项", "乙项"], [])
    assert not any(s._element.find(f"{P}timing") is not None for t, s in slides.items() if t not in ("三个要点", "直接写"))
    handout = "".join(page_texts(built / "intro.pdf"))
    assert "甲项" in handout and "乙项" in handout and "第一点" not in handout   # printed as written, no steps


@pytest.mark.slow
def test_libreoffice_reads_the_steps_as_appear_effects(built, tmp_path):
    soffice = require_soffice()
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "odp",
                    "--outdir", str(tmp_path), str(built / "intro.pptx")], check=True, capture_output=True, timeout=240)
    with zipfile.ZipFile(tmp_path / "intro.odp") as odp:
        content = etree.fromstring(odp.read("content.xml"))
    ns = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
    effects = [el for el in content.iter() if el.get(f"{{{ns}}}preset-id") == "ooo-entrance-appear"
               and el.get(f"{{{ns}}}node-type") == "on-click"]
    assert len(effects) == 5
