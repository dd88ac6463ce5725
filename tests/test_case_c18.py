"""C18: long table-heavy documents stay within a time and memory budget; the poster has a row limit.

The inputs come from ``shared/cases/inputs/C18/make_big.py`` (a 40-section
lecture of 100-row tables and a data file of 600 models). The handout is built
in a child process; its wall time and peak RSS (``ru_maxrss`` of
``resource.getrusage(RUSAGE_CHILDREN)``, taken inside a wrapper process so no
other child of the test run counts) must stay under budgets set once here.
These are generous bounds against blow-ups, not speed measurements (those live
in ``python -m benchmarks``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import CASES, REPO
from coursepress.writers.poster import MAX_MODELS

TIME_BUDGET_S = 120.0
RSS_BUDGET_MB = 2048.0

# Runs build.py as its own child and prints (seconds, peak RSS of children in MB, exit code, stderr).
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps([seconds, rss_mb, proc.returncode, proc.stderr]))
"""


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("c18")
    subprocess.run([sys.executable, str(CASES / "C18" / "make_big.py")], cwd=folder, check=True)
    return folder / "lecture_big.md", folder / "models_big.yaml"


def test_big_handout_within_time_and_memory_budget(make_project, big_inputs, tmp_path):
    lecture, models = big_inputs
    models_text = "as_of: 2024-06-30\n" + models.read_text(encoding="utf-8")
    root = make_project(lecture=lecture.read_text(encoding="utf-8"), models=models_text)
    out = tmp_path / "out"
    wrapped = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, str(REPO / "build.py"), "pdf",
                              "--project", str(root), "--out", str(out)],
                             capture_output=True, text=True, timeout=TIME_BUDGET_S * 3)
    seconds, rss_mb, code, err = json.loads(wrapped.stdout)
    assert code == 0, err
    assert seconds < TIME_BUDGET_S, f"big handout took {seconds:.0f} s"
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
