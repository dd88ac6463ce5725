"""The HTML handout test project (tests/projects/html-site), built once per test session.

Two lectures with inline and numbered display formulas, a formula too long for a phone, code with a
long line, a ten-column table, a model table, a chart, a bitmap figure used twice, footnotes (one
cited twice), cross-references and a bibliography entry. ``outputs: [pdf, html]``, so ``all`` builds
the PDF handouts the HTML is compared with.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import PROJECTS, run_build


@dataclass(frozen=True)
class Site:
    root: Path          # the project
    out: Path           # its output folder
    html: Path          # out/html, the site

    def page(self, name: str) -> str:
        return (self.html / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def html_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("html-site") / "proj"
    shutil.copytree(PROJECTS / "html-site", root)
    out = root / "dist"
    result = run_build("all", "--project", str(root), "--out", str(out), "--force")
    assert result.code == 0, result.err
    assert "warning" not in result.err, result.err          # a stray warning is a failure
    return Site(root, out, out / "html")


@pytest.fixture(scope="session")
def course_html(course_build) -> tuple[Path, Path]:
    """The real course's HTML handout, built beside the shared build of its other outputs: (out, out/html)."""
    out, _result = course_build
    result = run_build("html", "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    return out, out / "html"
