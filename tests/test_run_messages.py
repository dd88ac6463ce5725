"""What a run prints, as a new user met it: each warning once and in line order, hints said once,
a template include outside templates/ refused at its line, several targets in one command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, run_build

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


@pytest.mark.parametrize("name, says", [
    ("/etc/passwd", "a file outside templates/"),
    ("../../../etc/passwd", "a file outside templates/"),
    ("handout/no-such.html.j2", "which is neither in the project's templates/ nor the tool's"),
])
def test_template_include_outside_templates_is_refused_at_its_line(make_project, tmp_path: Path, name, says):
    """An include of an absolute name, a name with '..' or a missing name is a plain error at the
    including template's line, not an internal error; '/etc/passwd' is not read as templates/etc/passwd."""
    css = (REPO / "templates/handout/handout.css.j2").read_text(encoding="utf-8")
    root = make_project(files={"templates/handout/handout.css.j2": f'/* mine */\n{{% include "{name}" %}}\n{css}',
                               "templates/etc/passwd": "root:x:0:0:planted"})
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 1, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert f"error: templates/handout/handout.css.j2:2: template refers to '{name}', {says}" in result.err
    assert "docs/customising.md" in result.err
    assert not (tmp_path / "out" / "intro.pdf").exists()


def test_several_outputs_in_one_command(make_project, tmp_path: Path) -> None:
    """`pptx notes` builds both in one run; a word that is no output, or output names after `all`, is a
    usage error (exit 2) that says what to do."""
    root = make_project()
    out = tmp_path / "out"
    result = run_build("pptx", "notes", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.glob("intro*")) == ["intro-notes.pdf", "intro.pptx"]
    assert len(result.out.splitlines()) == 2
    wrong = run_build("pptx", "nots", "--project", str(root), "--out", str(tmp_path / "x"))
    assert wrong.code == 2 and "unexpected argument 'nots': not an output" in wrong.err
    after_all = run_build("all", "pdf", "--project", str(root), "--out", str(tmp_path / "x"))
    assert after_all.code == 2 and "run 'all'" in after_all.err
    assert not (tmp_path / "x").exists()


def test_several_outputs_are_built_all_or_nothing(make_project, tmp_path: Path) -> None:
    """`pdf poster` with a data file that lists no models: the poster fails, so the handout is not
    written either (the outputs of one command land together)."""
    root = make_project(models="models: []\n")
    out = tmp_path / "out"
    result = run_build("pdf", "poster", "--project", str(root), "--out", str(out))
    assert result.code == 1, result.err
    assert "lists no models" in result.err
    assert not list(out.glob("*.pdf"))
    alone = run_build("pdf", "--project", str(root), "--out", str(out))
    assert alone.code == 0 and (out / "intro.pdf").is_file(), alone.err
