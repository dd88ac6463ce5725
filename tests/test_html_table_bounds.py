"""HTML tables (``raw_html`` on) stay bounded (issue 14's rule, second reading of issue 20's sixth session):
``colspan``/``rowspan`` multiply a few bytes into many grid cells, and twenty rows of one cell spanning
1000 × 1000 took 5 GB and half a minute to read; a pull request could stop the course's CI with 900 bytes."""

from __future__ import annotations

import resource
import subprocess
import sys

from conftest import REPO, append_course
from coursepress import model as m
from coursepress.load import load_course

BOMB = "".join('<tr><td rowspan="1000" colspan="1000">炸</td></tr>' for _ in range(20))
BODY = ('# 一\n\n<table><tr><th>甲</th><th>乙</th></tr><tr><td rowspan="2">丙</td><td>丁</td></tr>'
        f'<tr><td>戊</td></tr></table>\n\n<table>{BOMB}</table>\n')
LIMIT = 2 * 1024 ** 3        # address space of the checking process, bytes (the reading took 5 GB)


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def test_spans_cannot_blow_a_table_up(make_project):
    root = append_course(make_project(lecture=BODY), "markdown:\n  raw_html: true\n")
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project", str(root)],
                          capture_output=True, text=True, cwd=REPO, timeout=600, preexec_fn=_limited)
    assert proc.returncode == 0 and "error" not in proc.stderr, proc.stderr

    course, _problems = load_course(root)
    blocks = course.lectures[0].sections[0].blocks
    tables = [b for b in blocks if isinstance(b, m.Table)]
    assert len(tables) == 1                                 # the ordinary spanned table is still a table
    assert [[m.plain_text(c.children) for c in row] for row in tables[0].rows] == [["丙", "丁"], ["", "戊"]]
    texts = " ".join(m.plain_text(b.children) for b in blocks if isinstance(b, m.Paragraph))
    assert texts.count("炸") == 20                          # the oversized one is kept as its text
