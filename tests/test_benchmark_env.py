"""The benchmark times builds as an installed copy runs them: with Python's bytecode cache allowed even
when this process's environment turns it off (benchmarks.measure.child_env; issue 20, fourth session)."""

from __future__ import annotations

import sys

from benchmarks.measure import run


def test_timed_processes_may_write_bytecode_whatever_this_environment_says(monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("COURSEPRESS_BENCH_MARK", "kept")
    probe = "import os, sys; print(sys.dont_write_bytecode, os.environ.get('COURSEPRESS_BENCH_MARK'))"
    assert run([sys.executable, "-c", probe]).out.split() == ["False", "kept"]
    assert run([sys.executable, "-c", probe], env={"PYTHONDONTWRITEBYTECODE": "1"}).out.split() == ["False", "None"]
