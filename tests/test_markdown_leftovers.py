"""Issue 12 leftovers: HTML inline formatting on slides, HTML-block figure lines, pictures in table
cells and headings, undeclared data columns."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from pptx import Presentation

from coursepress.errors import ContentErrors
from coursepress.load import load_course
from conftest import run_build

RAW_HTML = "markdown:\n  raw_html: true\n"


def with_course(root: Path, extra: str) -> Path:
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + textwrap.dedent(extra), encoding="utf-8")
    return root


def problems_of(root: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) of loading ``root``, as printed strings."""
    try:
        _course, problems = load_course(root)
    except ContentErrors as exc:
        return [str(e) for e in exc.errors], [str(w) for w in exc.warnings]
    return [], [str(w) for w in problems.warnings]


def test_sup_sub_u_kbd_keep_their_formatting_on_slides_and_in_the_handout(make_project):
    body = "# 一\n\n::: slides\n- 面积 10<sup>3</sup> 平方米，H<sub>2</sub>O，<u>重点</u>，按 <kbd>Ctrl</kbd> 键\n:::\n"
    root = with_course(make_project(lecture=body), RAW_HTML)
    out = root / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and not result.err.strip(), result.err
    runs = {}
    for slide in Presentation(str(out / "intro.pptx")).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    for run in para.runs:
                        runs.setdefault(run.text.strip(), run._r)
    assert runs["3"].rPr.get("baseline") == "30000"
    assert runs["2"].rPr.get("baseline") == "-25000"
    assert runs["重点"].rPr.get("u") == "sng"
    latin = runs["Ctrl"].rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}latin")
    assert latin is not None and "Mono" in latin.get("typeface")
    assert all(runs[k].rPr.get("baseline") is None and runs[k].rPr.get("u") is None for k in runs if "面积" in k)
    course, _ = load_course(root)
    html = course.lectures[0].sections[0].blocks[0]
    styled = [n for item in html.blocks[0].items for p in item.blocks for n in p.children if n.kind == "styled"]
    assert [(n.style, n.children[0].text) for n in styled] == [("sup", "3"), ("sub", "2"), ("u", "重点"), ("kbd", "Ctrl")]
