"""Running processes and summarising timings.

A run is one child process started with :func:`run`; its wall time comes from
``time.perf_counter`` around start and reap, its peak memory from the rusage
``os.wait4`` returns for that child: ``ru_maxrss`` (KiB on Linux) is the
largest resident set of the child or of any descendant it waited for (the
build's worker processes), i.e. the same figure
``resource.getrusage(RUSAGE_CHILDREN)`` reports, per run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional


@dataclass
class Run:
    """One finished process: wall ``seconds``, ``peak_rss_mb``, exit ``code``, its stdout/stderr text and
    ``cpu_s``, the user + system CPU seconds of it and the build processes it waited for (rusage: on a
    machine shared with other work, CPU time varies far less than wall time)."""

    seconds: float
    peak_rss_mb: float
    code: int
    out: str
    err: str
    cpu_s: float = float("nan")


def child_env(env: Optional[dict] = None) -> dict:
    """The environment of a timed process: ``env`` (default: this process's) with Python's bytecode cache
    allowed.

    An installed coursepress has its modules compiled when pip installs it, and so has the WeasyPrint the
    Pandoc peer runs; a run from the benchmark's source copy with ``PYTHONDONTWRITEBYTECODE`` set (some
    sandboxes and CI images set it) would compile every coursepress module again in every run: ≈ 0.1 s
    of CPU of the course's cold ``pdf`` (issue 20, fourth session), a cost no installed copy has. The
    warm-up run writes the copy's ``__pycache__``, as it fills the other caches.
    """
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(args: list[str], cwd: Optional[Path] = None, env: Optional[dict] = None) -> Run:
    """Run ``args`` to completion (in :func:`child_env`); stdout and stderr go to temp files (no pipe can
    fill up)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=child_env(env), stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read(), err.read(),
                   usage.ru_utime + usage.ru_stime)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


@dataclass
class Stats:
    """Summary of one case: ``median_s``, ``min_s``, ``max_s`` over ``runs`` timed runs, peak RSS in MB."""

    name: str
    runs: int
    median_s: float
    min_s: float
    max_s: float
    peak_rss_mb: float
    samples_s: list[float]
    note: str = ""
    extra: dict = field(default_factory=dict)
    cpu_median_s: float = float("nan")

    @property
    def spread(self) -> str:
        return f"{self.min_s:.2f}–{self.max_s:.2f}"

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(name: str, runs: list[Run], note: str = "", **extra) -> Stats:
    times = [r.seconds for r in runs]
    return Stats(name, len(runs), statistics.median(times), min(times), max(times),
                 max(r.peak_rss_mb for r in runs), [round(t, 4) for t in times], note, extra,
                 statistics.median(r.cpu_s for r in runs))


def machine_reference(rounds: int = 7) -> dict[str, float]:
    """Speed of this machine on two fixed CPU-bound jobs, in ms (best of ``rounds``).

    ``python_loop_ms``: ``sum(range(10**6))`` (interpreter speed, what our
    pipeline code and WeasyPrint's layout mostly are); ``zlib_ms``: deflate of
    4 MiB of fixed, compressible bytes at level 6 (native code, what PDF
    writing mostly is). Timings on another machine compare through these:
    the same build is roughly as many times slower as these are.
    """
    import zlib

    data = bytes(range(256)) * 16384 + b"coursepress " * 8192       # 4 MiB + 96 KiB, deterministic

    def best(job) -> float:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            job()
            times.append(time.perf_counter() - start)
        return round(min(times) * 1000, 2)

    return {"python_loop_ms": best(lambda: sum(range(10**6))), "zlib_ms": best(lambda: zlib.compress(data, 6))}


def machine_factor(here: dict, there: dict) -> Optional[float]:
    """How many times slower this machine is than ``there`` (geometric mean of the two references), or None."""
    ratios = [here[k] / there[k] for k in ("python_loop_ms", "zlib_ms") if here.get(k) and there.get(k)]
    return statistics.geometric_mean(ratios) if ratios else None


class CaseFailed(RuntimeError):
    """A timed process exited non-zero: the benchmark would be measuring an error path."""


def repeat(name: str, make_run: Callable[[], Run], runs: int, warmup: int = 1,
           setup: Optional[Callable[[], None]] = None, note: str = "") -> Stats:
    """``warmup`` untimed then ``runs`` timed calls of ``make_run`` (``setup`` before each, untimed).

    Raises:
        CaseFailed: a run exited non-zero (its stderr is in the message).
    """
    done: list[Run] = []
    for i in range(warmup + runs):
        if setup:
            setup()
        result = make_run()
        if result.code != 0:
            raise CaseFailed(f"{name}: exit {result.code}: {result.err.strip()[-800:]}")
        if i >= warmup:
            done.append(result)
    return summarise(name, done, note)
