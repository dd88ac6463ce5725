"""A picture named by a web address (issue 20, new-user trial): Markdown ``![alt](https://…)`` and HTML
``<img src="https://…">`` behave alike, as Pandoc does without network access: the build goes on with one
warning per picture at its file:line saying what to do, and the outputs show the description as a link to
the address (handout and deck), never fetching it."""

from __future__ import annotations

import pypdf
from pptx import Presentation

from conftest import append_course, run_build

LECTURE = """---
title: 远程图片
---

# 图片在网上

![远程示意图](https://example.com/figs/diagram.png)

正文里也有一张 ![行内远程图](https://example.com/inline.png) 图。

<img src="https://example.com/html.png" alt="网页图">

| 列 | 图 |
|----|----|
| 一 | ![表中远程图](https://example.com/cell.png) |
"""
ADDRESSES = {"远程示意图": "https://example.com/figs/diagram.png", "行内远程图": "https://example.com/inline.png",
             "网页图": "https://example.com/html.png", "表中远程图": "https://example.com/cell.png"}


def test_web_pictures_warn_once_and_show_their_description_as_a_link(make_project, tmp_path):
    root = append_course(make_project(lecture=LECTURE), "markdown:\n  raw_html: true\n")
    out = tmp_path / "out"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning")]
    # one warning per picture, at its own line, with what to do
    lines = {"diagram.png": 7, "inline.png": 9, "html.png": 11, "cell.png": 15}
    assert len(warnings) == len(lines), warnings
    for name, line in lines.items():
        hits = [w for w in warnings if name in w]
        assert len(hits) == 1 and f"intro.md:{line}:" in hits[0] and "never fetch" in hits[0], (name, warnings)
    assert result.err.count("download the picture into the project") == len(lines)

    reader = pypdf.PdfReader(out / "intro.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    uris = {str(annot.get_object()["/A"]["/URI"]) for page in reader.pages for annot in page.get("/Annots") or []
            if "/URI" in annot.get_object().get("/A", {})}
    for alt, address in ADDRESSES.items():
        assert alt in text, alt
        assert address in uris, (address, uris)

    deck = Presentation(str(out / "intro.pptx"))
    runs = [run for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
            for para in shape.text_frame.paragraphs for run in para.runs]
    cells = [run for slide in deck.slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells for para in cell.text_frame.paragraphs
             for run in para.runs]
    linked = {run.text: run.hyperlink.address for run in runs + cells if run.hyperlink.address}
    for alt, address in ADDRESSES.items():
        assert linked.get(alt) == address, (alt, linked)

