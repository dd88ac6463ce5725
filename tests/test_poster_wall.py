"""The poster for the classroom wall (issue 17): legible sizes per sheet, findings, colours, course choices.

Sizes are read back from the PDF (pypdfium2: each character's font size × the
text matrix scale), colours from the poster theme and the page content.
"""

from __future__ import annotations

import pytest

from conftest import REPO, run_build

MINIMAL_COURSE = (REPO / "tests/projects/minimal/content/course.yaml").read_text(encoding="utf-8")


def test_course_without_models_builds_the_rest_and_says_why(make_project, tmp_path):
    root = make_project(models="models: []\n", lecture="---\ntitle: 无数据的一讲\n---\n\n# 引言\n\n本讲不用模型数据。\n")
    out = tmp_path / "out"
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    assert result.err == ""
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["intro.pdf", "intro.pptx"]
    assert "poster.pdf: skipped" in result.out and "lists no models" in result.out


def test_outputs_list_chooses_what_all_builds(make_project, tmp_path):
    root = make_project(course=MINIMAL_COURSE + "outputs: [pdf, poster]\n")
    out = tmp_path / "out"
    result = run_build("all", "--project", str(root), "--out", str(out), "--size", "A4")
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["intro.pdf", "poster.pdf"]
    single = run_build("pptx", "--project", str(root), "--out", str(out))      # a named output is built anyway
    assert single.code == 0 and (out / "intro.pptx").exists()
    bad = make_project(course=MINIMAL_COURSE + "outputs: [pdf, handout]\n", name="bad")
    wrong = run_build("check", "--project", str(bad))
    assert wrong.code == 1 and "course.yaml" in wrong.err and "outputs" in wrong.err
