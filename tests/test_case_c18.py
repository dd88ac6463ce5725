"""C18: long table-heavy documents stay within a memory ceiling and finish; the poster has a row limit.

The inputs come from ``shared/cases/inputs/C18/make_big.py`` (a 40-section
lecture of 100-row tables and a data file of 600 models). The handout is built
in a child process; its peak RSS (``ru_maxrss`` of
``resource.getrusage(RUSAGE_CHILDREN)``, taken inside a wrapper process so no
other child of the test run counts) must stay under a generous ceiling. No
wall-clock budget is asserted (a timed test fails on a busy machine): the time
of this build is measured by ``python -m benchmarks`` (the 16× cases); the
subprocess timeout here only stops a hang.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import CASES, REPO
from coursepress.writers.poster.writer import MAX_MODELS

HANG_TIMEOUT_S = 900
RSS_BUDGET_MB = 2048.0

# Runs build.py as its own child and prints (peak RSS of children in MB, exit code, stderr).
WRAPPER = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps([rss_mb, proc.returncode, proc.stderr]))
"""


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("c18")
    subprocess.run([sys.executable, str(CASES / "C18" / "make_big.py")], cwd=folder, check=True)
    return folder / "lecture_big.md", folder / "models_big.yaml"


@pytest.mark.slow
def test_big_handout_within_memory_ceiling(make_project, big_inputs, tmp_path):
    lecture, models = big_inputs
    models_text = "as_of: 2024-06-30\n" + models.read_text(encoding="utf-8")
    root = make_project(lecture=lecture.read_text(encoding="utf-8"), models=models_text)
    out = tmp_path / "out"
    wrapped = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, str(REPO / "build.py"), "pdf",
                              "--project", str(root), "--out", str(out)],
                             capture_output=True, text=True, timeout=HANG_TIMEOUT_S)
    rss_mb, code, err = json.loads(wrapped.stdout)
    assert code == 0, err
    assert rss_mb < RSS_BUDGET_MB, f"big handout peaked at {rss_mb:.0f} MB"
    reader = PdfReader(out / "intro.pdf")
    assert len(reader.pages) > 50
    text = "".join(page.extract_text() for page in reader.pages[-3:])
    assert "第40节第100行" in "".join(text.split())      # drops line breaks and the ¼ em CJK/Latin gaps


def test_poster_with_600_models_fails_with_the_row_limit(make_project, big_inputs, tmp_path):
    _, models = big_inputs
    root = make_project(models="as_of: 2024-06-30\n" + models.read_text(encoding="utf-8"))
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "poster", "--project", str(root),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert f"poster holds at most {MAX_MODELS} models" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "poster.pdf").exists()
