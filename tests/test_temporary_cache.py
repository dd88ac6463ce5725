"""A build with no per-user cache keeps its caches in a private temporary folder for the process
(:mod:`coursepress.cachedir`), and removes it when it ends: also a one-shot build, which ends without the
interpreter's teardown (:func:`coursepress.cli.exit_now`), and the process that loads the course beside it
(:mod:`coursepress.overlap`). Each left ≈ 3.5 MB behind (fontconfig's cache, font subsets …) on every
build before (issue 20, second reading)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.parametrize("targets", [["pdf"], ["pdf", "pptx"]], ids=["one-shot-overlap", "parallel"])
def test_a_build_without_a_user_cache_leaves_no_temporary_folder(make_project, tmp_path, targets):
    root = make_project()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    env["TMPDIR"] = str(temporary)
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), *targets, "--project", str(root),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "intro.pdf").is_file()
    assert sorted(p.name for p in temporary.iterdir() if p.name.startswith("coursepress-")) == []
