"""The benchmark cases on our own tool; each returns one or more :class:`~benchmarks.measure.Stats`.

All cases run ``build.py --project COPY`` of a temporary project copy (see :mod:`benchmarks.project`; without
``--project`` the build would take the course of the current folder)
in fresh processes. "Cold" means ``--force`` into a new, empty output folder.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from .measure import CaseFailed, Run, Stats, child_env, python, repeat, run, summarise
from .project import edit_lecture, grow, remove

OUTPUTS = {"handout": "llm-intro.pdf", "deck": "llm-intro.pptx", "poster": "poster.pdf"}


def _fresh_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="coursepress-out-"))


def cold(root: Path, kind: str, runs: int) -> Stats:
    """``build.py KIND --force`` into a fresh output folder each run."""
    build = str(root / "build.py")

    def once() -> Run:
        out = _fresh_dir()
        try:
            return run(python(build, "--project", str(root), kind, "--force", "--out", str(out), "-q"))
        finally:
            remove(out)
    return repeat(f"cold {kind}", once, runs)


def noop(root: Path, runs: int) -> Stats:
    """``build.py all`` when every output is up to date."""
    out = _fresh_dir()
    first = run(python(str(root / "build.py"), "--project", str(root), "all", "--out", str(out), "-q"))
    if first.code:
        raise CaseFailed(f"no-op all: initial build failed: {first.err[-800:]}")
    try:
        return repeat("no-op all", lambda: run(python(str(root / "build.py"), "--project", str(root), "all", "--out", str(out), "-q")), runs)
    finally:
        remove(out)


def _rebuilt(stdout: str) -> list[str]:
    """Names (handout, deck, poster) of the outputs a build's summary lines say were built, not up to date."""
    built = []
    for line in stdout.splitlines():
        for name, file in OUTPUTS.items():
            if file in line and "up to date" not in line:
                built.append(name)
    return built


def one_line_edit(root: Path, runs: int) -> Stats:
    """``build.py all`` after a one-line edit of the lecture; notes which outputs were rebuilt."""
    out = _fresh_dir()
    build = str(root / "build.py")
    first = run(python(build, "--project", str(root), "all", "--out", str(out)))
    if first.code:
        raise CaseFailed(f"edit: initial build failed: {first.err[-800:]}")
    serial = iter(range(1, 1000))
    rebuilt: list[str] = []

    def once() -> Run:
        edit_lecture(root, next(serial))
        result = run(python(build, "--project", str(root), "all", "--out", str(out)))
        rebuilt[:] = _rebuilt(result.out)
        return result
    try:
        stats = repeat("edit lecture → all", once, runs)
    finally:
        remove(out)
    stats.note = "rebuilt: " + (", ".join(rebuilt) or "nothing")
    stats.extra["rebuilt"] = rebuilt
    return stats


def startup(root: Path, runs: int) -> Stats:
    return repeat("build.py --help", lambda: run(python(str(root / "build.py"), "--help")), runs)


def scaling(factors: list[int], kinds: list[str], runs: int) -> list[Stats]:
    """Cold builds of the course grown ``factor``× (lecture sections repeated, models copied)."""
    results = []
    for factor in factors:
        root = grow(factor)
        try:
            for kind in kinds:
                try:
                    stats = cold(root, kind, runs)
                except CaseFailed as exc:
                    stats = Stats(f"{factor}× cold {kind}", 0, float("nan"), float("nan"), float("nan"),
                                  float("nan"), [], f"failed: {str(exc)[:160]}")
                stats.name = f"{factor}× cold {kind}"
                stats.extra["factor"] = factor
                results.append(stats)
        finally:
            remove(root)
    return results


def watch(root: Path, runs: int, timeout_s: float = 120.0, outputs: dict[str, str] = OUTPUTS,
          edit: Callable[[Path, int], None] = edit_lecture, env: Optional[dict] = None) -> list[Stats]:
    """Seconds from saving the lecture to the updated deck and handout on disk, with ``build.py watch`` running.

    The watcher is started once (its first build is not timed); each save waits
    for the watcher's "built in" line of the previous round before the next edit.
    ``outputs``: the file names of the ``handout`` and the ``deck``; ``edit(root, serial)`` makes the save.
    """
    out = _fresh_dir()
    log = tempfile.NamedTemporaryFile("w+", prefix="coursepress-watch-", delete=False)
    proc = subprocess.Popen(python(str(root / "build.py"), "--project", str(root), "watch", "--out", str(out)), stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env(env))
    deck, handout = out / outputs["deck"], out / outputs["handout"]

    def rounds_logged() -> int:
        return len(re.findall(r"\] (built in|build failed)", Path(log.name).read_text()))

    def wait_for(predicate, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise CaseFailed(f"watch: {what}; log:\n{Path(log.name).read_text()[-800:]}")
            time.sleep(0.005)

    deck_runs: list[Run] = []
    handout_runs: list[Run] = []

    def cpu_s() -> float:
        """CPU seconds of the watch process and the build processes it reaped (/proc: utime, stime,
        cutime, cstime); NaN where /proc is missing."""
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")
    try:
        wait_for(lambda: rounds_logged() >= 1, "no first build")
        for i in range(runs + 1):
            seen = rounds_logged()
            before = (deck.stat().st_mtime_ns, handout.stat().st_mtime_ns)
            cpu_before = cpu_s()
            edit(root, 1000 + i)
            saved = time.perf_counter()
            times: dict[str, float] = {}

            def updated() -> bool:
                now = time.perf_counter() - saved
                if "deck" not in times and deck.stat().st_mtime_ns != before[0]:
                    times["deck"] = now
                if "handout" not in times and handout.stat().st_mtime_ns != before[1]:
                    times["handout"] = now
                return len(times) == 2
            wait_for(updated, "outputs not updated after a save")
            wait_for(lambda: rounds_logged() > seen, "round did not finish")
            if i:            # the first save is the warm-up; CPU: the whole round (deck and handout)
                round_cpu = cpu_s() - cpu_before
                deck_runs.append(Run(times["deck"], 0.0, 0, "", "", round_cpu))
                handout_runs.append(Run(times["handout"], 0.0, 0, "", "", round_cpu))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.unlink(log.name)
        remove(out)
    return [summarise("watch: save → deck", deck_runs, "RSS not measured; CPU: the whole round"),
            summarise("watch: save → handout", handout_runs, "RSS not measured; CPU: the whole round")]
