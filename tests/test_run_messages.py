"""What a run prints, as a new user met it: each warning once and in line order, hints said once,
a template include outside templates/ refused at its line, several targets in one command."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_build

LECTURE = """\
---
title: Lecture
---

# Part

Water is H<sub>2</sub>O.

::: slides
- Scaling by $\\frac{1}{\\sqrt{d_k}}$ keeps the dot products small.
:::

## Section

A square is x<sup>2</sup>.
"""


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_each_warning_once_per_run_in_line_order(make_project, tmp_path: Path) -> None:
    """The deck, slides and notes outputs plan the same deck and find the same formula problem; the run
    reports it once, among the loading's warnings in file and line order."""
    root = make_project(lecture=LECTURE)
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "outputs: [pptx, slides, notes]\n", encoding="utf-8")
    result = run_build("all", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    found = _warnings(result.err)
    assert len(found) == len(set(found)) == 3, result.err
    lines = [int(re.match(r"warning: content/lectures/intro\.md:(\d+)", w)[1]) for w in found]
    assert lines == [7, 10, 15], result.err
    assert "formula" in found[1]
    for warning in (found[0], found[2]):
        assert warning.count("raw_html: true") == 1, warning
