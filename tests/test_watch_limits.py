"""The per-output time limit holds in ``watch`` as in a one-shot build (issue 20, second reading).

``watch`` builds the handout in a thread of the watching process (:mod:`coursepress.writers.relayout`
keeps its layout there); a thread gets no ``SIGALRM``, so the limit must reach it another way, and a
handout past its limit must fail that round only, not end the watch."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from test_watch import Watcher


def test_a_handout_past_its_time_limit_in_watch_fails_the_round_and_the_watch_goes_on(make_project, tmp_path):
    root = make_project()
    course = root / "content/course.yaml"
    # 6 ms: any real layout takes longer; the deck and the poster too, so the handout is built beside them
    course.write_text(course.read_text(encoding="utf-8") + "limits:\n  output_minutes: 0.0001\n", encoding="utf-8")
    watcher = Watcher(root, tmp_path / "out")
    try:
        status, _out, err = watcher.next_status()
        assert "build failed" in status, (status, err)
        text = "\n".join(err)
        assert "the handout of lecture 'intro' ran past the time limit" in text, text
        assert "Traceback" not in text
        assert not (tmp_path / "out" / "intro.pdf").exists()
        lecture = root / "content/lectures/intro.md"
        lecture.write_text(lecture.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
        status, _out, err = watcher.next_status()       # the watch is still there for the next save
        assert "the handout of lecture 'intro' ran past the time limit" in "\n".join(err), err
    finally:
        watcher.stop()


def test_a_thread_running_python_past_its_limit_is_stopped_with_the_limit_message():
    """The signal timer reaches only the main thread; a thread running Python is stopped by the first
    timer with the same :class:`OutputTimeout`, and the process goes on (the second timer, here 20 s
    after a 0.06 s limit, would end it)."""
    script = ("import threading\n"
              "import coursepress.watchdog as w\n"
              "w.GRACE_S = 20\n"
              "caught = []\n"
              "def job():\n"
              "    try:\n"
              "        with w.time_limit(0.001, \"the handout of lecture 'x'\"), w.step('laying out pages'):\n"
              "            while True:\n"
              "                pass\n"
              "    except w.OutputTimeout as exc:\n"
              "        caught.append(str(exc))\n"
              "t = threading.Thread(target=job); t.start(); t.join()\n"
              "print(caught[0])\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "the handout of lecture 'x' ran past the time limit of 0.001 minutes while laying out pages" \
        in proc.stdout


@pytest.mark.parametrize("where", ["main", "thread"])
def test_a_stop_a_library_swallows_still_fails_the_output(where):
    """WeasyPrint draws an SVG (a formula, a chart) inside ``except BaseException`` and carries on; the time
    limit's stop landing there must not let a half-drawn output through as if on time."""
    script = ("import threading, time\n"
              "import coursepress.watchdog as w\n"
              "w.GRACE_S = 20\n"
              "caught = []\n"
              "def job():\n"
              "    try:\n"
              "        with w.time_limit(0.001, \"the handout of lecture 'x'\"), w.step('drawing the pages'):\n"
              "            end = time.monotonic() + 1.0\n"
              "            while time.monotonic() < end:\n"
              "                try:\n"
              "                    while time.monotonic() < end:\n"
              "                        pass\n"
              "                except BaseException:\n"
              "                    pass\n"
              "        caught.append('finished')\n"
              "    except w.OutputTimeout as exc:\n"
              "        caught.append(str(exc))\n"
              + ("job()\n" if where == "main" else "t = threading.Thread(target=job); t.start(); t.join()\n") +
              "print(caught[0])\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "the handout of lecture 'x' ran past the time limit of 0.001 minutes while drawing the pages" \
        in proc.stdout, proc.stdout
