"""``build.py watch`` as a user runs it: a long-lived process that rebuilds on save,
prints one status line per rebuild and survives broken content (issue 5)."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time

from conftest import REPO
from readback import digest

STATUS = re.compile(r"^\[\d\d:\d\d:\d\d\] (built|build failed)")
TIMEOUT_S = 120


class Watcher:
    """The watch process with its stdout and stderr read line by line in the background."""

    def __init__(self, root, out, *options: str):
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), *options, "watch", "--project", str(root), "--out", str(out)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.err: list[str] = []
        self.pending: list[tuple[str, str]] = []     # a line read ahead by next_status, given back first
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name, stream):
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def next_status(self) -> tuple[str, list[str], list[str]]:
        """Wait for the next status line; returns it with the stdout and stderr lines before it."""
        deadline = time.monotonic() + TIMEOUT_S
        out, err = [], []
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no status line within {TIMEOUT_S} s; stdout {out}, stderr {err}"
            assert self.proc.poll() is None, f"watch exited with {self.proc.returncode}; stderr {err}"
            try:
                name, line = self.pending.pop() if self.pending else self.lines.get(timeout=min(remaining, 1))
            except queue.Empty:
                continue
            if name == "err":
                err.append(line)
                self.err.append(line)
            elif STATUS.match(line):
                # stderr is read by another thread: collect what it wrote before the status line; the first
                # stdout line after the status belongs to the next round (on a fast machine it may already
                # be there) and is given back
                while True:
                    try:
                        name, late = self.lines.get(timeout=0.5)
                    except queue.Empty:
                        return line, out, err
                    if name == "out":
                        self.pending.append((name, late))
                        return line, out, err
                    err.append(late)
                    self.err.append(late)
            else:
                out.append(line)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def test_watch_rebuilds_on_save_and_survives_broken_content(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    lecture = root / "content/lectures/intro.md"
    original = lecture.read_text(encoding="utf-8")
    watcher = Watcher(root, out)
    try:
        status, lines, _ = watcher.next_status()
        assert "built" in status, (status, watcher.err)
        assert {line.split(": ")[0].rsplit("/", 1)[-1] for line in lines} == {"intro.pdf", "intro.pptx", "poster.pdf"}
        built = {name: digest(out / name) for name in ("intro.pdf", "intro.pptx", "poster.pdf")}

        lecture.write_text(original.replace("# 总结", "# 总结\n\n保存后新增的一句。"), encoding="utf-8")
        status, lines, err = watcher.next_status()
        assert status.startswith("[") and " built in " in status, (status, err)
        rebuilt = {line.split(": ")[0].rsplit("/", 1)[-1]: line.split(": ", 1)[1] for line in lines}
        assert rebuilt["poster.pdf"] == "up to date" and rebuilt["intro.pdf"] != "up to date", lines
        assert digest(out / "intro.pdf") != built["intro.pdf"]
        assert digest(out / "poster.pdf") == built["poster.pdf"]
        good = {name: digest(out / name) for name in built}

        lecture.write_text(lecture.read_text(encoding="utf-8") + "\n::: bogus\n文字\n:::\n", encoding="utf-8")
        bad_line = lecture.read_text(encoding="utf-8").splitlines().index("::: bogus") + 1
        status, _, err = watcher.next_status()
        assert "build failed" in status, (status, err)
        assert any(f"content/lectures/intro.md:{bad_line}" in line and "unknown container" in line for line in err), err
        assert not any("Traceback" in line for line in err), err
        assert watcher.proc.poll() is None
        assert {name: digest(out / name) for name in built} == good

        lecture.write_text(original, encoding="utf-8")
        status, lines, err = watcher.next_status()
        assert " built in " in status, (status, err)
        assert digest(out / "intro.pdf") != good["intro.pdf"]
    finally:
        watcher.stop()
    assert not any("Traceback" in line for line in watcher.err), watcher.err


def test_a_save_during_the_first_build_is_built_next(make_project, tmp_path):
    """The watcher runs before the first build: a save made while it builds (here: after the deck, its first
    output, is on disk and before the round's status line) starts a second round with the saved text."""
    root = make_project()
    lecture = root / "content/lectures/intro.md"
    watcher = Watcher(root, tmp_path / "out")
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            assert time.monotonic() < deadline and watcher.proc.poll() is None, "no output line from the first build"
            try:
                name, line = watcher.lines.get(timeout=1)
            except queue.Empty:
                continue
            assert not STATUS.match(line), f"the first round ended before an output line: {line}"
            if name == "out" and line.endswith(" s"):           # an output of the first round is done
                break
        lecture.write_text(lecture.read_text(encoding="utf-8") + "\n保存于第一次构建期间。\n", encoding="utf-8")
        first, _out, _err = watcher.next_status()
        assert " built in " in first
        second, out, err = watcher.next_status()
        assert " built in " in second, (second, out, err)
        assert any("intro.pdf" in line for line in out), out
    finally:
        watcher.stop()
